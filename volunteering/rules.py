"""The rules of the federal volunteer services that the desk checks, in one place.

The defaults follow the Jugendfreiwilligendienstegesetz (FSJ) and the
Bundesfreiwilligendienstgesetz (BFD): a service usually lasts 6 to 18 months (in
exceptions up to 24); it is full-time, except that volunteers in the BFD who are 27 or
older may serve part-time for more than 20 hours a week; there are at least 25 seminar
days in a 12-month service and one more per month beyond 12, and volunteers of 27 and
older in the BFD take part "to an appropriate extent". Carriers set some of these
differently, so every value can be overridden in settings::

    IKMO_VOLUNTEER_RULES = {"bfd": {"max_months": 24}}
"""

import calendar
import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _

DEFAULT_RULES = {
    "fsj": {
        "min_months": 6,
        "max_months": 18,
        "full_time_min_hours": Decimal("35"),
        "max_weekly_hours": Decimal("40"),
        "part_time_min_age": None,  # the FSJ is always full-time
        "part_time_min_hours": None,
        "seminar_days_per_12_months": 25,
        "extra_seminar_days_per_month_over_12": 1,
        "seminar_days_per_12_months_from_part_time_age": None,
    },
    "bfd": {
        "min_months": 6,
        "max_months": 18,
        "full_time_min_hours": Decimal("35"),
        "max_weekly_hours": Decimal("40"),
        "part_time_min_age": 27,
        "part_time_min_hours": Decimal("20.1"),
        "seminar_days_per_12_months": 25,
        "extra_seminar_days_per_month_over_12": 1,
        # "An appropriate extent" for volunteers of 27 and older: one day a month by default.
        "seminar_days_per_12_months_from_part_time_age": 12,
    },
}
# How far behind the pro-rata seminar days a placement may be before it is flagged,
# and from which share of the service on the reminder goes out.
DEFAULT_SEMINAR_TOLERANCE_DAYS = 3
DEFAULT_SEMINAR_REMINDER_FROM_SHARE = 0.5
DEFAULT_ENDING_NOTICE_DAYS = 42


def rules_for(service_type: str) -> dict:
    overrides = getattr(settings, "IKMO_VOLUNTEER_RULES", {}) or {}
    return {**DEFAULT_RULES[service_type], **overrides.get(service_type, {})}


def seminar_tolerance_days() -> int:
    return getattr(
        settings, "IKMO_VOLUNTEER_SEMINAR_TOLERANCE_DAYS", DEFAULT_SEMINAR_TOLERANCE_DAYS
    )


def seminar_reminder_from_share() -> float:
    return getattr(
        settings, "IKMO_VOLUNTEER_SEMINAR_REMINDER_FROM_SHARE", DEFAULT_SEMINAR_REMINDER_FROM_SHARE
    )


def ending_notice_days() -> int:
    return getattr(settings, "IKMO_VOLUNTEER_ENDING_NOTICE_DAYS", DEFAULT_ENDING_NOTICE_DAYS)


def retention_days() -> int:
    return getattr(settings, "IKMO_VOLUNTEER_RETENTION_DAYS", 365)


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def last_day_of(start: date, months: int) -> date:
    """The last day of a service of `months` months starting on `start` (1 Sep + 12 → 31 Aug)."""
    return add_months(start, months) - timedelta(days=1)


def service_months(start: date, end: date) -> float:
    """Length of a service from `start` to `end` (both inclusive) in months."""
    after = end + timedelta(days=1)
    whole = (after.year - start.year) * 12 + after.month - start.month
    while whole > 0 and add_months(start, whole) > after:
        whole -= 1
    rest = (after - add_months(start, whole)).days
    return whole + rest / 30


def age_in_year(birth_year: int | None, year: int) -> int | None:
    return None if birth_year is None else year - birth_year


def may_serve_part_time(service_type: str, birth_year: int | None, start: date) -> bool:
    """Part-time needs the minimum age completed at the start. Only the birth year is
    stored, so the age is certain only once the volunteer turns one year more that year."""
    min_age = rules_for(service_type)["part_time_min_age"]
    age = age_in_year(birth_year, start.year)
    return min_age is not None and age is not None and age - 1 >= min_age


