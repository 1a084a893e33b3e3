from datetime import date
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ikmo.audit import audit_log
from ikmo.reauth import sensitive
from ikmo.subprojects import subproject_label
from ikmo.viewtools import CountedPaginator, counted_page, form_errors, require
from organisations.models import District, Organisation

from . import exports, pathway, services
from .deletions import missing_of
from .figures import (
    cached_figures,
    compute_figures,
    indicator_figures,
    plan_values,
    split_levels,
)
from .filters import ReachFilter, RecordFilter
from .forms import (
    FunderReportForm,
    FundingPeriodForm,
    PeriodChoiceForm,
    PlanValuesForm,
    funding_formsets,
)
from .models import FundingPeriod
from .permissions import can_generate_reports, can_manage_periods, can_view_reporting
from .registry import DateRange, Dimension, get_indicator
from .selectors import (
    default_period,
    frozen_records,
    frozen_scan,
    frozen_values,
    get_period_for_user,
    get_report_for_user,
    periods_with_counts,
    record_order,
    reports_for_user,
)


def reporting_access(view):
    """Project leads and admins only; everyone else is refused before anything is computed."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        require(can_view_reporting(request.user))
        return view(request, *args, **kwargs)

    return wrapper


def _chosen_period(request):
    """The period (and sub-project) the GET parameters ask for, with the form for errors."""
    form = PeriodChoiceForm(request.GET if request.GET else None)
    period, subproject = None, ""
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        subproject = data["subproject"]
        if data["period"] is not None:
            period = data["period"]
        elif data["start"] and data["end"]:
            period = DateRange(data["start"], data["end"])
    if period is None:
        period = default_period()
    if period is None:
        year = timezone.localdate().year
        period = DateRange(date(year, 1, 1), date(year, 12, 31))
    params = (
        {"period": period.pk}
        if isinstance(period, FundingPeriod)
        else {"start": period.start.isoformat(), "end": period.end.isoformat()}
    )
    if subproject:
        params["subproject"] = subproject
    if not form.is_bound:
        form = PeriodChoiceForm(initial={**params, "subproject": subproject})
    return form, period, subproject, urlencode(params)


def _chart_data(snapshot: dict) -> dict:
    return {
        "plan": [
            {
                "label": r["label"],
                "percent": r["percent"],
                "status": r["status"],
                "status_label": r["status_label"],
            }
            for r in snapshot["indicators"]
            if r["percent"] is not None
        ],
        "activity": {
            "months": snapshot["activity"]["months"],
            "series": snapshot["activity"]["series"],
        },
        "districts": snapshot["districts"],
        "text": {
            "percent_of_plan": _("Actual as % of plan (100 % = plan)"),
            "activities": _("Logged activities"),
            "organisations": _("Organisations"),
        },
    }


def _month_ranges(months: list[str]) -> list[dict]:
    """Each month's own date range, so a monthly cell can link to its records."""
    ranges = []
    for month in months:
        year, number = int(month[:4]), int(month[5:])
        first = date(year, number, 1)
        last = date(year + 1, 1, 1) if number == 12 else date(year, number + 1, 1)
        ranges.append(
            {
                "month": month,
                "query": urlencode(
                    {
                        "start": first.isoformat(),
                        "end": date.fromordinal(last.toordinal() - 1).isoformat(),
                    }
                ),
            }
        )
    return ranges


@reporting_access
def dashboard(request):
    form, period, subproject, query = _chosen_period(request)
    snapshot = cached_figures(period, subproject=subproject or None)
    activity = snapshot["activity"]
    outputs, outcomes = split_levels(snapshot["indicators"])
    context = {
        "form": form,
        "period": period,
        "is_funding_period": isinstance(period, FundingPeriod),
        "subproject": subproject,
        "subproject_label": subproject_label(subproject) if subproject else "",
        "query": query,
        "snapshot": snapshot,
        "outputs": outputs,
        "outcomes": outcomes,
        "chart_data": _chart_data(snapshot),
        "months": _month_ranges(activity["months"]),
        "activity_rows": [
            {
                **series,
                # Reversed once per row, not once per cell (twelve months a row).
                "records_url": reverse("reporting:records", args=[series["key"]]),
                "cells": list(
                    zip(_month_ranges(activity["months"]), series["values"], strict=True)
                ),
            }
            for series in activity.get("by_indicator", [])
        ],
        "reached_url": reverse("reporting:records", args=["organisations_reached"]),
        "dimension_labels": dict(Dimension.choices),
        "can_manage": can_manage_periods(request.user),
        "can_generate": can_generate_reports(request.user) and isinstance(period, FundingPeriod),
    }
    return render(request, "reporting/dashboard.html", context)


