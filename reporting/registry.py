"""Funder-reporting indicators: one small registry every sub-project contributes to.

An indicator is defined once, in code. Its actual value for a period is computed from what
was logged (its ``records``), never typed in a second time, and every number it produces can
be traced back to those records (the drill-down lists and record exports use the same
queryset). Each app defines its indicators once, in ``<app>/indicators.py``, as the list its
app config names as the ``indicators`` hook of the portal contract (ikmo/subprojects.py)::

    INDICATORS = [
        Indicator(
            key="coaching_hours",
            label=_("Coaching hours"),
            subproject=SubProject.QUALIFICATION,
            unit=Unit.HOURS,
            records=lambda period: within(CoachingSession.objects.all(), "date", period),
            measure=lambda: Sum("duration_minutes"),
            scale=Decimal(1) / 60,
            date_field="date",
            reach=Reach.SUPPORTED,
        ),
    ]

Periods are anything with ``start`` and ``end`` dates (a FundingPeriod, or a DateRange);
ikmo/periods.py draws their boundaries: both ends are inclusive whole days in the portal's
time zone, so a record at 23:59:59 on the last day counts, one a second later does not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The one definition of a period and its boundaries, here for the indicators' convenience.
from ikmo.periods import DateRange, Period, period_bounds, resolve_field, within  # noqa: F401


class Unit(models.TextChoices):
    COUNT = "count", _("number")
    ORGANISATIONS = "organisations", _("organisations")
    PEOPLE = "people", _("people")
    HOURS = "hours", _("hours")
    EUR = "eur", _("euros")


class Reach(models.TextChoices):
    """How the organisations behind an indicator count in the cross-project figures.

    Supported: they received direct support (coaching, training, funding, a placement, ...).
    Reached: they were in contact (an interview, an event, a first talk). Supported implies
    reached. Indicators about the registry itself count for neither.
    """

    NONE = "", _("not counted")
    SUPPORTED = "supported", _("supported")
    REACHED = "reached", _("reached")


class Level(models.TextChoices):
    """What an indicator shows: what the centre did (outputs: workshops, coaching, grants) or
    what organisations achieved after it (outcomes: an e.V. founded, outside funding won, a
    mentor or placement site of their own). Reports show the two apart."""

    OUTPUT = "output", pgettext_lazy("indicator level", "Output")
    OUTCOME = "outcome", pgettext_lazy("achievement", "Outcome")


class Dimension(models.TextChoices):
    DISTRICT = "district", _("District")
    KIND = "kind", _("Kind of organisation")
    SUBPROJECT = "subproject", _("Sub-project")


@dataclass(frozen=True)
class Column:
    """One column of an indicator's drill-down list and record export."""

    label: Any
    path: str
    display: Callable[[Any], Any] | None = None


def _organisation_kind_label(value):
    from organisations.models import Organisation

    return Organisation.Kind(value).label if value in Organisation.Kind.values else value


def choice_label(choices) -> Callable[[Any], Any]:
    """A column's ``display`` for a choices field: the stored value's label."""
    labels = dict(choices)
    return lambda value: labels.get(value, value)


def yes_no(value):
    return _("yes") if value else _("no")


def organisation_columns(path: str = "organisation") -> tuple[Column, ...]:
    """Name, district and kind of the organisation at ``path`` ("" for organisations)."""
    prefix = f"{path}__" if path else ""
    return (
        Column(_("Organisation"), f"{prefix}name"),
        Column(_("District"), f"{prefix}district__name"),
        Column(_("Kind of organisation"), f"{prefix}kind", _organisation_kind_label),
    )


