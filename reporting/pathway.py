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
from operator import and_, or_
from typing import Any

from django.db.models import Count, Q
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
    at = [_at(period, step) for step in steps]
    aggregates = {}
    for i, _step in enumerate(steps):
        aggregates[f"total_{i}"] = Count("pk", filter=at[i])
        aggregates[f"path_{i}"] = Count("pk", filter=reduce(and_, at[: i + 1]))
    counts = Organisation.objects.filter(reduce(or_, at)).aggregate(**aggregates)
    first = counts["path_0"]
    return [
        {
            "key": step.key,
            "label": str(step.label),
            "indicator": step.indicator,
            "total": counts[f"total_{i}"],
            "pathway": counts[f"path_{i}"],
            "percent": round(counts[f"path_{i}"] / first * 100, 1) if first else None,
        }
        for i, step in enumerate(steps)
    ]
