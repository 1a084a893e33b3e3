"""Actual values for funder reporting, computed from what was logged (never typed in twice).

``period_indicators(start, end)`` gives the figures for [start, end] (both inclusive, local
dates). The querysets behind them are public, so reporting can drill down and export the
same records:

- networked administrations / services: distinct partner organisations with a cooperation
  contact made or moved on in the period, or with someone at one of our events in the
  period. Each organisation counts once, however many contacts and events it had.
- networked organisations (MO / refugee initiatives): the same from the other side, plus the
  organisations in a tandem active during the period.
- expert rounds / network events held: events of that kind held (minutes written) whose
  start lies in the period.
- tandems active: active at any time in the period (started on or before its end, not ended
  before its start); tandems completed: completed with an end date in the period.
"""

from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from organisations.models import Organisation

from .models import (
    MO_KINDS,
    PARTNER_KINDS,
    CooperationContact,
    Event,
    EventAttendance,
    Tandem,
)

FINISHED_OR_RUNNING = [Tandem.Status.ACTIVE, Tandem.Status.COMPLETED, Tandem.Status.ENDED_EARLY]


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_default_timezone()
    return (
        timezone.make_aware(datetime.combine(start, time.min), tz),
        timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz),
    )


def contacts_in(start: date, end: date):
    """Cooperation contacts made, or moved to a new status, within the period."""
    lower, upper = _bounds(start, end)
    ids = CooperationContact.objects.filter(
        Q(contact_date__gte=start, contact_date__lte=end)
        | Q(history__changed_at__gte=lower, history__changed_at__lt=upper)
    ).values("pk")
    return CooperationContact.objects.filter(pk__in=ids)


def attendances_in(start: date, end: date):
    lower, upper = _bounds(start, end)
    return EventAttendance.objects.filter(
        event__starts_at__gte=lower, event__starts_at__lt=upper
    ).exclude(event__status=Event.Status.CANCELLED)


def events_held(start: date, end: date, kind: str | None = None):
    lower, upper = _bounds(start, end)
    events = Event.objects.filter(
        status=Event.Status.HELD, starts_at__gte=lower, starts_at__lt=upper
    )
    return events.filter(kind=kind) if kind else events


def tandems_active(start: date, end: date):
    _lower, upper = _bounds(start, end)
    return Tandem.objects.filter(status__in=FINISHED_OR_RUNNING, activated_at__lt=upper).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=start)
    )


def tandems_completed(start: date, end: date):
    return Tandem.objects.filter(
        status=Tandem.Status.COMPLETED, ended_on__gte=start, ended_on__lte=end
    )


def networked_partners(start: date, end: date):
    """Administrations and services networked in the period, each once."""
    return Organisation.objects.filter(kind__in=PARTNER_KINDS).filter(
        Q(pk__in=contacts_in(start, end).values("partner_id"))
        | Q(pk__in=attendances_in(start, end).values("organisation_id"))
    )


def networked_organisations(start: date, end: date):
    """Migrant organisations and refugee initiatives networked in the period, each once."""
    tandems = tandems_active(start, end)
    return Organisation.objects.filter(kind__in=MO_KINDS).filter(
        Q(pk__in=contacts_in(start, end).values("organisation_id"))
        | Q(pk__in=attendances_in(start, end).values("organisation_id"))
        | Q(pk__in=tandems.values("mentor_id"))
        | Q(pk__in=tandems.values("mentee_id"))
    )


def period_indicators(start: date, end: date) -> dict:
    attendances = attendances_in(start, end)
    return {
        "networked_partners": networked_partners(start, end).count(),
        "networked_organisations": networked_organisations(start, end).count(),
        "cooperation_contacts": contacts_in(start, end).count(),
        "expert_rounds_held": events_held(start, end, Event.Kind.EXPERT_ROUND).count(),
        "network_events_held": events_held(start, end, Event.Kind.NETWORK_EVENT).count(),
        "event_attendances": attendances.count(),
        "tandems_active": tandems_active(start, end).count(),
        "tandems_completed": tandems_completed(start, end).count(),
    }
