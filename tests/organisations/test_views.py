"""The registry in the browser: registration, decisions, joining, members, profile, directory."""

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ikmo.models import AuditEntry
from organisations.models import FieldOfWork, Membership, Organisation, SpokenLanguage
from tests import factories
from tests.organisations.conftest import organisation_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def field(slug_or_index=0):
    return FieldOfWork.objects.order_by("pk")[slug_or_index]


def language(index=0):
    return SpokenLanguage.objects.order_by("pk")[index]


def profile_data(**overrides) -> dict:
    data = {
        "name": "Treffpunkt Wedding e.V.",
        "kind": "mo",
        "legal_form": "ev",
        "founding_year": "2012",
        "stage": "established",
        "district": factories.district("Mitte").pk,
        "fields_of_work": [field(0).pk, field(1).pk],
        "languages": [language(0).pk],
        "communities_served": "Westafrikanische Familien",
        "description": "Wir beraten Familien.",
        "email": "kontakt@treffpunkt.example",
        "phone": "030 123456",
        "street": "Müllerstraße 1",
        "postcode": "13353",
        "website": "https://treffpunkt.example",
    }
    data.update(overrides)
    return data


class TestRegistration:
    def test_register_page_needs_login(self, client):
        response = client.get(reverse("organisations:register"))
        assert response["Location"].startswith(reverse("account_login"))

    def test_a_person_registers_their_organisation(
        self, english, project_lead, django_capture_on_commit_callbacks
    ):
        applicant = factories.UserFactory()
        english.force_login(applicant)
        with django_capture_on_commit_callbacks(execute=True):
            response = english.post(reverse("organisations:register"), profile_data())
        organisation = Organisation.objects.get(name="Treffpunkt Wedding e.V.")
        assert response.status_code == 302
        assert response["Location"] == organisation.get_absolute_url()
        assert organisation.status == Organisation.Status.PENDING
        assert set(organisation.fields_of_work.all()) == {field(0), field(1)}
        assert Membership.objects.get(organisation=organisation).user == applicant
        assert [m.to for m in mail.outbox] == [[project_lead.email]]

        detail = english.get(response["Location"])
        assert detail.status_code == 200
        page = detail.content.decode()
        assert "Waiting for approval" in page
        assert "is registered" in page  # the success message

    def test_invalid_registration_keeps_everything_typed(self, english):
        english.force_login(factories.UserFactory())
        response = english.post(
            reverse("organisations:register"), profile_data(postcode="ABC", website="nope")
        )
        assert response.status_code == 200
        assert not Organisation.objects.filter(name="Treffpunkt Wedding e.V.").exists()
        page = response.content.decode()
        for typed in ["Treffpunkt Wedding e.V.", "Westafrikanische Familien", "Müllerstraße 1"]:
            assert typed in page
        assert 'value="ABC"' in page
        assert "five digits" in page
        form = response.context["form"]
        assert set(form.errors) == {"postcode", "website"}
        assert [str(v) for v in form["fields_of_work"].value()] == [
            str(field(0).pk),
            str(field(1).pk),
        ]


