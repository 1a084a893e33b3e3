"""Qualification's funder-reporting indicators, defined once (the contract's `indicators`).

Each counts what was logged (never typed in twice) for a period, both ends inclusive whole
days: workshops held whose first date, and coaching sessions whose date, fall within it.
"""

from decimal import Decimal

from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _

from ikmo.periods import within
from ikmo.subprojects import SubProject
from reporting.registry import Column, Indicator, Reach, Unit, organisation_columns, yes_no

from .models import CoachingSession, Registration, Workshop


def workshops_held(period):
    """Published workshops that have started, whose first date lies in the period."""
    return within(Workshop.objects.held(), "starts_at", period)


def attendances(period):
    """Confirmed registrations marked as attended, in the workshops held in the period."""
    return Registration.objects.filter(
        workshop__in=workshops_held(period),
        status=Registration.Status.CONFIRMED,
        attended=True,
    )


def coaching_sessions(period):
    return within(CoachingSession.objects.all(), "date", period)


_WORKSHOP_COLUMNS = (
    Column(_("Workshop"), "title"),
    Column(_("Starts"), "starts_at"),
    Column(_("Basic workshop"), "is_basic", yes_no),
)
_SESSION_COLUMNS = (
    *organisation_columns(),
    Column(_("Date"), "date"),
    Column(_("Duration (minutes)"), "duration_minutes"),
)

INDICATORS = [
    Indicator(
        key="workshops_held",
        label=_("Workshops held"),
        subproject=SubProject.QUALIFICATION,
        records=workshops_held,
        organisation_field=None,
        date_field="starts_at",
        activity=True,
        breakdowns=(),
        columns=_WORKSHOP_COLUMNS,
        order=10,
    ),
    Indicator(
        key="basic_workshops",
        label=_("Basic workshops held"),
        subproject=SubProject.QUALIFICATION,
        records=workshops_held,
        condition=Q(is_basic=True),
        organisation_field=None,
        date_field="starts_at",
        breakdowns=(),
        columns=_WORKSHOP_COLUMNS,
        order=11,
    ),
    Indicator(
        key="participants",
        label=_("Workshop participants (attendances)"),
        description=_("Confirmed registrations marked as attended, in workshops held."),
        subproject=SubProject.QUALIFICATION,
        unit=Unit.PEOPLE,
        records=attendances,
        date_field="workshop__starts_at",
        reach=Reach.SUPPORTED,
        columns=(
            *organisation_columns(),
            Column(_("Workshop"), "workshop__title"),
            Column(_("Starts"), "workshop__starts_at"),
        ),
        order=12,
    ),
    Indicator(
        key="coaching_sessions",
        label=_("Coaching sessions"),
        subproject=SubProject.QUALIFICATION,
        records=coaching_sessions,
        date_field="date",
        reach=Reach.SUPPORTED,
        activity=True,
        columns=_SESSION_COLUMNS,
        order=20,
    ),
    Indicator(
        key="coaching_hours",
        label=_("Coaching hours"),
        subproject=SubProject.QUALIFICATION,
        unit=Unit.HOURS,
        records=coaching_sessions,
        measure=lambda: Sum("duration_minutes"),
        scale=Decimal(1) / Decimal(60),
        date_field="date",
        reach=Reach.SUPPORTED,
        columns=_SESSION_COLUMNS,
        order=21,
    ),
]
