from celery import shared_task

from .services import bulk_message_record_failure, bulk_message_run

MAX_RETRIES = 4
# A message to a few thousand people queues a few thousand outbox rows.
SEND_LIMITS = {"time_limit": 600, "soft_time_limit": 540}


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES, **SEND_LIMITS)
def send_bulk_message(self, message_id: int):
    """List a message's recipients and queue their mails (messaging/services.py); safe to run
    twice: nobody is mailed twice."""
    try:
        bulk_message_run(message_id=message_id)
    except Exception as exc:
        final = self.request.retries >= MAX_RETRIES
        error = f"{type(exc).__name__}: {exc}"
        bulk_message_record_failure(message_id=message_id, error=error, final=final)
        if final:
            raise
        raise self.retry(exc=exc, countdown=2 ** (self.request.retries + 2)) from exc
