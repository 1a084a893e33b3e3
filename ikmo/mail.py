"""Queue e-mails in the recipient's language; ikmo.tasks.send_email delivers them."""

from django.template import Context
from django.template.loader import get_template
from django.utils import translation

from .models import OutboundEmail
from .queue import enqueue_on_commit


def email_queue(*, to: str, template: str, context: dict, language: str = "de") -> OutboundEmail:
    """Render `<template>_subject.txt` and `<template>_body.txt` and queue the message.

    The mail is plain text, so nothing is HTML-escaped: user text shows as typed
    ("Eltern & Kinder", not "Eltern &amp; Kinder"), whatever the template file says.
    """
    with translation.override(language):
        subject = " ".join(_render_plain(f"{template}_subject.txt", context).split())
        body = _render_plain(f"{template}_body.txt", context)
    email = OutboundEmail.objects.create(to=to, subject=subject[:200], body=body)
    from .tasks import send_email

    enqueue_on_commit(send_email, email.pk, model=OutboundEmail)
    return email


def _render_plain(template_name: str, context: dict) -> str:
    return get_template(template_name).template.render(Context(context, autoescape=False))


def email_send_now(*, email_id: int) -> OutboundEmail | None:
    """Deliver one queued e-mail. A row already sent is never sent again."""
    from django.conf import settings
    from django.core.mail import send_mail
    from django.db import transaction
    from django.utils import timezone

    with transaction.atomic():
        email = (
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=email_id, status=OutboundEmail.Status.PENDING)
            .first()
        )
        if email is None:  # already sent, or another worker is sending it right now
            return None
        email.attempts += 1
        # Holding the row lock while talking to SMTP keeps a second worker from sending too.
        send_mail(email.subject, email.body, settings.DEFAULT_FROM_EMAIL, [email.to])
        email.status = OutboundEmail.Status.SENT
        email.sent_at = timezone.now()
        email.last_error = ""
        email.save(update_fields=["attempts", "status", "sent_at", "last_error"])
    return email


def email_record_failure(*, email_id: int, error: str, final: bool) -> None:
    from django.db.models import F

    OutboundEmail.objects.filter(pk=email_id, status=OutboundEmail.Status.PENDING).update(
        attempts=F("attempts") + 1,
        last_error=error[:500],
        status=OutboundEmail.Status.FAILED if final else OutboundEmail.Status.PENDING,
    )
