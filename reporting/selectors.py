"""Reads reused by views, exports and the worker; the one lookup helper per object."""

from collections.abc import Iterator, Sequence

from django.db import connections
from django.db.models import Count
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils import timezone

from ikmo.viewtools import get_visible_or_404, require

from .models import FrozenRecords, FunderReport, FundingPeriod
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


# --- the records behind a figure ------------------------------------------------------------

# How many ids one query looks up (pk__in): far below any database's limit on parameters,
# and never the whole list of a big year at once.
ID_CHUNK = 500


def record_order(indicator) -> list[str]:
    """The order the drill-down lists an indicator's records in, and the frozen ids keep:
    latest first, then by organisation, then by id (stable across pages)."""
    order = [f"-{indicator.date_field}"] if indicator.date_field else []
    if indicator.org_path() is not None:
        order.append(indicator.org_path("name"))
    return [*order, "pk"]


def record_ids(indicator, queryset) -> list:
    """The primary keys of these records of the indicator, in the drill-down's order."""
    return list(queryset.order_by(*record_order(indicator)).values_list("pk", flat=True))


def frozen_records(report: FunderReport, key: str, share: str = "") -> FrozenRecords | None:
    """The ids a report froze for one figure, or None (a report frozen before they were kept).
    The ids themselves are read when used (``.ids``), or a page at a time (`FrozenIds`)."""
    return (
        FrozenRecords.objects.filter(report=report, indicator_key=key, share=share)
        .defer("ids")
        .first()
    )


class FrozenIds(Sequence):
    """The frozen ids as a list a Paginator pages through: its length is stored, and a slice
    reads only those ids from the stored array (a page of 50 of a year's 150,000)."""

    def __init__(self, frozen: FrozenRecords):
        self.frozen = frozen

    def __len__(self) -> int:
        return self.frozen.count

    def __getitem__(self, index):
        if not isinstance(index, slice):
            found = self[index : index + 1] if index >= 0 else self[len(self) + index :][:1]
            if not found:
                raise IndexError(index)
            return found[0]
        start, stop, step = index.indices(len(self))
        if step != 1:
            raise ValueError("FrozenIds slices have no step")
        if stop <= start:
            return []
        connection = connections[FrozenRecords.objects.db]
        table = connection.ops.quote_name(FrozenRecords._meta.db_table)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT x.id::bigint FROM "
                    f"{table} f, jsonb_array_elements_text(jsonb_path_query_array(f.ids, "
                    "%s::jsonpath)) WITH ORDINALITY AS x(id, n) WHERE f.id = %s ORDER BY x.n",
                    [f"$[{start} to {stop - 1}]", self.frozen.pk],
                )
            else:  # SQLite, the portal's other database
                cursor.execute(
                    f"SELECT value FROM json_each((SELECT ids FROM {table} WHERE id = %s)) "
                    "WHERE key >= %s AND key < %s ORDER BY key",
                    [self.frozen.pk, start, stop],
                )
            return [row[0] for row in cursor.fetchall()]


def id_chunks(ids: list, size: int = ID_CHUNK) -> Iterator[list]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _frozen_ids_sql(frozen: FrozenRecords, connection) -> RawSQL:
    """The frozen ids as a subquery the database reads from the stored row itself: the
    records of a big year are counted or filtered in one query, not one per chunk of ids
    sent from here."""
    table = connection.ops.quote_name(FrozenRecords._meta.db_table)
    if connection.vendor == "postgresql":
        sql = f"SELECT (jsonb_array_elements_text(ids))::bigint FROM {table} WHERE id = %s"
    else:  # SQLite, the portal's other database
        sql = f"SELECT value FROM json_each((SELECT ids FROM {table} WHERE id = %s))"
    return RawSQL(sql, [frozen.pk])


def existing_of(model, frozen: FrozenRecords) -> int:
    """How many of the frozen ids point to a record today: every id looked up, in one query
    (reporting/deletions.py does it once per figure frozen before deletions were logged)."""
    manager = model._default_manager
    return manager.filter(pk__in=_frozen_ids_sql(frozen, connections[manager.db])).count()


def frozen_scan(
    indicator, model, frozen: FrozenRecords, *, district: str | None = None, kind: str | None = None
) -> list:
    """The frozen ids to list: every one without a filter (deleted ones as gaps); with a
    district or kind only those whose record's organisation is in it today, in the frozen
    order (one query however many there are)."""
    if indicator.org_path() is None or not (district or kind):
        return FrozenIds(frozen)
    manager, ids = model._default_manager, frozen.ids
    records = manager.filter(pk__in=_frozen_ids_sql(frozen, connections[manager.db]))
    if district:
        wanted = None if district == "none" else int(district)
        records = records.filter(**{indicator.org_path("district_id"): wanted})
    if kind:
        records = records.filter(**{indicator.org_path("kind"): kind})
    selected = set(records.values_list("pk", flat=True))
    return [pk for pk in ids if pk in selected]


def frozen_values(model, ids: list, paths: list[str]) -> Iterator[tuple | None]:
    """The values at ``paths`` of these records, in the order of ``ids``, read in chunks; None
    for a record that no longer exists."""
    for chunk in id_chunks(ids):
        found = {
            values[-1]: values[:-1]
            for values in model._default_manager.filter(pk__in=chunk).values_list(*paths, "pk")
        }
        for pk in chunk:
            yield found.get(pk)
