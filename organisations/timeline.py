"""The organisation activity timeline: one small interface every sub-project feeds.

An app names a provider as the ``timeline`` hook of the portal contract (ikmo/subprojects.py),
``provider(organisation, user, limit) -> Iterable[TimelineEvent]``, that yields its events for
one organisation, filtered to what ``user`` may see, using a fixed number of queries and at
most ``limit`` rows per query (the newest: ``newest()``), so that an organisation with years of
history costs no more than a new one. ``timeline_for`` merges them newest first; the
organisation page (``organisations:timeline``) and an application's staff and jury pages
(``actionfund:application_history``) load it as a fragment after they have rendered, so none
of them waits for it.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ikmo.subprojects import hooks, subproject_label


@dataclass(frozen=True)
class TimelineEvent:
    when: datetime | date
    title: str
    subproject: str = ""  # a SubProject value, or "" for the registry itself
    detail: str = ""
    url: str = ""

    @property
    def sort_key(self) -> datetime:
        if isinstance(self.when, datetime):
            return self.when
        return timezone.make_aware(datetime.combine(self.when, time.min))

    @property
    def subproject_label(self) -> str:
        return subproject_label(self.subproject) if self.subproject else _("Registry")


Provider = Callable[[object, object, int], Iterable[TimelineEvent]]

LIMIT = 50
# The shorter history shown beside an action-fund application (actionfund:application_history,
# for its staff and jurors) and in the organisation's profile sheet.
SHORT_LIMIT = 30


def newest(queryset, *fields: str, limit: int):
    """The ``limit`` newest rows of ``queryset`` by ``fields`` (newest first)."""
    return queryset.order_by(*(f"-{field}" for field in fields))[:limit]


def providers() -> list[Provider]:
    return [provider for _app, provider in hooks("timeline")]


def timeline_for(*, organisation, user, limit: int = LIMIT) -> list[TimelineEvent]:
    events = [event for provider in providers() for event in provider(organisation, user, limit)]
    events.sort(key=lambda e: e.sort_key, reverse=True)
    return events[:limit]


def registry_events(organisation, user, limit=LIMIT):
    from .models import Membership, NetworkMembership
    from .selectors import outcomes_of

    yield TimelineEvent(when=organisation.created_at, title=_("Registered in the portal"))
    if organisation.decided_at and organisation.is_approved:
        yield TimelineEvent(when=organisation.decided_at, title=_("Registration approved"))
    joined = newest(
        Membership.objects.filter(
            organisation=organisation, status=Membership.Status.ACTIVE, decided_at__isnull=False
        ).select_related("user"),
        "decided_at",
        limit=limit,
    )
    for membership in joined:
        yield TimelineEvent(
            when=membership.decided_at,
            title=_("%(person)s joined") % {"person": membership.user},
        )
    for outcome in newest(outcomes_of(organisation, user), "date", "pk", limit=limit):
        yield TimelineEvent(
            when=outcome.date,
            title=str(outcome.get_kind_display()),
            detail=outcome.funder,
            url=reverse("organisations:outcome_edit", args=[organisation.pk, outcome.pk]),
        )
    # Network memberships confirmed: on the member's timeline and on the network's.
    confirmed = NetworkMembership.objects.filter(
        status=NetworkMembership.Status.ACTIVE, decided_at__isnull=False
    )
    for membership in newest(
        confirmed.filter(member=organisation).select_related("network"), "decided_at", limit=limit
    ):
        yield TimelineEvent(
            when=membership.decided_at,
            title=_("Joined the network %(network)s") % {"network": membership.network.name},
        )
    if organisation.is_network:
        for membership in newest(
            confirmed.filter(network=organisation).select_related("member"),
            "decided_at",
            limit=limit,
        ):
            yield TimelineEvent(
                when=membership.decided_at,
                title=_("%(member)s joined the network") % {"member": membership.member.name},
            )
