"""Faults: the broker is down, a worker dies, SMTP fails, reminder sweeps overlap.

The rule these tests hold the portal to: work is a database row first (ikmo.queue), so a
fault delays it but never loses or doubles it.
"""

import smtplib
import threading
import time
from collections import Counter
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from ikmo.celery import app
from ikmo.models import GeneratedDocument, OutboundEmail
from ikmo.tasks import send_email, sweep_background_work

pytestmark = pytest.mark.django_db

CLOSED_PORT_BROKER = "redis://127.0.0.1:1/0"


def _reset_celery_connections():
    # The app caches its connection pool and producer from the config it saw first. Drop the
    # references without closing the pool: code still holding it (a producer made by an
    # earlier test) would otherwise fail later with "Acquire on closed pool".
    app._pool = None
    app.__dict__.pop("amqp", None)


@pytest.fixture
def redis_down():
    """Celery talks to a Redis that is not there (a closed port), for real (not eager)."""
    changes = {
        "broker_url": CLOSED_PORT_BROKER,
        "task_always_eager": False,
        "broker_connection_retry": False,
        "broker_connection_max_retries": 1,
    }
    saved = {key: app.conf[key] for key in changes}
    app.conf.update(changes)
    _reset_celery_connections()
    try:
        yield
    finally:
        app.conf.update(saved)
        _reset_celery_connections()


def _age_rows(seconds=3600):
    """Pretend the rows were written a while ago (the sweeper leaves fresh ones alone)."""
    past = timezone.now() - timedelta(seconds=seconds)
    OutboundEmail.objects.update(created_at=past)
    GeneratedDocument.objects.update(created_at=past)


def _preview_token(client, application):
    page = client.get(reverse("actionfund:application_edit", args=[application.pk, "preview"]))
    assert page.status_code == 200
    return application.submission_token


def test_submitting_while_redis_is_down_saves_answers_fast_and_sends_once_it_is_back(
    client, world, redis_down, django_capture_on_commit_callbacks
):
    application = world.af_draft
    admin_a = world.users["admin_a"]
    client.force_login(admin_a)
    token = _preview_token(client, application)
    OutboundEmail.objects.all().delete()
    mail.outbox.clear()

    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("actionfund:application_submit", args=[application.pk]),
            {"token": token, "confirm": "on"},
        )
        # The organisation asks for its profile sheet too (a PDF for the worker).
        client.post(reverse("organisations:profile_sheet", args=[world.org_a.pk]))
    elapsed = time.monotonic() - started

    assert response.status_code == 302
    assert elapsed < 5, f"the request waited {elapsed:.1f}s for a broker that is not there"
    application.refresh_from_db()
    assert application.status == "submitted"
    emails = list(OutboundEmail.objects.all())
    assert emails and all(e.status == OutboundEmail.Status.PENDING for e in emails)
    assert all(e.enqueued_at is None for e in emails)  # never reached a broker
    document = GeneratedDocument.objects.filter(requested_by=admin_a).latest("pk")
    assert document.status == GeneratedDocument.Status.PENDING
    assert mail.outbox == []

    # Redis is back (eager stands in for the worker): the sweeper sends each row once.
    app.conf.update({"task_always_eager": True})
    _age_rows()
    with mock.patch("ikmo.pdf.render_pdf", return_value=b"%PDF-1.4 test"):
        assert sweep_background_work() == len(emails) + 1
        assert sweep_background_work() == 0  # a second sweep finds nothing to do
    assert sorted(m.to[0] for m in mail.outbox) == sorted(e.to for e in emails)
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {"sent"}
    document.refresh_from_db()
    assert document.status == GeneratedDocument.Status.DONE


def _pdf_document(world):
    from ikmo.documents import document_request
    from organisations.documents import PROFILE_SHEET

    return document_request(
        kind=PROFILE_SHEET, target=world.org_a, organisation=world.org_a, by=world.users["admin_a"]
    )


