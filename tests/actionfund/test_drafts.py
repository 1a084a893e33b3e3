"""Drafts kept on the server: one open draft per organisation and call, partial saves of
an invalid step, budget lines not valid yet, files sent with a step, the call page and
the overview card."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from actionfund import dashboard, services
from actionfund.models import Application, Attachment, BudgetLine, Status
from organisations.models import Membership, Organisation
from tests import factories

from .factories import (
    ApplicationFactory,
    CallFactory,
    add_line,
    approved,
    draft,
    paid,
    submitted,
)

pytestmark = pytest.mark.django_db


def edit_url(application, step):
    return reverse("actionfund:application_edit", args=[application.pk, step])


class TestOneDraftPerCall:
    def test_starting_twice_continues_the_same_draft(self, call, org, org_admin, org_member):
        first, created = services.application_start_or_continue(
            call=call, organisation=org, by=org_admin
        )
        again, created_again = services.application_start_or_continue(
            call=call, organisation=org, by=org_member
        )
        assert created and not created_again
        assert again.pk == first.pk
        assert Application.objects.filter(call=call, organisation=org).count() == 1

    def test_the_database_refuses_a_second_open_draft(self, call, org, org_admin):
        draft(organisation=org, by=org_admin, call=call)
        with pytest.raises(IntegrityError), transaction.atomic():
            ApplicationFactory(organisation=org, created_by=org_admin, call=call)

    def test_a_submitted_application_does_not_block_a_new_draft(self, call, org, org_admin):
        submitted(organisation=org, by=org_admin, call=call)
        application, created = services.application_start_or_continue(
            call=call, organisation=org, by=org_admin
        )
        assert created and application.status == Status.DRAFT

    def test_another_organisation_has_its_own_draft(self, call, org, org_admin, other_org):
        services.application_start(call=call, organisation=org, by=org_admin)
        factories.MembershipFactory(user=org_admin, organisation=other_org)
        services.application_start(call=call, organisation=other_org, by=org_admin)
        assert Application.objects.filter(call=call, status=Status.DRAFT).count() == 2

    def test_a_double_click_on_start_makes_one_draft_and_says_so(
        self, client_for, call, org, org_admin
    ):
        client = client_for(org_admin)
        url = reverse("actionfund:application_start", args=[call.pk])
        first = client.post(url, {"organisation": org.pk})
        second = client.post(url, {"organisation": org.pk}, follow=True)
        application = Application.objects.get()
        assert first.url == edit_url(application, "basics")
        assert second.redirect_chain[-1][0] == edit_url(application, "basics")
        assert "bereits einen Entwurf" in second.content.decode()

    def test_the_call_page_offers_to_continue_the_draft_with_its_time(
        self, client_for, call, org, org_admin
    ):
        application = draft(organisation=org, by=org_admin, call=call)
        page = client_for(org_admin).get(call.get_absolute_url()).content.decode()
        assert "Entwurf fortsetzen" in page
        assert edit_url(application, "basics") in page
        assert "Zuletzt gespeichert" in page
        assert reverse("actionfund:application_start", args=[call.pk]) not in page


class TestPendingOrganisation:
    @pytest.fixture
    def pending_admin(self):
        pending = factories.OrganisationFactory(
            name="Neu Gegründet e.V.", status=Organisation.Status.PENDING
        )
        return factories.member_of(pending, role=Membership.Role.ADMIN)

    def test_the_call_page_explains_first_and_offers_no_start(
        self, client_for, call, pending_admin
    ):
        page = client_for(pending_admin).get(call.get_absolute_url()).content.decode()
        assert "data-pending-organisation" in page
        assert "Neu Gegründet e.V." in page
        assert reverse("actionfund:application_start", args=[call.pk]) not in page

    def test_the_start_page_sends_a_pending_organisation_back(
        self, client_for, call, pending_admin
    ):
        client = client_for(pending_admin)
        response = client.get(reverse("actionfund:application_start", args=[call.pk]))
        assert response.url == call.get_absolute_url()
        assert not Application.objects.exists()


class TestPartialSaves:
    def test_an_invalid_step_stores_what_is_valid_and_keeps_the_rest_as_typed(
        self, client_for, call, org, org_admin
    ):
        application = draft(organisation=org, by=org_admin, call=call)
        client = client_for(org_admin)
        response = client.post(
            edit_url(application, "project"),
            {
                "goals": "Begegnung im Kiez",
                "target_group": "",
                "activities": "Fest",
                "start_date": "2026-06-01",
                "end_date": "kein Datum",
                "action": "next",
            },
        )
        assert response.status_code == 200
        application.refresh_from_db()
        assert application.goals == "Begegnung im Kiez"
        assert application.start_date == date(2026, 6, 1)
        assert application.draft_data == {"project": {"end_date": "kein Datum"}}

        # Another device: the stored draft, with the raw entry and its error.
        other = client_for(org_admin)
        page = other.get(edit_url(application, "project")).content.decode()
        assert 'value="kein Datum"' in page
        assert "data-error-summary" in page

        # Corrected: the raw entry is gone.
        client.post(
            edit_url(application, "project"),
            {
                "goals": "Begegnung im Kiez",
                "target_group": "Familien",
                "activities": "Fest",
                "start_date": "2026-06-01",
                "end_date": "2026-06-30",
                "action": "next",
            },
        )
        application.refresh_from_db()
        assert application.end_date == date(2026, 6, 30)
        assert application.draft_data == {}

    def test_a_step_service_writes_only_its_own_fields(self, call, org, org_admin):
        application = draft(organisation=org, by=org_admin, call=call)
        with pytest.raises(ValueError):
            services.application_save_step(
                application=application, step="basics", values={"goals": "x"}, by=org_admin
            )

    def test_the_budget_keeps_valid_lines_and_the_rest_as_typed(
        self, client_for, call, org, org_admin
    ):
        application = draft(organisation=org, by=org_admin, call=call, amount=None)
        client = client_for(org_admin)
        response = client.post(
            edit_url(application, "budget"),
            {
                "lines-TOTAL_FORMS": "2",
                "lines-INITIAL_FORMS": "0",
                "lines-0-category": "fees",
                "lines-0-description": "Musik",
                "lines-0-amount": "400.50",
                "lines-1-category": "",
                "lines-1-description": "Essen",
                "lines-1-amount": "zweihundert",
                "action": "next",
            },
        )
        assert response.status_code == 200
        lines = list(BudgetLine.objects.filter(application=application))
        assert [(line.description, line.amount) for line in lines] == [("Musik", Decimal("400.50"))]
        application.refresh_from_db()
        assert application.requested_amount == Decimal("400.50")
        assert application.draft_data["budget"] == [
            {"category": "", "description": "Essen", "amount": "zweihundert"}
        ]
        page = client_for(org_admin).get(edit_url(application, "budget")).content.decode()
        assert 'value="zweihundert"' in page and 'value="Essen"' in page
        assert f'value="{lines[0].pk}"' in page  # the stored line comes back with its id

    def test_an_invalid_change_to_a_stored_line_keeps_the_line(self, call, org, org_admin):
        application = draft(organisation=org, by=org_admin, call=call, amount=None)
        line = add_line(application, "100.00", "Miete")
        services.application_save_budget(
            application=application,
            lines=[],
            unsaved=[{"id": str(line.pk), "category": "rent", "description": "", "amount": "1"}],
            by=org_admin,
        )
        line.refresh_from_db()
        assert line.description == "Miete"
        application.refresh_from_db()
        assert application.draft_data["budget"][0]["id"] == str(line.pk)

    def test_autosave_saves_the_budget_in_the_background(self, client_for, call, org, org_admin):
        application = draft(organisation=org, by=org_admin, call=call, amount=None)
        response = client_for(org_admin).post(
            reverse("actionfund:application_autosave", args=[application.pk, "budget"]),
            {
                "lines-TOTAL_FORMS": "1",
                "lines-INITIAL_FORMS": "0",
                "lines-0-category": "rent",
                "lines-0-description": "Saal",
                "lines-0-amount": "250",
            },
        )
        assert response.json()["saved"] is True
        assert response.json()["message"].startswith("Gespeichert um ")
        assert application.budget_lines.get().description == "Saal"

    def test_a_background_save_never_removes_a_line_the_buttons_do(
        self, client_for, call, org, org_admin
    ):
        application = draft(organisation=org, by=org_admin, call=call, amount=None)
        line = add_line(application, "100.00", "Miete")
        data = {
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "1",
            "lines-0-id": str(line.pk),
            "lines-0-category": "fees",
            "lines-0-description": "Miete",
            "lines-0-amount": "100.00",
            "lines-0-DELETE": "on",
        }
        client = client_for(org_admin)
        client.post(
            reverse("actionfund:application_autosave", args=[application.pk, "budget"]), data
        )
        assert application.budget_lines.filter(pk=line.pk).exists()
        client.post(edit_url(application, "budget"), {**data, "action": "save"})
        assert not application.budget_lines.exists()

    def test_autosave_has_no_file_steps(self, client_for, call, org, org_admin):
        application = draft(organisation=org, by=org_admin, call=call)
        url = reverse("actionfund:application_autosave", args=[application.pk, "attachments"])
        assert client_for(org_admin).post(url, {}).status_code == 404


class TestPartnerChoice:
    def test_without_javascript_the_search_button_lists_matches_with_invite_buttons(
        self, client_for, call, org, org_admin, other_org
    ):
        application = draft(organisation=org, by=org_admin, call=call)
        third = factories.OrganisationFactory(name="Sonnenstrahl Kultur e.V.")
        services.partner_invite(application=application, organisation=other_org, by=org_admin)
        response = client_for(org_admin).get(
            edit_url(application, "partners"), {"partner_q": "Sonnenstr"}
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert f'name="organisation" value="{third.pk}"' in page
        assert "Sonnenstrahl Kultur e.V." in page
        # The one already invited is listed with its status, not offered again.
        assert other_org.name in page
        assert f'name="organisation" value="{other_org.pk}"' not in page

    def test_the_page_does_not_list_the_registry(self, client_for, call, org, org_admin):
        application = draft(organisation=org, by=org_admin, call=call)
        factories.OrganisationFactory.create_batch(5)
        page = client_for(org_admin).get(edit_url(application, "partners")).content.decode()
        assert page.count('name="organisation"') == 0


class TestFilesWithTheStep:
    def test_a_file_chosen_then_next_is_uploaded(
        self, client_for, call, org, org_admin, private_storage
    ):
        application = draft(organisation=org, by=org_admin, call=call)
        upload = SimpleUploadedFile("Angebot.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
        response = client_for(org_admin).post(
            edit_url(application, "attachments"),
            {"file": upload, "description": "Kostenangebot", "action": "next"},
        )
        assert response.url == edit_url(application, "preview")
        attachment = Attachment.objects.get(application=application)
        assert attachment.original_name == "Angebot.pdf"
        assert attachment.description == "Kostenangebot"

    def test_a_refused_file_keeps_the_person_on_the_step(
        self, client_for, call, org, org_admin, private_storage
    ):
        application = draft(organisation=org, by=org_admin, call=call)
        upload = SimpleUploadedFile("virus.exe", b"MZ\x90\x00", "application/octet-stream")
        response = client_for(org_admin).post(
            edit_url(application, "attachments"), {"file": upload, "action": "next"}
        )
        assert response.status_code == 200
        assert "noch auf diesem Schritt" in response.content.decode()
        assert not Attachment.objects.exists()


class TestWhatHappensNext:
    def test_the_submitted_page_shows_the_timeline_with_the_calls_dates(
        self, client_for, org, org_admin
    ):
        call = CallFactory(decision_expected_on=date(2027, 3, 15))
        application = submitted(organisation=org, by=org_admin, call=call)
        page = client_for(org_admin).get(application.get_absolute_url()).content.decode()
        assert "Wie es weitergeht" in page
        assert "15. März 2027" in page
        assert 'data-journey-step="proof"' in page

    def test_after_approval_the_next_step_is_the_agreement(
        self, client_for, org, org_admin, fund_lead
    ):
        application = approved(organisation=org, by=org_admin, lead=fund_lead)
        page = client_for(org_admin).get(application.get_absolute_url()).content.decode()
        assert 'data-next-step="agreement"' in page
        assert reverse("actionfund:agreement_request", args=[application.pk]) in page

    def test_the_timeline_marks_what_is_done_and_what_is_next(self, org, org_admin, fund_lead):
        from actionfund import journey

        application = approved(organisation=org, by=org_admin, lead=fund_lead)
        states = {step.key: step.state for step in journey.steps(application)}
        assert states == {
            "submitted": "done",
            "review": "done",
            "decision": "done",
            "agreement": "current",
            "payment": "upcoming",
            "project": "upcoming",
            "proof": "upcoming",
        }
        assert journey.steps(draft(organisation=org, by=org_admin)) == []

    def test_an_overdue_proof_of_use_says_so_on_the_page_and_in_the_timeline(
        self, client_for, org, org_admin, fund_lead
    ):
        from actionfund import journey

        application = paid(organisation=org, by=org_admin, lead=fund_lead)
        today = timezone.localdate()
        url = application.get_absolute_url()
        client = client_for(org_admin)

        Application.objects.filter(pk=application.pk).update(proof_due_date=today)
        application.refresh_from_db()
        assert not journey.proof_overdue(application)  # due today is not late yet
        page = client.get(url).content.decode()
        assert 'data-next-step="proof"' in page and "data-overdue" not in page
        assert "überfällig" not in page
        proof_page = client.get(reverse("actionfund:proof_edit", args=[application.pk]))
        text = proof_page.content.decode()
        assert f"Bitte reichen Sie bis zum {date_format(today, 'DATE_FORMAT')} ein" in text
        assert "data-overdue" not in text

        states = {step.key: step.state for step in journey.steps(application)}
        assert states["project"] == states["proof"] == "current"  # the project still runs

        due = today - timedelta(days=3)
        Application.objects.filter(pk=application.pk).update(
            proof_due_date=due,
            start_date=due - timedelta(weeks=12),
            end_date=due - timedelta(weeks=8),
        )
        application.refresh_from_db()
        assert journey.proof_overdue(application)
        steps = {step.key: step for step in journey.steps(application)}
        assert steps["proof"].overdue and steps["proof"].state == "current"
        assert steps["project"].state == "done"  # it has ended
        page = client.get(url).content.decode()
        written = date_format(due, "DATE_FORMAT")
        assert "data-overdue" in page
        assert '<span class="badge text-bg-danger">überfällig</span>' in page  # decision box
        assert "jetzt überfällig" in page
        assert f"Der Verwendungsnachweis war am {written} fällig" in page
        assert "überfällig seit" in page
        assert reverse("actionfund:proof_edit", args=[application.pk]) in page
        # The proof-of-use form itself says so too.
        text = client.get(reverse("actionfund:proof_edit", args=[application.pk])).content.decode()
        assert "data-overdue" in text
        assert f"Der Verwendungsnachweis war am {written} fällig" in text

        # Once the proof of use is in, nothing is overdue any more.
        Application.objects.filter(pk=application.pk).update(status=Status.PROOF_SUBMITTED)
        application.refresh_from_db()
        assert not journey.proof_overdue(application)
        assert "überfällig" not in client.get(url).content.decode()

    def test_the_organisations_list_of_applications_marks_an_overdue_proof_of_use(
        self, client_for, org, org_admin, fund_lead, django_assert_max_num_queries
    ):
        late = paid(organisation=org, by=org_admin, lead=fund_lead, title="Spätes Fest")
        on_time = paid(organisation=org, by=org_admin, lead=fund_lead, title="Pünktliches Fest")
        due = timezone.localdate() - timedelta(days=1)
        Application.objects.filter(pk=late.pk).update(proof_due_date=due)
        Application.objects.filter(pk=on_time.pk).update(proof_due_date=timezone.localdate())
        client = client_for(org_admin)
        url = reverse("actionfund:application_list")
        client.get(url)
        with django_assert_max_num_queries(12) as captured:
            page = client.get(url).content.decode()
        written = date_format(due, "SHORT_DATE_FORMAT")
        assert page.count("überfällig seit") == 1
        late_row = page[page.index("Spätes Fest") :]
        assert f"Verwendungsnachweis überfällig seit {written}" in late_row
        queries = len(captured.captured_queries)
        for n in range(3):  # more overdue rows, no more queries
            extra = paid(organisation=org, by=org_admin, lead=fund_lead, title=f"Fest {n}")
            Application.objects.filter(pk=extra.pk).update(proof_due_date=due)
        with django_assert_max_num_queries(queries):
            assert client.get(url).content.decode().count("überfällig seit") == 4


class TestDashboardCard:
    def test_the_card_lists_drafts_submitted_and_approved_with_the_next_step(
        self, org, org_admin, fund_lead, other_org, other_org_admin
    ):
        drafted = draft(organisation=org, by=org_admin, title="Entwurf A")
        sent = submitted(organisation=org, by=org_admin, title="Eingereicht A")
        granted = approved(organisation=org, by=org_admin, lead=fund_lead, title="Bewilligt A")
        draft(organisation=other_org, by=other_org_admin, title="Fremder Entwurf")
        (card,) = dashboard.cards(org_admin)
        links = {link.label.split(" · ")[0]: link for link in card.links}
        assert set(links) == {"Entwurf A", "Eingereicht A", "Bewilligt A"}
        assert links["Entwurf A"].url == edit_url(drafted, "basics")
        assert links["Eingereicht A"].url == sent.get_absolute_url()
        assert "Zuwendungsvereinbarung" in links["Bewilligt A"].detail
        assert granted.get_absolute_url() == links["Bewilligt A"].url

    def test_an_overdue_proof_of_use_is_a_warning_on_the_card(self, org, org_admin, fund_lead):
        application = paid(organisation=org, by=org_admin, lead=fund_lead, title="Bezahlt A")
        due = timezone.localdate() - timedelta(days=1)
        Application.objects.filter(pk=application.pk).update(proof_due_date=due)
        ((link,),) = [card.links for card in dashboard.cards(org_admin)]
        written = date_format(due, "SHORT_DATE_FORMAT")
        assert (
            link.detail == f"Verwendungsnachweis überfällig seit {written}: bitte jetzt einreichen"
        )
        assert link.warning
        Application.objects.filter(pk=application.pk).update(proof_due_date=due + timedelta(days=2))
        ((link,),) = [card.links for card in dashboard.cards(org_admin)]
        assert link.detail.startswith("Verwendungsnachweis fällig bis") and not link.warning

    def test_no_card_without_applications(self, org_admin):
        assert dashboard.cards(org_admin) == []
