"""Actual values for funder reporting, computed from what was logged (never typed in twice).

``period_indicators(start, end)`` counts workshops whose first date, and coaching sessions
whose date, fall within [start, end] (both inclusive, local dates). The querysets behind the
counts are public too, so reports can drill down to exactly the records that were counted.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from .models import CoachingSession, Registration, Workshop


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(start, time.min), tz),
        timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz),
    )


def workshops_held(start: date, end: date, *, now: datetime | None = None):
    """Published workshops that have started, whose first date lies in the period."""
    lower, upper = _bounds(start, end)
    return Workshop.objects.held(now=now).filter(starts_at__gte=lower, starts_at__lt=upper)


def attendances(start: date, end: date, *, now: datetime | None = None):
    """Confirmed registrations marked as attended, in the workshops held in the period."""
    return Registration.objects.filter(
        workshop__in=workshops_held(start, end, now=now),
        status=Registration.Status.CONFIRMED,
        attended=True,
    )


def coaching_sessions(start: date, end: date):
    return CoachingSession.objects.filter(date__gte=start, date__lte=end)


def period_indicators(start: date, end: date, *, now: datetime | None = None) -> dict:
    held = workshops_held(start, end, now=now)
    workshop_counts = held.aggregate(
        workshops_held=Count("pk"), basic_workshops=Count("pk", filter=Q(is_basic=True))
    )
    attended = attendances(start, end, now=now)
    sessions = coaching_sessions(start, end)
    coaching = sessions.aggregate(count=Count("pk"), minutes=Sum("duration_minutes"))
    qualified = set(attended.values_list("organisation_id", flat=True).distinct())
    qualified |= set(sessions.values_list("organisation_id", flat=True).distinct())
    minutes = coaching["minutes"] or 0
    return {
        "workshops_held": workshop_counts["workshops_held"],
        "basic_workshops": workshop_counts["basic_workshops"],
        "participants": attended.count(),
        "distinct_participants": attended.values("participant_id").distinct().count(),
        "organisations_qualified": len(qualified),
        "coaching_sessions": coaching["count"],
        "coaching_hours": (Decimal(minutes) / Decimal(60)).quantize(Decimal("0.1")),
    }
