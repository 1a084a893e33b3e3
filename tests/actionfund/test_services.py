from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import formats, timezone

from actionfund import selectors, services, workflow
from actionfund.models import Application, Score, Status, StatusChange
from ikmo.models import AuditEntry, OutboundEmail
from organisations.models import Organisation
from tests import factories

from .factories import CallFactory, add_line, approved, draft, in_review, paid, submitted

pytestmark = pytest.mark.django_db


def queued():
    """E-mails are rows first and are sent after commit; tests look at the rows."""
    return list(OutboundEmail.objects.order_by("pk"))


class TestSubmission:
    def test_a_complete_draft_is_submitted_logged_and_confirmed_by_email(self, org, org_admin):
        application = draft(organisation=org, by=org_admin)
        application = services.application_submit(
            application=application, token=application.submission_token, by=org_admin
        )
        assert application.status == Status.SUBMITTED
        assert application.submitted_at is not None
        change = StatusChange.objects.get(application=application)
        assert (change.from_status, change.to_status, change.actor) == (
            Status.DRAFT,
            Status.SUBMITTED,
            org_admin,
        )
        assert AuditEntry.objects.filter(action="actionfund.application.submitted").count() == 1
        assert [m.to for m in queued()] == [org_admin.email]
        assert application.reference in queued()[0].subject

    def test_a_second_submit_with_the_same_token_changes_nothing(self, org, org_admin):
        application = draft(organisation=org, by=org_admin)
        token = application.submission_token
        services.application_submit(application=application, token=token, by=org_admin)
        with pytest.raises(ValidationError) as excinfo:
            services.application_submit(application=application, token=token, by=org_admin)
        assert excinfo.value.code == "already_submitted"
        assert StatusChange.objects.filter(to_status=Status.SUBMITTED).count() == 1
        assert OutboundEmail.objects.count() == 1

    def test_submission_after_the_deadline_is_refused(self, org, org_admin):
        call = CallFactory(
            opens_at=timezone.now() - timedelta(days=30),
            closes_at=timezone.now() - timedelta(minutes=1),
        )
        application = draft(organisation=org, by=org_admin, call=call)
        with pytest.raises(ValidationError) as excinfo:
            services.application_submit(
                application=application, token=application.submission_token, by=org_admin
            )
        assert any("Frist" in m for m in excinfo.value.messages)
        application.refresh_from_db()
        assert application.status == Status.DRAFT

    def test_a_resubmission_after_an_information_request_is_allowed_after_the_deadline(
        self, org, org_admin, project_lead
    ):
        application = submitted(organisation=org, by=org_admin)
        services.application_transition(
            application=application,
            to_status=Status.INFO_REQUESTED,
            by=project_lead,
            note="Bitte Kostenplan ergänzen.",
        )
        Application.objects.filter(pk=application.pk).update()
        application.call.closes_at = timezone.now() - timedelta(minutes=1)
        application.call.opens_at = timezone.now() - timedelta(days=40)
        application.call.save()
        application.refresh_from_db()
        application = services.application_submit(
            application=application, token=application.submission_token, by=org_admin
        )
        assert application.status == Status.SUBMITTED

    def test_missing_fields_and_budget_are_listed(self, org, org_admin):
        application = draft(organisation=org, by=org_admin, amount=None, goals="", title="")
        problems = services.submission_problems(application)
        assert any("Projekttitel" in p for p in problems)
        assert any("Kostenzeile" in p for p in problems)

    def test_the_single_ceiling_applies_without_partners(self, org, org_admin):
        application = draft(organisation=org, by=org_admin, amount="1500.01")
        problems = services.submission_problems(application)
        assert any("1.500,00" in p for p in problems)

    def test_a_cooperation_may_ask_for_the_higher_ceiling(
        self, org, org_admin, other_org, other_org_admin
    ):
        application = draft(organisation=org, by=org_admin, amount="2500.00")
        assert services.submission_problems(application)
        invitation = services.partner_invite(
            application=application, organisation=other_org, by=org_admin
        )
        services.partner_invitation_accept(invitation=invitation, consent=True, by=other_org_admin)
        assert services.submission_problems(application) == []
        add_line(application, "600.00")
        assert any("3.000,00" in p for p in services.submission_problems(application))

    def test_legal_forms_not_allowed_by_the_call_cannot_apply(self, org, org_admin):
        call = CallFactory(allowed_legal_forms=[Organisation.LegalForm.IN_FOUNDING])
        with pytest.raises(ValidationError):
            services.application_start(call=call, organisation=org, by=org_admin)
        application = draft(organisation=org, by=org_admin, call=call)
        assert any("Rechtsformen" in p for p in services.submission_problems(application))

    def test_a_workshop_requirement_refuses_organisations_without_attendance(self, org, org_admin):
        call = CallFactory(workshop_rule="required")
        with pytest.raises(ValidationError):
            services.application_start(call=call, organisation=org, by=org_admin)

    def test_starting_needs_an_open_call_and_membership(self, org, org_admin, other_org_admin):
        closed = CallFactory(is_published=False)
        with pytest.raises(ValidationError):
            services.application_start(call=closed, organisation=org, by=org_admin)
        with pytest.raises(PermissionDenied):
            services.application_start(call=CallFactory(), organisation=org, by=other_org_admin)


