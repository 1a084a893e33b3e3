"""Hand work to Celery after the surrounding transaction commits.

The work itself is always a database row first (a document or an e-mail), so a broker
outage only delays it: the send here logs and returns, and the periodic sweeper in
ikmo.tasks sends every row still waiting.
"""

import logging

from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


def enqueue_on_commit(task, pk: int, *, model) -> None:
    def send():
        try:
            task.apply_async(args=[pk])
        except Exception:  # broker unreachable: the sweeper will pick the row up
            logger.warning(
                "Could not enqueue %s(%s); it stays queued in the database", task.name, pk
            )
            return
        model.objects.filter(pk=pk, enqueued_at__isnull=True).update(enqueued_at=timezone.now())

    transaction.on_commit(send)
