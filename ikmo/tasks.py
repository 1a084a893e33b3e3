import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from .documents import document_record_failure, document_render
from .mail import email_record_failure, email_send_now
from .models import GeneratedDocument, OutboundEmail

logger = logging.getLogger(__name__)

MAX_RETRIES = 4


@shared_task(
    bind=True, acks_late=True, max_retries=MAX_RETRIES, time_limit=180, soft_time_limit=150
)
def render_document(self, document_id: int):
    try:
        document_render(document_id=document_id)
    except Exception as exc:
        final = self.request.retries >= MAX_RETRIES
        document_record_failure(document_id=document_id, error=str(exc), final=final)
        if final:
            raise
        raise self.retry(exc=exc, countdown=2 ** (self.request.retries + 2)) from exc


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES, time_limit=60, soft_time_limit=45)
def send_email(self, email_id: int):
    try:
        email_send_now(email_id=email_id)
    except Exception as exc:
        final = self.request.retries >= MAX_RETRIES
        email_record_failure(email_id=email_id, error=f"{type(exc).__name__}: {exc}", final=final)
        logger.warning("E-mail %s failed (attempt %s): %s", email_id, self.request.retries + 1, exc)
        if final:
            return
        raise self.retry(exc=exc, countdown=2 ** (self.request.retries + 3)) from exc


@shared_task(time_limit=120)
def requeue_stale_documents():
    """Re-send work whose message never reached a worker (broker down) or whose worker died."""
    stale = timezone.now() - timedelta(seconds=settings.IKMO_DOCUMENT_REQUEUE_AFTER_SECONDS)
    # Rows whose on-commit send is still in flight are left alone for a minute.
    fresh = timezone.now() - timedelta(seconds=60)
    waiting = Q(enqueued_at__isnull=True, created_at__lt=fresh) | Q(enqueued_at__lt=stale)
    sent = 0
    for pk in GeneratedDocument.objects.filter(
        waiting, status__in=[GeneratedDocument.Status.PENDING, GeneratedDocument.Status.RUNNING]
    ).values_list("pk", flat=True)[:500]:
        render_document.apply_async(args=[pk])
        GeneratedDocument.objects.filter(pk=pk).update(enqueued_at=timezone.now())
        sent += 1
    for pk in OutboundEmail.objects.filter(
        waiting, status=OutboundEmail.Status.PENDING
    ).values_list("pk", flat=True)[:500]:
        send_email.apply_async(args=[pk])
        OutboundEmail.objects.filter(pk=pk).update(enqueued_at=timezone.now())
        sent += 1
    return sent