def test_a_document_whose_worker_died_is_rendered_again_once(world, settings):
    document = _pdf_document(world)
    # The worker took it (RUNNING) and was killed: nothing finished it.
    stale = timezone.now() - timedelta(seconds=settings.IKMO_DOCUMENT_REQUEUE_AFTER_SECONDS + 60)
    GeneratedDocument.objects.filter(pk=document.pk).update(
        status=GeneratedDocument.Status.RUNNING, progress=40, enqueued_at=stale, created_at=stale
    )
    with mock.patch("ikmo.documents.render_pdf", return_value=b"%PDF-1.4 test") as render:
        assert sweep_background_work() == 1
        assert sweep_background_work() == 0
    assert render.call_count == 1
    document.refresh_from_db()
    assert document.status == GeneratedDocument.Status.DONE
    assert document.attempts == 1
    # A late redelivery of the dead worker's message does nothing to the finished document.
    name = document.file.name
    from ikmo.tasks import render_document

    with mock.patch("ikmo.documents.render_pdf", return_value=b"%PDF other") as render:
        render_document.apply(args=[document.pk])
    assert render.call_count == 0
    document.refresh_from_db()
    assert document.file.name == name


def test_an_email_whose_worker_died_is_sent_again_once(world, settings):
    from ikmo.mail import email_queue

    email = email_queue(
        to="person@example.org",
        template="organisations/email/join_approved",
        context={"organisation": world.org_a},
    )
    stale = timezone.now() - timedelta(seconds=settings.IKMO_DOCUMENT_REQUEUE_AFTER_SECONDS + 60)
    OutboundEmail.objects.filter(pk=email.pk).update(enqueued_at=stale, created_at=stale)
    sweep_background_work()
    sweep_background_work()
    send_email.apply(args=[email.pk])  # and the original message, redelivered
    assert [m.to for m in mail.outbox] == [["person@example.org"]]


class _FailingSMTP:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("mail server went away")

    def open(self):
        return True

    def close(self):
        pass