class TestTransitions:
    def test_the_table_refuses_steps_it_does_not_list(self, org, org_admin, project_lead):
        application = submitted(organisation=org, by=org_admin)
        with pytest.raises(ValidationError) as excinfo:
            services.application_transition(
                application=application, to_status=Status.CLOSED, by=project_lead
            )
        assert excinfo.value.code == "invalid_transition"

    @pytest.mark.parametrize("target", [Status.IN_REVIEW, Status.INFO_REQUESTED])
    def test_an_applicant_cannot_take_staff_steps(self, org, org_admin, target):
        application = submitted(organisation=org, by=org_admin)
        with pytest.raises(PermissionDenied):
            services.application_transition(
                application=application, to_status=target, by=org_admin, note="x"
            )
        application.refresh_from_db()
        assert application.status == Status.SUBMITTED

    def test_an_applicant_cannot_approve_their_own_application(self, org, org_admin, project_lead):
        application = in_review(organisation=org, by=org_admin, lead=project_lead)
        with pytest.raises(PermissionDenied):
            services.application_decide(
                application=application, approve=True, by=org_admin, amount=Decimal("10")
            )

    def test_a_lead_of_another_subproject_may_not_decide(
        self, org, org_admin, project_lead, other_lead
    ):
        application = in_review(organisation=org, by=org_admin, lead=project_lead)
        with pytest.raises(PermissionDenied):
            services.application_transition(
                application=application, to_status=Status.REJECTED, by=other_lead
            )

    def test_an_information_request_needs_a_note(self, org, org_admin, fund_lead):
        application = submitted(organisation=org, by=org_admin)
        with pytest.raises(ValidationError):
            services.application_transition(
                application=application, to_status=Status.INFO_REQUESTED, by=fund_lead
            )

    def test_every_step_is_in_the_history_with_actor(self, org, org_admin, fund_lead):
        application = paid(organisation=org, by=org_admin, lead=fund_lead)
        steps = list(
            StatusChange.objects.filter(application=application).values_list(
                "from_status", "to_status", "actor__email"
            )
        )
        assert steps == [
            ("draft", "submitted", org_admin.email),
            ("submitted", "in_review", fund_lead.email),
            ("in_review", "approved", fund_lead.email),
            ("approved", "agreement_signed", fund_lead.email),
            ("agreement_signed", "paid", fund_lead.email),
        ]
        for frm, to, _actor in steps:
            assert workflow.FLOW.step(frm, to) is not None

    def test_the_applicant_can_withdraw_a_submitted_application(self, org, org_admin):
        application = submitted(organisation=org, by=org_admin)
        services.application_transition(
            application=application, to_status=Status.WITHDRAWN, by=org_admin
        )
        application.refresh_from_db()
        assert application.status == Status.WITHDRAWN


