"""Funder-reporting indicators: one small registry every sub-project contributes to.

An indicator is defined once, in code. Its actual value for a period is computed from what
was logged (its ``records``), never typed in a second time, and every number it produces can
be traced back to those records (the drill-down lists and record exports use the same
queryset). Apps register their measures in ``AppConfig.ready``::

    register_indicator(Indicator(
        key="coaching_hours",
        label=_("Coaching hours"),
        subproject=SubProject.QUALIFICATION,
        unit=Unit.HOURS,
        records=lambda period: within(CoachingSession.objects.all(), "date", period),
        measure=lambda: Sum("duration_minutes"),
        scale=Decimal(1) / 60,
        date_field="date",
        reach=Reach.SUPPORTED,
    ))

Periods are anything with ``start`` and ``end`` dates (a FundingPeriod, or a DateRange).
Both ends are inclusive whole days in the portal's time zone: a record at 23:59:59 on the
last day counts, one a second later does not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Protocol

from django.db import models
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Period(Protocol):
    start: date
    end: date


@dataclass(frozen=True)
class DateRange:
    """An ad-hoc period, for figures outside the configured funding periods."""

    start: date
    end: date
    name: str = ""

    def __str__(self):
        return self.name or f"{self.start:%d.%m.%Y} – {self.end:%d.%m.%Y}"


def period_bounds(period: Period) -> tuple[datetime, datetime]:
    """[first instant of the start day, first instant after the end day) in the portal's zone."""
    tz = timezone.get_default_timezone()
    return (
        timezone.make_aware(datetime.combine(period.start, time.min), tz),
        timezone.make_aware(datetime.combine(period.end + timedelta(days=1), time.min), tz),
    )


def resolve_field(model, path: str) -> models.Field:
    """The model field a lookup path such as ``workshop__starts_at`` ends on."""
    target = None
    for part in path.split("__"):
        target = model._meta.get_field(part)
        if target.is_relation and target.related_model is not None:
            model = target.related_model
    return target


def within(queryset: QuerySet, date_field: str, period: Period) -> QuerySet:
    """Records whose ``date_field`` lies in the period (both ends inclusive, whole days)."""
    if isinstance(resolve_field(queryset.model, date_field), models.DateTimeField):
        lower, upper = period_bounds(period)
        return queryset.filter(**{f"{date_field}__gte": lower, f"{date_field}__lt": upper})
    return queryset.filter(**{f"{date_field}__gte": period.start, f"{date_field}__lte": period.end})


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


@dataclass(frozen=True, eq=False)
class Indicator:
    key: str
    label: Any
    records: Callable[[Period], QuerySet]
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
    # Optional overrides of the defaults derived from `records`.
    value_fn: Callable[[Period], Any] | None = None
    organisation_ids_fn: Callable[[Period], QuerySet] | None = None
    # Cross-project indicators: the records of one sub-project's share.
    records_for_subproject: Callable[[Period, str], QuerySet] | None = None

    def __post_init__(self):
        if self.reach and self.organisation_field is None:
            raise ValueError(f"Indicator {self.key}: reach needs an organisation_field")

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

    def organisation_ids(self, period: Period) -> QuerySet:
        """The ids of the organisations behind the value, as a subquery-able values list."""
        if self.organisation_ids_fn is not None:
            return self.organisation_ids_fn(period)
        path = self.org_path()
        if path is None:
            raise ValueError(f"Indicator {self.key} has no organisations")
        return self.records(period).filter(**{f"{path}__isnull": False}).values(path)

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
        if self.org_path() is not None:
            columns.append(Column(_("Organisation"), self.org_path("name")))
            columns.append(Column(_("District"), self.org_path("district__name")))
            columns.append(
                Column(_("Kind of organisation"), self.org_path("kind"), _organisation_kind_label)
            )
        if self.date_field:
            columns.append(Column(_("Date"), self.date_field))
        return tuple(columns) or (Column(_("Record"), "pk"),)


_REGISTRY: dict[str, Indicator] = {}


def register_indicator(indicator: Indicator) -> Indicator:
    """Add (or, for the same key, replace) an indicator. Call from AppConfig.ready."""
    _REGISTRY[indicator.key] = indicator
    return indicator


def unregister_indicator(key: str) -> None:
    _REGISTRY.pop(key, None)


def get_indicator(key: str) -> Indicator:
    return _REGISTRY[key]


def all_indicators() -> list[Indicator]:
    """Registry and cross-project figures first, then the sub-projects in their usual order."""
    from ikmo.subprojects import SubProject

    order = {"": 0, **{value: i + 1 for i, value in enumerate(SubProject.values)}}
    return sorted(_REGISTRY.values(), key=lambda i: (order.get(i.subproject, 99), i.order, i.key))


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
