import logging

from celery import shared_task

from .exports import export_record_failure, export_run
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
    """Hourly beat sweeper: draft and proof-of-use reminders (each sent exactly once). Lost
    export jobs are re-sent by ikmo.tasks.sweep_background_work."""
    sent = reminders_send()
    logger.info("Action fund reminders sent: %s", sent)
    return sent
