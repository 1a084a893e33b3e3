"""A period's figures for many indicators in a few queries: what compute_figures reads.

Computed one by one, every value, breakdown and monthly series of every indicator is its own
aggregate query (about a hundred for a year), and each cross-project count of organisations
reads every sub-project's records again, once per share and breakdown. The same numbers come
from far fewer queries, each set of records read once and the organisations joined once:

- One query for everything that is broken down by the organisations' district and kind.
  Counts and sums of records (sessions, hours, contacts, approved projects and the amount
  granted): each records function's records are added up per organisation, every indicator
  over them with its own aggregate (and its condition). Counts of organisations, each once
  (organisations funded, interviewed, networked, and the cross-project "supported" and
  "reached" with each sub-project's share): each set of organisation ids is one bit, and an
  organisation counts for a figure if it has one of the figure's bits. Then the
  organisations are joined once, and everything is summed per district and kind; a value is
  the sum of its cells. That is exact for counts and sums of whole and decimal numbers, and
  for organisations, each of which lies in one district and is of one kind.
- One query per records function for the monthly series (by month only, no join), and one
  for the records without organisations or breakdowns (workshops, events).

Whatever does not fit (an indicator with its own value function, a measure that is neither,
such as distinct volunteers, records that are more than a filter) is left to the
per-indicator queries in figures.py, which tests/reporting/test_batching.py holds these
results against.
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


class Records:
    """Each records function called once per period: indicators that name the same function
    (or share one with a condition each) count the same records."""

    def __init__(self, period):
        self.period = period
        self.built: dict = {}

    def shared(self, indicator: Indicator):
        """The records before the indicator's condition."""
        function = indicator.shared_records or indicator.records
        if function not in self.built:
            self.built[function] = function(self.period).order_by()
        return self.built[function]

    def __call__(self, indicator: Indicator):
        """The indicator's own records (what `indicator.records(period)` gives)."""
        if indicator.condition is None:
            return self.shared(indicator)
        if indicator.records not in self.built:
            self.built[indicator.records] = self.shared(indicator).filter(indicator.condition)
        return self.built[indicator.records]


def _source_name(aggregate) -> str | None:
    # An aggregate's sources are what it aggregates, then its filter (or None).
    source = aggregate.get_source_expressions()[0]
    return source.name if isinstance(source, F) else None


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


def adds_up(indicator: Indicator, model) -> bool:
    """Whether the measure's value is the sum of its values over any split of the records:
    counts of records, and sums of whole or decimal numbers (not of floats)."""
    aggregate = indicator.measure()
    name = _source_name(aggregate)
    if name is None or aggregate.distinct or type(aggregate) not in (Count, Sum):
        return False
    if isinstance(aggregate, Count):
        return True
    return name != "pk" and isinstance(
        resolve_field(model, name), models.IntegerField | models.DecimalField
    )


def counts_organisations(indicator: Indicator, queryset) -> bool:
    """Whether the value is the number of distinct organisations behind the records: a count
    of distinct organisations, or of organisation records read without joins (each once)."""
    aggregate = indicator.measure()
    org = indicator.org_path()
    if org is None or type(aggregate) is not Count or aggregate.filter is not None:
        return False
    name = _source_name(aggregate)
    if indicator.organisation_field == "":
        return name in ("pk", "id") and (aggregate.distinct or len(queryset.query.alias_map) <= 1)
    return aggregate.distinct and name in (org, f"{org}_id", f"{org}__pk", f"{org}__id")


def _rows_counted(aggregate):
    """COUNT(*) for a count of the records' primary keys: the same number, and the database
    may count from an index that holds the period's dates (an index-only scan) instead of
    reading every record for its id."""
    plain_count = type(aggregate) is Count and not aggregate.distinct and aggregate.filter is None
    return Count("*") if plain_count and _source_name(aggregate) == "pk" else aggregate


class _Month(TruncMonth):
    """TruncMonth as a date (the first of the month, in the portal's time zone for a date and
    time: the same month as TruncMonth's, without an aware date and time to build for every
    row). PostgreSQL truncates a date as a plain timestamp: without the cast it picks the
    time-zone-aware variant and works out a zone for every record (a fifth of a grouped
    query's time), though a date's month is the same in every zone."""

    def as_postgresql(self, compiler, connection):
        field = self.lhs.output_field
        if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
            sql, params = compiler.compile(self.lhs)
            return f"DATE_TRUNC('month', ({sql})::timestamp)", params
        return self.as_sql(compiler, connection)


