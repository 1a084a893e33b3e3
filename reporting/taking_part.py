"""Which organisations took part in each sub-project, kept current on write.

The directory's sub-project filter ("organisations that took part in it") asked the reach's
definition, `figures.organisations_taking_part`, which reads every record of the sub-project
(50,000 coaching sessions at the full scale, 200,000 at four times): the filtered first
page grew with the records. Now the definition's result is stored (`TakingPart`, one row
per organisation and sub-project) and the filter reads that short list instead:

- **On write.** Every INSERT, UPDATE or DELETE of a table the definition reads is seen (the
  SQL is watched, as for the page cache, so `QuerySet.update()`, `bulk_create()` and raw SQL
  count too). In a transaction it is noted with it: after the commit it is logged as a
  `TakingPartChange` of the sub-project and a task (`reporting.tasks.refresh_taking_part`)
  computes the sub-project's list again; a rollback takes the note with it. Outside one
  (autocommit) it is logged between statements: when someone asks whether a list is
  current, and at the end of the request or task. No SQL runs inside the watcher itself:
  SQLite has the written statement still open there.
- **Never wrong, at worst slower.** While a sub-project has a logged change (or one in the
  reader's own open transaction), or its list was computed on an earlier day (a record
  dated today has come into "until today" since), `condition()` asks the definition
  itself, as before. Between a commit and its logged change other readers may see the
  list of a moment before, as they would have a moment earlier.
- **Outages.** With the broker or the worker away, the change stays logged and the filter
  keeps asking the definition; the beat sweeper (`refresh_stale_taking_part`, every minute)
  refreshes every stale list when they are back, after midnight, and every list older than
  an hour (a process that died between a commit and its after-commit call).

During migrations nothing is logged (the tables may not exist yet); a list without a state
row counts as stale, so the first refresh after a deployment or a fresh database makes it.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.db.models.signals import post_migrate, pre_migrate
from django.utils import timezone

from ikmo import pagecache
from ikmo.periods import DateRange
from ikmo.subprojects import subproject_choices

_TABLE = re.compile(r'(?:FROM|JOIN)\s+"?(\w+)"?', re.IGNORECASE)
_sources: dict[str, frozenset[str]] | None = None
_migrating = False


def subprojects() -> list[str]:
    return [key for key, _label in subproject_choices()]


def _all_time() -> DateRange:
    from .figures import _FIRST_DAY

    return DateRange(_FIRST_DAY, timezone.localdate(), name="all")


def source_tables() -> dict[str, frozenset[str]]:
    """{sub-project: the tables its definition reads}, from the SQL of its id lists."""
    global _sources
    if _sources is None:
        from .figures import _reached_ids, _sql_of

        found = {}
        for subproject in subprojects():
            tables = set()
            for ids in _reached_ids(_all_time(), subproject=subproject):
                tables.update(_TABLE.findall(_sql_of(ids)))
            found[subproject] = frozenset(tables)
        _sources = found
    return _sources


def forget_sources() -> None:
    """After an indicator was added or removed by hand (the tests)."""
    global _sources
    _sources = None


# ---- on write ---------------------------------------------------------------------------

_PENDING = "_ikmo_taking_part_pending"  # on a connection: written outside a transaction


def _on_write(connection, table: str) -> None:
    """The SQL watcher (ikmo/pagecache.py), right after a write statement: note it only."""
    if _migrating or table.startswith("reporting_takingpart"):  # its own bookkeeping
        return
    from django.apps import apps

    if not apps.ready:
        return
    written = [s for s, tables in source_tables().items() if table in tables]
    if not written:
        return
    if connection.in_atomic_block:
        # Noted with the transaction (no SQL): logged and refreshed after the commit, gone
        # with a rollback (of the savepoint it was written in).
        _after_commit(connection).subprojects.update(written)
    else:
        connection.__dict__.setdefault(_PENDING, set()).update(written)


class _AfterCommit:
    """After the commit: log the written sub-projects' changes, then ask for their refresh.
    One per transaction and savepoint."""

    def __init__(self, alias: str):
        self.alias = alias
        self.subprojects: set[str] = set()

    def __call__(self):
        from django.db import connections

        written, self.subprojects = self.subprojects, set()  # done (tests call it in place)
        _log(connections[self.alias], written, committed=True)


def _after_commit(connection) -> _AfterCommit:
    """The connection's after-commit call of the current savepoint: a savepoint's writes
    rolled back take their call with them, the outer writes keep theirs."""
    current = set(connection.savepoint_ids)
    for sids, func, _robust in connection.run_on_commit:
        if isinstance(func, _AfterCommit) and sids == current:
            return func
    call = _AfterCommit(connection.alias)
    connection.on_commit(call, robust=True)
    return call


def _written_in_transaction(connection) -> set[str]:
    """The sub-projects written in the connection's open transaction (not committed)."""
    written: set[str] = set()
    for _sids, func, _robust in connection.run_on_commit:
        if isinstance(func, _AfterCommit):
            written |= func.subprojects
    return written


