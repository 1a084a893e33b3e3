"""Computing the figures of a period: plan vs actual, breakdowns, activity, reach.

Everything here reads; nothing writes. The number of queries depends on the number of
registered indicators, never on the number of records. The figures are computed in batches
(reporting/batching.py: one query for everything broken down by the organisations' district
and kind, one per records function for the monthly series; about fifteen queries for a
year); PerIndicator computes each value, breakdown and monthly series with a query of its
own, the straightforward reading of the indicators that the batches are tested against.
"""

from __future__ import annotations

import operator
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache, reduce

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import transaction
from django.db.models import Count, Max, Min, Q
from django.db.models.functions import Lower, TruncMonth
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ikmo import pagecache
from ikmo.cache import cache_is_shared
from ikmo.periods import DateRange
from ikmo.subprojects import subproject_choices, subproject_label
from organisations.models import District, Organisation

from . import batching
from .pathway import pathway
from .registry import Dimension, Indicator, Level, Reach, Unit, indicators_for

SNAPSHOT_VERSION = 1


class Status:
    REACHED = "reached"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    MISSED = "missed"
    NO_PLAN = "no_plan"

    LABELS = {
        REACHED: gettext_lazy("Target reached"),
        ON_TRACK: gettext_lazy("On track"),
        BEHIND: gettext_lazy("Behind plan"),
        MISSED: gettext_lazy("Target missed"),
        NO_PLAN: gettext_lazy("No plan value"),
    }
    # Bootstrap contextual colours on screen, hex in PDFs; always shown with the label text.
    COLOURS = {
        REACHED: ("success", "#1e7b34"),
        ON_TRACK: ("info", "#0b6e99"),
        BEHIND: ("warning", "#b35c00"),
        MISSED: ("danger", "#b02a37"),
        NO_PLAN: ("secondary", "#6c757d"),
    }


def elapsed_fraction(period, today: date) -> float:
    """How much of the period has passed (0 before it starts, 1 once it is over)."""
    if today < period.start:
        return 0.0
    if today >= period.end:
        return 1.0
    total = (period.end - period.start).days + 1
    return ((today - period.start).days + 1) / total


def status_for(actual, plan, *, elapsed: float) -> str:
    """Plan reached; or, while the period runs, whether actual keeps pace with the time passed.

    "On track" allows 10 % slack against a straight line from zero to the plan.
    """
    if plan is None or plan <= 0:
        return Status.NO_PLAN
    ratio = Decimal(str(actual)) / Decimal(str(plan))
    if ratio >= 1:
        return Status.REACHED
    if elapsed >= 1:
        return Status.MISSED
    return Status.ON_TRACK if ratio >= Decimal(str(elapsed)) * Decimal("0.9") else Status.BEHIND


def plain_number(value):
    """Numbers as JSON keeps them: ints stay ints, decimals become floats."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _month_key(value) -> str:
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{value:%Y-%m}"


def months_of(period) -> list[str]:
    months = []
    year, month = period.start.year, period.start.month
    while (year, month) <= (period.end.year, period.end.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _district_cells(indicator: Indicator, rows) -> list[dict]:
    """Breakdown cells from (district id, district name, raw value) rows."""
    return _sorted_cells(
        {
            "key": str(district) if district is not None else "none",
            "label": name or _("No district given"),
            "value": plain_number(indicator.finish(raw)),
        }
        for district, name, raw in rows
    )


@lru_cache
def _kind_labels(language: str | None) -> dict[str, str]:
    return {key: str(label) for key, label in Organisation.Kind.choices}


def _kind_cells(indicator: Indicator, rows) -> list[dict]:
    """Breakdown cells from (kind, raw value) rows."""
    labels = _kind_labels(translation.get_language())
    return _sorted_cells(
        {
            "key": kind,
            "label": labels.get(kind, kind or "–"),
            "value": plain_number(indicator.finish(raw)),
        }
        for kind, raw in rows
    )


def _sorted_cells(cells) -> list[dict]:
    cells = [c for c in cells if c["value"]]
    cells.sort(key=lambda c: (c["key"] == "none", -c["value"], c["label"]))
    return cells


def _month_counts(rows) -> dict[str, int]:
    """A monthly series from (truncated month, number of records) rows."""
    counts: dict[str, int] = defaultdict(int)
    for month, n in rows:
        if month is not None:
            counts[_month_key(month)] += n
    return counts


class PerIndicator:
    """The straightforward computation: each value, breakdown and monthly series is one
    aggregate query over the indicator's records. What the batched computation must match."""

    def __init__(self, period):
        self.period = period

    def records(self, indicator: Indicator):
        return indicator.records(self.period).order_by()

    def actual(self, indicator: Indicator, subproject: str | None = None):
        if subproject and indicator.is_cross_project:
            return indicator.aggregate(indicator.records_for_subproject(self.period, subproject))
        if indicator.value_fn is not None:
            return indicator.value_fn(self.period)
        return indicator.aggregate(self.records(indicator))

    def breakdown(self, indicator: Indicator, dimension: str) -> list[dict]:
        if dimension == Dimension.SUBPROJECT:
            if indicator.records_for_subproject is None:
                return []
            return [
                {
                    "key": key,
                    "label": str(label),
                    "value": plain_number(self.actual(indicator, key)),
                }
                for key, label in subproject_choices()
            ]
        if indicator.org_path() is None:
            return []
        qs = self.records(indicator)
        if dimension == Dimension.DISTRICT:
            id_path = indicator.org_path("district_id")
            name_path = indicator.org_path("district__name")
            rows = qs.values(id_path, name_path).annotate(v=indicator.measure())
            return _district_cells(indicator, ((r[id_path], r[name_path], r["v"]) for r in rows))
        if dimension == Dimension.KIND:
            path = indicator.org_path("kind")
            rows = qs.values(path).annotate(v=indicator.measure())
            return _kind_cells(indicator, ((r[path], r["v"]) for r in rows))
        return []

    def monthly(self, indicator: Indicator) -> dict[str, int]:
        rows = (
            self.records(indicator)
            .annotate(month=TruncMonth(indicator.date_field))
            .values("month")
            .annotate(n=Count("pk"))
        )
        return _month_counts((row["month"], row["n"]) for row in rows)


