import logging

from celery import shared_task

from .services import reminders_send

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, time_limit=300, soft_time_limit=240)
def send_reminders():
    """Hourly beat sweeper: draft and proof-of-use reminders (each sent exactly once)."""
    sent = reminders_send()
    logger.info("Action fund reminders sent: %s", sent)
    return sent
