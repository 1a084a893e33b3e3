"""Queue e-mails in the recipient's language; ikmo.tasks.send_email delivers them."""

import smtplib
from datetime import timedelta
from urllib.parse import urlsplit

from django.db.models import Q
from django.template import Context
from django.template.loader import get_template
from django.utils import translation

from .models import OutboundEmail
from .queue import enqueue_on_commit


def email_queue(
    *,
    to: str,
    template: str,
    context: dict,
    language: str = "de",
    kind: str = "transactional",
    headers: dict[str, str] | None = None,
) -> OutboundEmail | None:
    """Render `<template>_subject.txt` and `<template>_body.txt` (or staff's own text for
    this mail and language, see mailtexts) and queue the message.

    The mail is plain text, so nothing is HTML-escaped: user text shows as typed
    ("Eltern & Kinder", not "Eltern &amp; Kinder"), whatever the template file says.

    `kind` (ikmo.notifications.MailKind): a reminder or newsletter the recipient does not
    want is not queued (None). `headers`: extra mail headers kept with the row and sent with
    every delivery attempt (a newsletter's List-Unsubscribe).
    """
    from .notifications import mail_wanted

    if not mail_wanted(to=to, kind=kind):
        return None
    with translation.override(language):
        subject, body = _custom_text(template, context, language) or (
            _render_plain(f"{template}_subject.txt", context),
            _render_plain(f"{template}_body.txt", context),
        )
        subject = " ".join(subject.split())
    email = OutboundEmail.objects.create(
        to=to, subject=subject[:200], body=body, headers=_clean_headers(headers)
    )
    from .tasks import send_email

    enqueue_on_commit(send_email, email.pk, model=OutboundEmail)
    return email


def _clean_headers(headers: dict[str, str] | None) -> dict[str, str]:
    """Header values are single lines (a line break would start a header of its own)."""
    return {
        str(name): " ".join(str(value).split())
        for name, value in (headers or {}).items()
        if str(name).lower() != "message-id"
    }


def email_keep_for_retry(*, to: str, subject: str, body: str, error: Exception) -> OutboundEmail:
    """A mail sent directly (allauth's sign-up and password mails) that SMTP refused: kept as
    a row, and the sweeper delivers it like any queued mail once the server is back."""
    from django.utils import timezone

    return OutboundEmail.objects.create(
        to=to,
        subject=" ".join(subject.split())[:200],
        body=body,
        attempts=1,
        last_error=f"{type(error).__name__}: {error}"[:500],
        next_attempt_at=timezone.now() + retry_delay(1),
    )


def _custom_text(template: str, context: dict, language: str) -> tuple[str, str] | None:
    """Staff's own wording of this mail in this language (mailtexts), if they have one;
    otherwise the code's templates above are used, in the code's translation."""
    from mailtexts.services import mailtext_render

    return mailtext_render(template=template, context=context, language=language)


def _render_plain(template_name: str, context: dict) -> str:
    return get_template(template_name).template.render(Context(context, autoescape=False))


def email_send_now(*, email_id: int) -> OutboundEmail | None:
    """Deliver one queued e-mail. A row already sent is never sent again."""
    from django.conf import settings
    from django.core.mail import EmailMessage
    from django.db import transaction
    from django.utils import timezone

    now = timezone.now()
    # Noted outside the delivery's transaction: if this worker is killed mid-send, the
    # sweeper sees a start without an end and hands the mail over again.
    if not OutboundEmail.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        pk=email_id,
        status=OutboundEmail.Status.PENDING,
    ).update(started_at=now):
        return None  # sent, given up, or a retry not due yet (an early redelivery)
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
        # One Message-ID per row: a receiving server can tell a repeat from a new mail.
        EmailMessage(
            email.subject,
            email.body,
            settings.DEFAULT_FROM_EMAIL,
            [email.to],
            headers={
                **(email.headers or {}),
                "Message-ID": f"<outbound-{email.pk}@{_mail_domain()}>",
            },
        ).send()
        email.status = OutboundEmail.Status.SENT
        email.sent_at = timezone.now()
        email.last_error = ""
        email.next_attempt_at = None
        email.save(update_fields=["attempts", "status", "sent_at", "last_error", "next_attempt_at"])
    return email


def _mail_domain() -> str:
    from django.conf import settings

    return urlsplit(settings.IKMO_SITE_URL).hostname or "ikmo.invalid"


def is_permanent_smtp_error(error: Exception) -> bool:
    """A 5xx answer about this message or its recipient: sending it again cannot help.

    Everything else is kept and tried again: connection refused or lost, timeouts, 4xx "try
    later", and our own side's problems (login refused, sender refused), which staff fix
    once for all waiting mails.
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    if isinstance(error, smtplib.SMTPDataError):
        return 500 <= error.smtp_code < 600
    return False


def retry_delay(attempts: int) -> timedelta:
    """Pause before the next try after `attempts` failed ones: doubling, capped."""
    from django.conf import settings

    base = settings.IKMO_MAIL_RETRY_BASE_SECONDS
    seconds = min(base * 2 ** max(attempts - 1, 0), settings.IKMO_MAIL_RETRY_MAX_SECONDS)
    return timedelta(seconds=seconds)


def email_record_failure(*, email_id: int, error: Exception | str) -> OutboundEmail | None:
    """Note a failed delivery: try again later, or give up (permanent error, or the horizon
    IKMO_MAIL_GIVE_UP_AFTER_HOURS has passed) and tell staff. Returns the row if it was
    given up."""
    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone

    text = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
    permanent = not isinstance(error, str) and is_permanent_smtp_error(error)
    now = timezone.now()
    with transaction.atomic():
        email = (
            OutboundEmail.objects.select_for_update()
            .filter(pk=email_id, status=OutboundEmail.Status.PENDING)
            .first()
        )
        if email is None:
            return None
        # The failed attempt's own count was rolled back with its transaction.
        email.attempts += 1
        email.last_error = text[:500]
        horizon = (email.retrying_since or email.created_at) + timedelta(
            hours=settings.IKMO_MAIL_GIVE_UP_AFTER_HOURS
        )
        if permanent or now >= horizon:
            email.status = OutboundEmail.Status.FAILED
            email.next_attempt_at = None
        else:
            email.next_attempt_at = now + retry_delay(email.attempts)
        email.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
        if email.status == OutboundEmail.Status.FAILED:
            _tell_staff(email)
            return email
    return None


def _tell_staff(email: OutboundEmail) -> None:
    """Staff learn of every mail given up: an error in the log (monitoring) and a mail to
    the portal's admins (settings.ADMINS), itself queued and retried like any other."""
    import logging

    from django.conf import settings
    from django.urls import reverse

    logging.getLogger(__name__).error(
        "E-mail %s to %s given up after %s attempts: %s",
        email.pk,
        email.to,
        email.attempts,
        email.last_error,
    )
    link = settings.IKMO_SITE_URL.rstrip("/") + reverse(
        "admin:ikmo_outboundemail_change", args=[email.pk]
    )
    for _name, address in settings.ADMINS:
        if address == email.to:
            continue  # never a chain of notices about the notices
        email_queue(
            to=address,
            template="ikmo/email/delivery_failed",
            context={"email": email, "link": link},
            language=settings.LANGUAGE_CODE,
        )