class TestMoney:
    def test_approval_sets_amount_due_date_and_message(self, org, org_admin, fund_lead):
        application = approved(organisation=org, by=org_admin, lead=fund_lead, amount="800.00")
        assert application.approved_amount == Decimal("800.00")
        assert application.proof_due_date == application.end_date + timedelta(weeks=8)
        assert "800,00" in application.decision_message
        assert application.title in application.decision_message
        assert any("800,00" in m.body for m in queued())

    def test_approval_beyond_the_remaining_budget_is_refused(
        self, call, org, org_admin, fund_lead, other_org, other_org_admin
    ):
        call.total_budget = Decimal("3000.00")
        call.save()
        first = in_review(
            organisation=org, by=org_admin, lead=fund_lead, call=call, amount="1500.00"
        )
        second = in_review(
            organisation=other_org, by=other_org_admin, lead=fund_lead, call=call, amount="1500.00"
        )
        third_org = factories.OrganisationFactory()
        third_admin = factories.member_of(third_org, role="admin")
        third = in_review(
            organisation=third_org, by=third_admin, lead=fund_lead, call=call, amount="100.00"
        )
        services.application_decide(
            application=first, approve=True, by=fund_lead, amount=Decimal("1500.00")
        )
        services.application_decide(
            application=second, approve=True, by=fund_lead, amount=Decimal("1500.00")
        )
        with pytest.raises(ValidationError) as excinfo:
            services.application_decide(
                application=third, approve=True, by=fund_lead, amount=Decimal("100.00")
            )
        assert excinfo.value.code == "budget_exceeded"
        third.refresh_from_db()
        assert third.status == Status.IN_REVIEW
        assert selectors.call_ledger(call)["remaining"] == Decimal("0.00")

    def test_more_than_requested_cannot_be_granted(self, org, org_admin, fund_lead):
        application = in_review(organisation=org, by=org_admin, lead=fund_lead)
        with pytest.raises(ValidationError):
            services.application_decide(
                application=application, approve=True, by=fund_lead, amount=Decimal("1000.01")
            )

    def test_a_withdrawn_grant_frees_its_money(self, call, org, org_admin, fund_lead):
        application = approved(organisation=org, by=org_admin, lead=fund_lead, call=call)
        assert selectors.call_ledger(call)["committed"] == Decimal("1000.00")
        services.application_transition(
            application=application, to_status=Status.WITHDRAWN, by=org_admin
        )
        assert selectors.call_ledger(call)["committed"] == Decimal("0.00")

    def test_ledger_sums_committed_paid_and_returned(
        self, call, org, org_admin, fund_lead, other_org, other_org_admin
    ):
        a = paid(organisation=org, by=org_admin, lead=fund_lead, call=call, amount="1000.00")
        b = approved(
            organisation=other_org, by=other_org_admin, lead=fund_lead, call=call, amount="700.00"
        )
        b = services.application_transition(
            application=b, to_status=Status.AGREEMENT_SIGNED, by=fund_lead
        )
        services.payment_record(
            application=b,
            amount=Decimal("300.00"),
            paid_on=timezone.localdate(),
            reference="",
            by=fund_lead,
        )
        services.payment_record(
            application=b,
            amount=Decimal("200.00"),
            paid_on=timezone.localdate(),
            reference="",
            by=fund_lead,
        )
        services.return_record(
            application=a,
            amount=Decimal("150.00"),
            returned_on=timezone.localdate(),
            note="nicht verbraucht",
            by=fund_lead,
        )
        ledger = selectors.call_ledger(call)
        assert ledger["total"] == Decimal("10000.00")
        assert ledger["committed"] == Decimal("1700.00")
        assert ledger["paid"] == Decimal("1500.00")
        assert ledger["returned"] == Decimal("150.00")
        assert ledger["remaining"] == Decimal("8450.00")
        rows = {r.pk: r for r in selectors.ledger_rows(call)}
        assert rows[a.pk].paid == Decimal("1000.00") and rows[a.pk].returned == Decimal("150.00")
        assert rows[b.pk].paid == Decimal("500.00") and rows[b.pk].returned == Decimal("0.00")

    def test_payments_cannot_exceed_the_grant(self, org, org_admin, fund_lead):
        application = paid(organisation=org, by=org_admin, lead=fund_lead)
        with pytest.raises(ValidationError):
            services.payment_record(
                application=application,
                amount=Decimal("0.01"),
                paid_on=timezone.localdate(),
                reference="",
                by=fund_lead,
            )

    def test_payment_needs_the_signed_agreement(self, org, org_admin, fund_lead):
        application = approved(organisation=org, by=org_admin, lead=fund_lead)
        with pytest.raises(ValidationError):
            services.payment_record(
                application=application,
                amount=Decimal("10"),
                paid_on=timezone.localdate(),
                reference="",
                by=fund_lead,
            )

    def test_returns_cannot_exceed_what_was_paid(self, org, org_admin, fund_lead):
        application = paid(organisation=org, by=org_admin, lead=fund_lead)
        with pytest.raises(ValidationError):
            services.return_record(
                application=application,
                amount=Decimal("1000.01"),
                returned_on=timezone.localdate(),
                note="",
                by=fund_lead,
            )

    def test_only_leads_record_payments(self, org, org_admin, fund_lead, consultant):
        application = approved(organisation=org, by=org_admin, lead=fund_lead)
        with pytest.raises(PermissionDenied):
            services.payment_record(
                application=application,
                amount=Decimal("10"),
                paid_on=timezone.localdate(),
                reference="",
                by=consultant,
            )