@reporting_access
def indicator_breakdowns(request, key):
    """One indicator's breakdowns: loaded into the dashboard when its card is opened (htmx),
    or as a page of its own without JavaScript."""
    _form, period, subproject, query = _chosen_period(request)
    row = indicator_figures(period, key, subproject=subproject or None)
    if row is None or not row["breakdowns"]:
        raise Http404
    template = "reporting/_breakdown_tables.html" if request.htmx else "reporting/breakdown.html"
    return render(request, template, {"r": row, "query": query, "period": period})


@reporting_access
def figures_export(request, fmt):
    # Counts only, as on the dashboard and in the report's PDF: no re-authentication
    # (ikmo/reauth.py). The records behind a figure (indicator_records_csv) ask for it.
    _form, period, subproject, _query = _chosen_period(request)
    snapshot = compute_figures(period, subproject=subproject or None)
    return exports.figures_xlsx(snapshot) if fmt == "xlsx" else exports.figures_csv(snapshot)


def _drilldown(request, key):
    try:
        indicator = get_indicator(key)
    except KeyError:
        raise Http404 from None
    form, period, subproject, query = _chosen_period(request)
    records = RecordFilter(request.GET, indicator=indicator, period=period, subproject=subproject)
    if not records.is_valid():
        # A link to a breakdown cell that cannot exist.
        raise Http404
    qs = records.qs.order_by(*record_order(indicator))
    return indicator, period, query, qs, records.values()


def _record_row(columns, values, org_path) -> dict:
    """One line of a drill-down list: the display columns' cells, and the organisation's id."""
    cells = [
        c.display(v) if c.display and v is not None else v
        for c, v in zip(columns, values[: len(columns)], strict=True)
    ]
    return {"cells": cells, "organisation_id": values[-1] if org_path else None}


def _link_column(indicator, columns) -> int | None:
    """The column of the organisation's name, shown as a link to the organisation."""
    return next((i for i, c in enumerate(columns) if c.path == indicator.org_path("name")), None)


def _filter_labels(filters: dict) -> list[tuple]:
    """The chosen breakdown cell, in words, for the heading of a drill-down list."""
    labels = []
    if filters["district"]:
        name = (
            _("No district given")
            if filters["district"] == "none"
            else District.objects.filter(pk=filters["district"])
            .values_list("name", flat=True)
            .first()
        )
        labels.append((Dimension.DISTRICT.label, name or "–"))
    if filters["kind"]:
        labels.append((Dimension.KIND.label, Organisation.Kind(filters["kind"]).label))
    if filters["share"]:
        labels.append((Dimension.SUBPROJECT.label, subproject_label(filters["share"])))
    return labels


@reporting_access
def indicator_records(request, key):
    indicator, period, query, qs, filters = _drilldown(request, key)
    columns = indicator.display_columns()
    paths = [c.path for c in columns]
    org_path = indicator.org_path()
    # The value and the number of records in one pass over the records (a long year holds
    # hundreds of thousands); the paginator is told the count instead of counting again.
    summary = qs.order_by().aggregate(value=indicator.measure(), records=Count("pk"))
    page = CountedPaginator(
        qs.values_list(*paths, *([org_path] if org_path else [])), 50, count=summary["records"]
    ).get_page(request.GET.get("page"))
    rows = [_record_row(columns, values, org_path) for values in page.object_list]
    export_query = urlencode({k: v for k, v in filters.items() if v})
    return render(
        request,
        "reporting/records.html",
        {
            "indicator": indicator,
            "period": period,
            "query": query,
            "export_query": export_query,
            "columns": columns,
            "rows": rows,
            "page_obj": page,
            "total": indicator.finish(summary["value"]),
            "filter_labels": _filter_labels(filters),
            "link_column": _link_column(indicator, columns),
        },
    )