class Batched(PerIndicator):
    """The same figures from a few grouped queries (reporting/batching.py); whatever those
    leave out is computed per indicator."""

    def __init__(self, period, indicators, *, subproject: str | None = None, months=True):
        super().__init__(period)
        # Each records function called once: the batches and whatever is left share them.
        self._records = batching.Records(period)
        self.pre = batching.precompute(
            indicators, self._records, subproject=subproject, months=months
        )
        self._district_names = None

    def records(self, indicator: Indicator):
        return self._records(indicator)

    def actual(self, indicator: Indicator, subproject: str | None = None):
        pre = self.pre
        if subproject and indicator.is_cross_project:
            if subproject in pre.shares.get(indicator.key, {}):
                return indicator.finish(pre.shares[indicator.key][subproject])
        elif indicator.key in pre.values:
            return indicator.finish(pre.values[indicator.key])
        return super().actual(indicator, subproject)

    def breakdown(self, indicator: Indicator, dimension: str) -> list[dict]:
        key, pre = indicator.key, self.pre
        if dimension == Dimension.DISTRICT and key in pre.districts:
            names = self.district_names()
            rows = ((d, names.get(d), raw) for d, raw in pre.districts[key])
            return _district_cells(indicator, rows)
        if dimension == Dimension.KIND and key in pre.kinds:
            return _kind_cells(indicator, pre.kinds[key])
        return super().breakdown(indicator, dimension)

    def district_names(self) -> dict[int, str]:
        if self._district_names is None:
            self._district_names = dict(District.objects.values_list("pk", "name"))
        return self._district_names

    def monthly(self, indicator: Indicator) -> dict[str, int]:
        if indicator.key in self.pre.months:
            return _month_counts(self.pre.months[indicator.key])
        return super().monthly(indicator)


def plan_values(period) -> dict[str, Decimal]:
    from .models import FundingPeriod, PlanValue

    if not isinstance(period, FundingPeriod):
        return {}
    return dict(PlanValue.objects.filter(period=period).values_list("indicator_key", "value"))


# The dashboard's figures are shared between requests: at the full scale of the issue (50,000
# coaching sessions) computing them takes about a hundred aggregate queries and seconds of
# database time, and a lead reloads the page often. The key holds the portal's data
# generation (ikmo.pagecache), so with the shared Redis cache any committed write elsewhere
# shows at once; without it (one cache per process) other processes' writes show within
# this time. Changes to periods and plan values here always show at once
# (forget_cached_figures). How long: settings.IKMO_FIGURES_CACHE_SECONDS (0 = not shared).
_CACHE_VERSION_KEY = "reporting:figures:version"


