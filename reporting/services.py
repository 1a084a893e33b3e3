"""Every write of the reporting app: periods, plan values, reports and their frozen figures."""

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ikmo.audit import audit_log, diff, snapshot
from ikmo.documents import document_request

from .figures import compute_figures, forget_cached_figures
from .models import FunderReport, FundingPeriod, PlanValue
from .registry import all_indicators

PERIOD_FIELDS = ("name", "funder", "start", "end", "notes")
NARRATIVE_FIELDS = ("summary", "highlights", "challenges", "outlook")
MAX_PERIOD_DAYS = 10 * 366


def period_rule_errors(
    *, name: str, start: date | None, end: date | None, period_pk=None
) -> dict[str, ValidationError]:
    """The rules for a funding period, by field (FundingPeriodForm shows them too)."""
    errors = {}
    if name and FundingPeriod.objects.filter(name=name).exclude(pk=period_pk).exists():
        errors["name"] = ValidationError(
            _("A funding period with this name exists already."), code="unique"
        )
    if start and end:
        if end < start:
            errors["end"] = ValidationError(
                _("The last day must not be before the first day."), code="end_before_start"
            )
        elif (end - start) > timedelta(days=MAX_PERIOD_DAYS):
            errors["end"] = ValidationError(
                _("A funding period can be at most ten years long."), code="too_long"
            )
    return errors


def _check_period(*, name, start, end, period_pk=None) -> None:
    errors = period_rule_errors(name=name, start=start, end=end, period_pk=period_pk)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def period_create(*, by, name, funder, start, end, notes="") -> FundingPeriod:
    _check_period(name=name, start=start, end=end)
    period = FundingPeriod.objects.create(
        name=name, funder=funder, start=start, end=end, notes=notes
    )
    audit_log(
        actor=by,
        action="reporting.period.created",
        target=period,
        changes={"name": name, "funder": funder, "start": str(start), "end": str(end)},
    )
    return period


@transaction.atomic
def period_update(*, period: FundingPeriod, by, **fields) -> FundingPeriod:
    period = FundingPeriod.objects.select_for_update().get(pk=period.pk)
    values = {name: fields[name] for name in PERIOD_FIELDS if name in fields}
    before = snapshot(period, values)
    for name, value in values.items():
        setattr(period, name, value)
    _check_period(name=period.name, start=period.start, end=period.end, period_pk=period.pk)
    changes = diff(before, snapshot(period, values))
    if changes:
        period.save()
        audit_log(actor=by, action="reporting.period.updated", target=period, changes=changes)
        forget_cached_figures()
    return period


@transaction.atomic
def plan_values_save(
    *, period: FundingPeriod, values: dict[str, Decimal | None], by
) -> dict[str, list]:
    """Set the plan values given; None removes a plan value. Returns what changed."""
    known = {indicator.key for indicator in all_indicators()}
    if unknown := set(values) - known:
        raise ValueError(f"Unknown indicators: {sorted(unknown)}")
    errors = {}
    for key, value in values.items():
        if value is not None and value <= 0:
            errors[key] = ValidationError(
                _("Enter a plan value above zero, or leave the field empty."), code="min_value"
            )
    if errors:
        raise ValidationError(errors)
    existing = {
        p.indicator_key: p for p in PlanValue.objects.select_for_update().filter(period=period)
    }
    changes = {}
    for key, value in values.items():
        current = existing.get(key)
        if value is None:
            if current is not None:
                current.delete()
                changes[key] = [str(current.value), None]
        elif current is None:
            PlanValue.objects.create(period=period, indicator_key=key, value=value, updated_by=by)
            changes[key] = [None, str(value)]
        elif current.value != value:
            changes[key] = [str(current.value), str(value)]
            current.value = value
            current.updated_by = by
            current.save(update_fields=["value", "updated_by", "updated_at"])
    if changes:
        audit_log(actor=by, action="reporting.plan.updated", target=period, changes=changes)
        forget_cached_figures()
    return changes


@transaction.atomic
def report_request(*, period: FundingPeriod, by, **narrative) -> FunderReport:
    """Create the report and hand the PDF (and freezing its figures) to the worker."""
    report = FunderReport.objects.create(
        period=period,
        generated_by=by,
        **{name: narrative.get(name, "") for name in NARRATIVE_FIELDS},
    )
    document = document_request(kind="funder_report", target=report, by=by)
    report.document = document
    report.save(update_fields=["document"])
    audit_log(actor=by, action="reporting.report.requested", target=report)
    return report


def report_freeze(*, report_id: int, today=None) -> FunderReport:
    """Compute and store the report's figures once. Later calls return them unchanged.

    The computation runs outside the row lock (it may take seconds on a big year); the
    store only happens if no other run stored figures meanwhile, so the first wins.
    """
    report = FunderReport.objects.select_related("period").get(pk=report_id)
    if report.snapshot:
        return report
    snapshot = compute_figures(report.period, today=today)
    with transaction.atomic():
        locked = FunderReport.objects.select_for_update().get(pk=report_id)
        if not locked.snapshot:
            locked.snapshot = snapshot
            locked.snapshot_taken_at = timezone.now()
            locked.save(update_fields=["snapshot", "snapshot_taken_at"])
    return FunderReport.objects.select_related("period", "generated_by").get(pk=report_id)