class TestJury:
    def test_weighted_averages_over_jurors(
        self, call, org, org_admin, fund_lead, jury_member, second_juror
    ):
        application = in_review(organisation=org, by=org_admin, lead=fund_lead, call=call)
        services.jury_assign(
            application=application, jurors=[jury_member, second_juror], by=fund_lead
        )
        c1, c2 = list(call.criteria.all())  # weights 2 and 1
        services.scores_save(
            application=application, juror=jury_member, values={c1.pk: (5, "stark"), c2.pk: (2, "")}
        )
        services.scores_save(
            application=application, juror=second_juror, values={c1.pk: (3, ""), c2.pk: (3, "")}
        )
        # juror 1: (5*2 + 2*1) / 3 = 4.00; juror 2: (3*2 + 3*1) / 3 = 3.00; average 3.50
        scores = selectors.weighted_scores([application.pk], call)
        assert scores[application.pk] == {"jurors": 2, "average": Decimal("3.50")}
        ranked = selectors.ranking(call)
        assert ranked[0].pk == application.pk and ranked[0].average == Decimal("3.50")

    def test_the_ranking_is_ordered_in_the_database_as_the_averages_say(
        self, call, fund_lead, jury_member, second_juror
    ):
        from tests import factories as shared

        c1, c2 = list(call.criteria.all())  # weights 2 and 1
        votes = {  # application: [(juror, c1, c2)]
            "steady": [(jury_member, 4, 4), (second_juror, 4, 1)],  # 4.00 and 3.00: 3.50
            "best": [(jury_member, 5, 5)],  # 5.00
            "unscored": [],
            "weak": [(jury_member, 1, 2), (second_juror, 2, 1)],  # 1.33 and 1.67: 1.50
        }
        applications = {}
        for name, given in votes.items():
            organisation = shared.OrganisationFactory(name=f"{name} e.V.")
            admin = shared.member_of(organisation, role="admin", email=f"{name}@org.example")
            application = in_review(organisation=organisation, by=admin, lead=fund_lead, call=call)
            applications[name] = application
            if given:
                services.jury_assign(
                    application=application, jurors=[g[0] for g in given], by=fund_lead
                )
            for juror, first, second in given:
                services.scores_save(
                    application=application,
                    juror=juror,
                    values={c1.pk: (first, ""), c2.pk: (second, "")},
                )
        ranked = selectors.ranking(call)
        order = ["best", "steady", "weak", "unscored"]
        assert [a.pk for a in ranked] == [applications[n].pk for n in order]
        assert [(a.average, a.scored_by) for a in ranked] == [
            (Decimal("5.00"), 1),
            (Decimal("3.50"), 2),
            (Decimal("1.50"), 2),
            (None, 0),
        ]
        expected = selectors.weighted_scores([a.pk for a in applications.values()], call)
        for application in ranked:
            if application.average is not None:
                assert expected[application.pk]["average"] == application.average
                assert application.ranking_score == application.average
        # A page of it is the same rows as the whole, and counting needs no rows at all.
        assert [a.pk for a in ranked[1:3]] == [applications[n].pk for n in order[1:3]]
        # The order is found without reading the organisations (a big call would read the
        # whole registry); the page's rows come with theirs, in a second query.
        with CaptureQueriesContext(connection) as queries:
            page = ranked[0:2]
            names = [(a.organisation.name, a.call.title) for a in page]
        assert names == [(f"{n} e.V.", call.title) for n in order[:2]]
        ordering, rows = (q["sql"] for q in queries.captured_queries)
        assert "ORDER BY" in ordering and "organisations_organisation" not in ordering
        assert "organisations_organisation" in rows
        # The scores are read once, joined and grouped, not in a subquery per application;
        # the count needs none of them.
        assert '(SELECT SUM(U0."value"' not in ordering and 'JOIN "actionfund_score"' in ordering
        with CaptureQueriesContext(connection) as queries:
            assert ranked.count() == 4
        assert "actionfund_score" not in queries.captured_queries[0]["sql"]
        only = selectors.ranking(call, only_ids=[applications["weak"].pk])
        assert [a.pk for a in only] == [applications["weak"].pk]

    def test_scoring_again_updates_the_one_row_per_criterion(
        self, call, org, org_admin, fund_lead, jury_member
    ):
        application = in_review(organisation=org, by=org_admin, lead=fund_lead, call=call)
        services.jury_assign(application=application, jurors=[jury_member], by=fund_lead)
        c1 = call.criteria.first()
        services.scores_save(application=application, juror=jury_member, values={c1.pk: (1, "")})
        services.scores_save(
            application=application, juror=jury_member, values={c1.pk: (4, "besser")}
        )
        assert Score.objects.get(juror=jury_member, criterion=c1).value == 4
        with pytest.raises(IntegrityError):
            Score.objects.create(application=application, juror=jury_member, criterion=c1, value=2)

    def test_scores_out_of_range_are_refused(self, call, org, org_admin, fund_lead, jury_member):
        application = in_review(organisation=org, by=org_admin, lead=fund_lead, call=call)
        services.jury_assign(application=application, jurors=[jury_member], by=fund_lead)
        with pytest.raises(ValidationError):
            services.scores_save(
                application=application,
                juror=jury_member,
                values={call.criteria.first().pk: (6, "")},
            )

    def test_unassigned_jurors_cannot_score(self, call, org, org_admin, fund_lead, jury_member):
        application = in_review(organisation=org, by=org_admin, lead=fund_lead, call=call)
        with pytest.raises(PermissionDenied):
            services.scores_save(
                application=application,
                juror=jury_member,
                values={call.criteria.first().pk: (3, "")},
            )

    def test_only_jury_members_can_be_assigned(self, org, org_admin, fund_lead, consultant):
        application = submitted(organisation=org, by=org_admin)
        with pytest.raises(ValidationError):
            services.jury_assign(application=application, jurors=[consultant], by=fund_lead)