def cached_figures(period, *, subproject: str | None = None) -> dict:
    """compute_figures for the dashboard, shared between requests (IKMO_FIGURES_CACHE_SECONDS)."""
    seconds = settings.IKMO_FIGURES_CACHE_SECONDS
    if not seconds or not cache_is_shared():  # off, or Redis away (a copy would go stale)
        return compute_figures(period, subproject=subproject)
    version = cache.get(_CACHE_VERSION_KEY) or 0
    key = ":".join(
        [
            "reporting:figures",
            str(version),
            str(pagecache.generation()),
            translation.get_language() or "",
            str(getattr(period, "pk", "") or ""),
            period.start.isoformat(),
            period.end.isoformat(),
            subproject or "",
            timezone.localdate().isoformat(),
        ]
    )
    snapshot = cache.get(key)
    if snapshot is None:
        snapshot = compute_figures(period, subproject=subproject)
        cache.set(key, snapshot, seconds)
    return snapshot


def forget_cached_figures() -> None:
    """After a change to periods or plan values: the next dashboard computes afresh."""

    def bump():
        try:
            cache.incr(_CACHE_VERSION_KEY)
        except ValueError:  # not set yet (or evicted)
            cache.set(_CACHE_VERSION_KEY, 1, None)

    transaction.on_commit(bump)


def compute_figures(
    period,
    *,
    subproject: str | None = None,
    today: date | None = None,
    with_breakdowns: bool = True,
    batched: bool = True,
) -> dict:
    """All figures of a period as plain JSON data: what the dashboard shows, the report
    freezes and the spreadsheets export. Labels are in the active language.

    ``batched=False`` computes every number with its own query (PerIndicator): slower, and
    the reference the batched computation is tested against."""
    today = today or timezone.localdate()
    elapsed = elapsed_fraction(period, today)
    plans = plan_values(period)
    months = months_of(period)
    activity: dict[str, dict[str, int]] = {}
    by_indicator: list[dict] = []
    rows = []
    indicators = indicators_for(subproject)
    if batched:
        figures = Batched(period, indicators, subproject=subproject)
    else:
        figures = PerIndicator(period)
    for indicator in indicators:
        row = _indicator_row(
            indicator,
            figures,
            plans=plans,
            elapsed=elapsed,
            subproject=subproject,
            with_breakdowns=with_breakdowns,
        )
        if indicator.activity and indicator.date_field:
            monthly = figures.monthly(indicator)
            by_indicator.append(
                {
                    "key": indicator.key,
                    "label": row["label"],
                    "subproject": indicator.subproject,
                    "values": [monthly.get(m, 0) for m in months],
                }
            )
            bucket = activity.setdefault(indicator.subproject, {})
            for month, n in monthly.items():
                bucket[month] = bucket.get(month, 0) + n
        rows.append(row)

    series = [
        {
            "subproject": key,
            "label": str(label),
            "values": [activity.get(key, {}).get(m, 0) for m in months],
        }
        for key, label in subproject_choices()
        if key in activity
    ]
    reached = next((r for r in rows if r["key"] == "organisations_reached"), None)
    districts = (reached or {}).get("breakdowns", {}).get(Dimension.DISTRICT, [])
    return {
        "version": SNAPSHOT_VERSION,
        "language": translation.get_language(),
        "period": {
            "name": str(period),
            "funder": getattr(period, "funder", ""),
            "funder_label": str(period.get_funder_display())
            if hasattr(period, "get_funder_display")
            else "",
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
        },
        "subproject": subproject or "",
        "computed_at": timezone.now().isoformat(),
        "as_of": today.isoformat(),
        "elapsed_percent": round(elapsed * 100, 1),
        "indicators": rows,
        "activity": {
            "months": months,
            "series": series,
            "by_indicator": by_indicator,
        },
        "districts": districts,
        # Across the sub-projects: only for the whole centre.
        "pathway": [] if subproject else pathway(period),
    }


def _indicator_row(indicator, figures, *, plans, elapsed, subproject, with_breakdowns) -> dict:
    """One indicator's row of a snapshot: value, plan, status and breakdowns."""
    actual = figures.actual(indicator, subproject)
    plan = plans.get(indicator.key) if not subproject or not indicator.is_cross_project else None
    status = status_for(actual, plan, elapsed=elapsed)
    percent = None
    if plan:
        percent = round(float(Decimal(str(actual)) / plan * 100), 1)
    row = {
        "key": indicator.key,
        "label": str(indicator.label),
        "description": str(indicator.description),
        "subproject": indicator.subproject,
        "subproject_label": str(subproject_label(indicator.subproject))
        if indicator.subproject
        else _("Across all sub-projects"),
        "level": indicator.level,
        "unit": indicator.unit,
        "unit_label": str(Unit(indicator.unit).label),
        "plan": plain_number(plan),
        "actual": plain_number(actual),
        "percent": percent,
        "status": status,
        "status_label": str(Status.LABELS[status]),
        "breakdowns": {},
    }
    if with_breakdowns and not (subproject and indicator.is_cross_project):
        for dimension in indicator.breakdowns:
            cells = figures.breakdown(indicator, dimension)
            if cells:
                row["breakdowns"][dimension] = cells
    return row