@dataclass(frozen=True, eq=False)
class Indicator:
    key: str
    label: Any
    # The records counted for a period; derived from `reach_levels` for cross-project counts.
    records: Callable[[Period], QuerySet] | None = None
    subproject: str = ""  # a SubProject value; "" for the registry and cross-project figures
    unit: str = Unit.COUNT
    description: Any = ""
    # The aggregate over the records that gives the value (and each breakdown cell).
    measure: Callable[[], models.Aggregate] = field(default=lambda: Count("pk"))
    scale: Decimal | None = None  # e.g. minutes -> hours
    # Lookup from a record to its organisation; "" when the records are organisations,
    # None when the records have no organisation (then no breakdowns and no reach).
    organisation_field: str | None = "organisation"
    date_field: str | None = None  # when the record happened: activity chart, first/last contact
    reach: str = Reach.NONE
    activity: bool = False  # its records count as logged activity per month
    breakdowns: tuple[str, ...] = (Dimension.DISTRICT, Dimension.KIND)
    columns: tuple[Column, ...] = ()
    order: int = 100
    level: str = Level.OUTPUT
    # Optional overrides of the defaults derived from `records`.
    value_fn: Callable[[Period], Any] | None = None
    organisation_ids_fn: Callable[[Period], QuerySet] | None = None
    # Cross-project indicators: the records of one sub-project's share.
    records_for_subproject: Callable[[Period, str], QuerySet] | None = None
    # Cross-project counts of organisations: each organisation behind any indicator whose
    # reach is one of these levels, once. Gives `records` and `records_for_subproject` (the
    # union of the organisations), and lets the figures count them all in one query.
    reach_levels: tuple[str, ...] = ()
    # Which of the `records` this indicator counts (basic workshops among the workshops
    # held): `records(period)` then gives only those, and the figures count indicators that
    # share a records function in one query, each with its condition.
    condition: Q | None = None
    # The records function before the condition (set from `records`; not an argument).
    shared_records: Callable[[Period], QuerySet] | None = field(default=None, init=False)

    def __post_init__(self):
        if self.reach and self.organisation_field is None:
            raise ValueError(f"Indicator {self.key}: reach needs an organisation_field")
        if self.condition is not None:
            if self.records is None:
                raise ValueError(f"Indicator {self.key}: a condition needs records")
            shared, condition = self.records, self.condition
            # The dataclass is frozen: the derived fields are set the way it sets fields.
            object.__setattr__(self, "shared_records", shared)
            object.__setattr__(self, "records", lambda period: shared(period).filter(condition))
        if self.reach_levels:
            if self.records is not None or self.records_for_subproject is not None:
                raise ValueError(f"Indicator {self.key}: reach_levels gives the records")
            levels = self.reach_levels
            object.__setattr__(
                self, "records", lambda period: union_of_organisations(period, levels)
            )
            object.__setattr__(
                self,
                "records_for_subproject",
                lambda period, sp: union_of_organisations(period, levels, sp),
            )
        elif self.records is None:
            raise ValueError(f"Indicator {self.key}: records (or reach_levels) missing")

    # --- lookups --------------------------------------------------------------------------
    def org_path(self, suffix: str = "") -> str | None:
        if self.organisation_field is None:
            return None
        if self.organisation_field == "":
            return suffix or "pk"
        return f"{self.organisation_field}__{suffix}" if suffix else self.organisation_field

    @property
    def is_cross_project(self) -> bool:
        return self.records_for_subproject is not None

    # --- figures --------------------------------------------------------------------------
    def finish(self, raw) -> int | Decimal:
        """Turn an aggregate result into the reported number (None -> 0, scaled, rounded)."""
        if raw is None:
            raw = 0
        if self.scale is not None:
            raw = Decimal(raw) * self.scale
        # Decimal's default rounding (half to even), as the apps' own figures use it, so
        # the portal never shows two different roundings of the same hours.
        if self.unit == Unit.HOURS:
            return Decimal(raw).quantize(Decimal("0.1"))
        if self.unit == Unit.EUR:
            return Decimal(raw).quantize(Decimal("0.01"))
        if isinstance(raw, Decimal) and raw == raw.to_integral_value():
            return int(raw)
        return raw

    def value(self, period: Period):
        if self.value_fn is not None:
            return self.value_fn(period)
        return self.aggregate(self.records(period))

    def aggregate(self, queryset: QuerySet):
        return self.finish(queryset.aggregate(v=self.measure())["v"])

    def organisation_ids(self, period: Period, *, records: QuerySet | None = None) -> QuerySet:
        """The ids of the organisations behind the value, as a subquery-able values list.
        ``records``: this indicator's records for the period, if they are built already."""
        if self.organisation_ids_fn is not None:
            return self.organisation_ids_fn(period)
        path = self.org_path()
        if path is None:
            raise ValueError(f"Indicator {self.key} has no organisations")
        if records is None:
            records = self.records(period)
        return records.filter(**{f"{path}__isnull": False}).values(path)

    def filtered_records(
        self,
        period: Period,
        *,
        district: str | None = None,
        kind: str | None = None,
        subproject: str | None = None,
    ) -> QuerySet:
        """The records behind one number: the value, or one breakdown cell."""
        if subproject and self.records_for_subproject is not None:
            qs = self.records_for_subproject(period, subproject)
        else:
            qs = self.records(period)
        if district is not None and self.org_path() is not None:
            if district == "none":
                qs = qs.filter(**{f"{self.org_path('district')}__isnull": True})
            else:
                qs = qs.filter(**{self.org_path("district_id"): district})
        if kind is not None and self.org_path() is not None:
            qs = qs.filter(**{self.org_path("kind"): kind})
        return qs

    def display_columns(self) -> tuple[Column, ...]:
        if self.columns:
            return self.columns
        columns = []
        if self.organisation_field is not None:
            columns.extend(organisation_columns(self.organisation_field))
        if self.date_field:
            columns.append(Column(_("Date"), self.date_field))
        return tuple(columns) or (Column(_("Record"), "pk"),)