@reporting_access
@sensitive
def indicator_records_csv(request, key):
    indicator, period, _query, qs, filters = _drilldown(request, key)
    name = slugify(str(period)) or "period"
    # Record-level data leaves the portal here: the access log says who took which.
    audit_log(
        actor=request.user,
        action="reporting.records.exported",
        changes={
            "indicator": key,
            "period": str(period),
            **{k: v for k, v in filters.items() if v},
        },
    )
    return exports.records_csv(indicator, qs, filename=f"ikmo-{key}-{name}.csv")


@reporting_access
def reach(request):
    form, period, subproject, query = _chosen_period(request)
    reach = ReachFilter(request.GET, period=period, subproject=subproject)
    # Paged in the database: only the page's 50 organisations are looked at row by row; the
    # union of every source is read once for the page and its count.
    page = counted_page(reach.organisations(), 50, request.GET.get("page"), ids=True)
    page.object_list = reach.entries(list(page.object_list))
    page_query = request.GET.copy()
    page_query.pop("page", None)
    return render(
        request,
        "reporting/reach.html",
        {
            "form": form,
            "period": period,
            "query": query,
            "page_obj": page,
            "total": page.paginator.count,
            "districts": District.objects.all(),
            "district": reach.chosen_district,
            "page_query": page_query.urlencode(),
        },
    )


PATHWAY_PER_PAGE = 50


@reporting_access
def pathway_view(request):
    """The support pathway of a period, and the organisations on it up to a chosen step."""
    form, period, subproject, query = _chosen_period(request)
    steps = pathway.pathway(period)
    chosen = next((s for s in steps if s["key"] == request.GET.get("step")), None)
    page = None
    if chosen is not None:
        organisations = (
            pathway.step_organisations(period, chosen["key"])
            .select_related("district")
            .order_by("name", "pk")
        )
        page = Paginator(organisations, PATHWAY_PER_PAGE).get_page(request.GET.get("page"))
    page_query = request.GET.copy()
    page_query.pop("page", None)
    return render(
        request,
        "reporting/pathway.html",
        {
            "form": form,
            "period": period,
            "subproject": subproject,
            "query": query,
            "steps": steps,
            "chosen": chosen,
            "page_obj": page,
            "page_query": page_query.urlencode(),
        },
    )


# --- funding periods and plans --------------------------------------------------------------


@reporting_access
def periods(request):
    return render(
        request,
        "reporting/periods.html",
        {
            "periods": periods_with_counts(request.user),
            "can_manage": can_manage_periods(request.user),
        },
    )


@reporting_access
@require_http_methods(["GET", "POST"])
def period_edit(request, pk=None):
    require(can_manage_periods(request.user))
    period = get_period_for_user(request.user, pk) if pk else None
    form = FundingPeriodForm(request.POST or None, instance=period)
    sources, carriers = funding_formsets(request.POST or None, period, request.user)
    # All three parts are checked at once, so every error shows on the first try.
    valid = request.method == "POST" and all(
        [
            form.is_valid(),
            not sources.is_bound or sources.is_valid(),
            not carriers.is_bound or carriers.is_valid(),
        ]
    )
    if valid:
        fields = {name: form.cleaned_data[name] for name in services.PERIOD_FIELDS}
        try:
            with transaction.atomic():
                if period is None:
                    period = services.period_create(by=request.user, **fields)
                else:
                    period = services.period_update(period=period, by=request.user, **fields)
                services.period_funding_save(
                    period=period, sources=sources.rows(), carriers=carriers.rows(), by=request.user
                )
        except ValidationError as error:
            form_errors(form, error)
            if pk is None:
                period = None
        else:
            if pk is None:
                messages.success(
                    request, _("The funding period has been created. Now enter its plan values.")
                )
                return redirect("reporting:period_plan", period.pk)
            messages.success(request, _("The funding period has been saved."))
            return redirect("reporting:periods")
    return render(
        request,
        "reporting/period_form.html",
        {"form": form, "period": period, "sources": sources, "carriers": carriers},
        status=400 if request.method == "POST" else 200,
    )


