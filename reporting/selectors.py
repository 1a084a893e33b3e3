"""Reads reused by views, exports and the worker; the one lookup helper per object."""

from django.http import Http404
from django.utils import timezone

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


def get_period_for_user(user, pk) -> FundingPeriod:
    """404 for anyone who may not see reporting, and for unknown periods alike."""
    if not can_view_reporting(user):
        raise Http404
    try:
        return FundingPeriod.objects.get(pk=int(pk))
    except (FundingPeriod.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_report_for_user(user, pk) -> FunderReport:
    try:
        report = FunderReport.objects.select_related("period", "generated_by", "document").get(
            pk=int(pk)
        )
    except (FunderReport.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not can_view_report(user, report):
        raise Http404
    return report


def default_period():
    """The period running today, else the one that started most recently, else None."""
    today = timezone.localdate()
    running = FundingPeriod.objects.filter(start__lte=today, end__gte=today).order_by("-start")
    return running.first() or FundingPeriod.objects.order_by("-start").first()
