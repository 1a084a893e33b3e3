"""A period's figures for many indicators in a few queries: what compute_figures reads.

Computed one by one, every value, breakdown and monthly series of every indicator is its own
aggregate query (about a hundred for a year), and each cross-project count of organisations
reads every sub-project's records again, once per share and breakdown. The same numbers come
from far fewer queries:

- One grouped query per distinct set of records. Indicators over the same records (coaching
  sessions and coaching hours; approved projects and the amount granted) share it, each with
  its own aggregate. The records are grouped by the organisation's district and kind, and by
  month where a monthly series is shown; the value, both breakdowns and the series are sums
  of those cells. That is exact for counts and sums, and for counts of distinct
  organisations across districts and kinds (an organisation lies in one district and is of
  one kind), but not across months: such an indicator's series is a query of its own.
- One query for every cross-project count of organisations (`reach_levels`): each
  contributing set of organisation ids is read once, tagged with where it comes from, and
  grouped by organisation, so the totals, each sub-project's share and the breakdowns by
  district and kind are counted together.

Whatever does not fit (an indicator with its own value function, a measure that does not add
up across cells, records that are not a plain filter) is left to the per-indicator queries
in figures.py, which tests/reporting/test_batching.py holds these results against.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import connections, models
from django.db.models import Count, F, Sum
from django.db.models.functions import TruncMonth

from ikmo.periods import resolve_field

from .registry import Dimension, Indicator, all_indicators

# How far an indicator's measure adds up across the cells of a grouped query.
NOT_ADDITIVE, BY_ORGANISATION, ADDITIVE = 0, 1, 2
_ORG_ALIAS = "reporting_org"


@dataclass
class Precomputed:
    """Raw aggregate results (before Indicator.finish) of the indicators computed in batches."""

    values: dict[str, Any] = field(default_factory=dict)
    # key -> [(district id, raw)] and [(kind, raw)]
    districts: dict[str, list] = field(default_factory=dict)
    kinds: dict[str, list] = field(default_factory=dict)
    # key -> [(truncated month, number of records)]
    months: dict[str, list] = field(default_factory=dict)
    # cross-project key -> {sub-project: raw}
    shares: dict[str, dict[str, Any]] = field(default_factory=dict)


def _add(total, raw):
    if raw is None:
        return total
    return raw if total is None else total + raw


def _source_name(aggregate) -> str | None:
    # An aggregate's sources are what it aggregates, then its filter (or None).
    source = aggregate.get_source_expressions()[0]
    return source.name if isinstance(source, F) else None


def additivity(indicator: Indicator, model) -> int:
    """Whether the measure's cells can be added up: ADDITIVE for counts of records and sums
    of whole or decimal numbers, BY_ORGANISATION for counts of distinct organisations (not
    across months), NOT_ADDITIVE otherwise (distinct people, floats, anything else)."""
    aggregate = indicator.measure()
    name = _source_name(aggregate)
    if name is None or type(aggregate) not in (Count, Sum):
        return NOT_ADDITIVE
    if isinstance(aggregate, Sum):
        if name == "pk" or aggregate.distinct:
            return NOT_ADDITIVE
        target = resolve_field(model, name)
        return ADDITIVE if isinstance(target, models.IntegerField | models.DecimalField) else 0
    if not aggregate.distinct:
        return ADDITIVE
    org = indicator.org_path()
    if org is not None:
        bare = org.removesuffix("_id")
        prefix = f"{org}__" if indicator.organisation_field else ""
        if name in {org, bare, f"{bare}_id", f"{prefix}pk", f"{prefix}id"}:
            return BY_ORGANISATION
    return NOT_ADDITIVE


def _plain(queryset) -> bool:
    """A filter over a model, nothing more: safe to group and aggregate like the original."""
    query = queryset.query
    return not (
        query.is_sliced
        or query.distinct
        or query.combinator
        or query.group_by is not None
        or query.annotations
        or query.values_select
        or query.extra
    )


def _compiled(queryset) -> tuple[str, tuple]:
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    return sql, tuple(params)


class Records:
    """Each records function called once per period: indicators that name the same function
    (coaching sessions and coaching hours) count the same records, in one query."""

    def __init__(self, period):
        self.period = period
        self.built: dict = {}

    def __call__(self, indicator: Indicator):
        function = indicator.records
        if function not in self.built:
            self.built[function] = function(self.period).order_by()
        return self.built[function]


@dataclass
class _Group:
    queryset: Any
    members: list = field(default_factory=list)  # (indicator, additivity)


def _grouped_records(indicators, records: Records, pre: Precomputed) -> None:
    groups: dict[tuple, _Group] = {}
    for indicator in indicators:
        if indicator.value_fn is not None or indicator.is_cross_project:
            continue
        queryset = records(indicator)
        if not _plain(queryset):
            continue
        adds = additivity(indicator, queryset.model)
        if adds == NOT_ADDITIVE:
            continue
        key = (indicator.records, indicator.org_path())
        groups.setdefault(key, _Group(queryset)).members.append((indicator, adds))
    for group in groups.values():
        _compute_group(group, pre)


def _rows_counted(aggregate):
    """COUNT(*) for a count of the records' primary keys: the same number, and the database
    may count from an index that holds the period's dates (an index-only scan) instead of
    reading every record for its id."""
    plain_count = type(aggregate) is Count and not aggregate.distinct and aggregate.filter is None
    return Count("*") if plain_count and _source_name(aggregate) == "pk" else aggregate


def _compute_group(group: _Group, pre: Precomputed) -> None:
    members = group.members
    first = members[0][0]
    dims = []
    if first.org_path() is not None and any(
        d in (Dimension.DISTRICT, Dimension.KIND) for m, _a in members for d in m.breakdowns
    ):
        # District ids, not names: the names come from one small query (district_names), so
        # the records are joined to their organisations but not to the districts as well.
        dims = [first.org_path("district_id"), first.org_path("kind")]
    monthly = [m for m, _a in members if m.activity and m.date_field]
    month_field = monthly[0].date_field if monthly else None
    by_month = month_field is not None and all(a == ADDITIVE for _m, a in members)

    aggregates = {f"figure_{i}": _rows_counted(m.measure()) for i, (m, _a) in enumerate(members)}
    queryset = group.queryset
    if by_month:
        aggregates["figure_n"] = Count("*")
        queryset = queryset.annotate(month=TruncMonth(month_field))
        rows = queryset.values(*dims, "month").annotate(**aggregates)
    elif dims:
        rows = queryset.values(*dims).annotate(**aggregates)
    else:
        rows = [queryset.aggregate(**aggregates)]

    values = [None] * len(members)
    districts = [defaultdict(lambda: None) for _m in members]
    kinds = [defaultdict(lambda: None) for _m in members]
    months: dict = defaultdict(int)
    for row in rows:
        for i in range(len(members)):
            raw = row[f"figure_{i}"]
            values[i] = _add(values[i], raw)
            if dims:
                districts[i][row[dims[0]]] = _add(districts[i][row[dims[0]]], raw)
                kinds[i][row[dims[1]]] = _add(kinds[i][row[dims[1]]], raw)
        if by_month:
            months[row["month"]] += row["figure_n"]
    for i, (indicator, _a) in enumerate(members):
        pre.values[indicator.key] = values[i]
        if dims:
            pre.districts[indicator.key] = list(districts[i].items())
            pre.kinds[indicator.key] = list(kinds[i].items())
        if by_month and indicator.activity and indicator.date_field == month_field:
            pre.months[indicator.key] = list(months.items())


# --- cross-project counts of organisations -----------------------------------------------


def _cross_project(indicators, records: Records, subproject: str | None, pre: Precomputed):
    from ikmo.subprojects import subproject_choices
    from organisations.models import Organisation

    cross = [
        i
        for i in indicators
        if i.reach_levels
        and i.value_fn is None
        and i.organisation_field == ""
        and type(i.measure()) is Count
        and additivity(i, Organisation) != NOT_ADDITIVE
    ]
    if not cross:
        return
    # Every set of organisations that counts, as union_of_organisations collects them; the
    # same set (coaching sessions count as sessions and as hours) is read once.
    sets: dict[tuple, int] = {}
    compiled: list[tuple[str, tuple]] = []
    tags: list[tuple[str, str, int]] = []  # (reach, sub-project, set)
    for indicator in all_indicators():
        if indicator.reach == "" or indicator.org_path() is None:
            continue
        if subproject and indicator.subproject != subproject:
            continue
        key = (indicator.records, indicator.organisation_ids_fn, indicator.org_path())
        if key not in sets:
            ids = indicator.organisation_ids(records.period, records=records(indicator))
            fields = getattr(ids, "_fields", None) or ("pk",)
            if len(fields) != 1:
                return  # not a list of ids: leave the cross-project counts to figures.py
            sets[key] = len(compiled)
            compiled.append(_compiled(ids.order_by().values(**{_ORG_ALIAS: F(fields[0])})))
        tags.append((indicator.reach, indicator.subproject, sets[key]))

    # The counts wanted: each indicator's total (by district and kind), and its shares.
    outputs: list[tuple[str, str | None, set[int]]] = []
    share_keys = [subproject] if subproject else [key for key, _label in subproject_choices()]
    for indicator in cross:
        levels = set(indicator.reach_levels)
        if not subproject:
            outputs.append((indicator.key, None, {s for r, _sp, s in tags if r in levels}))
        if subproject or Dimension.SUBPROJECT in indicator.breakdowns:
            for sp in share_keys:
                chosen = {s for r, p, s in tags if r in levels and p == sp}
                outputs.append((indicator.key, sp, chosen))

    rows = _count_organisations(compiled, [chosen for _k, _sp, chosen in outputs]) if tags else []
    for n, (key, sp, _chosen) in enumerate(outputs):
        total = sum(row[2 + n] or 0 for row in rows)
        if sp is not None:
            pre.shares.setdefault(key, {})[sp] = total
            continue
        pre.values[key] = total
        districts: dict = defaultdict(int)
        kinds: dict = defaultdict(int)
        for row in rows:
            districts[row[0]] += row[2 + n] or 0
            kinds[row[1]] += row[2 + n] or 0
        pre.districts[key] = list(districts.items())
        pre.kinds[key] = list(kinds.items())


def _count_organisations(compiled, outputs) -> list[tuple]:
    """Rows of (district id, kind, count per output): the organisations in
    any of an output's sets, each once, grouped by district and kind."""
    from organisations.models import Organisation

    district = Organisation._meta.get_field("district")
    connection = connections[Organisation.objects.db]
    qn = connection.ops.quote_name
    union, params = [], []
    for n, (sql, set_params) in enumerate(compiled):
        union.append(f"SELECT {n} AS src, s.{qn(_ORG_ALIAS)} AS org FROM ({sql}) s")
        params.extend(set_params)
    flags = [
        f"MAX(CASE WHEN u.src IN ({', '.join(map(str, sorted(chosen)))}) THEN 1 ELSE 0 END)"
        if chosen
        else "0"
        for chosen in outputs
    ]
    org_table = qn(Organisation._meta.db_table)
    org_pk = qn(Organisation._meta.pk.column)
    district, kind = qn(district.column), qn(Organisation._meta.get_field("kind").column)
    sql = (
        f"SELECT o.{district}, o.{kind}, "
        + ", ".join(f"SUM(m.f{n})" for n in range(len(outputs)))
        + " FROM (SELECT u.org, "
        + ", ".join(f"{flag} AS f{n}" for n, flag in enumerate(flags))
        + f" FROM ({' UNION ALL '.join(union)}) u GROUP BY u.org) m"
        + f" INNER JOIN {org_table} o ON o.{org_pk} = m.org"
        + f" GROUP BY o.{district}, o.{kind}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def precompute(indicators: list[Indicator], records: Records, *, subproject: str | None = None):
    """The figures of ``indicators`` that can be computed in batches, as raw results."""
    pre = Precomputed()
    _grouped_records(indicators, records, pre)
    _cross_project(indicators, records, subproject, pre)
    return pre