class TestDecisionViews:
    def test_the_queue_lists_the_pending_registrations_oldest_first(self, client, project_lead):
        from datetime import timedelta

        from django.utils import timezone

        now = timezone.now()
        fields = list(FieldOfWork.objects.all()[:1])
        newer = organisation_with(status=Organisation.Status.PENDING, fields=fields)
        older = organisation_with(status=Organisation.Status.PENDING)
        approved = organisation_with(status=Organisation.Status.APPROVED)
        for organisation, days in ((newer, 1), (older, 5), (approved, 9)):
            Organisation.objects.filter(pk=organisation.pk).update(
                created_at=now - timedelta(days=days)
            )
        client.force_login(project_lead)
        page = client.get(reverse("organisations:registrations"))
        assert list(page.context["pending"]) == [older, newer]
        assert page.context["page"].paginator.count == 2
        assert str(fields[0]) in page.content.decode()

    def test_project_lead_sees_the_queue_and_approves(
        self, client, project_lead, pending_org, django_capture_on_commit_callbacks
    ):
        client.force_login(project_lead)
        queue = client.get(reverse("organisations:registrations"))
        assert pending_org.name in queue.content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("organisations:approve", args=[pending_org.pk]))
        assert response["Location"] == reverse("organisations:registrations")
        pending_org.refresh_from_db()
        assert pending_org.status == Organisation.Status.APPROVED
        assert [m.to for m in mail.outbox] == [["applicant@neuanfang.example"]]
        assert list(client.get(queue.wsgi_request.path).context["pending"]) == []

    def test_rejecting_without_a_reason_is_refused_with_a_message(
        self, english, project_lead, pending_org
    ):
        english.force_login(project_lead)
        response = english.post(
            reverse("organisations:reject", args=[pending_org.pk]), {"reason": ""}
        )
        assert response["Location"] == pending_org.get_absolute_url()
        assert any("give a reason" in m for m in messages_of(response))
        pending_org.refresh_from_db()
        assert pending_org.status == Organisation.Status.PENDING

    def test_rejection_with_reason_mails_the_applicant(
        self, client, project_lead, pending_org, django_capture_on_commit_callbacks
    ):
        client.force_login(project_lead)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                reverse("organisations:reject", args=[pending_org.pk]),
                {"reason": "Bitte meldet euch telefonisch."},
            )
        pending_org.refresh_from_db()
        assert pending_org.status == Organisation.Status.REJECTED
        assert "Bitte meldet euch telefonisch." in mail.outbox[0].body

    def test_deciding_twice_shows_a_message(self, english, project_lead, pending_org):
        english.force_login(project_lead)
        english.post(reverse("organisations:approve", args=[pending_org.pk]))
        response = english.post(reverse("organisations:approve", args=[pending_org.pk]))
        assert any("already been decided" in m for m in messages_of(response))


class TestJoining:
    def test_search_finds_approved_organisations_not_yet_joined(self, client, org, pending_org):
        person = factories.UserFactory()
        client.force_login(person)
        response = client.get(reverse("organisations:join"), {"q": "brückenbau"})
        assert list(response.context["results"]) == [org]
        response = client.get(reverse("organisations:join"), {"q": "Neuanfang"})
        assert list(response.context["results"]) == []

    def test_join_request_reaches_the_admins_and_they_accept(
        self, client, org, org_admin, django_capture_on_commit_callbacks
    ):
        person = factories.UserFactory(email="joiner@example.org")
        client.force_login(person)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("organisations:join_request", args=[org.pk]), {"message": "Hallo!"}
            )
        assert response["Location"] == reverse("home")
        membership = Membership.objects.get(user=person, organisation=org)
        assert membership.status == Membership.Status.PENDING
        assert [m.to for m in mail.outbox] == [[org_admin.email]]
        # Pending: the organisation stays closed to them.
        assert client.get(org.get_absolute_url()).status_code == 404

        client.force_login(org_admin)
        members_page = client.get(reverse("organisations:members", args=[org.pk]))
        assert "joiner@example.org" in members_page.content.decode()
        assert "Hallo!" in members_page.content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                reverse("organisations:member_action", args=[org.pk, membership.pk, "approve"])
            )
        membership.refresh_from_db()
        assert membership.status == Membership.Status.ACTIVE
        assert mail.outbox[-1].to == ["joiner@example.org"]

        client.force_login(person)
        assert client.get(org.get_absolute_url()).status_code == 200

    def test_admin_declines_a_join_request(self, client, org, org_admin):
        membership = factories.MembershipFactory(organisation=org, status=Membership.Status.PENDING)
        client.force_login(org_admin)
        client.post(reverse("organisations:member_action", args=[org.pk, membership.pk, "decline"]))
        membership.refresh_from_db()
        assert membership.status == Membership.Status.REJECTED

    def test_pending_organisations_cannot_be_joined_by_url(self, client, pending_org):
        client.force_login(factories.UserFactory())
        response = client.post(reverse("organisations:join_request", args=[pending_org.pk]))
        assert response.status_code == 404

    def test_too_long_join_message_is_refused(self, english, org):
        person = factories.UserFactory()
        english.force_login(person)
        response = english.post(
            reverse("organisations:join_request", args=[org.pk]), {"message": "x" * 501}
        )
        assert any("too long" in m for m in messages_of(response))
        assert not Membership.objects.filter(user=person).exists()


