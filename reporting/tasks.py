"""Reporting's background work: the daily care of the deletion log, and the stored lists of
who took part in each sub-project (reporting/taking_part.py)."""

import logging

from celery import shared_task

from . import taking_part
from .deletions import fold_and_prune

logger = logging.getLogger(__name__)


@shared_task(time_limit=1800, soft_time_limit=1740)
def prune_deletion_log() -> int:
    deleted = fold_and_prune()
    if deleted:
        logger.info("Deletion log: %s entries no frozen figure needs any more removed", deleted)
    return deleted


# A sub-project's list at four times the full scale takes well under a second; the retries
# cover a deadlock with a concurrent write, the sweeper everything else.
@shared_task(time_limit=300, soft_time_limit=240, autoretry_for=(Exception,), max_retries=2,
             default_retry_delay=10)  # fmt: skip
def refresh_taking_part(subproject: str) -> tuple[int, int]:
    """After a committed write of the sub-project's records: its list again (organisations
    added, removed). Always computed: the change may have been logged in a savepoint that
    was rolled back while the write itself stayed."""
    return taking_part.refresh(subproject)


@shared_task(time_limit=900, soft_time_limit=840)
def refresh_stale_taking_part() -> list[str]:
    """Beat: every list a write or the date has made stale (broker or worker were away, a
    new day)."""
    refreshed = taking_part.refresh_stale()
    if refreshed:
        logger.info("Taking part refreshed: %s", ", ".join(refreshed))
    return refreshed
