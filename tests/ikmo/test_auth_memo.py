"""The signed-in person, their roles and second factor come from the shared cache
(ikmo/auth.py), also with the page cache off, and any committed change is seen at once.

These tests commit for real (transactional_db): the data generation rises after commit.
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ikmo import pagecache
from organisations.models import StaffRole, User

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


def _tables(queries) -> str:
    return " ".join(q["sql"] for q in queries)


def test_after_the_first_request_nothing_of_the_person_is_read_from_the_database(project_lead):
    client = signed_in(project_lead)
    assert client.get(URL).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    tables = _tables(queries)
    assert "django_session" not in tables  # ikmo/sessions.py
    assert 'FROM "organisations_user"' not in tables
    assert "organisations_staffrole" not in tables
    assert "mfa_authenticator" not in tables


def test_the_cache_keeps_no_password_hash(project_lead):
    signed_in(project_lead).get(URL)
    cached = cache.get(f"ikmo:memo:{pagecache.generation()}:user:{project_lead.pk}")
    assert cached is not None and cached.pk == project_lead.pk
    assert "password" not in cached.__dict__
    assert cached.get_session_auth_hash() == project_lead.get_session_auth_hash()


def test_a_changed_password_signs_out_the_other_sessions_at_once(project_lead):
    client = signed_in(project_lead)
    assert client.get(URL).status_code == 200
    user = User.objects.get(pk=project_lead.pk)
    user.set_password("ein-ganz-neues-Passwort-2026")
    user.save()
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("account_login") in response.url


def test_a_deactivated_account_is_signed_out_at_once(project_lead):
    client = signed_in(project_lead)
    assert client.get(URL).status_code == 200
    User.objects.filter(pk=project_lead.pk).update(is_active=False)
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("account_login") in response.url


def test_a_lost_role_and_a_lost_second_factor_take_effect_at_once(project_lead):
    from allauth.mfa.models import Authenticator

    client = signed_in(project_lead)
    assert client.get(URL).status_code == 200
    Authenticator.objects.filter(user=project_lead).delete()
    response = client.get(URL)
    assert response.status_code == 302 and response.url == reverse("mfa_required")

    from tests.conftest import enrol_mfa

    enrol_mfa(project_lead)
    assert client.get(URL).status_code == 200
    StaffRole.objects.filter(user=project_lead).delete()
    assert client.get(URL).status_code == 403


def test_the_menu_is_remembered_and_follows_a_lost_membership_at_once(org_admin):
    from organisations.models import Membership

    client = signed_in(org_admin)
    my_registrations = reverse("qualification:my_registrations")
    assert my_registrations in client.get(reverse("home")).content.decode()
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("home"))
    # The menu's membership checks are not run again for the second page.
    menu_reads = [q for q in queries if "organisations_membership" in q["sql"]]
    with CaptureQueriesContext(connection) as first_look:
        cache.clear()
        client.get(reverse("home"))
    assert len(menu_reads) < len([q for q in first_look if "organisations_membership" in q["sql"]])

    Membership.objects.filter(user=org_admin).delete()
    assert my_registrations not in client.get(reverse("home")).content.decode()


def test_each_process_keeps_its_copy_until_any_data_changes(project_lead):
    client = signed_in(project_lead)
    assert client.get(URL).status_code == 200
    key = f"ikmo:memo:{pagecache.generation()}:user:{project_lead.pk}"
    assert cache.get(key) is not None
    # Gone from Redis: this process still has its copy under the same generation, so the
    # next page reads the person neither from the database nor from Redis.
    cache.delete(key)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    assert 'FROM "organisations_user"' not in _tables(queries)
    assert cache.get(key) is None

    # A committed change raises the generation: the copy is not used any more.
    User.objects.filter(pk=project_lead.pk).update(is_active=False)
    response = client.get(URL)
    assert response.status_code == 302 and reverse("account_login") in response.url


def test_every_request_gets_a_copy_of_its_own():
    first = pagecache.remember("test:copies", lambda: {"roles": ["lead"]})
    first["roles"].append("changed by one request")
    second = pagecache.remember("test:copies", lambda: {"roles": ["computed again"]})
    assert second == {"roles": ["lead"]}
    assert second is not first


def test_nothing_is_kept_in_the_process_while_memos_are_off(settings):
    settings.IKMO_MEMO_SECONDS = 0
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert [pagecache.remember("test:off", compute) for _ in range(2)] == [1, 2]
    assert "test:off" not in pagecache._local


def test_pages_get_the_person_themselves_not_a_lazy_stand_in(project_lead):
    from django.contrib.auth.models import AnonymousUser
    from django.template import Context, Template
    from django.utils.functional import SimpleLazyObject

    response = signed_in(project_lead).get(URL)
    assert response.status_code == 200
    user = response.wsgi_request.user
    assert type(user) is User and not isinstance(user, SimpleLazyObject)
    assert user.pk == project_lead.pk and user.staff_role_set  # loaded as ikmo/auth.py does
    anonymous = Client().get(reverse("home"))
    assert type(anonymous.wsgi_request.user) is AnonymousUser
    # What templates read of it is the same.
    shown = Template("{{ user.email }} {{ user.is_authenticated }}").render(Context({"user": user}))
    assert shown == f"{project_lead.email} True"

    # Signing out within a request still leaves nobody signed in for the rest of it.
    client = signed_in(project_lead)
    response = client.post(reverse("account_logout"))
    assert type(response.wsgi_request.user) is AnonymousUser
    assert client.get(URL).status_code == 302
