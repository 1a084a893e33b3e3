"""The per-person page cache (ikmo/pagecache.py): hits, and never a stale or foreign page.

These tests commit for real (transactional_db): the generation is raised after commit, and a
test inside one long transaction would never see a commit.
"""

import pytest
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ikmo import pagecache
from organisations.models import Organisation, StaffRole
from tests.actionfund.factories import CallFactory, draft, submitted

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.IKMO_PAGE_CACHE_SECONDS = 60


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_second_look_is_served_from_the_cache_with_only_the_sign_in_queries(project_lead):
    client = signed_in(project_lead)
    first = client.get(reverse("organisations:directory"))
    assert first["X-Page-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        second = client.get(reverse("organisations:directory"))
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    # Session, user, staff roles, second factor: nothing of the page itself.
    assert len(queries) <= 4, [q["sql"] for q in queries]
    # The middleware after the view still ran: the security headers are there.
    assert "Content-Security-Policy" in second
    assert second["X-Frame-Options"] == "DENY"
    # Kept by our own cache, by no proxy or browser: both looks say private, no-store.
    assert first["Cache-Control"] == second["Cache-Control"] == "private, no-store"


def test_any_committed_write_shows_at_once_also_without_model_signals(project_lead, org):
    client = signed_in(project_lead)
    client.get(reverse("organisations:directory"))
    assert client.get(reverse("organisations:directory"))["X-Page-Cache"] == "hit"

    # QuerySet.update() sends no signal; the write is still seen.
    Organisation.objects.filter(pk=org.pk).update(name="Umbenannt durch Update e.V.")
    page = client.get(reverse("organisations:directory"))
    assert page["X-Page-Cache"] == "miss"
    assert "Umbenannt durch Update e.V." in page.content.decode()

    # Raw SQL too.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE organisations_organisation SET name = %s WHERE id = %s",
            ["Umbenannt per SQL e.V.", org.pk],
        )
    assert (
        "Umbenannt per SQL e.V." in client.get(reverse("organisations:directory")).content.decode()
    )


def test_a_transaction_raises_the_generation_once_on_commit_and_not_on_rollback(org):
    start = pagecache.generation()
    with transaction.atomic():
        for n in range(5):
            Organisation.objects.filter(pk=org.pk).update(name=f"Name {n}")
        assert pagecache.generation() == start  # not before the commit
    assert pagecache.generation() == start + 1

    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic():
        Organisation.objects.filter(pk=org.pk).update(name="Never committed")
        raise Rollback
    assert pagecache.generation() == start + 1


def test_session_writes_do_not_empty_the_cache(project_lead):
    client = signed_in(project_lead)
    start = pagecache.generation()
    session = client.session
    session["something"] = "changed"
    session.save()
    client.get(reverse("organisations:directory"))
    assert pagecache.generation() == start


def test_nobody_gets_another_persons_cached_page(org_admin, other_org_admin, org, other_org):
    call = CallFactory()
    draft(call=call, organisation=org, by=org_admin, title="Projekt der Organisation A")
    draft(call=call, organisation=other_org, by=other_org_admin, title="Projekt der Organisation B")
    mine = signed_in(org_admin)
    theirs = signed_in(other_org_admin)
    url = reverse("actionfund:application_list")
    assert "Projekt der Organisation A" in mine.get(url).content.decode()
    assert mine.get(url)["X-Page-Cache"] == "hit"

    page = theirs.get(url)
    assert page["X-Page-Cache"] == "miss"
    html = page.content.decode()
    assert "Projekt der Organisation B" in html
    assert "Projekt der Organisation A" not in html


def test_a_lost_role_is_not_outlived_by_a_cached_page(project_lead):
    client = signed_in(project_lead)
    url = reverse("reporting:dashboard")
    assert client.get(url).status_code == 200
    assert client.get(url)["X-Page-Cache"] == "hit"
    StaffRole.objects.filter(user=project_lead).delete()


def test_language_and_query_string_are_part_of_the_key(project_lead):
    client = signed_in(project_lead)
    url = reverse("organisations:directory")
    german = client.get(url, headers={"accept-language": "de"})
    english = client.get(url, headers={"accept-language": "en"})
    assert german["Content-Language"] == "de" and english["Content-Language"] == "en"
    assert english["X-Page-Cache"] == "miss"
    assert "Organisationen" in german.content.decode()
    assert "Organisations" in english.content.decode()
    assert client.get(url + "?q=zzz")["X-Page-Cache"] == "miss"