class TestProofOfUse:
    def test_proof_is_submitted_then_corrected_then_accepted(self, org, org_admin, fund_lead):
        application = paid(organisation=org, by=org_admin, lead=fund_lead)
        line = application.budget_lines.get()
        with pytest.raises(ValidationError):
            services.proof_submit(application=application, by=org_admin)
        services.proof_save(
            application=application,
            report="Das Fest fand statt.",
            spending={line.pk: Decimal("950.00")},
            by=org_admin,
        )
        services.proof_submit(application=application, by=org_admin)
        application.refresh_from_db()
        assert application.status == Status.PROOF_SUBMITTED
        assert application.proof_of_use.review == "submitted"
        services.proof_decide(
            application=application, accept=False, note="Beleg fehlt.", by=fund_lead
        )
        application.refresh_from_db()
        assert application.status == Status.PROOF_DUE
        assert application.proof_of_use.review == "corrections"
        services.proof_submit(application=application, by=org_admin)
        services.proof_decide(application=application, accept=True, note="", by=fund_lead)
        application.refresh_from_db()
        assert application.status == Status.CLOSED
        assert application.proof_of_use.review == "accepted"

    def test_other_organisations_cannot_touch_the_proof(
        self, org, org_admin, fund_lead, other_org_admin
    ):
        application = paid(organisation=org, by=org_admin, lead=fund_lead)
        with pytest.raises(PermissionDenied):
            services.proof_save(
                application=application, report="x", spending={}, by=other_org_admin
            )


