"""Notification choices, the newsletter link, and messages to many."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ikmo.audit import audit_log
from ikmo.mail import email_queue
from ikmo.models import NotificationPreference
from ikmo.notifications import MailKind
from ikmo.queue import enqueue_on_commit
from ikmo.segments import segment_for
from organisations.models import User
from privacy.models import ConsentRecord
from privacy.services import consent_give, consent_withdraw

from . import selectors
from .models import TEXT_LANGUAGES, BulkMessage, BulkRecipient

CONSENT_TEXT_VERSION = "notifications-page-1"
UNSUBSCRIBE_SALT = "ikmo.messaging.newsletter-unsubscribe"
BATCH = 200  # recipients listed per insert, and sent between two progress updates

# --- notification choices ---------------------------------------------------------------


@transaction.atomic
def notification_preferences_update(
    *, user: User, reminders: bool, newsletter: bool
) -> NotificationPreference:
    """Save the person's choices. Agreeing to newsletters is a consent with its time (also in
    the consent records of privacy/); turning them off withdraws it."""
    preference, _created = NotificationPreference.objects.select_for_update().get_or_create(
        user=user
    )
    before = {"reminders": preference.reminders, "newsletter": preference.newsletter}
    now = timezone.now()
    if newsletter and not preference.newsletter:
        preference.newsletter_consent_at = now
        consent_give(
            purpose=ConsentRecord.Purpose.NEWSLETTER,
            text_version=CONSENT_TEXT_VERSION,
            by=user,
            person=user,
            details=_("Notifications page"),
        )
    elif preference.newsletter and not newsletter:
        preference.newsletter_withdrawn_at = now
        _withdraw_newsletter_consents(user)
    preference.reminders = reminders
    preference.newsletter = newsletter
    preference.save()
    after = {"reminders": reminders, "newsletter": newsletter}
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if changes:
        audit_log(
            actor=user, action="messaging.notifications.updated", target=user, changes=changes
        )
    return preference


def _withdraw_newsletter_consents(user: User) -> None:
    for consent in ConsentRecord.objects.filter(
        person=user, purpose=ConsentRecord.Purpose.NEWSLETTER, withdrawn_at__isnull=True
    ):
        consent_withdraw(consent=consent, by=user)


def unsubscribe_token(user: User) -> str:
    """A signed token naming the person: their link to stop newsletters, no sign-in needed."""
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object({"u": user.pk})


def user_for_unsubscribe_token(token: str) -> User | None:
    """The person a token names, or None for a changed, cut or made-up token."""
    try:
        data = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token[:200])
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    return User.objects.filter(pk=data["u"], is_active=True).first()


def unsubscribe_url(user: User) -> str:
    base = getattr(settings, "IKMO_SITE_URL", "").rstrip("/")
    return base + reverse("messaging:unsubscribe", args=[unsubscribe_token(user)])


def unsubscribe_headers(user: User) -> dict[str, str]:
    """A newsletter's headers for mail programs' own "unsubscribe" button: the signed
    one-click address, posted to without a page in between (RFC 2369, RFC 8058)."""
    base = getattr(settings, "IKMO_SITE_URL", "").rstrip("/")
    url = base + reverse("messaging:unsubscribe_one_click", args=[unsubscribe_token(user)])
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


@transaction.atomic
def newsletter_unsubscribe(*, user: User) -> None:
    """The person stops newsletters through the link in one (signed-out, one click)."""
    preference, _created = NotificationPreference.objects.select_for_update().get_or_create(
        user=user
    )
    if preference.newsletter:
        preference.newsletter = False
        preference.newsletter_withdrawn_at = timezone.now()
        preference.save(update_fields=["newsletter", "newsletter_withdrawn_at", "updated_at"])
        _withdraw_newsletter_consents(user)
        audit_log(actor=user, action="messaging.newsletter.unsubscribed", target=user)


# --- messages to many -------------------------------------------------------------------


def segment_form(*, segment_key: str, by: User, data):
    """The segment and its bound form for ``by``; PermissionDenied for a segment they may not
    use (or that does not exist)."""
    segment = segment_for(segment_key)
    if segment is None or not segment.allowed(by):
        raise PermissionDenied
    return segment, segment.form(by, data)


def bulk_message_send(
    *,
    by: User,
    segment_key: str,
    segment_data: QueryDict,
    kind: str,
    texts: dict[str, tuple[str, str]],
    once_key,
    planned_count: int,
) -> BulkMessage:
    """Queue a confirmed message to many; the worker lists the recipients and sends.

    ``texts``: language -> (subject, text); German is required. ``once_key`` is the compose
    form's key: a second submission (a double click, a resent form) gets the message already
    queued, never a second one."""
    segment, form = segment_form(segment_key=segment_key, by=by, data=segment_data)
    if not form.is_valid():
        raise ValidationError(_("Please check the recipients."))
    if kind not in BulkMessage.Kind.values:
        raise ValidationError({"kind": _("Choose newsletter or service message.")})
    subject_de, body_de = texts.get("de", ("", ""))
    if not subject_de.strip() or not body_de.strip():
        raise ValidationError(_("The German subject and text are required."))
    fields = {}
    for code in TEXT_LANGUAGES:
        subject, body = texts.get(code, ("", ""))
        fields[f"subject_{code}"] = " ".join(subject.split())[:200]
        fields[f"body_{code}"] = body.strip()[:10000]
    with transaction.atomic():
        # One send at a time per person: two clicks arriving together see each other.
        User.objects.select_for_update().filter(pk=by.pk).first()
        existing = BulkMessage.objects.filter(uuid=once_key).first()
        if existing is not None:
            if existing.requested_by_id != by.pk:
                raise PermissionDenied
            return existing
        message = BulkMessage.objects.create(
            uuid=once_key,
            requested_by=by,
            segment=segment.key,
            segment_params=segment.params(form),
            segment_label=f"{segment.label}: {segment.describe(form)}"[:500],
            subproject=segment.subproject,
            kind=kind,
            planned_count=planned_count,
            **fields,
        )
        audit_log(
            actor=by,
            action="messaging.bulk_message.requested",
            target=message,
            changes={"segment": message.segment_label, "kind": kind, "count": planned_count},
        )
        from .tasks import send_bulk_message

        enqueue_on_commit(send_bulk_message, message.pk, model=BulkMessage)
    return message


def bulk_message_run(*, message_id: int) -> BulkMessage | None:
    """List the recipients once, then queue one outbox mail per recipient not yet mailed.
    Safe to run twice, also at the same time: a recipient row is unique per message and
    person, and a row that has its mail is never mailed again."""
    if not BulkMessage.mark_running(message_id):
        return None
    message = BulkMessage.objects.select_related("requested_by").get(pk=message_id)
    if message.recipients_listed_at is None and not _list_recipients(message):
        # Nothing a retry would change: the sender may no longer write to this segment.
        BulkMessage.mark_failed(message_id, error="not allowed", final=True)
        return None
    BulkMessage.mark_progress(message_id, 20)
    total = message.recipients.count() or 1
    done = message.recipients.exclude(email_row__isnull=True, skipped=False).count()
    waiting = message.recipients.filter(email_row__isnull=True, skipped=False).values_list(
        "pk", flat=True
    )
    for index, pk in enumerate(list(waiting.order_by("pk")), start=1):
        _send_one(message, pk)
        if index % BATCH == 0:
            BulkMessage.mark_progress(message_id, 20 + int(79 * (done + index) / total))
    BulkMessage.objects.filter(pk=message_id).exclude(status=BulkMessage.Status.DONE).update(
        status=BulkMessage.Status.DONE, progress=100, error="", finished_at=timezone.now()
    )
    return BulkMessage.objects.get(pk=message_id)


def _list_recipients(message: BulkMessage) -> bool:
    """Compute the segment for its sender, as they may see it now; False if they may not."""
    sender = message.requested_by
    segment = segment_for(message.segment)
    if sender is None or not sender.is_active or segment is None or not segment.allowed(sender):
        return False
    form = segment.form_from_params(sender, message.segment_params)
    if not form.is_valid():
        return False
    people = selectors.audience(
        selectors.segment_people(segment=segment, form=form, by=sender), kind=message.kind
    )
    rows = people.order_by("pk").values_list("pk", "email", "preferred_language")
    batch = []
    for pk, email, language in rows.iterator(chunk_size=BATCH):
        batch.append(BulkRecipient(message=message, user_id=pk, email=email, language=language))
        if len(batch) >= BATCH:
            BulkRecipient.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    # Contact addresses without an account (service messages only): no language is known
    # for them, so they get the German text.
    addresses = selectors.addresses_reached(
        selectors.segment_addresses(segment=segment, form=form, by=sender), kind=message.kind
    )
    if addresses is None:
        addresses = []
    else:
        addresses = addresses.order_by("address").iterator(chunk_size=BATCH)
    for address in addresses:
        batch.append(BulkRecipient(message=message, user=None, email=address, language="de"))
        if len(batch) >= BATCH:
            BulkRecipient.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    BulkRecipient.objects.bulk_create(batch, ignore_conflicts=True)
    BulkMessage.objects.filter(pk=message.pk, recipients_listed_at__isnull=True).update(
        recipients_listed_at=timezone.now(), recipient_count=message.recipients.count()
    )
    return True


def _send_one(message: BulkMessage, recipient_pk: int) -> None:
    with transaction.atomic():
        recipient = (
            BulkRecipient.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("user")
            .filter(pk=recipient_pk, email_row__isnull=True, skipped=False)
            .first()
        )
        if recipient is None:  # mailed by an earlier run, or another worker has it now
            return
        newsletter = message.kind == BulkMessage.Kind.NEWSLETTER
        if newsletter and recipient.user is None:
            # Never listed (an address without an account cannot have agreed); kept safe.
            recipient.skipped = True
            recipient.save(update_fields=["skipped"])
            return
        subject, body = message.text_for(recipient.language)
        email = email_queue(
            to=recipient.email,
            template="messaging/email/bulk",
            context={
                "subject": subject,
                "body": body,
                "newsletter": newsletter,
                "unsubscribe_url": unsubscribe_url(recipient.user) if newsletter else "",
            },
            language=recipient.language or "de",
            kind=MailKind.NEWSLETTER if newsletter else MailKind.TRANSACTIONAL,
            headers=unsubscribe_headers(recipient.user) if newsletter else None,
        )
        if email is None:
            recipient.skipped = True
        else:
            recipient.email_row = email
        recipient.save(update_fields=["skipped", "email_row"])


def bulk_message_record_failure(*, message_id: int, error: str, final: bool) -> None:
    BulkMessage.mark_failed(message_id, error=error, final=final)