def _log(connection, subprojects, *, committed: bool = False) -> None:
    """Log the changes of committed writes, then ask for each sub-project's refresh."""
    if not subprojects:
        return
    if connection.in_atomic_block and not committed:
        # Flushed inside someone's transaction: its after-commit call logs them with its own.
        _after_commit(connection).subprojects.update(subprojects)
        return
    from .models import TakingPartChange

    TakingPartChange.objects.using(connection.alias).bulk_create(
        [TakingPartChange(subproject=subproject) for subproject in sorted(subprojects)]
    )
    for subproject in sorted(subprojects):
        _publish(subproject)


def _publish(subproject: str) -> None:
    from ikmo.queue import publish

    from .tasks import refresh_taking_part

    publish(refresh_taking_part, subproject)


def flush(connection=None) -> None:
    """Log what was written outside a transaction (autocommit: each statement committed at
    once) on the connection, or on every connection: between statements, never inside the
    SQL watcher (SQLite has the written statement still open there). At the end of each
    request and task, and before anyone asks whether a list is current."""
    from django.db import connections

    for each in [connection] if connection is not None else connections.all(initialized_only=True):
        pending = each.__dict__.pop(_PENDING, None)
        if pending:
            _log(each, pending)


def _flush_all(**kwargs):
    flush()


def _migrations_start(**kwargs):
    global _migrating
    _migrating = True


def _migrations_end(**kwargs):
    global _migrating
    _migrating = False


def watch_writes() -> None:
    """At start-up (ReportingConfig.ready)."""
    from celery.signals import task_postrun
    from django.core.signals import request_finished

    from .models import TakingPart, TakingPartChange, TakingPartState

    pagecache.on_table_write(_on_write)
    # A refresh stores what the definition already gives: no page shows anything new.
    pagecache.ignore_writes_to(
        *(model._meta.db_table for model in (TakingPart, TakingPartChange, TakingPartState))
    )
    uid = "reporting.taking_part."
    request_finished.connect(_flush_all, dispatch_uid=f"{uid}request_finished")
    task_postrun.connect(_flush_all, dispatch_uid=f"{uid}task_postrun", weak=False)
    pre_migrate.connect(_migrations_start, dispatch_uid=f"{uid}pre_migrate")
    post_migrate.connect(_migrations_end, dispatch_uid=f"{uid}post_migrate")


# ---- reading ----------------------------------------------------------------------------


def is_current(subproject: str, today: date | None = None) -> bool:
    """Whether the stored list of the sub-project holds every write and today's date (and
    the writes of this connection's open transaction)."""
    from django.db import connections

    from .models import TakingPartChange, TakingPartState

    flush()  # this process's own writes outside a transaction, if any
    connection = connections[TakingPartState.objects.db]
    if connection.in_atomic_block and subproject in _written_in_transaction(connection):
        return False
    return (
        TakingPartState.objects.filter(
            subproject=subproject, refreshed_on=today or timezone.localdate()
        )
        .filter(~Exists(TakingPartChange.objects.filter(subproject=OuterRef("subproject"))))
        .exists()
    )


