"""Sessions read through the shared cache (ikmo/sessions.py): no stale sign-in survives a
sign-out, a race with it or a Redis outage, and copies do not pile up in Redis.

These tests commit for real (transactional_db): the data generation rises after commit.
"""

from unittest import mock

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ikmo import pagecache
from ikmo.sessions import SessionStore

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/reporting/periods/"


@pytest.fixture(autouse=True)
def _memo_on(settings):
    settings.IKMO_PAGE_CACHE_SECONDS = 0
    settings.IKMO_MEMO_SECONDS = 60
    cache.clear()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def same_session(client: Client) -> Client:
    """A second browser tab (or a stolen cookie): the same session key."""
    other = Client()
    other.cookies[settings.SESSION_COOKIE_NAME] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return other


def _session_read(queries) -> bool:
    return any("django_session" in q["sql"] for q in queries)


def test_signing_out_ends_the_session_for_every_tab_at_once(project_lead):
    client = signed_in(project_lead)
    tab = same_session(client)
    assert tab.get(URL).status_code == 200
    assert tab.get(URL).status_code == 200  # now served from the cached copy

    client.post(reverse("account_logout"))

    response = tab.get(URL)
    assert response.status_code == 302
    assert reverse("account_login") in response.url


def test_a_copy_written_back_by_a_request_racing_with_the_sign_out_is_never_read(project_lead):
    client = signed_in(project_lead)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    # A request that read the row just before the sign-out...
    racing = SessionStore(key)
    stale_key = racing.cache_key
    stale_data = racing.decode(racing._get_session_from_db().session_data)

    client.post(reverse("account_logout"))
    # ...writes it back into the cache after the deletion.
    cache.set(stale_key, stale_data, 60)

    response = same_session(client).get(URL)
    assert response.status_code == 302
    assert reverse("account_login") in response.url


def test_a_copy_read_from_the_database_never_overwrites_a_newer_save(project_lead):
    client = signed_in(project_lead)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    # A request missed the cache and read the row...
    reader = SessionStore(key)
    old_row = reader._get_session_from_db()

    # ...then another request saved a change (row and cache)...
    writer = SessionStore(key)
    writer["note"] = "newer"
    writer.save()

    # ...and only now does the first one put what it read into the cache.
    def missed(key):
        return pagecache.generation(), None

    with (
        mock.patch("ikmo.pagecache.get_under_generation", side_effect=missed),
        mock.patch.object(SessionStore, "_get_session_from_db", return_value=old_row),
    ):
        assert "note" not in reader.load()
    assert SessionStore(key).load()["note"] == "newer"


def test_while_redis_is_away_sessions_come_from_the_database_only(project_lead):
    client = signed_in(project_lead)
    assert client.get(URL).status_code == 200
    with mock.patch("ikmo.pagecache.cache_is_shared", return_value=False):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        assert _session_read(queries)
        client.post(reverse("account_logout"))  # deletes the row, cannot reach the cache
    # Redis answers again: the copy from before the sign-out is not used.
    response = client.get(URL)
    assert response.status_code == 302


def test_cached_copies_live_no_longer_than_the_memo_time(project_lead, settings):
    settings.IKMO_MEMO_SECONDS = 45
    client = signed_in(project_lead)
    cache.clear()
    with mock.patch.object(cache, "add", wraps=cache.add) as add:
        assert client.get(URL).status_code == 200
    timeouts = [
        call.args[2] for call in add.call_args_list if call.args[0].startswith("ikmo:session:")
    ]
    assert timeouts == [45]


def test_without_memos_the_cache_is_not_used(project_lead, settings):
    settings.IKMO_MEMO_SECONDS = 0
    client = signed_in(project_lead)
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        assert _session_read(queries)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert cache.get(f"ikmo:session:{pagecache.generation()}:{key}") is None


@pytest.fixture
def redis_commands():
    """The commands this process sends to Redis (name and arguments), while active."""
    import redis

    from ikmo.cache import ResilientRedisCache

    assert isinstance(caches["default"], ResilientRedisCache), "the cache is Redis's here"
    sent = []
    real = redis.Redis.execute_command

    def spy(self, *args, **options):
        sent.append(tuple(str(a) for a in args))
        return real(self, *args, **options)

    with mock.patch.object(redis.Redis, "execute_command", spy):
        yield sent


def _generation_reads(sent) -> list[str]:
    return [
        command[0]
        for command in sent
        if command[0] != "TOUCH" and any(pagecache.GENERATION_KEY in word for word in command)
    ]


@pytest.mark.services
def test_a_signed_in_page_reads_the_generation_and_its_session_in_one_round_trip(
    project_lead, redis_commands
):
    client = signed_in(project_lead)
    assert client.get(URL).status_code == 200  # the copy of the session is in the cache now
    redis_commands.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    assert not _session_read(queries)
    # One script reads both (EVALSHA), never a GET of the generation and one of the session.
    assert _generation_reads(redis_commands) == ["EVALSHA"]
    assert not [c for c in redis_commands if c[0] == "GET" and "ikmo:session:" in c[1]]


@pytest.mark.services
def test_the_session_read_in_one_round_trip_is_the_one_under_the_current_generation(
    project_lead, redis_commands
):
    client = signed_in(project_lead)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get(URL).status_code == 200
    current = pagecache.generation()
    template = f"ikmo:session:{{generation}}:{key}"
    # Outside a request: the script's answer is what two plain reads give.
    found = pagecache.get_under_generation(template)
    assert found == (current, cache.get(f"ikmo:session:{current}:{key}"))
    assert found[1] is not None and "_auth_user_id" in found[1]
    # A copy left under an older generation is not what it reads.
    cache.set(f"ikmo:session:{current}:{key}", {"stale": True}, 60)
    pagecache.bump()
    assert pagecache.get_under_generation(template) == (current + 1, None)
    assert client.get(URL).status_code == 200  # read from the database, copied again
    assert "_auth_user_id" in cache.get(f"ikmo:session:{current + 1}:{key}")


@pytest.mark.services
def test_with_no_generation_yet_the_session_read_starts_one(project_lead, redis_commands):
    client = signed_in(project_lead)
    cache.delete(pagecache.GENERATION_KEY)  # flushed, or its lease ran out in an outage
    assert client.get(URL).status_code == 200
    assert cache.get(pagecache.GENERATION_KEY) is not None
