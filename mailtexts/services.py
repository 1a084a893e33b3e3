"""Staff's own wording of the portal's e-mails: checking, saving, resetting, and the lookup
ikmo.mail.email_queue makes for every mail."""

import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ikmo.audit import audit_log

from .models import MailText
from .placeholders import fill, missing_error, missing_required, placeholder_errors
from .registry import MailKind, mail_kind

logger = logging.getLogger(__name__)


def mailtext_render(*, template: str, context: dict, language: str) -> tuple[str, str] | None:
    """(subject, body) from the active custom text of ``template`` in ``language``, filled
    with the registered placeholders' values; None if there is none, and the caller renders
    the code's own text. Called in the recipient's language (dates, labels)."""
    text = MailText.objects.filter(template=template, language=language, is_active=True).first()
    if text is None:
        return None
    kind = mail_kind(template)
    if kind is None:
        return None  # a mail no longer declared: its code text still exists
    try:
        values = kind.values(context)
        return fill(text.subject, values), fill(text.body, values)
    except Exception:
        # A mail is never lost to a custom text: the code's text goes out instead.
        logger.exception("Custom text %s could not be filled; the code's text is used", text)
        return None


def mailtext_check(*, kind: MailKind, subject: str, body: str) -> None:
    """A ValidationError keyed by field for unknown placeholders, stray braces, and missing
    required placeholders."""
    errors = {}
    for name, text in (("subject", subject), ("body", body)):
        found = placeholder_errors(text, allowed=kind.names)
        if found:
            errors[name] = found
    missing = missing_required([subject, body], required=kind.required_names)
    if missing:
        errors.setdefault("body", []).append(missing_error(missing))
    if not subject.strip():
        errors.setdefault("subject", []).append(
            ValidationError(_("Please write a subject."), code="required")
        )
    if errors:
        raise ValidationError(errors)


@dataclass(frozen=True)
class Preview:
    subject: str
    body: str


def mailtext_preview(*, kind: MailKind, subject: str, body: str, values: dict) -> Preview:
    """The checked text filled with ``values``; nothing is stored or sent."""
    mailtext_check(kind=kind, subject=subject, body=body)
    return Preview(subject=" ".join(fill(subject, values).split()), body=fill(body, values))


@transaction.atomic
def mailtext_save(
    *, kind: MailKind, language: str, subject: str, body: str, by, restored: bool = False
) -> MailText:
    """Use this text for ``kind`` in ``language`` from now on. Saving the same text again
    (a double click) changes nothing and writes no history."""
    subject = " ".join(subject.split())
    body = body.replace("\r\n", "\n").strip("\n")
    mailtext_check(kind=kind, subject=subject, body=body)
    text, created = MailText.objects.select_for_update().get_or_create(
        template=kind.template,
        language=language,
        defaults={"subject": subject, "body": body, "updated_by": by},
    )
    before = {"subject": "", "body": "", "is_active": False} if created else _state(text)
    text.subject, text.body, text.is_active, text.updated_by = subject, body, True, by
    after = _state(text)
    if before == after:
        return text
    text.save()
    audit_log(
        actor=by,
        action="mailtexts.mailtext.restored" if restored else "mailtexts.mailtext.changed",
        target=text,
        changes={name: [before[name], after[name]] for name in after},
    )
    return text


@transaction.atomic
def mailtext_reset(*, text: MailText, by) -> MailText:
    """Back to the code's text; the custom text stays in the history."""
    text = MailText.objects.select_for_update().get(pk=text.pk)
    if not text.is_active:
        return text
    before = _state(text)
    text.is_active, text.updated_by = False, by
    text.save(update_fields=["is_active", "updated_by", "updated_at"])
    audit_log(
        actor=by,
        action="mailtexts.mailtext.reset",
        target=text,
        changes={name: [before[name], value] for name, value in _state(text).items()},
    )
    return text


def _state(text: MailText) -> dict:
    return {"subject": text.subject, "body": text.body, "is_active": text.is_active}