def indicator_figures(period, key: str, *, subproject: str | None = None) -> dict | None:
    """One indicator's row as compute_figures has it, computed on its own: the batched queries
    of that one indicator instead of the whole dashboard's (an opened card's breakdowns,
    which need no shared figures then). None for an indicator the period's view (the whole
    centre or one sub-project) does not show."""
    indicator = next((i for i in indicators_for(subproject) if i.key == key), None)
    if indicator is None:
        return None
    return _indicator_row(
        indicator,
        # The row has no monthly series: none is computed.
        Batched(period, [indicator], subproject=subproject, months=False),
        plans=plan_values(period),
        elapsed=elapsed_fraction(period, timezone.localdate()),
        subproject=subproject,
        with_breakdowns=True,
    )


def split_levels(rows: list[dict]) -> tuple[list[dict], list[dict]]:
    """(outputs, outcomes) of a snapshot's indicator rows; rows frozen before indicators had
    a level are outputs."""
    outcomes = [row for row in rows if row.get("level") == Level.OUTCOME]
    return [row for row in rows if row.get("level") != Level.OUTCOME], outcomes


def funding_shares(funding: dict, rows: list[dict]) -> list[dict]:
    """Each co-financing funding source and each carrier that names its sub-projects, with
    the indicator rows of those: [{kind: "source" | "carrier", name, role_label, rows}]. What
    the report's annex and its spreadsheet show per funder and carrier (a funder of the whole
    centre names none: it has the whole report)."""
    shares = []
    for kind, parts, name in (
        ("source", funding.get("sources", []), "label"),
        ("carrier", funding.get("carriers", []), "name"),
    ):
        for part in parts:
            keys = {subproject["key"] for subproject in part.get("subprojects", [])}
            own = [row for row in rows if row["subproject"] in keys]
            if own:
                shares.append(
                    {
                        "kind": kind,
                        "name": part[name],
                        "role_label": part.get("role_label", ""),
                        "rows": own,
                    }
                )
    return shares


# --- the per-organisation reach view ------------------------------------------------------


@dataclass
class OrganisationReach:
    organisation_id: int
    name: str
    district: str
    kind: str
    subprojects: set
    first_contact: date | None = None
    last_contact: date | None = None

    @property
    def subproject_labels(self) -> list[str]:
        return [str(label) for key, label in subproject_choices() if key in self.subprojects]


