"""Reads reused by views, exports and the worker; the one lookup helper per object."""

from django.db.models import Count
from django.http import Http404
from django.utils import timezone

from ikmo.viewtools import get_visible_or_404, require

from .models import FunderReport, FundingPeriod
from .permissions import can_view_report, can_view_reporting


def periods_for_user(user):
    if not can_view_reporting(user):
        return FundingPeriod.objects.none()
    return FundingPeriod.objects.all()


def reports_for_user(user, *, period=None):
    qs = FunderReport.objects.select_related("period", "generated_by", "document")
    if not can_view_reporting(user):
        return qs.none()
    if period is not None:
        qs = qs.filter(period=period)
    return qs


def periods_with_counts(user):
    """The periods page: each period with how many plan values and reports it has."""
    return periods_for_user(user).annotate(
        plan_count=Count("plan_values", distinct=True), report_count=Count("reports", distinct=True)
    )


def _int_or_404(pk) -> int:
    try:
        return int(pk)
    except (ValueError, TypeError):
        raise Http404 from None


def get_period_for_user(user, pk) -> FundingPeriod:
    """404 for anyone who may not see reporting, and for unknown periods alike."""
    return get_visible_or_404(periods_for_user(user), pk=_int_or_404(pk))


def get_report_for_user(user, pk) -> FunderReport:
    report = get_visible_or_404(reports_for_user(user), pk=_int_or_404(pk))
    require(can_view_report(user, report))
    return report


def default_period():
    """The period running today, else the one that started most recently, else None."""
    today = timezone.localdate()
    running = FundingPeriod.objects.filter(start__lte=today, end__gte=today).order_by("-start")
    return running.first() or FundingPeriod.objects.order_by("-start").first()