def check_placement(
    *, service_type: str, start: date, end: date, weekly_hours: Decimal, birth_year: int | None
) -> dict[str, str]:
    """Problems with a planned placement, as {field: message}; empty when it is fine.

    Messages explain the rule, so whoever enters the data knows what to change.
    """
    rules = rules_for(service_type)
    label = service_type.upper()
    errors: dict[str, str] = {}
    if end <= start:
        errors["end_date"] = _("The end must be after the start.")
        return errors
    earliest = last_day_of(start, rules["min_months"])
    latest = last_day_of(start, rules["max_months"])
    if end < earliest:
        errors["end_date"] = _(
            "A %(service)s lasts at least %(min)s months: with this start it can end on "
            "%(earliest)s at the earliest."
        ) % {
            "service": label,
            "min": rules["min_months"],
            "earliest": date_format(earliest, "SHORT_DATE_FORMAT"),
        }
    elif end > latest:
        errors["end_date"] = _(
            "A %(service)s usually lasts at most %(max)s months: with this start it must end "
            "by %(latest)s. Longer services are exceptions the carrier has to agree first."
        ) % {
            "service": label,
            "max": rules["max_months"],
            "latest": date_format(latest, "SHORT_DATE_FORMAT"),
        }
    hours = Decimal(weekly_hours)
    if hours > rules["max_weekly_hours"]:
        errors["weekly_hours"] = _("At most %(max)s hours a week are allowed.") % {
            "max": rules["max_weekly_hours"]
        }
    elif hours < rules["full_time_min_hours"]:
        part_time_min = rules["part_time_min_hours"]
        if rules["part_time_min_age"] is None:
            errors["weekly_hours"] = _(
                "The %(service)s is a full-time service: at least %(min)s hours a week."
            ) % {"service": label, "min": rules["full_time_min_hours"]}
        elif not may_serve_part_time(service_type, birth_year, start):
            errors["weekly_hours"] = _(
                "Part-time (less than %(full)s hours a week) is possible in the %(service)s only "
                "for volunteers who are %(age)s or older at the start. Enter the birth year if "
                "this applies; otherwise plan full-time."
            ) % {
                "full": rules["full_time_min_hours"],
                "service": label,
                "age": rules["part_time_min_age"],
            }
        elif hours < part_time_min:
            errors["weekly_hours"] = _(
                "Part-time in the %(service)s means more than 20 hours a week: at least "
                "%(min)s hours."
            ) % {"service": label, "min": part_time_min}
    return errors


@dataclass(frozen=True)
class SeminarProgress:
    required: int
    attended: int
    expected_by_now: int
    behind: bool

    @property
    def missing(self) -> int:
        return max(self.required - self.attended, 0)

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.attended / self.required)) if self.required else 100


def required_seminar_days(
    *, service_type: str, start: date, end: date, birth_year: int | None = None
) -> int:
    """Pro rata for services shorter than 12 months, one more day per month beyond 12."""
    rules = rules_for(service_type)
    per_year = rules["seminar_days_per_12_months"]
    older = rules["seminar_days_per_12_months_from_part_time_age"]
    if older is not None and may_serve_part_time(service_type, birth_year, start):
        per_year = older
    months = service_months(start, end)
    if months <= 12:
        return math.ceil(round(per_year * months / 12, 6))
    return per_year + math.ceil(
        round(rules["extra_seminar_days_per_month_over_12"] * (months - 12), 6)
    )


def seminar_progress(
    *,
    service_type: str,
    start: date,
    end: date,
    birth_year: int | None,
    attended: int,
    today: date,
) -> SeminarProgress:
    required = required_seminar_days(
        service_type=service_type, start=start, end=end, birth_year=birth_year
    )
    total_days = (end - start).days + 1
    elapsed = min(max((today - start).days + 1, 0), total_days)
    expected = math.floor(required * elapsed / total_days) if total_days else required
    behind = attended + seminar_tolerance_days() < expected
    return SeminarProgress(
        required=required, attended=attended, expected_by_now=expected, behind=behind
    )
