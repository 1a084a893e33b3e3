"""Issue 16: services without forms keep the rules, contact steps follow CONTACT_FLOW, audit
names follow ``<app>.<object>.<verb>``, and every list shrugs off bad filter values."""

import datetime
import importlib
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from ikmo.audit import is_valid_action
from ikmo.models import AuditEntry
from mentoring import services
from mentoring.models import CONTACT_FLOW, CooperationContact, Event, MentorOffer, Tandem

from .factories import CooperationContactFactory, EventFactory, PartnerFactory, field

pytestmark = pytest.mark.django_db

C = CooperationContact.Status
TODAY = timezone.localdate


def _refusal(call) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value


def test_contacts_without_a_form_keep_the_date_rule_and_audit_changes(consultant, org):
    data = services.ContactData(
        organisation=org, partner=PartnerFactory(), field_of_work=field(), contact_date=TODAY()
    )
    error = _refusal(
        lambda: services.contact_create(
            data=services.ContactData(
                **{**data.__dict__, "contact_date": TODAY() + datetime.timedelta(days=1)}
            ),
            by=consultant,
        )
    )
    assert error.error_dict["contact_date"][0].code == "future"
    assert not CooperationContact.objects.exists()
    contact = services.contact_create(data=data, by=consultant)
    assert contact.status == C.CONTACT_MADE and contact.created_by == consultant
    services.contact_update(
        contact=contact,
        data=services.ContactData(**{**data.__dict__, "contact_person": "Herr Neu"}),
        by=consultant,
    )
    entry = AuditEntry.objects.get(action="mentoring.contact.updated")
    assert entry.changes == {"contact_person": ["", "Herr Neu"]}


def test_contact_steps_are_the_table_of_before(consultant):
    assert CONTACT_FLOW.targets(C.CONTACT_MADE) == [
        C.MEETING_HELD,
        C.JOINT_INITIATIVE,
        C.ONGOING,
        C.ENDED,
    ]
    assert CONTACT_FLOW.targets(C.ONGOING) == [C.ENDED]
    assert CONTACT_FLOW.targets(C.ENDED) == []
    contact = CooperationContactFactory(status=C.ONGOING)
    with pytest.raises(ValidationError):
        services.contact_change_status(contact=contact, to_status=C.MEETING_HELD, by=consultant)
    services.contact_change_status(contact=contact, to_status=C.ENDED, by=consultant)
    assert AuditEntry.objects.filter(action="mentoring.contact.status_changed").count() == 1


def test_event_rules_hold_when_the_service_is_called_directly(consultant):
    starts = timezone.now() + datetime.timedelta(days=3)
    data = services.EventData(
        kind=Event.Kind.EXPERT_ROUND,
        title="Fachrunde",
        starts_at=starts,
        ends_at=starts - datetime.timedelta(hours=1),
    )
    error = _refusal(lambda: services.event_save(event=None, data=data, by=consultant))
    assert error.error_dict["ends_at"][0].code == "order"
    event = services.event_save(
        event=None,
        data=services.EventData(**{**data.__dict__, "ends_at": None, "is_open": True}),
        by=consultant,
    )
    assert event.created_by == consultant and event.is_open


def test_offer_and_request_without_a_form(org_admin, mentor_org, mentee_org, other_org_admin):
    offer = services.offer_save(
        organisation=mentor_org,
        data=services.OfferData(capacity=2, fields_of_work=(field(),)),
        by=org_admin,
    )
    again = services.offer_save(
        organisation=mentor_org, data=services.OfferData(capacity=3), by=org_admin
    )
    assert again.pk == offer.pk and MentorOffer.objects.count() == 1
    assert again.capacity == 3 and not again.fields_of_work.exists()
    services.request_save(
        organisation=mentee_org, data=services.RequestData(needs="Hilfe"), by=other_org_admin
    )
    with pytest.raises(ValidationError):  # one open request per organisation
        services.request_save(
            organisation=mentee_org, data=services.RequestData(), by=other_org_admin
        )