def stored(subproject: str) -> Q | None:
    """The stored list as a condition on organisations, None while it is not current."""
    from .models import TakingPart

    if not is_current(subproject):
        return None
    return Q(pk__in=TakingPart.objects.filter(subproject=subproject).values("organisation"))


def condition(subproject: str) -> Q:
    """The organisations that took part in the sub-project, until today, as a condition on
    organisations: from the stored list when it is current, else from the definition."""
    from .figures import organisations_taking_part

    found = stored(subproject)
    return found if found is not None else organisations_taking_part(subproject)


# ---- refreshing -------------------------------------------------------------------------


def refresh(subproject: str) -> tuple[int, int]:
    """Compute the sub-project's list again and store it: (organisations added, removed).

    The changes logged before the computation started are taken in; one logged later (its
    transaction committed while this one ran) keeps the list stale for the next refresh.
    Two refreshes of one sub-project take turns (the state row is locked)."""
    from organisations.models import Organisation

    from .figures import organisations_taking_part
    from .models import TakingPart, TakingPartChange, TakingPartState

    flush()  # writes of this process not logged yet are taken in too
    with transaction.atomic():
        now = timezone.now()
        TakingPartState.objects.get_or_create(
            subproject=subproject,
            defaults={"refreshed_on": date.min, "refreshed_at": now},
        )
        state = TakingPartState.objects.select_for_update().get(subproject=subproject)
        seen = TakingPartChange.objects.filter(subproject=subproject).aggregate(n=Max("pk"))["n"]
        wanted = set(
            Organisation.objects.filter(organisations_taking_part(subproject))
            .order_by()
            .values_list("pk", flat=True)
        )
        stored = TakingPart.objects.filter(subproject=subproject)
        have = set(stored.values_list("organisation_id", flat=True))
        gone, new = have - wanted, wanted - have
        if gone:
            stored.filter(organisation_id__in=gone).delete()
        TakingPart.objects.bulk_create(
            [TakingPart(subproject=subproject, organisation_id=pk) for pk in sorted(new)],
            batch_size=2000,
        )
        if seen is not None:
            TakingPartChange.objects.filter(subproject=subproject, pk__lte=seen).delete()
        state.refreshed_on, state.refreshed_at = timezone.localdate(), now
        state.save(update_fields=["refreshed_on", "refreshed_at"])
    _taken_in(subproject)
    return len(new), len(gone)


def _taken_in(subproject: str) -> None:
    """Inside a transaction, a refresh has read its writes so far and its list commits (or
    rolls back) with them: they need no refresh after the commit. Writes in an outer
    savepoint keep theirs (a rollback of this one would take the list back)."""
    from django.db import connections

    from .models import TakingPart

    connection = connections[TakingPart.objects.db]
    if not connection.in_atomic_block:
        return
    current = set(connection.savepoint_ids)
    for sids, func, _robust in connection.run_on_commit:
        if isinstance(func, _AfterCommit) and sids >= current:
            func.subprojects.discard(subproject)


# A list is computed again after this long even without a logged change: a process that died
# between a commit and its after-commit call left its change unlogged.
MAX_AGE = timedelta(hours=1)


def refresh_stale() -> list[str]:
    """Refresh every sub-project whose list is not current or older than `MAX_AGE`; the
    ones refreshed."""
    from .models import TakingPartState

    today = timezone.localdate()
    aged = set(
        TakingPartState.objects.filter(refreshed_at__lt=timezone.now() - MAX_AGE).values_list(
            "subproject", flat=True
        )
    )
    refreshed = []
    for subproject in subprojects():
        if subproject in aged or not is_current(subproject, today):
            refresh(subproject)
            refreshed.append(subproject)
    return refreshed
