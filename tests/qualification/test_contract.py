"""Issue 16: services without forms keep the rules, steps follow the workflow tables, audit
names follow ``<app>.<object>.<verb>``, and lists shrug off bad filter values."""

import importlib
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from ikmo.audit import is_valid_action
from ikmo.models import AuditEntry
from qualification import services
from qualification.models import REGISTRATION_FLOW, WORKSHOP_FLOW, CoachingSession, Workshop
from tests import factories

from .factories import make_workshop, register

pytestmark = pytest.mark.django_db

W = Workshop.Status


def _data(workshop, **changes):
    values = {
        "title": workshop.title,
        "description": workshop.description,
        "trainer": workshop.trainer,
        "capacity": workshop.capacity,
        "venue": workshop.venue,
        "topics": tuple(workshop.topics.all()),
        "languages": tuple(workshop.languages.all()),
        "status": workshop.status,
        **changes,
    }
    return services.WorkshopData(**values)


def _dates(workshop):
    return [
        services.SessionDates(starts_at=s.starts_at, ends_at=s.ends_at, pk=s.pk)
        for s in workshop.sessions.all()
    ]


def _refusal(call) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value


def test_workshop_save_without_a_form_creates_and_audits(trainer):
    start = timezone.now().replace(microsecond=0) + timedelta(days=5)
    workshop = services.workshop_save(
        workshop=None,
        data=services.WorkshopData(
            title="Vereinsrecht", trainer=trainer, capacity=12, online_url="https://v.example"
        ),
        sessions=[services.SessionDates(starts_at=start, ends_at=start + timedelta(hours=2))],
        by=trainer,
    )
    assert workshop.status == W.DRAFT and workshop.created_by == trainer
    assert workshop.starts_at == start and workshop.sessions.count() == 1
    assert AuditEntry.objects.filter(action="qualification.workshop.created").count() == 1


def test_workshop_save_keeps_dates_by_pk_and_records_changes_from_the_model(workshop):
    before = workshop.capacity
    session = workshop.sessions.get()
    later = session.starts_at + timedelta(days=14)
    extra = services.SessionDates(starts_at=later, ends_at=later + timedelta(hours=1))
    services.workshop_save(
        workshop=workshop,
        data=_data(workshop, capacity=15),
        sessions=[*_dates(workshop), extra],
        by=workshop.trainer,
    )
    assert workshop.sessions.count() == 2
    assert workshop.sessions.filter(pk=session.pk).exists()  # its calendar UID stays
    entry = AuditEntry.objects.get(action="qualification.workshop.updated")
    assert entry.changes == {"capacity": [str(before), "15"]}


def test_workshop_rules_hold_when_the_service_is_called_directly(workshop, org):
    before = workshop.capacity
    for _ in range(2):
        register(workshop, factories.member_of(org), org)
    trainer = workshop.trainer
    error = _refusal(
        lambda: services.workshop_save(
            workshop=workshop,
            data=_data(workshop, capacity=1),
            sessions=_dates(workshop),
            by=trainer,
        )
    )
    assert error.error_dict["capacity"][0].code == "capacity_below_confirmed"
    assert "2" in error.messages[0]
    error = _refusal(
        lambda: services.workshop_save(
            workshop=workshop, data=_data(workshop, venue=""), sessions=_dates(workshop), by=trainer
        )
    )
    assert error.error_dict["venue"][0].code == "no_place"
    error = _refusal(
        lambda: services.workshop_save(
            workshop=workshop, data=_data(workshop), sessions=[], by=trainer
        )
    )
    assert error.code == "no_dates"
    late = workshop.starts_at + timedelta(days=1)
    error = _refusal(
        lambda: services.workshop_save(
            workshop=workshop,
            data=_data(workshop, registration_deadline=late),
            sessions=_dates(workshop),
            by=trainer,
        )
    )
    assert error.code == "deadline_after_start"
    # Cancelling goes through workshop_cancel, which tells the participants.
    error = _refusal(
        lambda: services.workshop_save(
            workshop=workshop,
            data=_data(workshop, status=W.CANCELLED),
            sessions=_dates(workshop),
            by=trainer,
        )
    )
    assert error.error_dict["status"][0].code == "use_cancel"
    # Published never goes back to draft.
    error = _refusal(
        lambda: services.workshop_save(
            workshop=workshop,
            data=_data(workshop, status=W.DRAFT),
            sessions=_dates(workshop),
            by=trainer,
        )
    )
    assert error.error_dict["status"][0].code == "transition"
    workshop.refresh_from_db()
    assert workshop.capacity == before and workshop.venue and workshop.status == W.PUBLISHED


