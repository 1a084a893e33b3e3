"""Figures of the action fund for funder reporting, computed from what was logged.

``actionfund_indicators(start=..., end=...)`` counts, for a period (both dates inclusive):
- applications: applications submitted in the period;
- approved_projects: applications approved in the period and not withdrawn afterwards;
- amount_granted: the sum granted to those projects (Decimal, EUR);
- organisations_funded: distinct applying organisations among those projects.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone

from .models import COMMITTED_STATUSES, Application


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=tz),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz),
    )


def submitted_applications(*, start: date, end: date):
    """The applications behind the "applications" count (for drill-down and export)."""
    lower, upper = _bounds(start, end)
    return Application.objects.filter(submitted_at__gte=lower, submitted_at__lt=upper)


def approved_applications(*, start: date, end: date):
    """The projects behind "approved projects", "amount granted", "organisations funded"."""
    lower, upper = _bounds(start, end)
    return Application.objects.filter(
        approved_at__gte=lower, approved_at__lt=upper, status__in=COMMITTED_STATUSES
    )


def actionfund_indicators(*, start: date, end: date) -> dict:
    approved = approved_applications(start=start, end=end).aggregate(
        projects=Count("pk"),
        amount=Sum("approved_amount"),
        organisations=Count("organisation", distinct=True),
    )
    return {
        "applications": submitted_applications(start=start, end=end).count(),
        "approved_projects": approved["projects"],
        "amount_granted": approved["amount"] or Decimal("0.00"),
        "organisations_funded": approved["organisations"],
    }
