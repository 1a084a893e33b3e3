import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from .documents import document_record_failure, document_render
from .jobs import JobStatus, job_models
from .listexports import export_record_failure, export_run
from .mail import email_record_failure, email_send_now
from .models import OutboundEmail
from .queue import publish

logger = logging.getLogger(__name__)

MAX_RETRIES = 4
# Every task states both limits: a task that only sets `time_limit` gets the global soft
# limit (CELERY_TASK_SOFT_TIME_LIMIT), and Celery refuses to send it if that is larger.
RENDER_LIMITS = {"time_limit": 180, "soft_time_limit": 150}
MAIL_LIMITS = {"time_limit": 60, "soft_time_limit": 45}
SWEEP_LIMITS = {"time_limit": 120, "soft_time_limit": 100}
# A long list (tens of thousands of rows) takes a few minutes.
EXPORT_LIMITS = {"time_limit": 600, "soft_time_limit": 540}


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES, **RENDER_LIMITS)
def render_document(self, document_id: int):
    try:
        document_render(document_id=document_id)
    except Exception as exc:
        final = self.request.retries >= MAX_RETRIES
        document_record_failure(document_id=document_id, error=str(exc), final=final)
        if final:
            raise
        raise self.retry(exc=exc, countdown=2 ** (self.request.retries + 2)) from exc


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES, **EXPORT_LIMITS)
def run_list_export(self, job_id: int):
    """Write one list export (ikmo/listexports.py); safe to run twice."""
    try:
        export_run(job_id=job_id)
    except Exception as exc:
        final = self.request.retries >= MAX_RETRIES
        export_record_failure(job_id=job_id, error=f"{type(exc).__name__}: {exc}", final=final)
        if final:
            raise
        raise self.retry(exc=exc, countdown=2 ** (self.request.retries + 2)) from exc


@shared_task(acks_late=True, **MAIL_LIMITS)
def send_email(email_id: int):
    """One delivery attempt. A failure is written to the row (with the time of the next try,
    or given up after IKMO_MAIL_GIVE_UP_AFTER_HOURS); the sweeper hands it over again when
    due. No Celery retry: a countdown of hours would sit unacknowledged in the broker."""
    try:
        email_send_now(email_id=email_id)
    except Exception as exc:
        logger.warning("E-mail %s not delivered: %s: %s", email_id, type(exc).__name__, exc)
        email_record_failure(email_id=email_id, error=exc)


def stale_run_cutoff(task, now):
    return now - timedelta(seconds=task.time_limit + settings.IKMO_TASK_STALE_GRACE_SECONDS)


def waiting_emails(now=None):
    """Pending e-mails that should be handed to a worker now: never handed over, a retry
    that is due, a lost message, or a delivery whose worker died mid-send."""
    now = now or timezone.now()
    fresh = now - timedelta(seconds=settings.IKMO_ENQUEUE_GRACE_SECONDS)
    lost = now - timedelta(seconds=settings.IKMO_DOCUMENT_REQUEUE_AFTER_SECONDS)
    handed_over = Q(enqueued_at__isnull=False) & (
        Q(next_attempt_at__isnull=True) | Q(enqueued_at__gte=F("next_attempt_at"))
    )
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    return OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING).filter(
        (~handed_over & due & Q(created_at__lt=fresh))
        | (handed_over & Q(enqueued_at__lt=lost))
        | (
            handed_over
            & Q(started_at__gte=F("enqueued_at"), started_at__lt=stale_run_cutoff(send_email, now))
        )
    )


def hand_over(queryset, task, *, reset_running=None) -> int:
    """Publish each row's task once, claiming the row first so that two sweepers running at
    the same time do not both send it. Stops at the first broker failure."""
    sent = 0
    now = timezone.now()
    for row in queryset.order_by("pk").values("pk", "enqueued_at", "status")[:500]:
        changes = {"enqueued_at": now}
        if reset_running and row["status"] == reset_running:
            # Its worker died: waiting again, so the next sweep does not count it as dead.
            changes.update(status=queryset.model.Status.PENDING, started_at=None)
        claimed = queryset.model.objects.filter(
            pk=row["pk"], enqueued_at=row["enqueued_at"], status=row["status"]
        ).update(**changes)
        if not claimed:
            continue  # another sweeper, or the worker, got there first
        if not publish(task, row["pk"]):
            queryset.model.objects.filter(pk=row["pk"], enqueued_at=now).update(
                enqueued_at=row["enqueued_at"]
            )
            break
        sent += 1
    return sent


def expire_jobs(now=None) -> int:
    """Delete the files of finished jobs past their expiry; the rows stay."""
    now = now or timezone.now()
    count = 0
    for model in job_models():
        for job in model.objects.filter(status=JobStatus.DONE, expires_at__lt=now)[:500]:
            count += job.expire()
    return count


@shared_task(**SWEEP_LIMITS)
def sweep_background_work():
    """Beat, every IKMO_SWEEP_SECONDS, over every background job (ikmo.jobs.job_models) and
    the e-mails: re-send work whose message never reached a worker (broker down), got lost,
    or whose worker died; e-mails whose retry is due; delete job files past their expiry."""
    now = timezone.now()
    sent = 0
    for model in job_models():
        sent += hand_over(model.stale(now), model.job_task(), reset_running=JobStatus.RUNNING)
    sent += hand_over(waiting_emails(now), send_email)
    expire_jobs(now)
    return sent