class TestMemberManagement:
    def test_change_role_through_the_members_page(self, client, org, org_admin, org_member):
        client.force_login(org_admin)
        membership = Membership.objects.get(user=org_member)
        response = client.post(
            reverse("organisations:member_action", args=[org.pk, membership.pk, "role"]),
            {"role": "admin"},
        )
        assert response["Location"] == reverse("organisations:members", args=[org.pk])
        membership.refresh_from_db()
        assert membership.role == Membership.Role.ADMIN

    def test_demoting_the_last_admin_is_refused_with_a_message(self, english, org, org_admin):
        english.force_login(org_admin)
        membership = Membership.objects.get(user=org_admin)
        response = english.post(
            reverse("organisations:member_action", args=[org.pk, membership.pk, "role"]),
            {"role": "member"},
            follow=True,
        )
        assert "at least one admin" in response.content.decode()
        membership.refresh_from_db()
        assert membership.role == Membership.Role.ADMIN

    def test_removing_the_last_admin_is_refused_with_a_message(self, english, org, org_admin):
        english.force_login(org_admin)
        membership = Membership.objects.get(user=org_admin)
        response = english.post(
            reverse("organisations:member_action", args=[org.pk, membership.pk, "remove"]),
            follow=True,
        )
        assert "at least one admin" in response.content.decode()
        assert Membership.objects.filter(pk=membership.pk).exists()

    def test_invalid_role_value_gives_a_message(self, english, org, org_admin, org_member):
        english.force_login(org_admin)
        membership = Membership.objects.get(user=org_member)
        response = english.post(
            reverse("organisations:member_action", args=[org.pk, membership.pk, "role"]),
            {"role": "superuser"},
        )
        assert any("valid role" in m for m in messages_of(response))
        membership.refresh_from_db()
        assert membership.role == Membership.Role.MEMBER

    def test_remove_a_member(self, client, org, org_admin, org_member):
        client.force_login(org_admin)
        membership = Membership.objects.get(user=org_member)
        client.post(reverse("organisations:member_action", args=[org.pk, membership.pk, "remove"]))
        assert not Membership.objects.filter(pk=membership.pk).exists()
        client.force_login(org_member)
        assert client.get(org.get_absolute_url()).status_code == 404


class TestProfileEditing:
    def test_org_admin_saves_the_profile(self, english, org, org_admin):
        english.force_login(org_admin)
        response = english.post(
            reverse("organisations:edit", args=[org.pk]), profile_data(name=org.name)
        )
        assert response["Location"] == org.get_absolute_url()
        org.refresh_from_db()
        assert org.communities_served == "Westafrikanische Familien"
        assert org.postcode == "13353"
        assert any("has been saved" in m for m in messages_of(response))
        entry = AuditEntry.objects.get(action="organisations.organisation.updated")
        assert entry.actor == org_admin
        assert entry.changes["postcode"] == ["", "13353"]

    def test_validation_errors_keep_the_typed_values(self, english, org, org_admin):
        english.force_login(org_admin)
        typed = profile_data(
            name="Neuer Name für den Verein",
            postcode="12",
            phone="ruf an!",
            description="Ein langer Text, der nicht verloren gehen darf.",
        )
        response = english.post(reverse("organisations:edit", args=[org.pk]), typed)
        assert response.status_code == 200
        page = response.content.decode()
        assert 'value="Neuer Name für den Verein"' in page
        assert 'value="12"' in page
        assert 'value="ruf an!"' in page
        assert "Ein langer Text, der nicht verloren gehen darf." in page
        assert 'value="Westafrikanische Familien"' in page
        assert set(response.context["form"].errors) == {"postcode", "phone"}
        assert "is-invalid" in page
        org.refresh_from_db()
        assert org.name == "Brückenbau Test e.V."  # nothing saved
        assert not AuditEntry.objects.filter(action="organisations.organisation.updated").exists()

    def test_a_name_taken_by_another_organisation_is_refused(
        self, client, org, org_admin, other_org
    ):
        client.force_login(org_admin)
        response = client.post(
            reverse("organisations:edit", args=[org.pk]), profile_data(name=other_org.name.upper())
        )
        assert response.status_code == 200
        assert "name" in response.context["form"].errors


