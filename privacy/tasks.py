"""Background work: building data exports, and the daily retention job."""

import logging

from celery import shared_task
from django.utils import timezone

from . import services

logger = logging.getLogger(__name__)

MAX_RETRIES = 4


@shared_task(
    bind=True, acks_late=True, max_retries=MAX_RETRIES, time_limit=600, soft_time_limit=540
)
def build_export(self, export_id: int):
    try:
        services.export_build(export_id=export_id)
    except Exception as exc:
        final = self.request.retries >= MAX_RETRIES
        services.export_record_failure(export_id=export_id, error=str(exc), final=final)
        logger.warning(
            "Data export %s failed (attempt %s): %s", export_id, self.request.retries + 1, exc
        )
        if final:
            raise
        raise self.retry(exc=exc, countdown=2 ** (self.request.retries + 2)) from exc


@shared_task(time_limit=1800, soft_time_limit=1740)
def apply_retention():
    from .retention import apply_retention as run

    done = run(today=timezone.localdate())
    if any(done.values()):
        logger.info("Retention: %s", done)
    return done
