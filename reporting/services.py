"""Every write of the reporting app: periods, plan values, reports and their frozen figures."""

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ikmo.audit import audit_log, diff, snapshot
from ikmo.documents import document_request
from ikmo.subprojects import subproject_choices, subproject_label

from .figures import compute_figures, forget_cached_figures
from .models import (
    Carrier,
    FrozenRecords,
    FunderReport,
    FundingPeriod,
    FundingSource,
    PlanValue,
)
from .registry import all_indicators, get_indicator
from .selectors import record_ids

PERIOD_FIELDS = (
    "name",
    "funder",
    "start",
    "end",
    "notes",
    "grant_reference",
    "contact_name",
    "contact_email",
    "contact_phone",
)
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
def period_create(*, by, name, funder, start, end, notes="", **contact) -> FundingPeriod:
    _check_period(name=name, start=start, end=end)
    extra = {key: contact[key] for key in PERIOD_FIELDS[5:] if key in contact}
    period = FundingPeriod.objects.create(
        name=name, funder=funder, start=start, end=end, notes=notes, **extra
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


def funding_rule_errors(*, sources: list[dict], carriers: list[dict]) -> dict[str, list[str]]:
    """The rules for a period's funding sources and carriers, as messages per part
    ("sources", "carriers"); the period form shows them above its tables."""
    errors: dict[str, list[str]] = {"sources": [], "carriers": []}
    if sources:
        total = sum((Decimal(s["share"]) for s in sources), Decimal("0"))
        if total != Decimal("100"):
            errors["sources"].append(
                _("The shares add up to %(total)s %%; together they must make 100 %%.")
                % {"total": number_format(total, decimal_pos=2 if total % 1 else 0)}
            )
        for source in sources:
            if source["funder"] == FundingPeriod.Funder.OTHER and not source.get("name"):
                errors["sources"].append(_("Please name the other funder."))
                break
    leads = [c for c in carriers if c["role"] == Carrier.Role.LEAD]
    if len(leads) > 1:
        errors["carriers"].append(_("Only one carrier can be the lead carrier."))
    seen_organisations, seen_subprojects = set(), {}
    for carrier in carriers:
        organisation = carrier["organisation"]
        if organisation.pk in seen_organisations:
            errors["carriers"].append(_("%(name)s is listed twice.") % {"name": organisation.name})
        seen_organisations.add(organisation.pk)
        for key in carrier.get("subprojects", []):
            if key in seen_subprojects:
                errors["carriers"].append(
                    _(
                        "%(subproject)s is assigned to %(first)s and %(second)s; each sub-project has one carrier."
                    )
                    % {
                        "subproject": subproject_label(key),
                        "first": seen_subprojects[key],
                        "second": organisation.name,
                    }
                )
            seen_subprojects[key] = organisation.name
    return {part: messages for part, messages in errors.items() if messages}


@transaction.atomic
def period_funding_save(
    *, period: FundingPeriod, sources: list[dict] | None, carriers: list[dict] | None, by
):
    """Replace the period's funding sources (co-financing) and carriers with these; None
    keeps that part as it is."""
    if sources is None and carriers is None:
        return period
    errors = funding_rule_errors(sources=sources or [], carriers=carriers or [])
    if errors:
        raise ValidationError([message for messages in errors.values() for message in messages])
    known = {key for key, _label in subproject_choices()}
    period = FundingPeriod.objects.select_for_update().get(pk=period.pk)
    before = _funding_summary(period)
    if sources is not None:
        period.sources.all().delete()
    if carriers is not None:
        period.carriers.all().delete()
    for position, source in enumerate(sources or []):
        FundingSource.objects.create(
            period=period,
            position=position,
            funder=source["funder"],
            name=source.get("name") or "",
            reference=source.get("reference") or "",
            share=source["share"],
            amount=source.get("amount"),
            subprojects=[key for key in source.get("subprojects") or [] if key in known],
        )
    for carrier in carriers or []:
        Carrier.objects.create(
            period=period,
            organisation=carrier["organisation"],
            role=carrier["role"],
            subprojects=[key for key in carrier.get("subprojects", []) if key in known],
        )
    after = _funding_summary(period)
    if before != after:
        audit_log(
            actor=by,
            action="reporting.period.funding_changed",
            target=period,
            changes={"before": before, "after": after},
        )
        forget_cached_figures()
    return period


def funding_snapshot(period: FundingPeriod, indicators: list[dict]) -> dict:
    """What the report's cover and its funding section show, frozen with the figures: the
    grant, the contact, the funding sources with their shares and each carrier with its
    sub-projects and how their indicators stand (reached, on track, behind)."""
    by_subproject: dict[str, list[dict]] = {}
    for row in indicators:
        by_subproject.setdefault(row["subproject"] or "", []).append(row)

    def standing(subprojects: list[str]) -> dict:
        """The sub-projects by key and label, and how their indicators stand."""
        rows = [row for key in subprojects for row in by_subproject.get(key, [])]
        planned = [row for row in rows if row["plan"] is not None]
        return {
            "subprojects": [
                {"key": key, "label": str(subproject_label(key))} for key in subprojects
            ],
            "indicators": len(rows),
            "planned": len(planned),
            "reached": sum(row["status"] == "reached" for row in planned),
            "behind": sum(row["status"] in ("behind", "missed") for row in planned),
        }

    carriers = [
        {
            "name": carrier.organisation.name,
            "role": carrier.role,
            "role_label": str(carrier.get_role_display()),
            **standing(carrier.subprojects),
        }
        for carrier in period.carriers.select_related("organisation").order_by("role", "pk")
    ]
    return {
        "grant_reference": period.grant_reference,
        "contact": {
            "name": period.contact_name,
            "email": period.contact_email,
            "phone": period.contact_phone,
        },
        # A source's sub-projects: those it co-finances; none listed means all of them
        # (then it is the whole report, and "subprojects" stays empty).
        "sources": [
            {
                "label": source.label,
                "funder": source.funder,
                "reference": source.reference,
                "share": float(source.share),
                "amount": None if source.amount is None else float(source.amount),
                **standing(source.subprojects),
            }
            for source in period.sources.all()
        ],
        "carriers": carriers,
    }


def _source_summary(source) -> str:
    """One source in the audit trail: "AMIF: 40.00 % (AMIF-77): mentoring, volunteering"."""
    text = f"{source.label}: {source.share} %"
    if source.reference:
        text += f" ({source.reference})"
    if source.subprojects:
        text += f": {', '.join(source.subprojects)}"
    return text


def _funding_summary(period) -> dict:
    return {
        "sources": [_source_summary(s) for s in period.sources.all()],
        "carriers": [
            f"{c.organisation.name} ({c.role}): {', '.join(c.subprojects)}"
            for c in period.carriers.select_related("organisation")
        ],
    }


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
def report_request(
    *, period: FundingPeriod, by, subproject_notes: dict | None = None, **narrative
) -> FunderReport:
    """Create the report and hand the PDF (and freezing its figures) to the worker."""
    known = {key for key, _label in subproject_choices()}
    report = FunderReport.objects.create(
        period=period,
        generated_by=by,
        subproject_notes={
            key: text.strip()
            for key, text in (subproject_notes or {}).items()
            if key in known and text and text.strip()
        },
        **{name: narrative.get(name, "") for name in NARRATIVE_FIELDS},
    )
    document = document_request(kind="funder_report", target=report, by=by)
    report.document = document
    report.save(update_fields=["document"])
    audit_log(actor=by, action="reporting.report.requested", target=report)
    return report


def frozen_record_ids(period, snapshot: dict) -> list[tuple[str, str, list]]:
    """(indicator key, sub-project share, ids) of the records behind each figure of the
    snapshot, in the drill-down's order, so every frozen number stays traceable to what was
    counted: one query per indicator, and per sub-project for a cross-project one."""
    shares = [key for key, _label in subproject_choices()]
    found = []
    for row in snapshot["indicators"]:
        try:
            indicator = get_indicator(row["key"])
        except KeyError:  # pragma: no cover - the snapshot was computed from the registry
            continue
        found.append((indicator.key, "", record_ids(indicator, indicator.records(period))))
        if indicator.is_cross_project:
            for share in shares:
                records = indicator.records_for_subproject(period, share)
                found.append((indicator.key, share, record_ids(indicator, records)))
    return found


def report_freeze(*, report_id: int, today=None) -> FunderReport:
    """Compute and store the report's figures once. Later calls return them unchanged.

    The computation runs outside the row lock (it may take seconds on a big year); the
    store only happens if no other run stored figures meanwhile, so the first wins. The ids
    of the records behind each figure (FrozenRecords) are stored with the figures, in the
    same transaction, or not at all.
    """
    report = FunderReport.objects.select_related("period").get(pk=report_id)
    if report.snapshot:
        return report
    # Deletions logged from here on are checked against the frozen ids (reporting/deletions.py):
    # a record deleted while the ids are read is either not among them or logged after this.
    started = timezone.now()
    snapshot = compute_figures(report.period, today=today)
    snapshot["funding"] = funding_snapshot(report.period, snapshot["indicators"])
    records = frozen_record_ids(report.period, snapshot)
    with transaction.atomic():
        locked = FunderReport.objects.select_for_update().get(pk=report_id)
        if not locked.snapshot:
            locked.snapshot = snapshot
            locked.snapshot_taken_at = timezone.now()
            locked.save(update_fields=["snapshot", "snapshot_taken_at"])
            FrozenRecords.objects.bulk_create(
                [
                    FrozenRecords(
                        report=locked,
                        indicator_key=key,
                        share=share,
                        ids=ids,
                        count=len(ids),
                        missing=0,
                        missing_checked_at=started,
                    )
                    for key, share, ids in records
                ],
                batch_size=50,
            )
    return FunderReport.objects.select_related("period", "generated_by").get(pk=report_id)
