"""Hand work to Celery after the surrounding transaction commits.

The work itself is always a database row first (a document or an e-mail), so a broker
outage only delays it: the send here logs and returns, and the periodic sweeper in
ikmo.tasks sends every row still waiting.

After one failed send the process stops trying for a few seconds (a circuit breaker): with
Redis hung, every attempt would otherwise hold its request for the broker's socket timeout.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .cache import CircuitBreaker

logger = logging.getLogger(__name__)

broker_breaker = CircuitBreaker(open_seconds=getattr(settings, "IKMO_BROKER_CIRCUIT_SECONDS", 5))


def publish(task, pk: int | str) -> bool:
    """Send `task(pk)` to the broker now; False (logged) if the broker is unreachable.
    `pk` is the task's one argument: a row's id, or a key such as a sub-project's."""
    eager = task.app.conf.task_always_eager  # runs inline: no broker involved
    if not eager and not broker_breaker.allows():
        logger.warning(
            "Broker marked unavailable; %s(%s) stays queued in the database", task.name, pk
        )
        return False
    try:
        task.apply_async(args=[pk])
    except Exception as error:  # broker unreachable or hung: the sweeper will pick the row up
        if not eager:
            broker_breaker.trip()
        logger.warning(
            "Could not enqueue %s(%s) (%s: %s); it stays queued in the database",
            task.name,
            pk,
            type(error).__name__,
            error,
        )
        return False
    broker_breaker.succeeded()
    return True


def enqueue_on_commit(task, pk: int, *, model) -> None:
    def send():
        if publish(task, pk):
            model.objects.filter(pk=pk, enqueued_at__isnull=True).update(enqueued_at=timezone.now())

    transaction.on_commit(send)