class TestReminders:
    def test_draft_reminder_is_sent_once_before_the_call_closes(self, org, org_admin):
        call = CallFactory(closes_at=timezone.now() + timedelta(days=2))
        draft(organisation=org, by=org_admin, call=call)
        far = CallFactory(closes_at=timezone.now() + timedelta(days=10))
        draft(organisation=org, by=org_admin, call=far)
        assert services.reminders_send()["draft_deadline"] == 1
        assert services.reminders_send()["draft_deadline"] == 0
        assert len(queued()) == 1
        assert "noch ein Entwurf" in queued()[0].body

    def test_proof_reminders_before_and_after_the_due_date_go_once_each(
        self, org, org_admin, fund_lead
    ):
        application = paid(organisation=org, by=org_admin, lead=fund_lead)
        OutboundEmail.objects.all().delete()
        due = application.proof_due_date
        early = timezone.now() + (due - timezone.localdate() - timedelta(days=30))
        assert sum(services.reminders_send(now=early).values()) == 0
        before = timezone.now() + (due - timezone.localdate() - timedelta(days=10))
        assert services.reminders_send(now=before)["proof_before"] == 1
        assert services.reminders_send(now=before)["proof_before"] == 0
        application.refresh_from_db()
        assert application.status == Status.PROOF_DUE  # opened automatically
        after = timezone.now() + (due - timezone.localdate() + timedelta(days=3))
        assert services.reminders_send(now=after) == {
            "draft_deadline": 0,
            "proof_before": 0,
            "proof_after": 1,
        }
        assert sum(services.reminders_send(now=after).values()) == 0
        assert len(queued()) == 2
        assert (
            StatusChange.objects.filter(
                application=application, to_status=Status.PROOF_DUE, actor=None
            ).count()
            == 1
        )

    def test_without_a_stored_date_the_reminders_go_by_the_date_the_pages_show(
        self, org, org_admin, fund_lead
    ):
        """An application with no stored proof-of-use date (entered in the admin, say) is due
        at the project's end plus the call's weeks on every page (journey.proof_due); the
        reminders go by that same date, and name it."""
        from actionfund import journey

        application = paid(organisation=org, by=org_admin, lead=fund_lead)
        end = timezone.localdate() + timedelta(days=20)
        Application.objects.filter(pk=application.pk).update(
            proof_due_date=None, start_date=end - timedelta(days=60), end_date=end
        )
        application.refresh_from_db()
        due = journey.proof_due(application)
        assert due == end + timedelta(weeks=application.call.proof_of_use_weeks)
        OutboundEmail.objects.all().delete()
        before = timezone.now() + (due - timezone.localdate() - timedelta(days=10))
        assert services.reminders_send(now=before)["proof_before"] == 1
        assert formats.date_format(due, "DATE_FORMAT") in queued()[0].body
        after = timezone.now() + (due - timezone.localdate() + timedelta(days=3))
        assert services.reminders_send(now=after)["proof_after"] == 1
        assert services.reminders_send(now=after)["proof_after"] == 0

    def test_no_proof_reminder_once_the_proof_is_in(self, org, org_admin, fund_lead):
        application = paid(organisation=org, by=org_admin, lead=fund_lead)
        line = application.budget_lines.get()
        services.proof_save(
            application=application, report="ok", spending={line.pk: Decimal("1")}, by=org_admin
        )
        services.proof_submit(application=application, by=org_admin)
        after = timezone.now() + (
            application.proof_due_date - timezone.localdate() + timedelta(days=3)
        )
        assert sum(services.reminders_send(now=after).values()) == 0


class TestDecisionMessages:
    def test_placeholders_are_filled(self, org, org_admin):
        application = draft(organisation=org, by=org_admin)
        text = services.render_decision_message(
            template_text="{{ organisation }}: {{ project }} – {{ amount }} bis {{ due_date }}",
            application=application,
            amount=Decimal("1234.5"),
            due_date=timezone.localdate().replace(year=2027, month=3, day=1),
        )
        assert text.startswith(org.name)
        assert "1.234,50" in text and "2027" in text

    def test_a_broken_template_is_reported(self, org, org_admin):
        application = draft(organisation=org, by=org_admin)
        with pytest.raises(ValidationError):
            services.render_decision_message(template_text="{% if %}", application=application)


class TestMessageTemplatesAreSandboxed:
    @pytest.mark.parametrize("text", ['{% include "base.html" %}', "{% load static %}ok"])
    def test_templates_cannot_include_or_load(self, org, org_admin, text):
        application = draft(organisation=org, by=org_admin)
        with pytest.raises(ValidationError):
            services.render_decision_message(template_text=text, application=application)
