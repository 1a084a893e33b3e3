"""The support pathway of a period: how many organisations went from a workshop on to
coaching, to an action-fund project and to funding from outside the centre.

Each step is the organisations behind one indicator (its ``organisation_ids``), so the
pathway counts exactly what the indicators count and every number can be traced to their
records. Step n counts the organisations at steps 1..n in the same period (the pathway);
beside it, each step's total counts every organisation at that step, whether or not it came
the whole way. One query for all numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import and_
from typing import Any

from django.db import connections
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation

from .registry import get_indicator


@dataclass(frozen=True)
class Step:
    key: str
    label: Any
    indicator: str  # the indicator whose organisations are at this step


STEPS = (
    Step("qualification", _("Took part in a workshop"), "participants"),
    Step("coaching", _("Received coaching"), "coaching_sessions"),
    Step("fund", _("Action-fund project approved"), "applications_approved"),
    Step("outside_funding", _("Won outside funding"), "outcome_outside_funding"),
)


def _steps() -> list[Step]:
    """The steps whose indicator is registered (a portal without an app leaves its step out)."""
    found = []
    for step in STEPS:
        try:
            get_indicator(step.indicator)
        except KeyError:
            continue
        found.append(step)
    return found


def step_organisations(period, key: str, *, cumulative: bool = True):
    """The organisations at one step (and, ``cumulative``, at every step before it)."""
    steps = _steps()
    keys = [step.key for step in steps]
    if key not in keys:
        raise KeyError(key)
    position = keys.index(key)
    chosen = steps[: position + 1] if cumulative else [steps[position]]
    conditions = [_at(period, step) for step in chosen]
    return Organisation.objects.filter(reduce(and_, conditions))


def _at(period, step: Step) -> Q:
    return Q(pk__in=get_indicator(step.indicator).organisation_ids(period))


def pathway(period) -> list[dict]:
    """[{key, label, indicator, total, pathway, percent}] for the steps, in order. ``percent``
    is the pathway count as a share of the first step's (None when nobody started)."""
    steps = _steps()
    if not steps:
        return []
    groups = _step_groups(period, steps)
    first = _on_path(groups, 0)
    rows = []
    for i, step in enumerate(steps):
        on_path = _on_path(groups, i)
        rows.append(
            {
                "key": step.key,
                "label": str(step.label),
                "indicator": step.indicator,
                "total": sum(n for steps_of, n in groups.items() if steps_of & (1 << i)),
                "pathway": on_path,
                "percent": round(on_path / first * 100, 1) if first else None,
            }
        )
    return rows


def _on_path(groups: dict[int, int], i: int) -> int:
    """Organisations at every step up to and including step ``i``."""
    path = (1 << (i + 1)) - 1
    return sum(n for steps_of, n in groups.items() if steps_of & path == path)


def _step_groups(period, steps) -> dict[int, int]:
    """{steps an organisation took (bit i = step i): how many organisations took exactly
    those}, in one query that reads each step's records once.

    Counting with one FILTER per number instead has the database evaluate a step's subquery
    again for every number it appears in (the coaching sessions of a year seven times).
    """
    connection = connections[Organisation.objects.db]
    qn = connection.ops.quote_name
    branches, params = [], []
    for i, step in enumerate(steps):
        ids = get_indicator(step.indicator).organisation_ids(period)
        (field,) = getattr(ids, "_fields", None) or ("pk",)
        ids = ids.order_by().values(pathway_org=F(field)).distinct()
        sql, branch_params = ids.query.get_compiler(using=ids.db).as_sql()
        branches.append(f"SELECT {1 << i} AS bit, s.pathway_org AS org FROM ({sql}) s")
        params.extend(branch_params)
    # Each branch lists an organisation once, so the sum of its bits says which steps it took.
    table = qn(Organisation._meta.db_table)
    pk = qn(Organisation._meta.pk.column)
    sql = (
        "SELECT m.steps_of, COUNT(*) FROM ("
        f"SELECT u.org, SUM(u.bit) AS steps_of FROM ({' UNION ALL '.join(branches)}) u"
        f" INNER JOIN {table} o ON o.{pk} = u.org GROUP BY u.org"
        ") m GROUP BY m.steps_of"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {int(steps_of): count for steps_of, count in cursor.fetchall()}