def test_pending_messages_are_shown_not_swallowed_by_a_cached_page(project_lead, rf):
    client = signed_in(project_lead)
    url = reverse("organisations:directory")
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    # A flash message waiting in its cookie (as after a redirect from a form).
    storage = CookieStorage(rf.get("/"))
    storage.add(messages.SUCCESS, "Gespeichert: Ihre Änderung ist da.")
    carrier = HttpResponse()
    storage.update(carrier)
    client.cookies[storage.cookie_name] = carrier.cookies[storage.cookie_name].value
    page = client.get(url)
    assert "X-Page-Cache" not in page
    assert "Gespeichert: Ihre Änderung ist da." in page.content.decode()


def test_routes_outside_the_list_and_anonymous_visitors_are_never_cached(project_lead, org):
    client = signed_in(project_lead)
    detail = reverse("organisations:detail", args=[org.pk])
    client.get(detail)
    assert "X-Page-Cache" not in client.get(detail)
    # Nor the timeline loaded into it (htmx), which no browser may keep either: the same
    # address answers the list alone to htmx and a whole page without it.
    timeline = reverse("organisations:timeline", args=[org.pk])
    for headers in ({"HX-Request": "true"}, {}):
        client.get(timeline, headers=headers)
        again = client.get(timeline, headers=headers)
        assert "X-Page-Cache" not in again
        assert again["Cache-Control"] == "private, no-store"
    anonymous = Client()
    assert "X-Page-Cache" not in anonymous.get(reverse("home"))


def test_switched_off_it_caches_nothing(project_lead, settings):
    settings.IKMO_PAGE_CACHE_SECONDS = 0
    client = signed_in(project_lead)
    client.get(reverse("organisations:directory"))
    assert "X-Page-Cache" not in client.get(reverse("organisations:directory"))


def test_every_cached_route_exists():
    from django.urls import NoReverseMatch

    assert "qualification:workshop_list" in pagecache.cached_routes()
    for name in pagecache.cached_routes():
        try:
            reverse(name)
        except NoReverseMatch:
            pytest.fail(f"{name} in cached_routes() is not a route without arguments")


def test_an_application_submitted_elsewhere_shows_in_the_leads_list(project_lead, org, org_admin):
    client = signed_in(project_lead)
    url = reverse("actionfund:application_list")
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    submitted(organisation=org, by=org_admin, title="Neu eingereicht")
    assert "Neu eingereicht" in client.get(url).content.decode()


def test_roles_and_second_factor_are_remembered_until_they_change(consultant):
    from allauth.mfa.models import Authenticator

    client = signed_in(consultant)
    url = reverse("mentoring:contact_list")
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    tables = " ".join(q["sql"] for q in queries)
    assert "organisations_staffrole" not in tables
    assert "mfa_authenticator" not in tables

    # The second factor removed: the very next request must enrol again.
    Authenticator.objects.filter(user=consultant).delete()
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == reverse("mfa_required")

    # The role taken away: the next request is refused.
    from tests.conftest import enrol_mfa

    enrol_mfa(consultant)
    StaffRole.objects.filter(user=consultant).delete()


def test_a_request_reads_the_generation_once_and_forgets_it_after_its_own_write(org):
    from unittest import mock

    from django.core.cache import cache as real_cache

    seen = []

    def view(request):
        seen.append(pagecache.generation())
        seen.append(pagecache.generation())
        Organisation.objects.filter(pk=org.pk).update(name="Im selben Request geändert e.V.")
        seen.append(pagecache.generation())
        return HttpResponse("ok")

    pagecache.generation()  # the counter exists, as on a running site
    with mock.patch.object(real_cache, "get", wraps=real_cache.get) as cache_get:
        pagecache.request_scope(view)(None)
    generation_reads = [
        c for c in cache_get.call_args_list if c.args[0] == pagecache.GENERATION_KEY
    ]
    assert len(generation_reads) == 2  # once at the start, once after its own write
    assert seen[0] == seen[1] and seen[2] == seen[1] + 1
