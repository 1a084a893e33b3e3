"""Actual values for funder reporting, computed from what was logged (never typed in twice).

Each indicator is a queryset of the records it counts for [start, end] (both inclusive,
local dates), so reports can drill down and export; ``period_indicators(start, end)`` returns
the counts:
- analyses_completed: analyses published in the period (and still published);
- structures_inventoried: participation structures recorded in the period;
- recommendations_made: recommendations written in the period;
- recommendations_implemented: recommendations whose move to "implemented" is dated in the
  period and which are still implemented;
- organisations_interviewed: distinct organisations interviewed, with consent, in the period.
"""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from organisations.models import Organisation

from .models import Analysis, Interview, ParticipationStructure, Recommendation


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(start, time.min), tz),
        timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz),
    )


def analyses_completed(start: date, end: date):
    lower, upper = _bounds(start, end)
    return Analysis.objects.published().filter(published_at__gte=lower, published_at__lt=upper)


def structures_inventoried(start: date, end: date):
    lower, upper = _bounds(start, end)
    return ParticipationStructure.objects.filter(created_at__gte=lower, created_at__lt=upper)


def recommendations_made(start: date, end: date):
    lower, upper = _bounds(start, end)
    return Recommendation.objects.filter(created_at__gte=lower, created_at__lt=upper)


def recommendations_implemented(start: date, end: date):
    implemented = Recommendation.Status.IMPLEMENTED
    return Recommendation.objects.filter(
        status=implemented,
        status_changes__to_status=implemented,
        status_changes__date__gte=start,
        status_changes__date__lte=end,
    ).distinct()


def interviews_held(start: date, end: date):
    """Interviews with consent in the period (one organisation may be interviewed twice)."""
    return Interview.objects.filter(consent_given=True, date__gte=start, date__lte=end)


def organisations_interviewed(start: date, end: date):
    return Organisation.objects.filter(pk__in=interviews_held(start, end).values("organisation"))


def period_indicators(start: date, end: date) -> dict:
    return {
        "analyses_completed": analyses_completed(start, end).count(),
        "structures_inventoried": structures_inventoried(start, end).count(),
        "recommendations_made": recommendations_made(start, end).count(),
        "recommendations_implemented": recommendations_implemented(start, end).count(),
        "organisations_interviewed": organisations_interviewed(start, end).count(),
    }