class TestDirectory:
    @pytest.fixture
    def orgs(self, db):
        f_health, f_youth = field(0), field(1)
        arabic, turkish = language(0), language(1)
        return {
            "a": organisation_with(
                name="Alpha Gesundheit",
                district=factories.district("Neukölln"),
                kind=Organisation.Kind.MIGRANT_ORGANISATION,
                communities_served="Syrische Familien",
                fields=[f_health],
                langs=[arabic],
            ),
            "b": organisation_with(
                name="Beta Jugend",
                district=factories.district("Spandau"),
                kind=Organisation.Kind.REFUGEE_INITIATIVE,
                fields=[f_youth],
                langs=[turkish],
            ),
            "c": organisation_with(
                name="Gamma Bezirksamt",
                district=factories.district("Neukölln"),
                kind=Organisation.Kind.PUBLIC_ADMINISTRATION,
                legal_form=Organisation.LegalForm.PUBLIC_BODY,
                fields=[f_health, f_youth],
                langs=[],
            ),
        }

    @staticmethod
    def names(client, **params) -> list[str]:
        response = client.get(reverse("organisations:directory"), params)
        assert response.status_code == 200
        return [o.name for o in response.context["page"]]

    def test_filters_return_the_right_rows(self, client, consultant, orgs):
        client.force_login(consultant)
        all_names = ["Alpha Gesundheit", "Beta Jugend", "Gamma Bezirksamt"]
        assert self.names(client) == all_names
        neukoelln = factories.district("Neukölln").pk
        assert self.names(client, district=neukoelln) == ["Alpha Gesundheit", "Gamma Bezirksamt"]
        assert self.names(client, kind="refugee_initiative") == ["Beta Jugend"]
        assert self.names(client, field=field(0).pk) == ["Alpha Gesundheit", "Gamma Bezirksamt"]
        assert self.names(client, field=field(1).pk) == ["Beta Jugend", "Gamma Bezirksamt"]
        assert self.names(client, language=language(1).pk) == ["Beta Jugend"]
        assert self.names(client, q="syrisch") == ["Alpha Gesundheit"]
        assert self.names(client, q="beta") == ["Beta Jugend"]
        assert self.names(client, district=neukoelln, field=field(1).pk) == ["Gamma Bezirksamt"]
        assert self.names(client, q="nichts dergleichen") == []

    def test_status_filter_and_pending_rows(self, client, project_lead, orgs, pending_org):
        client.force_login(project_lead)
        assert self.names(client, status="pending") == [pending_org.name]

    def test_invalid_filter_values_do_not_break_the_page(self, client, consultant, orgs):
        client.force_login(consultant)
        response = client.get(reverse("organisations:directory"), {"district": "abc", "page": "x"})
        assert response.status_code == 200

    def test_rows_show_district_fields_and_languages(self, english, consultant, orgs):
        english.force_login(consultant)
        page = english.get(reverse("organisations:directory")).content.decode()
        assert "Spandau" in page
        assert field(1).name_en in page
        assert language(1).name_en in page

    def test_query_count_does_not_grow_with_organisations(self, client, consultant):
        client.force_login(consultant)
        fields, langs = list(FieldOfWork.objects.all()[:3]), list(SpokenLanguage.objects.all()[:2])

        def count_for(n):
            Organisation.objects.all().delete()
            for _ in range(n):
                organisation_with(fields=fields, langs=langs)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(reverse("organisations:directory"))
            assert response.status_code == 200
            assert len(response.context["page"]) == n
            return len(queries)

        assert count_for(15) == count_for(3)


