from django.db.models import Count, Q

from ikmo.models import NotificationPreference, OutboundEmail

from . import permissions
from .models import BulkMessage


def messages_visible_to(*, user):
    return BulkMessage.objects.filter(permissions.messages_visible_q(user))


def with_counts(queryset):
    """Sent, failed and waiting mails per message, aggregated in SQL (one query per page)."""
    status = "recipients__email_row__status"
    return queryset.select_related("requested_by").annotate(
        sent_count=Count("recipients", filter=Q(**{status: OutboundEmail.Status.SENT})),
        failed_count=Count("recipients", filter=Q(**{status: OutboundEmail.Status.FAILED})),
        waiting_count=Count("recipients", filter=Q(**{status: OutboundEmail.Status.PENDING})),
    )


def message_log(*, user):
    return with_counts(messages_visible_to(user=user)).order_by("-created_at", "-pk")


def preferences_of(user) -> NotificationPreference:
    """The person's choices; the defaults (an unsaved row) when they never chose."""
    found = NotificationPreference.objects.filter(user=user).first()
    return found or NotificationPreference(user=user)


def audience(recipients, *, kind: str):
    """Of a segment's people, those a message of ``kind`` goes to: everyone for a service
    message, only those who agreed for a newsletter."""
    people = recipients.exclude(email="")
    if kind == BulkMessage.Kind.NEWSLETTER:
        people = people.filter(notification_preference__newsletter=True)
    return people


def segment_counts(*, segment, form, by, kind: str) -> tuple[int, int]:
    """(people in the segment, people a message of ``kind`` would go to), for a valid
    segment ``form`` as ``by`` sees it."""
    people = segment.recipients(by, form)
    return people.count(), audience(people, kind=kind).count()
