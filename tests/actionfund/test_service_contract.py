"""Services called directly (as a task, an admin action or an API would): cleaned values in,
the same rules as the forms, the one status table, and audit names of one vocabulary."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from actionfund import services, workflow
from actionfund.forms import CallForm
from actionfund.models import Application, Call, Status
from ikmo.audit import is_valid_action
from ikmo.content_language import form_columns
from ikmo.models import AuditEntry

from .factories import CallFactory, draft, in_review, submitted

pytestmark = pytest.mark.django_db


def call_values(**overrides):
    now = timezone.now()
    values = {
        "year": 2027,
        "title": "Kaleidoskop 2027",
        "description": "Kleine Projekte im Kiez.",
        "opens_at": now,
        "closes_at": now + timedelta(days=30),
        "decision_expected_on": None,
        "total_budget": Decimal("20000.00"),
        "max_single": Decimal("1500.00"),
        "max_cooperation": Decimal("3000.00"),
        "allowed_legal_forms": ["ev"],
        "workshop_rule": Call.WorkshopRule.NONE,
        "workshop_bonus": Decimal("0.50"),
        "max_score": 5,
        "proof_of_use_weeks": 8,
        "decision_approved_template": "Gefördert: {{ project }}",
        "decision_rejected_template": "Leider nicht: {{ project }}",
        "is_published": False,
    }
    values.update(overrides)
    return values


class TestCallSave:
    def test_the_form_edits_exactly_the_fields_the_service_takes(self):
        # The texts once per language: their German versions are the service's values.
        per_language = set(form_columns(*services.TEXT_FIELDS))
        edited = [
            name.removesuffix("_de") if name in per_language else name
            for name in CallForm.Meta.fields
            if name not in per_language or name.endswith("_de")
        ]
        assert tuple(edited) == services.CALL_FIELDS

    def test_creates_a_call_with_criteria(self, fund_lead):
        call = services.call_save(
            values=call_values(),
            criteria=[services.CriterionInput(title="Teilhabe", weight=Decimal("2"), position=1)],
            by=fund_lead,
        )
        assert call.title == "Kaleidoskop 2027"
        assert [c.title for c in call.criteria.all()] == ["Teilhabe"]
        entry = AuditEntry.objects.get(action="actionfund.call.created")
        assert entry.changes == {}

    def test_an_update_records_old_and_new_values(self, call, fund_lead):
        old_title = call.title
        kept = [
            services.CriterionInput(title=c.title, weight=c.weight, position=c.position, pk=c.pk)
            for c in call.criteria.all()
        ]
        values = {name: getattr(call, name) for name in services.CALL_FIELDS}
        services.call_save(
            call=call, values={**values, "title": "Neuer Titel"}, criteria=kept, by=fund_lead
        )
        entry = AuditEntry.objects.get(action="actionfund.call.updated")
        # The German title changed (the other languages have columns of their own).
        assert entry.changes == {"title_de": [old_title, "Neuer Titel"]}
        assert call.criteria.count() == 2

    @pytest.mark.parametrize(
        "overrides,field",
        [
            ({"decision_rejected_template": "{% if %}"}, "decision_rejected_template"),
            ({"closes_at": timezone.now() - timedelta(days=400)}, None),
            ({"max_cooperation": Decimal("1000.00")}, None),
        ],
    )
    def test_the_forms_rules_hold_without_the_form(self, fund_lead, overrides, field):
        with pytest.raises(ValidationError) as excinfo:
            services.call_save(values=call_values(**overrides), criteria=[], by=fund_lead)
        if field:
            assert field in excinfo.value.message_dict
        assert not Call.objects.exists()

    def test_only_fund_leads_keep_calls(self, consultant):
        with pytest.raises(PermissionDenied):
            services.call_save(values=call_values(), criteria=[], by=consultant)

    def test_a_missing_criterion_is_removed_unless_scored(
        self, call, org, org_admin, fund_lead, jury_member
    ):
        application = in_review(organisation=org, by=org_admin, lead=fund_lead, call=call)
        services.jury_assign(application=application, jurors=[jury_member], by=fund_lead)
        scored, other = call.criteria.all()
        services.scores_save(
            application=application, juror=jury_member, values={scored.pk: (3, "")}
        )
        values = {name: getattr(call, name) for name in services.CALL_FIELDS}
        keep_scored = [
            services.CriterionInput(
                title=scored.title, weight=scored.weight, position=1, pk=scored.pk
            )
        ]
        services.call_save(call=call, values=values, criteria=keep_scored, by=fund_lead)
        assert list(call.criteria.all()) == [scored]
        with pytest.raises(ValidationError) as excinfo:
            services.call_save(call=call, values=values, criteria=[], by=fund_lead)
        assert excinfo.value.code == "criterion_scored"
        assert list(call.criteria.all()) == [scored]


class TestProjectDates:
    def test_the_service_refuses_an_end_before_the_start(self, org, org_admin):
        application = draft(organisation=org, by=org_admin)
        with pytest.raises(ValidationError) as excinfo:
            services.application_save_step(
                application=application,
                step="project",
                values={"start_date": date(2026, 6, 10), "end_date": date(2026, 6, 1)},
                by=org_admin,
            )
        assert "end_date" in excinfo.value.message_dict

    def test_one_date_is_checked_against_the_stored_other(self, org, org_admin):
        application = draft(organisation=org, by=org_admin)
        later = application.end_date + timedelta(days=1)
        with pytest.raises(ValidationError) as excinfo:
            services.application_save_step(
                application=application,
                step="project",
                values={"start_date": later},
                by=org_admin,
            )
        assert "start_date" in excinfo.value.message_dict
        application.refresh_from_db()
        assert application.start_date < application.end_date

    def test_a_start_moved_past_the_stored_end_is_kept_as_typed(self, client_for, org, org_admin):
        application = draft(organisation=org, by=org_admin)
        stored_start, stored_end = application.start_date, application.end_date
        later = (stored_end + timedelta(days=5)).isoformat()
        response = client_for(org_admin).post(
            reverse("actionfund:application_edit", args=[application.pk, "project"]),
            {
                "goals": application.goals,
                "target_group": application.target_group,
                "activities": application.activities,
                "start_date": later,
                "end_date": stored_end.isoformat(),
                "action": "save",
            },
        )
        assert response.status_code == 200
        assert "Das Projekt kann nicht vor dem Beginn enden" in response.content.decode()
        application.refresh_from_db()
        assert (application.start_date, application.end_date) == (stored_start, stored_end)
        assert application.draft_data["project"] == {
            "start_date": later,
            "end_date": stored_end.isoformat(),
        }


class TestBatchDecisions:
    def test_decided_in_ranking_order_until_the_money_runs_out(
        self, org, org_admin, other_org, other_org_admin, fund_lead
    ):
        call = CallFactory(total_budget=Decimal("1500.00"), max_cooperation=Decimal("1500.00"))
        first = submitted(organisation=org, by=org_admin, call=call)
        second = submitted(organisation=other_org, by=other_org_admin, call=call)
        result = services.applications_decide_batch(
            call=call, application_ids=[first.pk, second.pk], approve=True, by=fund_lead
        )
        assert len(result.decided) == 1
        [(refused, reasons)] = result.refused
        assert refused.pk in {first.pk, second.pk}
        assert reasons
        assert Application.objects.filter(status=Status.APPROVED).count() == 1

    def test_nothing_decidable_selected_is_refused(self, call, org, org_admin, fund_lead):
        application = draft(organisation=org, by=org_admin, call=call)
        with pytest.raises(ValidationError) as excinfo:
            services.applications_decide_batch(
                call=call, application_ids=[application.pk], approve=False, by=fund_lead
            )
        assert excinfo.value.code == "nothing_selected"

    def test_only_fund_leads_decide(self, call, org, org_admin, consultant):
        application = submitted(organisation=org, by=org_admin, call=call)
        with pytest.raises(PermissionDenied):
            services.applications_decide_batch(
                call=call, application_ids=[application.pk], approve=False, by=consultant
            )
        application.refresh_from_db()
        assert application.status == Status.SUBMITTED

    def test_a_broken_template_is_refused_before_anything_is_decided(
        self, call, org, org_admin, fund_lead
    ):
        application = submitted(organisation=org, by=org_admin, call=call)
        with pytest.raises(ValidationError):
            services.applications_decide_batch(
                call=call,
                application_ids=[application.pk],
                approve=False,
                template_text="{% if %}",
                by=fund_lead,
            )
        application.refresh_from_db()
        assert application.status == Status.SUBMITTED


class TestWorkflow:
    def test_the_status_rules_page_lists_the_enforced_table(self):
        rows = workflow.table_rows()
        assert len(rows) == len(workflow.FLOW.steps)
        assert rows[0] == {
            "from": Status.DRAFT.label,
            "to": Status.SUBMITTED.label,
            "from_value": "draft",
            "to_value": "submitted",
            "actors": [workflow.ACTOR_LABELS[workflow.APPLICANT]],
            "label": workflow.FLOW.step(Status.DRAFT, Status.SUBMITTED).label,
            "note_required": False,
        }

    def test_the_generic_form_offers_no_step_with_a_form_of_its_own(self):
        assert [to for to, _step in workflow.lead_targets(Status.IN_REVIEW)] == [
            Status.INFO_REQUESTED,
            Status.WITHDRAWN,
        ]

    def test_every_audit_name_written_in_a_grant_lifecycle_is_valid(
        self, client_for, call, org, org_admin, fund_lead
    ):
        application = in_review(organisation=org, by=org_admin, lead=fund_lead, call=call)
        services.application_decide(
            application=application,
            approve=True,
            by=fund_lead,
            amount=application.requested_amount,
        )
        services.application_transition(
            application=application, to_status=Status.WITHDRAWN, by=org_admin
        )
        services.call_save(
            call=call,
            values={name: getattr(call, name) for name in services.CALL_FIELDS},
            criteria=[],
            by=fund_lead,
        )
        actions = set(AuditEntry.objects.values_list("action", flat=True))
        assert len(actions) >= 5
        assert {a for a in actions if not is_valid_action(a)} == set()


def test_a_bad_filter_value_on_the_staff_list_is_ignored(client_for, consultant, call):
    response = client_for(consultant).get(
        reverse("actionfund:application_list"),
        {"status": "nonsense", "call": "abc", "district": "999999", "q": "x" * 500},
    )
    assert response.status_code == 200
