"""Retention periods: one daily job anonymises what has expired, and a second run changes nothing."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from ikmo.models import OutboundEmail
from participation_check.models import Analysis, GuidelineQuestion, Interview, InterviewAnswer
from privacy import services, tasks
from privacy.models import DataExport, ErasureRequest
from privacy.retention import apply_retention
from tests import factories
from tests.volunteering.factories import VolunteerFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 1)


@pytest.fixture
def periods(settings):
    settings.IKMO_RETENTION_DAYS = {
        "volunteer": 365,
        "interview": 730,
        "inactive_account": 1095,
        "export": 30,
        "sent_email": 180,
    }
    settings.IKMO_VOLUNTEER_RETENTION_DAYS = 365
    return settings.IKMO_RETENTION_DAYS


def _interview(org, lead, when, name):
    analysis = Analysis.objects.create(
        title=f"Analyse {name}",
        district=factories.district(),
        period_start=when,
        period_end=when + timedelta(days=30),
        created_by=lead,
    )
    question = GuidelineQuestion.objects.create(
        analysis=analysis, position=1, text="Was brauchen Sie?"
    )
    interview = Interview.objects.create(
        analysis=analysis,
        organisation=org,
        date=when,
        interviewer=lead,
        interviewee=name,
        consent_given=True,
        consent_form="written",
        consent_date=when,
        summary=f"Gespräch mit {name}",
    )
    InterviewAnswer.objects.create(
        interview=interview, question=question, text=f"{name} sagt: Räume"
    )
    return interview


def test_expired_interviews_lose_their_contents_and_recent_ones_keep_them(
    periods, org, project_lead
):
    old = _interview(org, project_lead, TODAY - timedelta(days=800), "Frau Alt")
    recent = _interview(org, project_lead, TODAY - timedelta(days=100), "Herr Neu")
    done = apply_retention(today=TODAY)
    assert done["interview"] == 2  # the interview row and its answer
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.interviewee == "" and old.summary == ""
    assert old.answers.get().text == "[erased]"
    assert old.consent_given and old.organisation_id == org.pk and old.date  # the fact stays
    assert recent.interviewee == "Herr Neu" and recent.answers.get().text.startswith("Herr Neu")


def test_inactive_accounts_are_erased_but_staff_and_active_people_are_not(periods, org, consultant):
    long_gone = factories.member_of(
        org, email="long.gone@example.org", first_name="Lang", last_name="Weg"
    )
    type(long_gone).objects.filter(pk=long_gone.pk).update(
        last_login=timezone.now() - timedelta(days=2000),
        date_joined=timezone.now() - timedelta(days=2500),
    )
    recent = factories.member_of(org, email="recent@example.org")
    type(recent).objects.filter(pk=recent.pk).update(last_login=timezone.now() - timedelta(days=10))
    type(consultant).objects.filter(pk=consultant.pk).update(
        last_login=timezone.now() - timedelta(days=3000)
    )
    done = apply_retention(today=timezone.localdate())
    assert done["inactive_account"] == 1
    long_gone.refresh_from_db()
    assert long_gone.email.endswith("@erased.invalid") and not long_gone.is_active
    assert ErasureRequest.objects.get(person=long_gone).origin == ErasureRequest.Origin.RETENTION
    recent.refresh_from_db()
    consultant.refresh_from_db()
    assert recent.email == "recent@example.org" and consultant.is_active


def test_old_export_files_are_deleted_and_the_row_says_so(
    periods, org_admin, django_capture_on_commit_callbacks, private_storage
):
    with django_capture_on_commit_callbacks(execute=True):
        export = services.export_request(by=org_admin, person=org_admin)
    export.refresh_from_db()
    path = private_storage / export.file.name
    assert path.exists()
    DataExport.objects.filter(pk=export.pk).update(created_at=timezone.now() - timedelta(days=31))
    with django_capture_on_commit_callbacks(execute=True):
        done = apply_retention(today=timezone.localdate())
    assert done["export"] == 1
    export.refresh_from_db()
    assert export.status == DataExport.Status.EXPIRED and not export.file
    assert not path.exists()


def test_old_sent_emails_are_deleted_and_waiting_ones_kept(periods):
    old = timezone.now() - timedelta(days=200)
    sent = OutboundEmail.objects.create(to="a@example.org", subject="s", body="b", status="sent")
    waiting = OutboundEmail.objects.create(
        to="b@example.org", subject="s", body="b", status="pending"
    )
    OutboundEmail.objects.filter(pk__in=[sent.pk, waiting.pk]).update(created_at=old)
    assert apply_retention(today=timezone.localdate())["sent_email"] == 1
    assert list(OutboundEmail.objects.values_list("pk", flat=True)) == [waiting.pk]


def test_volunteers_are_anonymised_by_the_desks_own_rule(periods, monkeypatch):
    from volunteering import services as desk

    calls = []
    original = desk.volunteer_erase_expired

    def spy(*, today=None):
        calls.append(today)
        return original(today=today)

    monkeypatch.setattr(desk, "volunteer_erase_expired", spy)
    apply_retention(today=TODAY)
    assert calls == [TODAY]


def test_volunteer_retention_erases_an_expired_volunteer(periods, site, contingent):
    from volunteering.models import Placement

    volunteer = VolunteerFactory(email="ehemalig@example.org")
    Placement.objects.create(
        volunteer=volunteer,
        site=site,
        contingent=contingent,
        service_type="fsj",
        start_date=date(2024, 1, 1),
        end_date=date(2024, 12, 31),
        weekly_hours=39,
        mentor_name="Anleiterin",
        status="finished",
    )
    assert apply_retention(today=TODAY)["volunteer"] == 1
    volunteer.refresh_from_db()
    assert volunteer.anonymised_at and volunteer.email == ""


def test_a_second_run_changes_nothing(periods, org, project_lead):
    _interview(org, project_lead, TODAY - timedelta(days=800), "Frau Alt")
    factories.member_of(org, email="gone@example.org")
    from organisations.models import User

    User.objects.filter(email="gone@example.org").update(
        last_login=None, date_joined=timezone.now() - timedelta(days=4000)
    )
    first = apply_retention(today=timezone.localdate() + timedelta(days=1000))
    second = apply_retention(today=timezone.localdate() + timedelta(days=1000))
    assert first["interview"] > 0 and first["inactive_account"] >= 1
    assert all(value == 0 for value in second.values()), second


def test_a_category_without_a_period_keeps_its_data(settings, org, project_lead):
    settings.IKMO_RETENTION_DAYS = {"interview": None}
    interview = _interview(org, project_lead, TODAY - timedelta(days=5000), "Frau Alt")
    assert apply_retention(today=TODAY) == {}
    interview.refresh_from_db()
    assert interview.interviewee == "Frau Alt"


def test_the_retention_job_is_scheduled_daily_and_replaces_the_desks_own_entry(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE
    tasks_scheduled = [entry["task"] for entry in schedule.values()]
    entry = next(e for e in schedule.values() if e["task"] == "privacy.tasks.apply_retention")
    assert entry["schedule"] <= 24 * 3600
    # One job for every category: the desk's erase job is called by it, not scheduled twice.
    assert "volunteering.tasks.erase_expired_volunteer_data" not in tasks_scheduled
    # Lost export tasks are re-sent by the one sweeper over every background job.
    assert "ikmo.tasks.sweep_background_work" in tasks_scheduled
    assert set(settings.IKMO_RETENTION_DAYS) >= {"volunteer", "interview", "inactive_account"}
    assert settings.IKMO_RETENTION_DAYS["volunteer"] == settings.IKMO_VOLUNTEER_RETENTION_DAYS


def test_the_task_runs_the_rules(periods, org, project_lead):
    _interview(org, project_lead, timezone.localdate() - timedelta(days=800), "Frau Alt")
    assert tasks.apply_retention.delay().get()["interview"] == 2