@reporting_access
@require_http_methods(["GET", "POST"])
def period_plan(request, pk):
    require(can_manage_periods(request.user))
    period = get_period_for_user(request.user, pk)
    form = PlanValuesForm(request.POST or None, period=period, plans=plan_values(period))
    if request.method == "POST" and form.is_valid():
        try:
            changes = services.plan_values_save(
                period=period, values=form.plan_values(), by=request.user
            )
        except ValidationError as error:
            for key, errors in error.error_dict.items():
                for field_error in errors:
                    form.add_error(f"plan_{key}", field_error)
        else:
            if changes:
                messages.success(request, _("The plan values have been saved."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect(f"{reverse('reporting:dashboard')}?period={period.pk}")
    return render(request, "reporting/period_plan.html", {"form": form, "period": period})


# --- funder reports -----------------------------------------------------------------------


@reporting_access
def reports(request):
    return render(
        request,
        "reporting/reports.html",
        {
            "reports": reports_for_user(request.user),
            "periods": FundingPeriod.objects.all(),
            "can_manage": can_manage_periods(request.user),
            "can_generate": can_generate_reports(request.user),
        },
    )


@reporting_access
@require_http_methods(["GET", "POST"])
def report_new(request, pk):
    require(can_generate_reports(request.user))
    period = get_period_for_user(request.user, pk)
    previous = reports_for_user(request.user, period=period).first()
    initial = (
        {name: getattr(previous, name) for name in services.NARRATIVE_FIELDS} if previous else {}
    )
    form = FunderReportForm(
        request.POST or None,
        initial=initial,
        notes=previous.subproject_notes if previous else None,
    )
    if request.method == "POST" and form.is_valid():
        report = services.report_request(
            period=period,
            by=request.user,
            subproject_notes=form.subproject_notes(),
            **{name: form.cleaned_data[name] for name in services.NARRATIVE_FIELDS},
        )
        messages.success(
            request,
            # The PDF card below shows the document's own progress (and "done" when it is).
            _("The report has been created; its figures are frozen as of now."),
        )
        return redirect("reporting:report", report.pk)
    return render(
        request,
        "reporting/report_form.html",
        {"form": form, "period": period, "previous": previous},
    )


@reporting_access
def report_detail(request, pk):
    report = get_report_for_user(request.user, pk)
    return render(
        request,
        "reporting/report_detail.html",
        {
            "report": report,
            "document": report.document,
            "snapshot": report.snapshot,
            "query": urlencode({"period": report.period_id}),
            "previous": reports_for_user(request.user, period=report.period).exclude(pk=report.pk)[
                :10
            ],
        },
    )


@reporting_access
def report_export(request, pk, fmt):
    # The frozen counts of a report, the same as its PDF: no re-authentication (ikmo/reauth.py).
    report = get_report_for_user(request.user, pk)
    if not report.snapshot:
        raise Http404
    return (
        exports.figures_xlsx(
            report.snapshot,
            narrative={
                **{name: getattr(report, name) for name in services.NARRATIVE_FIELDS},
                "subproject_notes": report.subproject_notes,
            },
        )
        if fmt == "xlsx"
        else exports.figures_csv(report.snapshot)
    )


# --- the records behind a report's frozen figures -------------------------------------------


def _frozen_drilldown(request, pk, key):
    """The report, its frozen row of the indicator, the frozen ids (None for a report frozen
    before they were kept) and the valid filters; 404 for a figure the report does not have."""
    report = get_report_for_user(request.user, pk)
    row = next((r for r in (report.snapshot or {}).get("indicators", []) if r["key"] == key), None)
    if row is None:
        raise Http404
    try:
        indicator = get_indicator(key)
    except KeyError:  # an indicator no longer in the portal: nothing to list its records by
        raise Http404 from None
    records = RecordFilter(request.GET, indicator=indicator, period=report.period)
    if not records.is_valid():
        raise Http404
    filters = records.values()
    if not indicator.is_cross_project:
        filters["share"] = None  # as the live list: only cross-project figures have shares
    frozen = frozen_records(report, key, filters["share"] or "")
    return report, row, indicator, frozen, filters


def _frozen_value(row: dict, filters: dict):
    """The frozen figure of the chosen breakdown cell, or of the whole indicator (None when
    the filters combine to a cell the report does not show)."""
    chosen = [
        (dimension, filters[name])
        for dimension, name in (
            (Dimension.DISTRICT, "district"),
            (Dimension.KIND, "kind"),
            (Dimension.SUBPROJECT, "share"),
        )
        if filters[name]
    ]
    if not chosen:
        return row["actual"]
    if len(chosen) > 1:
        return None
    dimension, value = chosen[0]
    cells = row.get("breakdowns", {}).get(dimension, [])
    return next((cell["value"] for cell in cells if str(cell["key"]) == str(value)), None)


@reporting_access
def report_records(request, pk, key):
    """The records a report's figure counted when it was frozen, as they are today."""
    report, row, indicator, frozen, filters = _frozen_drilldown(request, pk, key)
    export_query = urlencode({k: v for k, v in filters.items() if v})
    context = {
        "frozen": True,
        "report": report,
        "indicator": indicator,
        "period": report.period,
        "export_query": export_query,
        "filter_labels": _filter_labels(filters),
        "frozen_value": _frozen_value(row, filters),
        "frozen_total": row["actual"],
        "unit": row["unit"],
        "live_query": "&".join(q for q in (f"period={report.period_id}", export_query) if q),
    }
    if frozen is None:
        return render(request, "reporting/records.html", {**context, "no_frozen_records": True})
    model = indicator.records(report.period).model
    filtered = bool(indicator.org_path() is not None and (filters["district"] or filters["kind"]))
    listed = frozen_scan(
        indicator, model, frozen, district=filters["district"], kind=filters["kind"]
    )
    # Paged over the frozen ids; only the page's ids and records are read.
    page = Paginator(listed, 50).get_page(request.GET.get("page"))
    columns = indicator.display_columns()
    org_path = indicator.org_path()
    paths = [c.path for c in columns] + ([org_path] if org_path else [])
    rows = [
        _record_row(columns, values, org_path) if values is not None else {"missing": True}
        for values in frozen_values(model, list(page.object_list), paths)
    ]
    return render(
        request,
        "reporting/records.html",
        {
            **context,
            "columns": columns,
            "rows": rows,
            "page_obj": page,
            "counted": frozen.count,
            "missing": missing_of(frozen, model),
            "filtered": filtered,
            "link_column": _link_column(indicator, columns),
        },
    )


@reporting_access
@sensitive
def report_records_csv(request, pk, key):
    report, _row, indicator, frozen, filters = _frozen_drilldown(request, pk, key)
    if frozen is None:
        raise Http404
    model = indicator.records(report.period).model
    if indicator.org_path() is not None and (filters["district"] or filters["kind"]):
        ids = frozen_scan(
            indicator, model, frozen, district=filters["district"], kind=filters["kind"]
        )
    else:
        ids = frozen.ids
    paths = [c.path for c in indicator.display_columns()]
    name = slugify(str(report.period)) or "period"
    # Record-level data leaves the portal here: the access log says who took which.
    audit_log(
        actor=request.user,
        action="reporting.records.exported",
        changes={
            "indicator": key,
            "period": str(report.period),
            "report": report.pk,
            **{k: v for k, v in filters.items() if v},
        },
    )
    return exports.records_csv(
        indicator,
        filename=f"ikmo-{key}-{name}-report-{report.pk}.csv",
        # Streamed chunk by chunk in the frozen order; records deleted since are left out.
        values=(values for values in frozen_values(model, ids, paths) if values is not None),
    )