def _add(total, raw):
    if raw is None:
        return total
    return raw if total is None else total + raw


# --- counts and sums of records ----------------------------------------------------------


@dataclass
class _Group:
    queryset: Any
    org_path: str | None
    # (indicator, condition): whose value is summed up, and that need the monthly series.
    cells: list = field(default_factory=list)
    series: list = field(default_factory=list)

    @property
    def by_organisation(self) -> bool:
        """Broken down by the organisations' district and kind: added up per organisation
        in the one query that joins the organisations."""
        return self.org_path is not None and any(
            d in (Dimension.DISTRICT, Dimension.KIND) for i, _c in self.cells for d in i.breakdowns
        )


def _conditional(aggregate, condition):
    """The aggregate over the records that meet ``condition`` only (FILTER (WHERE ...))."""
    if condition is None:
        return _rows_counted(aggregate)
    aggregate.filter = condition if aggregate.filter is None else condition & aggregate.filter
    return aggregate


def _compute_group(group: _Group, pre: Precomputed, *, with_cells: bool) -> None:
    """The values of a group's cells (``with_cells``: unless the per-organisation query adds
    them up) and its monthly series, in one query grouped by month (or none at all)."""
    cells = group.cells if with_cells else []
    aggregates = {f"figure_{i}": _conditional(m.measure(), c) for i, (m, c) in enumerate(cells)}
    # One count per month for each condition among the series (most have none).
    series_columns: dict = {}
    for _indicator, condition in group.series:
        column = series_columns.setdefault(condition, f"series_{len(series_columns)}")
        aggregates[column] = _conditional(Count("pk"), condition)
    if not aggregates:
        return
    queryset = group.queryset
    if group.series:
        month = _Month(group.series[0][0].date_field, output_field=models.DateField())
        rows = queryset.annotate(month=month).values("month").annotate(**aggregates)
    else:
        rows = [queryset.aggregate(**aggregates)]
    values = [None] * len(cells)
    months: dict = defaultdict(lambda: defaultdict(int))  # column -> month -> records
    for row in rows:
        for i in range(len(cells)):
            values[i] = _add(values[i], row[f"figure_{i}"])
        for column in series_columns.values():
            months[column][row["month"]] += row[column]
    for i, (indicator, _condition) in enumerate(cells):
        pre.values[indicator.key] = values[i]
    for indicator, condition in group.series:
        pre.months[indicator.key] = list(months[series_columns[condition]].items())


# --- the one query per organisation -----------------------------------------------------


