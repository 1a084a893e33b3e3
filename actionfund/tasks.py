import logging
from datetime import timedelta

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from .exports import export_record_failure, export_run
from .models import ExportJob
from .services import reminders_send

logger = logging.getLogger(__name__)

MAX_RETRIES = 3


@shared_task(
    bind=True, acks_late=True, max_retries=MAX_RETRIES, time_limit=600, soft_time_limit=540
)
def run_export(self, job_id: int):
    try:
        export_run(job_id=job_id)
    except Exception as exc:
        final = self.request.retries >= MAX_RETRIES
        export_record_failure(job_id=job_id, error=f"{type(exc).__name__}: {exc}", final=final)
        if final:
            raise
        raise self.retry(exc=exc, countdown=2 ** (self.request.retries + 2)) from exc


@shared_task(acks_late=True, time_limit=300, soft_time_limit=240)
def send_reminders():
    """Hourly beat sweeper: draft and proof-of-use reminders (each sent exactly once), and
    export jobs whose message never reached a worker (broker down) are sent again."""
    sent = reminders_send()
    logger.info("Action fund reminders sent: %s", sent)
    requeue_stale_exports()
    return sent


def requeue_stale_exports() -> int:
    stale = timezone.now() - timedelta(minutes=10)
    jobs = ExportJob.objects.filter(
        status__in=[ExportJob.JobStatus.PENDING, ExportJob.JobStatus.RUNNING], created_at__lt=stale
    ).filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=stale))
    count = 0
    for pk in jobs.values_list("pk", flat=True)[:100]:
        run_export.apply_async(args=[pk])
        ExportJob.objects.filter(pk=pk).update(enqueued_at=timezone.now())
        count += 1
    return count
