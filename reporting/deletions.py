"""How many of a frozen figure's records are gone, without looking up every id it froze.

A funder report freezes the ids of the records behind each figure (FrozenRecords); its
drill-down says how many of them were deleted since (erased on request, say). Looking each
id up grows with the year (150,000 coaching sessions at four times the full scale). Instead:

- every deletion of a record of a model the figures count is logged (`DeletedRecord`: the
  model and the id, in the deleting transaction, so a rolled-back deletion leaves no trace);
- a frozen figure keeps how many of its ids were gone at `missing_checked_at` (none when it
  was frozen) and adds the logged deletions since that are among its ids; the log's older
  entries are folded into that number on a look, so the log read stays short;
- once a day (`fold_and_prune`) every figure is folded and the entries no figure still needs
  are deleted, so the log holds about a day of deletions.

Entries younger than `HORIZON` are never folded: a deletion is stamped when it happens but
only seen once its transaction commits, and no deleting transaction runs that long.
"""

from datetime import timedelta

from django.db import connections
from django.db.models.signals import post_delete
from django.utils import timezone

HORIZON = timedelta(minutes=10)


def counted_models() -> set:
    """The models whose records the indicators count (reporting/registry.py)."""
    from ikmo.periods import DateRange

    from .registry import all_indicators

    today = timezone.localdate()
    # A records function only builds a query; nothing is read.
    return {
        indicator.records(DateRange(today, today)).model._meta.concrete_model
        for indicator in all_indicators()
        if indicator.records is not None
    }


def _log(sender, instance, using, **kwargs):
    from .models import DeletedRecord

    DeletedRecord.objects.using(using).create(
        model=sender._meta.concrete_model._meta.label, record_id=instance.pk
    )


_tracked: set = set()


def track_deletions() -> None:
    """Log every deletion of a counted record, and only of those: at start-up
    (ReportingConfig.ready) and whenever an indicator is added or removed by hand."""
    counted = counted_models()
    for model in counted - _tracked:
        post_delete.connect(_log, sender=model, dispatch_uid=_uid(model))
    for model in _tracked - counted:
        post_delete.disconnect(sender=model, dispatch_uid=_uid(model))
    _tracked.clear()
    _tracked.update(counted)


def _uid(model) -> str:
    return f"reporting.deleted.{model._meta.label}"


def _among_frozen(frozen, record_ids: list) -> int:
    """How many of ``record_ids`` are among the frozen ids, read in the database."""
    if not record_ids:
        return 0
    from .models import FrozenRecords

    connection = connections[FrozenRecords.objects.db]
    table = connection.ops.quote_name(FrozenRecords._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # jsonb containment of one number: no list of ids built from the array.
            cursor.execute(
                f"SELECT count(*) FROM unnest(%s::bigint[]) AS d(id) "
                f"WHERE (SELECT ids FROM {table} WHERE id = %s) @> to_jsonb(d.id)",
                [record_ids, frozen.pk],
            )
        else:  # SQLite, the portal's other database
            marks = ", ".join(["%s"] * len(record_ids))
            cursor.execute(
                f"SELECT count(DISTINCT value) FROM json_each((SELECT ids FROM {table} "
                f"WHERE id = %s)) WHERE value IN ({marks})",
                [frozen.pk, *record_ids],
            )
        return cursor.fetchone()[0]


def _logged(model, after) -> list[tuple]:
    """(id, when) of the logged deletions of ``model``'s records after ``after``."""
    from .models import DeletedRecord

    return list(
        DeletedRecord.objects.filter(
            model=model._meta.concrete_model._meta.label, deleted_at__gt=after
        ).values_list("record_id", "deleted_at")
    )


def missing_of(frozen, model, *, now=None, advance: bool = False) -> int:
    """How many of the records ``frozen`` counted (records of ``model``) no longer exist:
    usually one short read of the log, and nothing else. ``advance`` (the daily job) moves
    the figure's mark up to the horizon even when nothing was folded, so that the log before
    it can go; a look at the page writes only when it folds something."""
    from .models import FrozenRecords
    from .selectors import existing_of

    horizon = (now or timezone.now()) - HORIZON
    stored = FrozenRecords.objects.filter(pk=frozen.pk)
    if frozen.missing is None:
        # Frozen before the log was kept: every id looked up, once; what the log will still
        # say after the horizon is left to it.
        gone = max(frozen.count - existing_of(model, frozen), 0)
        recent = _among_frozen(frozen, [pk for pk, _when in _logged(model, after=horizon)])
        stored.filter(missing__isnull=True).update(
            missing=max(gone - recent, 0), missing_checked_at=horizon
        )
        return gone
    logged = _logged(model, after=frozen.missing_checked_at)
    older = {pk for pk, when in logged if when <= horizon}
    recent = {pk for pk, when in logged if when > horizon}
    missing = frozen.missing
    if older or (advance and frozen.missing_checked_at < horizon):
        # Folded into the stored number, so later looks read only what came after; only if
        # no other look folded them meanwhile.
        missing += _among_frozen(frozen, sorted(older))
        stored.filter(missing_checked_at=frozen.missing_checked_at).update(
            missing=missing, missing_checked_at=horizon
        )
    return missing + _among_frozen(frozen, sorted(recent))


# The log is pruned once a day; entries stay at least this long, longer than any freeze runs
# (a figure frozen meanwhile checks from its freeze's start).
KEEP_AT_LEAST = timedelta(days=1)


def fold_and_prune(now=None) -> int:
    """Fold the log into every frozen figure, then delete the entries no figure still needs;
    how many were deleted. The daily job (reporting.tasks.prune_deletion_log): without it
    the log would only grow, and a figure nobody looks at would keep all of it."""
    from django.db.models import Min, Q

    from .models import DeletedRecord, FrozenRecords
    from .registry import all_indicators

    now = now or timezone.now()
    horizon = now - HORIZON
    # Figures of an indicator no longer in the portal (or without records) list nothing:
    # they need no log.
    indicators = {i.key: i for i in all_indicators() if i.records is not None}
    figures = FrozenRecords.objects.filter(indicator_key__in=indicators)
    behind = figures.filter(Q(missing__isnull=True) | Q(missing_checked_at__lt=horizon))
    for frozen in behind.select_related("report__period").defer("ids").iterator(chunk_size=200):
        model = indicators[frozen.indicator_key].records(frozen.report.period).model
        missing_of(frozen, model, now=now, advance=True)
    # What a figure read last is all it still needs; a figure that could not be folded
    # (missing unknown) keeps the whole log until it can.
    if figures.filter(missing__isnull=True).exists():
        return 0
    oldest = figures.aggregate(oldest=Min("missing_checked_at"))["oldest"]
    cutoff = now - KEEP_AT_LEAST
    if oldest is not None:
        cutoff = min(cutoff, oldest)
    deleted, _by_model = DeletedRecord.objects.filter(deleted_at__lte=cutoff).delete()
    return deleted