class _PerOrganisation:
    """Sums of records per organisation, and sets of organisation ids, in one query that
    joins the organisations once and adds everything up per district and kind."""

    # Each set of organisation ids is a bit of a BIGINT.
    MAX_SETS = 62

    def __init__(self):
        self.sets: dict[tuple, int] = {}
        self.branches: list[tuple[str, tuple, int | None, list[int]]] = []
        self.measures = 0  # columns of sums
        self.measure_types: list[str] = []  # their SQL types
        self.outputs: list[tuple[str, Any, Any]] = []  # (kind, sets or column, store)

    def add_set(self, key, ids) -> int | None:
        """The bit of the set of ``ids`` (a values list of one field), None if it is not one
        or there are too many sets."""
        if key not in self.sets:
            fields = getattr(ids, "_fields", None) or ("pk",)
            if len(fields) != 1 or len(self.sets) >= self.MAX_SETS:
                return None
            # Organisations' own keys, read without joins, are each there once already.
            unique = fields[0] in ("pk", ids.model._meta.pk.name) and len(ids.query.alias_map) <= 1
            ids = ids.order_by().values(**{_ORG_ALIAS: F(fields[0])})
            if not unique:
                ids = ids.distinct()
            sql, params = ids.query.get_compiler(using=ids.db).as_sql()
            self.sets[key] = bit = len(self.sets)
            self.branches.append((sql, tuple(params), bit, []))
        return self.sets[key]

    def count(self, chosen: set[int], store) -> None:
        """Count the organisations in any of the ``chosen`` sets: ``store(total, districts,
        kinds)`` receives the number and its split by district and by kind."""
        self.outputs.append(("sets", chosen, store))

    def add_sums(self, group: _Group, store_for) -> None:
        """Add up each cell's aggregate per organisation; ``store_for(indicator)`` receives
        its value and its split by district and by kind."""
        aggregates, columns = {}, []
        for indicator, condition in group.cells:
            column = self.measures
            self.measures += 1
            # Whole numbers line up as BIGINT, decimal sums as NUMERIC.
            decimal = isinstance(indicator.measure(), Sum) and isinstance(
                resolve_field(group.queryset.model, _source_name(indicator.measure())),
                models.DecimalField,
            )
            self.measure_types.append("NUMERIC" if decimal else "BIGINT")
            aggregates[f"{_ORG_ALIAS}_{column}"] = _conditional(indicator.measure(), condition)
            columns.append(column)
            self.outputs.append(("sum", column, store_for(indicator)))
        rows = group.queryset.values(**{_ORG_ALIAS: F(group.org_path)}).annotate(**aggregates)
        sql, params = rows.query.get_compiler(using=rows.db).as_sql()
        self.branches.append((sql, tuple(params), None, columns))

    def compute(self) -> None:
        if not self.outputs:
            return
        rows = self._rows() if self.branches else []
        # No sum (NULL) reports as 0, as Indicator.finish does; empty cells are left out.
        districts = [defaultdict(int) for _output in self.outputs]
        kinds = [defaultdict(int) for _output in self.outputs]
        for district, kind, *numbers in rows:
            for n, number in enumerate(numbers):
                if number:
                    districts[n][district] += number
                    kinds[n][kind] += number
        for n, (_kind, _what, store) in enumerate(self.outputs):
            total = sum(districts[n].values())
            store(total, list(districts[n].items()), list(kinds[n].items()))

    def _rows(self) -> list[tuple]:
        """(district id, kind, one number per output) for each district and kind."""
        from organisations.models import Organisation

        connection = connections[Organisation.objects.db]
        qn = connection.ops.quote_name
        sets, params = [], []
        for sql, branch_params, bit, _columns in self.branches:
            if bit is not None:
                sets.append(f"SELECT {1 << bit} AS bit, s.{qn(_ORG_ALIAS)} AS org FROM ({sql}) s")
                params.extend(branch_params)
        # Per organisation, the sum of the bits of the sets it is in (each set once) says
        # which they are. Every row has the same columns: the organisation, its sets (0 in
        # the rows of sums) and one sum per column, NULL but in the rows of its records
        # (typed, so that the rows line up in a union).
        rows = []
        if sets:
            nulls = "".join(
                f", CAST(NULL AS {t}) AS m{k}" for k, t in enumerate(self.measure_types)
            )
            rows.append(
                f"SELECT u.org AS org, CAST(SUM(u.bit) AS BIGINT) AS sets{nulls}"
                f" FROM ({' UNION ALL '.join(sets)}) u GROUP BY u.org"
            )
        for sql, branch_params, bit, columns in self.branches:
            if bit is None:
                sums = [
                    "s." + qn(f"{_ORG_ALIAS}_{k}") if k in columns else "NULL"
                    for k in range(self.measures)
                ]
                values = "".join(
                    f", CAST({value} AS {t}) AS m{k}"
                    for k, (value, t) in enumerate(zip(sums, self.measure_types, strict=True))
                )
                rows.append(f"SELECT s.{qn(_ORG_ALIAS)} AS org, 0 AS sets{values} FROM ({sql}) s")
                params.extend(branch_params)
        figures = [
            f"SUM(CASE WHEN (m.sets & {sum(1 << b for b in what)}) <> 0 THEN 1 ELSE 0 END)"
            if kind == "sets"
            else f"SUM(m.m{what})"
            for kind, what, _store in self.outputs
        ]
        table = qn(Organisation._meta.db_table)
        pk = qn(Organisation._meta.pk.column)
        district = qn(Organisation._meta.get_field("district").column)
        org_kind = qn(Organisation._meta.get_field("kind").column)
        sql = (
            f"SELECT o.{district}, o.{org_kind}, "
            + ", ".join(figures)
            + f" FROM ({' UNION ALL '.join(rows)}) m"
            # Records without an organisation are summed up too, under no district and kind.
            + f" LEFT OUTER JOIN {table} o ON o.{pk} = m.org"
            + f" GROUP BY o.{district}, o.{org_kind}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()


def _store_figures(pre: Precomputed, key: str):
    def store(total, districts, kinds):
        pre.values[key], pre.districts[key], pre.kinds[key] = total, districts, kinds

    return store


def _store_share(pre: Precomputed, key: str, subproject: str):
    def store(total, _districts, _kinds):
        pre.shares.setdefault(key, {})[subproject] = total or 0

    return store


def _cross_project(indicators, records: Records, subproject, per_org: _PerOrganisation, pre):
    """The cross-project counts: the organisations behind every indicator of a reach level,
    as union_of_organisations collects them (the same set counted once)."""
    from ikmo.subprojects import subproject_choices

    cross = [
        i
        for i in indicators
        if i.reach_levels
        and i.value_fn is None
        and i.organisation_field == ""
        and type(i.measure()) is Count
        and _source_name(i.measure()) in ("pk", "id")
        and i.measure().filter is None
    ]
    if not cross:
        return
    tags: list[tuple[str, str, int]] = []  # (reach, sub-project, set)
    for indicator in all_indicators():
        if indicator.reach == "" or indicator.org_path() is None:
            continue
        if subproject and indicator.subproject != subproject:
            continue
        key = (indicator.records, indicator.organisation_ids_fn, indicator.org_path())
        ids = indicator.organisation_ids(records.period, records=records(indicator))
        bit = per_org.add_set(key, ids)
        if bit is None:
            return  # not a list of ids: leave the cross-project counts to figures.py
        tags.append((indicator.reach, indicator.subproject, bit))
    shares = [subproject] if subproject else [key for key, _label in subproject_choices()]
    for indicator in cross:
        levels = set(indicator.reach_levels)
        if not subproject:
            chosen = {s for r, _p, s in tags if r in levels}
            per_org.count(chosen, _store_figures(pre, indicator.key))
        if subproject or Dimension.SUBPROJECT in indicator.breakdowns:
            for sp in shares:
                chosen = {s for r, p, s in tags if r in levels and p == sp}
                per_org.count(chosen, _store_share(pre, indicator.key, sp))


def precompute(
    indicators: list[Indicator],
    records: Records,
    *,
    subproject: str | None = None,
    months: bool = True,
):
    """The figures of ``indicators`` that can be computed in batches, as raw results;
    without their monthly series unless ``months`` (a card's breakdowns show none)."""
    pre = Precomputed()
    per_org = _PerOrganisation()
    groups: dict[tuple, _Group] = {}
    for indicator in indicators:
        if indicator.value_fn is not None or indicator.is_cross_project:
            continue
        shared, own = records.shared(indicator), records(indicator)
        if not _plain(shared):
            continue
        org = indicator.org_path()
        # Indicators over the same records (before their conditions), linked to their
        # organisations the same way, are counted together, each with its condition. A
        # condition across relations would join rows to the others' records: such an
        # indicator is counted on its own, the condition in its WHERE.
        key, condition = (indicator.shared_records or indicator.records, org), indicator.condition
        if condition is not None and len(own.query.alias_map) != len(shared.query.alias_map):
            key, condition, shared = (indicator.records, org), None, own
        if counts_organisations(indicator, own):
            ids = own.filter(**{f"{org}__isnull": False}).values(org)
            bit = per_org.add_set((indicator.records, None, org), ids)
            if bit is None:
                continue
            per_org.count({bit}, _store_figures(pre, indicator.key))
        elif adds_up(indicator, shared.model):
            groups.setdefault(key, _Group(shared, org)).cells.append((indicator, condition))
        else:
            continue
        if months and indicator.activity and indicator.date_field:
            group = groups.setdefault(key, _Group(shared, org))
            if not group.series or group.series[0][0].date_field == indicator.date_field:
                group.series.append((indicator, condition))
    for group in groups.values():
        if group.by_organisation and group.cells:
            per_org.add_sums(group, lambda indicator: _store_figures(pre, indicator.key))
            _compute_group(group, pre, with_cells=False)
        else:
            _compute_group(group, pre, with_cells=True)
    _cross_project(indicators, records, subproject, per_org, pre)
    per_org.compute()
    return pre
