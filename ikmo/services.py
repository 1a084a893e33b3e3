"""Writing to message threads (ikmo/threads.py): posting a message and reading marks; and
checking people in by code (ikmo/checkin.py).

``message_post`` is the one way a message comes into being, whoever calls it (the page, a
command, an API): it checks the author's side, the text and the file, writes the message
once (a second click finds the first one), records it in the audit trail and queues one
e-mail per person on the other side. An internal note is mailed to nobody.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from . import checkin
from .audit import audit_log
from .mail import email_queue
from .models import CheckIn, Message, Thread, ThreadRead
from .threads import kind_of
from .uploads import clean_filename, validate_upload

MAX_LENGTH = Message._meta.get_field("body").max_length


def thread_get_or_create(*, record) -> Thread:
    kind = kind_of(record)
    thread, _created = Thread.objects.get_or_create(
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        defaults={"organisation": kind.organisation_of(record)},
    )
    return thread


@transaction.atomic
def message_post(
    *,
    record,
    author,
    body: str,
    internal: bool = False,
    upload=None,
    form_token: str = "",
) -> Message:
    """Post a message about ``record`` (which the caller looked up among those ``author``
    may see). Refuses (PermissionDenied) anyone on neither side, and an internal note from
    the organisation's side; a ``ValidationError`` by field for an empty or too long text
    and a file we do not accept."""
    kind = kind_of(record)
    centre = kind.on_centre_side(author)
    if not centre and not kind.on_organisation_side(author, record):
        raise PermissionDenied
    if internal and not centre:
        raise PermissionDenied
    body = (body or "").replace("\x00", "").strip()
    errors = {}
    if not body:
        errors["body"] = _("Please write a message.")
    elif len(body) > MAX_LENGTH:
        errors["body"] = _("Please keep the message under %(max)s characters.") % {
            "max": MAX_LENGTH
        }
    content_type = ""
    if upload is not None:
        try:
            content_type = validate_upload(upload, allowed=kind.allowed, max_bytes=kind.max_bytes)
        except ValidationError as error:
            errors["attachment"] = error.messages
    if errors:
        raise ValidationError(errors)

    thread = thread_get_or_create(record=record)
    # One post at a time per thread: a double click waits here and then finds the first.
    thread = Thread.objects.select_for_update().get(pk=thread.pk)
    form_token = (form_token or "")[:40]
    if form_token:
        existing = Message.objects.filter(
            thread=thread, author=author, form_token=form_token
        ).first()
        if existing is not None:
            return existing
    message = Message(
        thread=thread,
        author=author,
        side=Message.Side.CENTRE if centre else Message.Side.ORGANISATION,
        is_internal=internal,
        body=body,
        form_token=form_token,
    )
    if upload is not None:
        message.attachment_name = clean_filename(upload.name)
        message.attachment_type = content_type
        message.attachment_size = upload.size
        message.attachment.save(upload.name, upload, save=False)
    message.save()
    thread_mark_read(thread=thread, user=author, message_id=message.pk)
    audit_log(
        actor=author,
        action="ikmo.message.posted",
        target=record,
        organisation=thread.organisation,
        changes={
            "message": message.pk,
            "internal": internal,
            **({"file": message.attachment_name} if upload is not None else {}),
        },
    )
    if not internal:
        _notify(message=message, record=record, kind=kind)
    return message


def _notify(*, message: Message, record, kind) -> int:
    """One e-mail per person on the other side (never the author), in their language."""
    if message.side == Message.Side.ORGANISATION:
        recipients = kind.centre_recipients(record)
    else:
        recipients = kind.organisation_recipients(record)
    author_email = (getattr(message.author, "email", "") or "").lower()
    link = settings.IKMO_SITE_URL.rstrip("/") + kind.thread_url(record) + "#messages"
    seen = set()
    for address, language in recipients:
        key = (address or "").lower()
        if not key or key in seen or key == author_email:
            continue
        seen.add(key)
        language = language or settings.LANGUAGE_CODE
        with translation.override(language):
            title = str(kind.title_of(record))
        email_queue(
            to=address,
            template="ikmo/email/message_posted",
            context={
                "message": message,
                "author": str(message.author) if message.author else "",
                "from_centre": message.side == Message.Side.CENTRE,
                "organisation": message.thread.organisation.name,
                "title": title,
                "link": link,
            },
            language=language,
        )
    return len(seen)


def thread_mark_read(*, thread: Thread, user, message_id: int) -> None:
    """Note that ``user`` has seen the thread up to message ``message_id``; never back."""
    if not message_id or not user.is_authenticated:
        return
    updated = ThreadRead.objects.filter(
        thread=thread, user=user, last_read_message_id__lt=message_id
    ).update(last_read_message_id=message_id)
    if not updated:
        ThreadRead.objects.get_or_create(
            thread=thread, user=user, defaults={"last_read_message_id": message_id}
        )


# Check-in by code ----------------------------------------------------------------------------


def checkin_check_window(*, kind: checkin.CheckInKind, occasion, now=None) -> None:
    """Refuses a check-in outside the occasion's window (see ikmo/checkin.py)."""
    state = checkin.window_state(kind, occasion, now=now)
    if state == "early":
        opens, _closes = checkin.window(kind, occasion)
        raise ValidationError(
            _("Check-in opens at %(time)s.")
            % {"time": formats.date_format(timezone.localtime(opens), "SHORT_DATETIME_FORMAT")}
        )
    if state == "over":
        raise ValidationError(_("This is over: check-in has closed."))


@transaction.atomic
def checkin_record(*, registration, by, method: str) -> bool:
    """Record that the person of ``registration`` is here, through the app's own attendance
    service. True if they are checked in now, False if they already were: a second scan or
    a second click changes nothing."""
    kind = checkin.kind_of(registration)
    # One at a time per registration, so two scans at once cannot both write attendance.
    registration = type(registration).objects.select_for_update().get(pk=registration.pk)
    if not kind.is_valid(registration):
        raise ValidationError(_("This registration is not (or no longer) confirmed."))
    if kind.is_checked_in(registration):
        return False
    occasion = kind.occasion_of(registration)
    checkin_check_window(kind=kind, occasion=occasion)
    kind.check_in(registration, by)
    CheckIn.objects.update_or_create(
        kind=kind.key,
        registration_id=registration.pk,
        defaults={"occasion_id": occasion.pk, "method": method, "checked_in_by": by},
    )
    return True


@transaction.atomic
def checkin_undo(*, registration, by) -> bool:
    """Take back a check-in by code (a scan of the wrong person). Attendance recorded on the
    manual list is left alone. True if something was undone."""
    kind = checkin.kind_of(registration)
    registration = type(registration).objects.select_for_update().get(pk=registration.pk)
    record = CheckIn.objects.filter(kind=kind.key, registration_id=registration.pk).first()
    if record is None:
        return False
    if kind.is_checked_in(registration):
        kind.undo(registration, by)
    record.delete()
    return True