def timeline_of(client, organisation, query="", htmx=True):
    """The organisation's timeline fragment, as the organisation page's htmx request asks it."""
    url = reverse("organisations:timeline", args=[organisation.pk]) + query
    return client.get(url, headers={"HX-Request": "true"} if htmx else {})


class TestDetailTimeline:
    def test_timeline_shows_registry_events(self, english, consultant, pending_org, project_lead):
        from organisations import services

        services.organisation_approve(organisation=pending_org, by=project_lead)
        pending_org.refresh_from_db()
        person = factories.UserFactory(first_name="Amina", last_name="Testperson")
        membership = services.membership_request(user=person, organisation=pending_org)
        admin = Membership.objects.get(organisation=pending_org, role="admin").user
        services.membership_approve(membership=membership, by=admin)

        english.force_login(consultant)
        response = timeline_of(english, pending_org)
        titles = [str(e.title) for e in response.context["events"]]
        assert "Registered in the portal" in titles
        assert "Registration approved" in titles
        assert "Amina Testperson joined" in titles
        # Newest first.
        assert titles[0] == "Amina Testperson joined"
        fragment = response.content.decode()
        assert "Registration approved" in fragment
        assert "Registry" in fragment
        # Only the list: it goes into the page that asked for it.
        assert fragment.lstrip().startswith('<ol class="timeline')
        assert "<html" not in fragment

    def test_members_see_their_organisations_timeline_too(self, english, org, org_admin):
        from organisations import services

        person = factories.UserFactory(first_name="Bilal", last_name="Beispiel")
        services.membership_approve(
            membership=services.membership_request(user=person, organisation=org), by=org_admin
        )
        english.force_login(person)
        response = timeline_of(english, org)
        assert response.status_code == 200
        titles = [str(e.title) for e in response.context["events"]]
        assert titles[0] == "Bilal Beispiel joined"
        assert "Registered in the portal" in titles

    def test_registered_event_without_approval_while_pending(
        self, english, project_lead, pending_org
    ):
        english.force_login(project_lead)
        titles = [str(e.title) for e in timeline_of(english, pending_org).context["events"]]
        assert "Registered in the portal" in titles
        assert "Registration approved" not in titles
        page = english.get(pending_org.get_absolute_url()).content.decode()
        assert "Decide on this registration" in page

    def test_other_apps_feed_the_timeline_through_one_interface(
        self, english, consultant, org, monkeypatch
    ):
        from datetime import timedelta

        from django.utils import timezone

        from organisations import timeline

        def provider(organisation, user, limit):
            yield timeline.TimelineEvent(
                when=timezone.now() + timedelta(days=1),
                title="Workshop attended",
                subproject="qualification",
                url="/qualification/",
            )

        apps_providers = timeline.providers()
        monkeypatch.setattr(timeline, "providers", lambda: [*apps_providers, provider])
        english.force_login(consultant)
        response = timeline_of(english, org)
        assert str(response.context["events"][0].title) == "Workshop attended"
        fragment = response.content.decode()
        assert "Qualification &amp; coaching" in fragment
        assert '<a href="/qualification/">Workshop attended</a>' in fragment

    def test_the_organisation_page_loads_the_timeline_once_it_is_shown(
        self, client, consultant, org
    ):
        client.force_login(consultant)
        url = reverse("organisations:timeline", args=[org.pk])
        with CaptureQueriesContext(connection) as queries:
            page = client.get(org.get_absolute_url()).content.decode()
        # No provider ran: neither the registry's entries nor another app's tables.
        assert "Registered in the portal" not in page and "Im Portal registriert" not in page
        assert not any("qualification_coachingsession" in q["sql"] for q in queries)
        section = page.split('id="activity"')[1].split("</section>")[0]
        assert f'hx-get="{url}"' in section
        assert 'hx-trigger="load"' in section
        assert 'aria-busy="true"' in section
        assert 'class="spinner-border' in section and 'role="status"' in section
        assert 'class="visually-hidden">Die Aktivitäten werden geladen …</span>' in section
        # Without JavaScript the link opens the timeline as a page of its own.
        assert f'<a href="{url}">Aktivitäten anzeigen</a>' in section
        assert "data-load-error=" in section

    def test_without_javascript_the_timeline_is_a_page_of_its_own(self, client, org, org_member):
        client.force_login(org_member)
        response = timeline_of(client, org, htmx=False)
        assert response.status_code == 200
        page = response.content.decode()
        assert "<html" in page
        assert f'<a href="{org.get_absolute_url()}"><bdi>{org.name}</bdi></a>' in page
        assert "Im Portal registriert" in page

    @pytest.mark.parametrize(
        "query", ["", "?limit=30", "?limit=100000", "?limit=abc", "?limit=%00"]
    )
    def test_the_timeline_has_one_length(self, client, org, consultant, query):
        """A length in the address (as the application page once asked for) changes nothing."""
        client.force_login(consultant)
        response = timeline_of(client, org, query=query)
        assert response.status_code == 200
        assert response.context["limit"] == 50

    def test_unknown_or_malformed_organisations_are_404(self, client, consultant):
        client.force_login(consultant)
        assert client.get(reverse("organisations:timeline", args=[999999])).status_code == 404
        assert client.get("/organisations/abc/timeline/").status_code == 404