# Indicators added by hand, beside the apps' own: the stand-ins tests build their cases on.
_ADDED: dict[str, Indicator] = {}


def register_indicator(indicator: Indicator) -> Indicator:
    """Add (or, for the same key, replace) an indicator outside any app (tests' stand-ins).
    Apps declare theirs through the contract's ``indicators`` hook instead."""
    from .deletions import track_deletions

    _ADDED[indicator.key] = indicator
    track_deletions()  # its records' deletions are logged from now on
    return indicator


def unregister_indicator(key: str) -> None:
    from .deletions import track_deletions

    if _ADDED.pop(key, None) is not None:
        track_deletions()


def _registry() -> dict[str, Indicator]:
    from ikmo.subprojects import hooks

    found = {i.key: i for _app, indicators in hooks("indicators") for i in indicators}
    return {**found, **_ADDED}


def get_indicator(key: str) -> Indicator:
    return _registry()[key]


def all_indicators() -> list[Indicator]:
    """Registry and cross-project figures first, then the sub-projects in their usual order."""
    from ikmo.subprojects import subprojects

    order = {"": 0, **{app.subproject: i + 1 for i, app in enumerate(subprojects())}}
    return sorted(_registry().values(), key=lambda i: (order.get(i.subproject, 99), i.order, i.key))


def indicators_for(subproject: str | None = None) -> list[Indicator]:
    """All indicators, or one sub-project's own plus the cross-project ones."""
    if not subproject:
        return all_indicators()
    return [i for i in all_indicators() if i.subproject == subproject or i.is_cross_project]


def union_of_organisations(period: Period, levels, subproject: str | None = None) -> QuerySet:
    """Organisations behind any indicator with a reach level in ``levels``, each once."""
    from organisations.models import Organisation

    condition = Q()
    found = False
    for indicator in all_indicators():
        if indicator.reach not in levels or indicator.org_path() is None:
            continue
        if subproject and indicator.subproject != subproject:
            continue
        condition |= Q(pk__in=indicator.organisation_ids(period))
        found = True
    if not found:
        return Organisation.objects.none()
    return Organisation.objects.filter(condition)