def test_tandem_rules_hold_when_the_services_are_called_directly(active_tandem, project_lead):
    start = active_tandem.starts_on
    error = _refusal(
        lambda: services.tandem_update_plan(
            tandem=active_tandem, goals="", starts_on=start, planned_end_on=start, by=project_lead
        )
    )
    assert error.error_dict["planned_end_on"][0].code == "order"
    tomorrow = TODAY() + datetime.timedelta(days=1)
    error = _refusal(
        lambda: services.meeting_log(
            tandem=active_tandem, met_on=tomorrow, format="in_person", by=project_lead
        )
    )
    assert error.error_dict["met_on"][0].code == "future"
    error = _refusal(
        lambda: services.meeting_log(
            tandem=active_tandem,
            met_on=start - datetime.timedelta(days=1),
            format="in_person",
            by=project_lead,
        )
    )
    assert error.error_dict["met_on"][0].code == "before_start"
    services.meeting_log(tandem=active_tandem, met_on=start, format="in_person", by=project_lead)
    assert AuditEntry.objects.filter(action="mentoring.tandem.meeting_logged").count() == 1


def test_every_audit_name_written_by_the_services_is_valid():
    source = Path(services.__file__).read_text()
    names = set(re.findall(r'"(mentoring\.[a-z_.]+)"', source))
    names |= {f"mentoring.tandem.{s}" for s in (Tandem.Status.COMPLETED, Tandem.Status.ENDED_EARLY)}
    assert names and all(is_valid_action(name) for name in names), sorted(names)
    assert not re.search(r'action=f?"(?!mentoring\.)', source)


def test_the_migration_renames_old_audit_names_both_ways():
    from django.apps import apps

    migration = importlib.import_module("mentoring.migrations.0005_audit_action_names")
    assert all(is_valid_action(new) for new in migration.RENAMED.values())
    AuditEntry.objects.create(action="mentoring.tandem.plan")
    migration._rename(migration.RENAMED)(apps, None)
    assert AuditEntry.objects.get().action == "mentoring.tandem.plan_updated"
    migration._rename({v: k for k, v in migration.RENAMED.items()})(apps, None)
    assert AuditEntry.objects.get().action == "mentoring.tandem.plan"


def test_bad_filter_values_never_break_the_lists(client_for, consultant, active_tandem):
    client = client_for(consultant)
    mo = CooperationContactFactory(contact_person="Frau Muster").organisation.name
    EventFactory(title="Fachrunde Nord", is_open=True)
    checks = [
        (
            "mentoring:contact_list",
            {"status": "x", "field": "abc", "district": "999"},
            mo,
        ),
        ("mentoring:contact_list", {"q": "Muster", "status": ""}, mo),
        ("mentoring:event_list", {"show": "later", "kind": "x"}, "Fachrunde Nord"),
        ("mentoring:tandem_list", {"status": "x"}, active_tandem.mentor.name),
        ("mentoring:partner_search", {"district": "abc", "field": "-1"}, None),
    ]
    for name, params, shown in checks:
        response = client.get(reverse(name), params)
        assert response.status_code == 200, name
        if shown:
            assert shown in response.content.decode(), name
    response = client.get(reverse("mentoring:event_list"), {"show": "past", "kind": "x"})
    assert response.context["show"] == "past" and response.context["kind"] == ""
    response = client.get(reverse("mentoring:tandem_list"), {"status": Tandem.Status.DECLINED})
    assert active_tandem.mentor.name not in response.content.decode()


def test_tandem_steps_follow_the_table(active_tandem, project_lead):
    from mentoring.models import TANDEM_FLOW

    T = Tandem.Status
    assert TANDEM_FLOW.targets(T.PROPOSED) == [T.ACTIVE, T.DECLINED]
    assert TANDEM_FLOW.targets(T.ACTIVE) == [T.COMPLETED, T.ENDED_EARLY]
    assert TANDEM_FLOW.targets(T.COMPLETED) == TANDEM_FLOW.targets(T.DECLINED) == []
    with pytest.raises(ValidationError):  # ending early needs a reason
        services.tandem_close(tandem=active_tandem, status=T.ENDED_EARLY, by=project_lead)
    services.tandem_close(
        tandem=active_tandem, status=T.ENDED_EARLY, note="Aufgelöst", by=project_lead
    )
    with pytest.raises(ValidationError):  # finished stays finished
        services.tandem_close(tandem=active_tandem, status=T.COMPLETED, by=project_lead)