def _as_date(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def reach_sources(period, *, subproject: str | None = None, district: str | None = None):
    """[(indicator, its records in the period, further organisations or None)] of every
    indicator that counts towards reach in a sub-project (optionally one sub-project and
    one district): what `reached_organisations` and `organisation_reach` read. A page that
    shows both passes them as ``sources=``, so the record queries are built once."""
    sources = []
    for indicator in indicators_for(subproject):
        if indicator.reach == Reach.NONE or indicator.is_cross_project or not indicator.subproject:
            continue
        if subproject and indicator.subproject != subproject:
            continue
        org = indicator.org_path()
        records = indicator.filtered_records(period, district=district or None)
        records = records.filter(**{f"{org}__isnull": False}).order_by()
        extra = None
        if indicator.organisation_ids_fn is not None:
            # Records that involve more organisations than their breakdown link (a tandem's
            # mentor besides its mentee): those count too, without contact dates of their own.
            extra = Organisation.objects.filter(pk__in=indicator.organisation_ids(period))
            if district == "none":
                extra = extra.filter(district__isnull=True)
            elif district:
                extra = extra.filter(district_id=district)
        sources.append((indicator, records, extra))
    return sources


def _sql_of(queryset) -> str:
    try:
        return str(queryset.query)
    except EmptyResultSet:  # nothing to read: one such list is as good as another
        return ""


def _reached_ids(period, *, subproject=None, district=None, sources=None) -> list:
    """The lists of organisation ids behind the reach in the period, one per distinct query
    (indicators that count the same records, sessions and their hours, give the same list):
    what `reached_organisations` unions and `organisations_taking_part` tests against."""
    parts = {}
    if sources is None:
        sources = reach_sources(period, subproject=subproject, district=district)
    for indicator, records, extra in sources:
        for ids in (
            records.values_list(indicator.org_path(), flat=True),
            None if extra is None else extra.values_list("pk", flat=True),
        ):
            if ids is not None:
                ids = ids.order_by()
                parts.setdefault(_sql_of(ids), ids)
    return list(parts.values())


def reached_organisations(
    period, *, subproject: str | None = None, district: str | None = None, sources=None
):
    """The organisations that used the centre's offers in the period, by name, as one query.

    What the reach view pages through in the database: counting and slicing it costs the
    same whatever the number of organisations; `organisation_reach(..., organisation_ids=)`
    then fills in the page's rows.
    """
    # One list of ids (UNION ALL) that the database hashes once: an OR of one IN (...) per
    # indicator had it test every organisation against each list in turn.
    lists = _reached_ids(period, subproject=subproject, district=district, sources=sources)
    if not lists:
        return Organisation.objects.none()
    first, *others = lists
    ids = first.union(*others, all=True) if others else first
    return Organisation.objects.filter(pk__in=ids).order_by(Lower("name"), "pk")


# Far enough back for every record the portal holds: "ever", for `organisations_taking_part`.
_FIRST_DAY = date(2000, 1, 1)


def organisations_taking_part(subproject: str) -> Q:
    """Which organisations ever took part in ``subproject``, until today, as a condition on
    organisations (``Organisation.objects.filter(organisations_taking_part(...))``).

    Taking part is what funder reporting counts as reach (`reached_organisations`): the
    organisations behind the sub-project's indicators (coaching sessions and workshop
    attendances, cooperation contacts, event attendances and tandems, applications,
    consultations and placements, interviews). One definition, so the directory's filter
    and the reach figures never disagree.

    One IN (...) per list of ids, not one IN of their union as the reach view has it: the
    directory walks the registry by name and tests each organisation against the lists,
    which the database hashes once each; the union was first merged and de-duplicated
    (the filtered first page with its count, per sub-project: 9–30 → 6–23 ms at full scale,
    17–59 → 13–50 ms at four times).
    """
    period = DateRange(_FIRST_DAY, timezone.localdate(), name="all")
    lists = _reached_ids(period, subproject=subproject)
    if not lists:
        return Q(pk__in=[])
    return reduce(operator.or_, (Q(pk__in=ids) for ids in lists))


def organisation_reach(
    period,
    *,
    subproject: str | None = None,
    district: str | None = None,
    organisation_ids=None,
    sources=None,
):
    """Which sub-projects each organisation used in the period, with first and last contact.

    One grouped query per contributing indicator, plus one for the organisations' names:
    the count never grows with the number of organisations or records. ``organisation_ids``
    (a page of `reached_organisations`) limits the rows to those organisations.
    """
    found: dict[int, OrganisationReach] = {}
    if sources is None:
        sources = reach_sources(period, subproject=subproject, district=district)
    for indicator, qs, extra in sources:
        org = indicator.org_path()
        if organisation_ids is not None:
            qs = qs.filter(**{f"{org}__in": organisation_ids})
        if indicator.date_field:
            rows = qs.values(org).annotate(
                first=Min(indicator.date_field), last=Max(indicator.date_field)
            )
        else:
            rows = qs.values(org).annotate(n=Count("pk"))
        if extra is not None:
            if organisation_ids is not None:
                extra = extra.filter(pk__in=organisation_ids)
            for pk in extra.values_list("pk", flat=True):
                found.setdefault(pk, OrganisationReach(pk, "", "", "", set())).subprojects.add(
                    indicator.subproject
                )
        for row in rows:
            entry = found.get(row[org])
            if entry is None:
                entry = found[row[org]] = OrganisationReach(row[org], "", "", "", set())
            entry.subprojects.add(indicator.subproject)
            first, last = _as_date(row.get("first")), _as_date(row.get("last"))
            if first and (entry.first_contact is None or first < entry.first_contact):
                entry.first_contact = first
            if last and (entry.last_contact is None or last > entry.last_contact):
                entry.last_contact = last
    kinds = dict(Organisation.Kind.choices)
    for pk, name, district_name, kind in Organisation.objects.filter(
        pk__in=list(found)
    ).values_list("pk", "name", "district__name", "kind"):
        entry = found[pk]
        entry.name, entry.district, entry.kind = (
            name,
            district_name or "",
            str(kinds.get(kind, kind)),
        )
    if organisation_ids is not None:
        order = {pk: position for position, pk in enumerate(organisation_ids)}
        return sorted(found.values(), key=lambda e: order.get(e.organisation_id, len(order)))
    return sorted(found.values(), key=lambda e: e.name.lower())
