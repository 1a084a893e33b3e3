"""Background work: building data exports, and the daily retention job."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from . import services
from .models import DataExport

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


@shared_task(time_limit=120, soft_time_limit=100)
def requeue_stale_exports():
    """Re-send exports whose message never reached a worker (broker down), got lost, or
    whose worker died (started longer ago than build_export's time limit)."""
    from ikmo.tasks import hand_over, stale_run_cutoff

    now = timezone.now()
    fresh = now - timedelta(seconds=settings.IKMO_ENQUEUE_GRACE_SECONDS)
    lost = now - timedelta(seconds=settings.IKMO_DOCUMENT_REQUEUE_AFTER_SECONDS)
    pending = Q(status=DataExport.Status.PENDING) & (
        Q(enqueued_at__isnull=True, created_at__lt=fresh) | Q(enqueued_at__lt=lost)
    )
    dead = Q(status=DataExport.Status.RUNNING, started_at__lt=stale_run_cutoff(build_export, now))
    dead |= Q(status=DataExport.Status.RUNNING, started_at__isnull=True, enqueued_at__lt=lost)
    return hand_over(
        DataExport.objects.filter(pending | dead),
        build_export,
        reset_running=DataExport.Status.RUNNING,
    )


@shared_task(time_limit=1800, soft_time_limit=1740)
def apply_retention():
    from .retention import apply_retention as run

    done = run(today=timezone.localdate())
    if any(done.values()):
        logger.info("Retention: %s", done)
    return done
