"""The applicant journey and the staff pages, through the test client."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionfund import services
from actionfund.models import Application, BudgetLine, Status, StatusChange
from ikmo.models import OutboundEmail
from tests import factories

from .factories import approved, draft, in_review, submitted

pytestmark = pytest.mark.django_db


def edit_url(application, step):
    return reverse("actionfund:application_edit", args=[application.pk, step])


class TestApplicantJourney:
    def test_public_call_page_lists_the_criteria(self, client, call):
        response = client.get(call.get_absolute_url())
        assert response.status_code == 200
        assert "Beitrag zur Teilhabe" in response.content.decode()
        assert call.title in client.get(reverse("actionfund:home")).content.decode()

    def test_unpublished_calls_are_hidden_from_the_public(self, client, call):
        call.is_published = False
        call.save()
        assert client.get(call.get_absolute_url()).status_code == 404

    def test_start_steps_budget_preview_and_submit(
        self, client_for, call, org, org_admin, other_org
    ):
        client = client_for(org_admin)
        response = client.post(
            reverse("actionfund:application_start", args=[call.pk]), {"organisation": org.pk}
        )
        application = Application.objects.get()
        assert response.url == edit_url(application, "basics")
        assert application.status == Status.DRAFT

        # "Next" requires the step's fields; nothing typed is lost on the error page.
        response = client.post(
            edit_url(application, "basics"),
            {"title": "Kiezfest", "summary": "", "district": "", "action": "next"},
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert 'value="Kiezfest"' in page
        assert "data-error-summary" in page
        application.refresh_from_db()
        # What was typed is the server draft already, also when the step is not complete.
        assert application.title == "Kiezfest"

        # "Save draft" stores partial input on the server.
        client.post(edit_url(application, "basics"), {"title": "Kiezfest", "action": "save"})
        application.refresh_from_db()
        assert application.title == "Kiezfest"

        district = factories.district()
        response = client.post(
            edit_url(application, "basics"),
            {
                "title": "Kiezfest",
                "summary": "Ein Fest.",
                "district": district.pk,
                "action": "next",
            },
        )
        assert response.url == edit_url(application, "project")
        response = client.post(
            edit_url(application, "project"),
            {
                "goals": "Begegnung",
                "target_group": "Nachbar*innen",
                "activities": "Fest im Juni",
                "start_date": "2026-06-01",
                "end_date": "2026-05-01",
                "action": "next",
            },
        )
        assert "Das Projekt kann nicht vor dem Beginn enden." in response.content.decode()
        response = client.post(
            edit_url(application, "project"),
            {
                "goals": "Begegnung",
                "target_group": "Nachbar*innen",
                "activities": "Fest im Juni",
                "start_date": "2026-06-01",
                "end_date": "2026-06-30",
                "action": "next",
            },
        )
        assert response.url == edit_url(application, "partners")
        client.post(edit_url(application, "partners"), {"action": "next"})

        budget = {
            "lines-TOTAL_FORMS": "2",
            "lines-INITIAL_FORMS": "0",
            "lines-MIN_NUM_FORMS": "0",
            "lines-MAX_NUM_FORMS": "30",
            "lines-0-category": "fees",
            "lines-0-description": "Musik",
            "lines-0-amount": "1000.00",
            "lines-1-category": "catering",
            "lines-1-description": "Essen",
            "lines-1-amount": "600.00",
            "action": "next",
        }
        # 1600 EUR is above the single-organisation ceiling (1500): refused, input kept.
        response = client.post(edit_url(application, "budget"), budget)
        assert response.status_code == 200
        assert 'value="600,00"' in response.content.decode()  # stored, German notation
        # Both lines are valid on their own, so the draft keeps them; the page shows them
        # with their new ids, so sending it again cannot add them twice.
        stored = list(BudgetLine.objects.order_by("position"))
        assert [line.description for line in stored] == ["Musik", "Essen"]
        assert f'value="{stored[1].pk}"' in response.content.decode()
        # As a cooperation the higher ceiling applies, once the partner has accepted.
        client.post(
            reverse("actionfund:partner_invite", args=[application.pk]),
            {"organisation": other_org.pk},
        )
        invitation = application.partner_invitations.get()
        services.partner_invitation_accept(
            invitation=invitation,
            consent=True,
            by=factories.member_of(other_org, role="admin"),
        )
        budget.update(
            {
                "lines-INITIAL_FORMS": "2",
                "lines-0-id": str(stored[0].pk),
                "lines-1-id": str(stored[1].pk),
            }
        )
        response = client.post(edit_url(application, "budget"), budget)
        assert response.url == edit_url(application, "attachments")
        application.refresh_from_db()
        assert str(application.requested_amount) == "1600.00"

        response = client.get(edit_url(application, "preview"))
        page = response.content.decode()
        assert "Kiezfest" in page and "Sonnenblume" in page
        token = response.context["submit_form"].initial["token"]

        submit = reverse("actionfund:application_submit", args=[application.pk])
        response = client.post(submit, {"token": token, "confirm": "on"})
        assert response.url == application.get_absolute_url()
        # A double click sends the same form again: nothing new happens.
        response = client.post(submit, {"token": token, "confirm": "on"})
        assert response.url == application.get_absolute_url()
        application.refresh_from_db()
        assert application.status == Status.SUBMITTED
        assert StatusChange.objects.filter(to_status=Status.SUBMITTED).count() == 1
        # One confirmation (besides the partner's "accepted" message before).
        assert OutboundEmail.objects.filter(to=org_admin.email).count() == 2

        response = client.get(reverse("actionfund:application_list"))
        assert "Kiezfest" in response.content.decode()
        detail = client.get(application.get_absolute_url()).content.decode()
        assert "Eingereicht" in detail
        # Submitted applications cannot be edited any more.
        assert client.get(edit_url(application, "basics")).status_code == 403

    def test_submit_needs_the_confirmation(self, client_for, org, org_admin):
        application = draft(organisation=org, by=org_admin)
        response = client_for(org_admin).post(
            reverse("actionfund:application_submit", args=[application.pk]),
            {"token": application.submission_token},
        )
        assert response.status_code == 200
        application.refresh_from_db()
        assert application.status == Status.DRAFT

    def test_an_information_request_is_answered_by_resubmitting(
        self, client_for, org, org_admin, fund_lead
    ):
        application = submitted(organisation=org, by=org_admin)
        lead = client_for(fund_lead)
        lead.post(
            reverse("actionfund:application_transition", args=[application.pk]),
            {"to_status": Status.INFO_REQUESTED, "note": "Bitte Flyer beilegen."},
        )
        application.refresh_from_db()
        assert application.status == Status.INFO_REQUESTED
        client = client_for(org_admin)
        page = client.get(edit_url(application, "basics")).content.decode()
        assert "Bitte Flyer beilegen." in page
        token = client.get(edit_url(application, "preview")).context["submit_form"].initial["token"]
        client.post(
            reverse("actionfund:application_submit", args=[application.pk]),
            {"token": token, "confirm": "on"},
        )
        application.refresh_from_db()
        assert application.status == Status.SUBMITTED


class TestUploads:
    def _post(self, client, application, name, content):
        from django.core.files.uploadedfile import SimpleUploadedFile

        return client.post(
            edit_url(application, "attachments"),
            {
                "action": "upload",
                "description": "Angebot",
                "file": SimpleUploadedFile(name, content),
            },
        )

    def test_a_pdf_is_accepted_and_downloadable_by_the_organisation(
        self, client_for, org, org_admin, settings, tmp_path
    ):
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": tmp_path},
            },
        }
        application = draft(organisation=org, by=org_admin)
        client = client_for(org_admin)
        response = self._post(client, application, "angebot.pdf", b"%PDF-1.4\n%test\n")
        assert response.status_code == 302
        attachment = application.attachments.get()
        assert attachment.content_type == "application/pdf"
        assert not attachment.file.name.endswith("angebot.pdf")  # random stored name
        url = reverse("actionfund:attachment_download", args=[application.pk, attachment.pk])
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF")

    def test_a_renamed_executable_is_refused_with_a_message(
        self, client_for, org, org_admin, settings, tmp_path
    ):
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": tmp_path},
            },
        }
        application = draft(organisation=org, by=org_admin)
        response = self._post(
            client_for(org_admin), application, "brief.pdf", b"MZ\x90\x00not a pdf"
        )
        assert response.status_code == 200
        assert "PDF, PNG, JPEG, DOCX, XLSX" in response.content.decode()
        assert application.attachments.count() == 0


class TestStaffPages:
    def test_decision_with_preview_then_confirm(self, client_for, org, org_admin, fund_lead):
        application = in_review(organisation=org, by=org_admin, lead=fund_lead)
        client = client_for(fund_lead)
        url = reverse("actionfund:application_decide", args=[application.pk])
        data = {
            "decision": "approve",
            "amount": "900.00",
            "due_date": "",
            "message": "Liebe {{ organisation }}, wir fördern {{ project }} mit {{ amount }} EUR.",
        }
        response = client.post(url, {**data, "preview": "1"})
        assert response.status_code == 200
        assert (
            f"Liebe {org.name}, wir fördern {application.title} mit 900,00 EUR."
            in response.content.decode()
        )
        application.refresh_from_db()
        assert application.status == Status.IN_REVIEW
        response = client.post(url, {**data, "confirm": "1"})
        assert response.status_code == 302
        application.refresh_from_db()
        assert application.status == Status.APPROVED
        assert application.decision_message.startswith(f"Liebe {org.name}")

    def test_batch_decisions_from_the_ranking(
        self, client_for, call, org, org_admin, other_org, other_org_admin, fund_lead
    ):
        a = in_review(organisation=org, by=org_admin, lead=fund_lead, call=call)
        b = submitted(organisation=other_org, by=other_org_admin, call=call)
        client = client_for(fund_lead)
        url = reverse("actionfund:call_ranking", args=[call.pk])
        response = client.post(
            url, {"selected": [a.pk, b.pk], "decision": "reject", "message": "", "preview": "1"}
        )
        assert response.status_code == 200
        assert len(response.context["previews"]) == 2
        client.post(
            url, {"selected": [a.pk, b.pk], "decision": "reject", "message": "", "confirm": "1"}
        )
        assert set(Application.objects.values_list("status", flat=True)) == {Status.REJECTED}

    def test_transition_table_page_shows_the_rules(self, client_for, consultant):
        response = client_for(consultant).get(reverse("actionfund:transition_table"))
        assert response.status_code == 200
        assert len(response.context["rows"]) >= 15

    def test_ledger_page(self, client_for, call, org, org_admin, fund_lead):
        approved(organisation=org, by=org_admin, lead=fund_lead, call=call)
        response = client_for(fund_lead).get(reverse("actionfund:call_ledger", args=[call.pk]))
        assert response.context["ledger"]["committed"] == 1000
        assert response.context["ledger"]["remaining"] == 9000


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


class TestQueryCounts:
    """List pages cost the same number of queries for 2 rows as for 10."""

    def _applications(self, n, call, lead=None, jurors=()):
        from actionfund import services

        created = []
        for _i in range(n):
            organisation = factories.OrganisationFactory()
            admin = factories.member_of(organisation, role="admin")
            application = submitted(organisation=organisation, by=admin, call=call)
            application.partners.add(factories.OrganisationFactory())
            if lead:
                application = services.application_transition(
                    application=application, to_status=Status.IN_REVIEW, by=lead
                )
                if jurors:
                    services.jury_assign(application=application, jurors=jurors, by=lead)
            created.append(application)
        return created

    @pytest.mark.parametrize("name", ["actionfund:application_list", "actionfund:call_list"])
    def test_staff_lists(self, client_for, call, fund_lead, name):
        client = client_for(fund_lead)
        self._applications(2, call)
        few = _count_queries(client, reverse(name))
        self._applications(8, call)
        assert _count_queries(client, reverse(name)) == few

    def test_ranking_and_ledger(self, client_for, call, fund_lead):
        client = client_for(fund_lead)
        self._applications(2, call, lead=fund_lead)
        urls = [
            reverse("actionfund:call_ranking", args=[call.pk]),
            reverse("actionfund:call_ledger", args=[call.pk]),
        ]
        few = [_count_queries(client, u) for u in urls]
        self._applications(8, call, lead=fund_lead)
        assert [_count_queries(client, u) for u in urls] == few

    def test_the_ranking_is_shown_a_page_at_a_time_in_order(
        self, client_for, call, fund_lead, monkeypatch
    ):
        from actionfund import views

        monkeypatch.setattr(views, "RANKING_PER_PAGE", 3)
        client = client_for(fund_lead)
        self._applications(4, call, lead=fund_lead)
        url = reverse("actionfund:call_ranking", args=[call.pk])
        first = client.get(url).content.decode()
        assert first.count('name="selected"') == 3
        assert 'action="?page=1"' in first and "page=2" in first
        second = client.get(url, {"page": 2}).content.decode()
        assert second.count('name="selected"') == 1
        assert "<td>4</td>" in second  # the rank runs on across pages

    def test_my_applications(self, client_for, call, org, org_admin):
        # One open draft per call: each draft here belongs to a call of its own.
        client = client_for(org_admin)
        for _i in range(2):
            draft(organisation=org, by=org_admin)
        few = _count_queries(client, reverse("actionfund:application_list"))
        for _i in range(8):
            draft(organisation=org, by=org_admin)
        assert _count_queries(client, reverse("actionfund:application_list")) == few

    def test_jury_list(self, client_for, call, fund_lead, jury_member):
        client = client_for(jury_member)
        self._applications(2, call, lead=fund_lead, jurors=[jury_member])
        few = _count_queries(client, reverse("actionfund:jury_list"))
        self._applications(8, call, lead=fund_lead, jurors=[jury_member])
        assert _count_queries(client, reverse("actionfund:jury_list")) == few


def test_budget_lines_can_be_changed_removed_and_added(client_for, org, org_admin):
    from .factories import add_line

    application = draft(organisation=org, by=org_admin, amount=None)
    first = add_line(application, "100.00", "Miete")
    second = add_line(application, "200.00", "Musik")
    client_for(org_admin).post(
        edit_url(application, "budget"),
        {
            "lines-TOTAL_FORMS": "3",
            "lines-INITIAL_FORMS": "2",
            "lines-MIN_NUM_FORMS": "0",
            "lines-MAX_NUM_FORMS": "30",
            "lines-0-id": first.pk,
            "lines-0-category": "rent",
            "lines-0-description": "Miete",
            "lines-0-amount": "100.00",
            "lines-0-DELETE": "on",
            "lines-1-id": second.pk,
            "lines-1-category": "fees",
            "lines-1-description": "Musik und Technik",
            "lines-1-amount": "250.00",
            "lines-2-category": "catering",
            "lines-2-description": "Essen",
            "lines-2-amount": "80.50",
            "action": "save",
        },
    )
    application.refresh_from_db()
    lines = list(application.budget_lines.values_list("description", "amount", "position"))
    assert [(d, str(a), p) for d, a, p in lines] == [
        ("Musik und Technik", "250.00", 0),
        ("Essen", "80.50", 1),
    ]
    assert str(application.requested_amount) == "330.50"
    assert application.status == Status.DRAFT


def test_saving_a_step_of_an_answer_to_a_question_keeps_its_status(client_for, org, org_admin):
    application = draft(organisation=org, by=org_admin)
    client = client_for(org_admin)
    Application.objects.filter(pk=application.pk).update(status=Status.INFO_REQUESTED)
    client.post(edit_url(application, "basics"), {"title": "Neu", "action": "save"})
    application.refresh_from_db()
    assert (application.title, application.status) == ("Neu", Status.INFO_REQUESTED)


def test_batch_approval_gives_the_last_money_to_the_best_ranked(
    client_for, call, org, org_admin, other_org, other_org_admin, fund_lead, jury_member
):
    from decimal import Decimal

    from actionfund import services

    call.total_budget = call.max_cooperation = Decimal("1500.00")
    call.max_single = Decimal("1000.00")
    call.save()
    weaker = in_review(organisation=org, by=org_admin, lead=fund_lead, call=call, amount="1000.00")
    better = in_review(
        organisation=other_org, by=other_org_admin, lead=fund_lead, call=call, amount="1000.00"
    )
    for application, value in ((weaker, 1), (better, 5)):
        services.jury_assign(application=application, jurors=[jury_member], by=fund_lead)
        services.scores_save(
            application=application,
            juror=jury_member,
            values={c.pk: (value, "") for c in call.criteria.all()},
        )
    response = client_for(fund_lead).post(
        reverse("actionfund:call_ranking", args=[call.pk]),
        {"selected": [weaker.pk, better.pk], "decision": "approve", "message": "", "confirm": "1"},
        follow=True,
    )
    weaker.refresh_from_db()
    better.refresh_from_db()
    assert better.status == Status.APPROVED
    assert weaker.status == Status.IN_REVIEW
    assert "Nicht genug Mittel" in response.content.decode()


class TestHistoryWithTheCentre:
    """The organisation's history beside an application, for the fund's staff and an assigned
    juror: loaded after the application or scoring page is shown (actionfund:application_history),
    so neither page waits for the organisation's timeline."""

    @staticmethod
    def section(page: str) -> str:
        return page.split('id="centre"')[1].split("</section>")[0]

    @staticmethod
    def history(client, application, htmx=True):
        url = reverse("actionfund:application_history", args=[application.pk])
        return client.get(url, headers={"HX-Request": "true"} if htmx else {})

    def test_the_staff_page_loads_the_short_history_once_it_is_shown(
        self, client_for, org, org_admin, fund_lead
    ):
        application = in_review(organisation=org, by=org_admin, lead=fund_lead)
        client = client_for(fund_lead)
        url = reverse("actionfund:application_history", args=[application.pk])
        with CaptureQueriesContext(connection) as queries:
            section = self.section(client.get(application.get_absolute_url()).content.decode())
        assert f'hx-get="{url}"' in section and 'aria-busy="true"' in section
        assert f'<a href="{url}">' in section
        assert "Im Portal registriert" not in section
        assert not any("qualification_coachingsession" in q["sql"] for q in queries)

        history = self.history(client, application)
        assert history.context["limit"] == 30
        html = history.content.decode()
        assert "<html" not in html
        assert f"Antrag im Aktionsfonds eingereicht: {application.title}" in html
        assert "Im Portal registriert" in html
        # The staff may open the organisation's page, and so its entries' records.
        assert f'<a href="{application.get_absolute_url()}">' in html

    def test_an_assigned_juror_gets_it_loaded_without_links_on_both_pages(
        self, client_for, org, org_admin, fund_lead, jury_member
    ):
        application = in_review(organisation=org, by=org_admin, lead=fund_lead)
        services.jury_assign(application=application, jurors=[jury_member], by=fund_lead)
        client = client_for(jury_member)
        url = reverse("actionfund:application_history", args=[application.pk])
        score = reverse("actionfund:application_score", args=[application.pk])
        for page in (application.get_absolute_url(), score):
            with CaptureQueriesContext(connection) as queries:
                section = self.section(client.get(page).content.decode())
            assert f'hx-get="{url}"' in section
            assert "Im Portal registriert" not in section
            assert not any("qualification_coachingsession" in q["sql"] for q in queries)

        html = self.history(client, application).content.decode()
        assert "Im Portal registriert" in html
        assert f"Antrag im Aktionsfonds eingereicht: {application.title}" in html
        # Without links: the entries' pages are the organisation's and the staff's.
        assert "<a " not in html
        assert client.get(reverse("organisations:timeline", args=[org.pk])).status_code == 404

    def test_without_javascript_the_history_is_a_page_of_its_own(
        self, client_for, org, org_admin, fund_lead, jury_member
    ):
        application = in_review(organisation=org, by=org_admin, lead=fund_lead)
        services.jury_assign(application=application, jurors=[jury_member], by=fund_lead)
        response = self.history(client_for(jury_member), application, htmx=False)
        assert response.status_code == 200
        page = response.content.decode()
        assert "<html" in page
        assert (
            f'<a href="{application.get_absolute_url()}"><bdi>{application.reference}</bdi></a>'
            in page
        )
        assert "Im Portal registriert" in page

    def test_the_history_shows_the_30_newest_entries(
        self, client_for, org, org_admin, fund_lead, consultant
    ):
        from tests.qualification.test_services import _session

        application = in_review(organisation=org, by=org_admin, lead=fund_lead)
        for days_ago in range(35):
            _session(org, consultant, days_ago=days_ago)
        html = self.history(client_for(fund_lead), application).content.decode()
        assert html.count("<li>") == 30
        assert "Die 30 neuesten Einträge." in html

    def test_the_applicant_and_other_jurors_get_no_history(
        self, client_for, org, org_admin, fund_lead, jury_member
    ):
        application = in_review(organisation=org, by=org_admin, lead=fund_lead)
        applicant = client_for(org_admin)
        page = applicant.get(application.get_absolute_url()).content.decode()
        assert 'id="centre"' not in page
        assert reverse("actionfund:application_history", args=[application.pk]) not in page
        assert self.history(applicant, application).status_code == 403
        # A juror not assigned to it does not see the application at all.
        assert self.history(client_for(jury_member), application).status_code == 404

    @pytest.mark.parametrize("pk", ["999999", "abc", "0"])
    def test_unknown_or_malformed_applications_are_404(self, client_for, fund_lead, pk):
        client = client_for(fund_lead)
        assert client.get(f"/action-fund/applications/{pk}/history/").status_code == 404
