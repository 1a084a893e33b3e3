"""Reporting's background work: the daily care of the deletion log."""

import logging

from celery import shared_task

from .deletions import fold_and_prune

logger = logging.getLogger(__name__)


@shared_task(time_limit=1800, soft_time_limit=1740)
def prune_deletion_log() -> int:
    deleted = fold_and_prune()
    if deleted:
        logger.info("Deletion log: %s entries no frozen figure needs any more removed", deleted)
    return deleted
