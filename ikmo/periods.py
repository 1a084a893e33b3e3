"""Periods of whole days, and the one place their boundaries are drawn.

A period is anything with ``start`` and ``end`` dates (a funding period, a ``DateRange``).
Both ends are inclusive whole days in the portal's time zone: a record at 23:59:59 on the last
day counts, one a second later does not. Funder reporting's indicators, and any filter by
date, use these helpers rather than computing boundaries themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Protocol

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone


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