def test_workshop_and_registration_steps_are_the_tables_of_before():
    assert WORKSHOP_FLOW.targets(W.DRAFT) == [W.PUBLISHED, W.CANCELLED]
    assert WORKSHOP_FLOW.targets(W.PUBLISHED) == [W.CANCELLED]
    assert WORKSHOP_FLOW.targets(W.CANCELLED) == []
    assert REGISTRATION_FLOW.targets("waitlisted") == ["confirmed", "cancelled"]
    assert REGISTRATION_FLOW.targets("confirmed") == ["cancelled"]
    assert REGISTRATION_FLOW.targets("cancelled") == []


def _coaching(**changes):
    values = {"date": timezone.localdate(), "duration_minutes": 60, "format": "phone", **changes}
    return services.CoachingSessionData(**values)


def test_coaching_rules_hold_when_the_service_is_called_directly(org, consultant):
    today = timezone.localdate()
    create = services.coaching_session_create
    error = _refusal(
        lambda: create(
            organisation=org, data=_coaching(date=today + timedelta(days=1)), by=consultant
        )
    )
    assert error.error_dict["date"][0].code == "future"
    error = _refusal(
        lambda: create(
            organisation=org,
            data=_coaching(follow_up_date=today - timedelta(days=1), next_step="Anrufen"),
            by=consultant,
        )
    )
    assert error.error_dict["follow_up_date"][0].code == "follow_up_before"
    error = _refusal(
        lambda: create(
            organisation=org,
            data=_coaching(follow_up_date=today + timedelta(days=3)),
            by=consultant,
        )
    )
    assert error.error_dict["next_step"][0].code == "next_step_missing"
    assert not CoachingSession.objects.exists()
    session = create(organisation=org, data=_coaching(outcome="Gut"), by=consultant)
    assert session.consultant == consultant and session.organisation == org
    assert AuditEntry.objects.filter(action="qualification.session.logged").count() == 1


def test_every_audit_name_written_by_the_services_is_valid():
    source = Path(services.__file__).read_text()
    names = set(re.findall(r'"(qualification\.[a-z_.]+)"', source))
    names |= {f"qualification.registration.{s}" for s in ("confirmed", "waitlisted")}
    names |= set(re.findall(r'action="([^"]+)"', source))
    assert names and all(is_valid_action(name) for name in names), sorted(names)
    assert not re.search(r'action=f?"(?!qualification\.)', source)


def test_the_migration_renames_old_audit_names_both_ways():
    migration = importlib.import_module("qualification.migrations.0005_audit_action_names")
    from django.apps import apps

    assert all(is_valid_action(new) for new in migration.RENAMED.values())
    AuditEntry.objects.create(action="coaching.session_logged")
    AuditEntry.objects.create(action="registration.attendance")
    migration._rename(migration.RENAMED)(apps, None)
    assert set(AuditEntry.objects.values_list("action", flat=True)) == {
        "qualification.session.logged",
        "qualification.registration.attendance_recorded",
    }
    migration._rename({v: k for k, v in migration.RENAMED.items()})(apps, None)
    assert set(AuditEntry.objects.values_list("action", flat=True)) == {
        "coaching.session_logged",
        "registration.attendance",
    }


def test_bad_filter_values_never_break_the_lists(client, consultant):
    make_workshop(title="Bald")
    response = client.get(
        reverse("qualification:workshop_list"), {"month": "13-2026", "topic": "x"}
    )
    assert response.status_code == 200 and "Bald" in response.content.decode()
    client.force_login(consultant)
    response = client.get(reverse("qualification:coaching"), {"window": "365"})
    assert response.status_code == 200 and response.context["window"] == 7
