"""Reminders and retention for the volunteer service desk, run by Celery beat.

The sweepers find what is due in the database and hand each placement to a small task;
`services.remind_*` claims a unique marker row first, so a reminder goes out exactly once
even if a sweep runs twice or a task is retried.
"""

import logging

from celery import shared_task
from django.utils import timezone

from . import services

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, max_retries=3, time_limit=60, soft_time_limit=45)
def remind_placement_ending(self, placement_id: int):
    try:
        return services.remind_placement_ending(placement_id=placement_id)
    except Exception as exc:
        raise self.retry(exc=exc, countdown=2 ** (self.request.retries + 3)) from exc


@shared_task(bind=True, acks_late=True, max_retries=3, time_limit=60, soft_time_limit=45)
def remind_seminar_days_missing(self, placement_id: int):
    try:
        return services.remind_seminar_days_missing(
            placement_id=placement_id, today=timezone.localdate()
        )
    except Exception as exc:
        raise self.retry(exc=exc, countdown=2 ** (self.request.retries + 3)) from exc


@shared_task(time_limit=300, soft_time_limit=240)
def send_due_reminders():
    today = timezone.localdate()
    ending = services.due_ending_reminders(today)
    for pk in ending:
        remind_placement_ending.delay(pk)
    seminar = services.due_seminar_reminders(today)
    for pk in seminar:
        remind_seminar_days_missing.delay(pk)
    return {"placement_ending": len(ending), "seminar_days_missing": len(seminar)}


@shared_task(time_limit=600, soft_time_limit=570)
def erase_expired_volunteer_data():
    erased = services.volunteer_erase_expired(today=timezone.localdate())
    if erased:
        logger.info("Anonymised %s volunteers after the retention period", erased)
    return erased
