from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import Lower

from ikmo.models import NotificationPreference, OutboundEmail
from organisations.models import User

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


def segment_people(*, segment, form, by):
    """The people (active accounts) a valid segment ``form`` reaches as ``by`` sees it: its
    people, and the account holders of its contact addresses."""
    people = segment.recipients(by, form)
    addresses = segment.contact_addresses(by, form)
    if addresses is None:
        return people
    holders = User.objects.filter(is_active=True).alias(address=Lower("email"))
    holders = holders.filter(address__in=addresses)
    return User.objects.filter(Q(pk__in=people.values("pk")) | Q(pk__in=holders.values("pk")))


def segment_addresses(*, segment, form, by):
    """The segment's contact addresses that belong to no active account, each once (lower
    case); None for a segment without contact addresses. Addresses of people are left out
    here: those people are reached through their accounts (``segment_people``)."""
    addresses = segment.contact_addresses(by, form)
    if addresses is None:
        return None
    accounts = User.objects.filter(is_active=True).annotate(address=Lower("email"))
    return addresses.exclude(address__in=accounts.values("address")).distinct()


def addresses_reached(addresses, *, kind: str):
    """Of a segment's contact addresses without an account, those a message of ``kind`` goes
    to: a service message reaches them, a newsletter does not (nobody agreed there)."""
    if addresses is None or kind == BulkMessage.Kind.NEWSLETTER:
        return None
    return addresses


@dataclass(frozen=True)
class Counts:
    total: int  # people and contact addresses in the group
    count: int  # those a message of the kind goes to
    addresses: int  # contact addresses without an account, in the group


def segment_counts(*, segment, form, by, kind: str) -> Counts:
    """How many a message of ``kind`` to a valid segment ``form`` reaches, as ``by`` sees it."""
    people = segment_people(segment=segment, form=form, by=by)
    addresses = segment_addresses(segment=segment, form=form, by=by)
    plain = 0 if addresses is None else addresses.count()
    reached = audience(people, kind=kind).count()
    if kind != BulkMessage.Kind.NEWSLETTER:
        reached += plain
    return Counts(total=people.count() + plain, count=reached, addresses=plain)