def test_smtp_failures_are_retried_until_the_horizon_then_shown_to_staff(world, client, settings):
    from ikmo.mail import email_queue

    settings.EMAIL_BACKEND = f"{__name__}._FailingSMTP"
    email = email_queue(
        to="person@example.org",
        template="organisations/email/join_approved",
        context={"organisation": world.org_a},
    )
    # An hour of outage: every attempt leaves it waiting for the next (no terminal state).
    for _ in range(8):
        send_email.apply(args=[email.pk])
        email.refresh_from_db()
        assert email.status == OutboundEmail.Status.PENDING
        OutboundEmail.objects.filter(pk=email.pk).update(next_attempt_at=None)
    # Past the horizon it is given up.
    OutboundEmail.objects.filter(pk=email.pk).update(
        created_at=timezone.now() - timedelta(hours=settings.IKMO_MAIL_GIVE_UP_AFTER_HOURS + 1)
    )
    send_email.apply(args=[email.pk])
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    assert email.attempts == 9
    assert "SMTPServerDisconnected" in email.last_error
    assert mail.outbox == []

    # Staff see it in the admin, with the error and a retry action.
    client.force_login(world.users["admin"])
    page = client.get(reverse("admin:ikmo_outboundemail_changelist"), {"status__exact": "failed"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "person@example.org" in html and "mail server went away" in html
    assert 'value="retry"' in html
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client.post(
        reverse("admin:ikmo_outboundemail_changelist"),
        {"action": "retry", "_selected_action": [email.pk]},
    )
    # The retry is enqueued on commit; here the sweeper stands in for the broker.
    OutboundEmail.objects.filter(pk=email.pk).update(created_at=timezone.now() - timedelta(hours=1))
    sweep_background_work()
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert email.retrying_since is not None
    assert [m.to for m in mail.outbox] == [["person@example.org"]]


# --- reminders: every sweep, twice, and concurrently ---------------------------------------


def _make_reminders_due(world):
    """Something due for every reminder sweep of every app."""
    from actionfund.models import Application, Call
    from mentoring.models import Tandem
    from qualification.models import CoachingCase, CoachingSession
    from tests.qualification.factories import make_workshop, register
    from volunteering import rules

    today = timezone.localdate()
    # Qualification: a workshop tomorrow; yesterday's attended one; a follow-up date today;
    # an active case without a session for months.
    soon = make_workshop(
        trainer=world.consultants["qualification"],
        title="Morgen-Workshop",
        starts_in=timedelta(hours=24),
    )
    register(soon, world.users["member_a"], world.org_a)
    CoachingSession.objects.filter(pk=world.coaching_a.pk).update(follow_up_date=today)
    from tests import factories

    quiet = factories.OrganisationFactory(name="Ruhiger Verein e.V.")
    CoachingCase.objects.create(
        organisation=quiet,
        consultant=world.consultants["qualification"],
        started_on=today - timedelta(weeks=20),
    )
    CoachingSession.objects.create(
        organisation=quiet,
        consultant=world.consultants["qualification"],
        date=today - timedelta(weeks=12),
        duration_minutes=60,
        format=CoachingSession.Format.PHONE,
    )
    # Mentoring: the active tandem has not met for months.
    Tandem.objects.filter(pk=world.tandem.pk).update(starts_on=today - timedelta(weeks=12))
    # Action fund: the call closes in two days (draft reminder); proof due in a week.
    Call.objects.filter(pk=world.call.pk).update(closes_at=timezone.now() + timedelta(days=2))
    Application.objects.filter(pk=world.af_paid.pk).update(proof_due_date=today + timedelta(days=7))
    # Volunteering: the placement ends within the notice period, and no seminar day attended.
    from volunteering.models import Placement

    Placement.objects.filter(pk=world.placement_a.pk).update(
        start_date=today - timedelta(days=300),
        end_date=today + timedelta(days=max(1, rules.ending_notice_days() - 1)),
    )


SWEEPS = [
    "qualification.tasks.send_workshop_reminders",
    "qualification.tasks.send_workshop_followups",
    "qualification.tasks.send_coaching_follow_up_reminders",
    "qualification.tasks.send_coaching_nudges",
    "mentoring.tasks.sweep_tandem_nudges",
    "actionfund.tasks.send_reminders",
    "volunteering.tasks.send_due_reminders",
]


def _run_all_sweeps():
    import importlib

    for name in SWEEPS:
        module, _, task = name.rpartition(".")
        result = getattr(importlib.import_module(module), task).apply()
        if result.failed():
            raise result.result


def _duplicates():
    counts = Counter(OutboundEmail.objects.values_list("to", "subject", "body"))
    return {key[:2]: n for key, n in counts.items() if n > 1}


def test_every_reminder_sweep_run_twice_sends_each_reminder_once(world):
    _make_reminders_due(world)
    OutboundEmail.objects.all().delete()
    _run_all_sweeps()
    first = OutboundEmail.objects.count()
    subjects = set(OutboundEmail.objects.values_list("subject", flat=True))
    assert first >= 7, subjects  # every sweep had something to send
    _run_all_sweeps()
    assert OutboundEmail.objects.count() == first
    assert _duplicates() == {}


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_reminder_sweeps_running_concurrently_send_each_reminder_once():
    """Two beat schedulers (or a slow run overlapping the next) on PostgreSQL: threads with
    their own connections race through every sweep at the same moment."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks and unique markers under concurrency need PostgreSQL")
    from .world import build_world

    world = build_world()
    _make_reminders_due(world)
    OutboundEmail.objects.all().delete()
    barrier = threading.Barrier(3)
    errors = []

    def sweep():
        try:
            barrier.wait(timeout=30)
            _run_all_sweeps()
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert OutboundEmail.objects.count() >= 7
    assert _duplicates() == {}
    # And once more afterwards: nothing new.
    before = OutboundEmail.objects.count()
    _run_all_sweeps()
    assert OutboundEmail.objects.count() == before
