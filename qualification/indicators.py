"""Qualification's funder-reporting indicators, defined once (the contract's `indicators`).

Each counts what was logged (never typed in twice) for a period, both ends inclusive whole
days: workshops held whose first date, and coaching sessions whose date, fall within it.
Attendances count for organisations, for founding initiatives or for individuals, as the
registration says (see FOR_ORGANISATIONS below).
"""

from decimal import Decimal

from django.db.models import Count, Q, Sum
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


# Who the attendances count for. Organisations: members' registrations, and an initiative's
# once its organisation is approved (carried over) — never an organisation still waiting for
# approval. Founding initiatives and individuals are counted apart, as people and initiatives
# reached, whether or not the initiative has been approved since: it came while in founding.
FOR_ORGANISATIONS = Registration.FOR_ORGANISATION
AS_INITIATIVE = Q(taking_part_as=Registration.TakingPartAs.INITIATIVE)
AS_INDIVIDUAL = Q(taking_part_as=Registration.TakingPartAs.INDIVIDUAL)


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
        description=_(
            "Confirmed registrations for organisations marked as attended, in workshops held "
            "(an initiative's once its organisation is approved)."
        ),
        subproject=SubProject.QUALIFICATION,
        unit=Unit.PEOPLE,
        records=attendances,
        condition=FOR_ORGANISATIONS,
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
        key="initiatives_reached",
        label=_("Initiatives in founding reached through workshops"),
        description=_(
            "Initiatives (organisations waiting for approval when they registered) whose "
            "members attended a workshop held, each counted once."
        ),
        subproject=SubProject.QUALIFICATION,
        unit=Unit.ORGANISATIONS,
        records=attendances,
        condition=AS_INITIATIVE,
        measure=lambda: Count("organisation", distinct=True),
        date_field="workshop__starts_at",
        columns=(
            *organisation_columns(),
            Column(_("Workshop"), "workshop__title"),
            Column(_("Starts"), "workshop__starts_at"),
        ),
        order=13,
    ),
    Indicator(
        key="individuals_reached",
        label=_("Individuals reached through workshops"),
        description=_(
            "People without an organisation who attended a workshop held, each counted once."
        ),
        subproject=SubProject.QUALIFICATION,
        unit=Unit.PEOPLE,
        records=attendances,
        condition=AS_INDIVIDUAL,
        measure=lambda: Count("participant", distinct=True),
        organisation_field=None,
        date_field="workshop__starts_at",
        breakdowns=(),
        # No names: the drill-down shows which workshops, not who.
        columns=(
            Column(_("Workshop"), "workshop__title"),
            Column(_("Starts"), "workshop__starts_at"),
        ),
        order=14,
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
