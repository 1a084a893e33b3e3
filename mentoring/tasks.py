"""Background work of networking & mentoring: the tandem check-in reminders."""

import logging

from celery import shared_task
from django.utils import timezone

from . import selectors, services

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, max_retries=3, time_limit=60, soft_time_limit=45)
def send_tandem_nudge(self, tandem_id: int):
    """Idempotent: the marker row makes a second run (or a redelivery) send nothing."""
    try:
        return services.tandem_nudge(tandem_id=tandem_id)
    except Exception as exc:
        if self.request.retries >= self.max_retries:
            raise
        raise self.retry(exc=exc, countdown=2 ** (self.request.retries + 4)) from exc


@shared_task(time_limit=300, soft_time_limit=240)
def sweep_tandem_nudges():
    """Daily: find tandems without a logged meeting for N weeks and remind each gap once."""
    due = selectors.tandems_due_for_nudge(
        today=timezone.localdate(), weeks=services.nudge_weeks()
    ).values_list("pk", flat=True)
    count = 0
    for pk in due[:1000]:
        send_tandem_nudge.delay(pk)
        count += 1
    logger.info("Queued %s tandem reminders", count)
    return count