class TestQueryCounts:
    """List-like pages cost the same number of queries for 3 rows as for 12."""

    @staticmethod
    def queries(client, url) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    def test_detail_and_members_pages(self, client, org, org_admin):
        client.force_login(org_admin)
        detail = org.get_absolute_url()
        members = reverse("organisations:members", args=[org.pk])
        for _ in range(2):
            factories.member_of(org)
        counts_small = (self.queries(client, detail), self.queries(client, members))
        for _ in range(9):
            factories.member_of(org)
        factories.MembershipFactory(organisation=org, status=Membership.Status.PENDING)
        counts_large = (self.queries(client, detail), self.queries(client, members))
        assert counts_large == counts_small

    def test_registration_queue(self, client, project_lead):
        fields = list(FieldOfWork.objects.all()[:2])
        url = reverse("organisations:registrations")
        client.force_login(project_lead)
        for _ in range(3):
            organisation_with(status=Organisation.Status.PENDING, fields=fields)
        small = self.queries(client, url)
        for _ in range(9):
            organisation_with(status=Organisation.Status.PENDING, fields=fields)
        assert self.queries(client, url) == small

    def test_home_page_of_a_person_in_many_organisations(self, client):
        person = factories.UserFactory()
        client.force_login(person)
        for _ in range(3):
            factories.MembershipFactory(user=person)
        client.get(reverse("home"))  # per-process caches (content types) filled once
        small = self.queries(client, reverse("home"))
        for _ in range(9):
            factories.MembershipFactory(user=person)
        assert self.queries(client, reverse("home")) == small


@pytest.mark.parametrize(
    ("first", "last", "shown"),
    [("Amira", "Beispiel", "Amira Beispiel"), ("", "", "menu-person@example.org")],
)
def test_the_user_menu_names_the_person_and_falls_back_to_the_address(client, first, last, shown):
    import re

    user = factories.UserFactory(email="menu-person@example.org", first_name=first, last_name=last)
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    toggles = re.findall(r'class="nav-link dropdown-toggle"[^>]*>([^<]*)</a>', html)
    # The last drop-down of the navigation bar is the account menu.
    assert toggles and toggles[-1].strip() == shown


def test_the_timeline_shows_the_newest_entries_and_loads_no_more(client, org, consultant):
    """Years of history cost no more than a new organisation: each source loads at most the
    timeline's limit of rows, and the timeline says it shows the newest."""
    from organisations.timeline import LIMIT
    from tests.qualification.test_services import _session

    for days_ago in range(LIMIT + 5):
        _session(org, consultant, days_ago=days_ago)
    client.force_login(consultant)
    with CaptureQueriesContext(connection) as queries:
        timeline = timeline_of(client, org).content.decode()
    sessions_sql = next(q["sql"] for q in queries if "qualification_coachingsession" in q["sql"])
    assert f"LIMIT {LIMIT}" in sessions_sql
    assert timeline.count("<li>") == LIMIT
    assert f"Die {LIMIT} neuesten Einträge." in timeline
