"""Registering the sub-projects' measures on their behalf.

Each sub-project app computes its own counts in ``<app>/indicators.py``. Here they become
registry entries with records (for drill-down and export), an organisation link (for the
counted-once rule and the breakdowns) and a date (for activity over time). Where an app's
indicators module offers the querysets behind its counts, they are used as they are;
otherwise the records mirror the app's definition, and tests/reporting/test_wiring.py checks
that every value here equals the app's own count on the same data.

Drill-down columns never show the names of individual people (participants, volunteers):
project leads need the organisations and dates behind a figure, not who took part.
"""

from decimal import Decimal

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from ikmo.subprojects import SubProject

from .registry import Column, Indicator, Reach, Unit, register_indicator, within


def _choices(choices):
    labels = dict(choices)
    return lambda value: labels.get(value, value)


def _yes_no(value):
    return _("yes") if value else _("no")


def _org_columns(path="organisation"):
    from .registry import _organisation_kind_label

    return (
        Column(_("Organisation"), f"{path}__name"),
        Column(_("District"), f"{path}__district__name"),
        Column(_("Kind of organisation"), f"{path}__kind", _organisation_kind_label),
    )


def _org_columns_of_organisations():
    """Columns for indicators whose records are organisations themselves."""
    from .registry import _organisation_kind_label

    return (
        Column(_("Organisation"), "name"),
        Column(_("District"), "district__name"),
        Column(_("Kind of organisation"), "kind", _organisation_kind_label),
    )


def register():
    from django.apps import apps

    for app, wire in [
        ("qualification", register_qualification),
        ("mentoring", register_mentoring),
        ("actionfund", register_actionfund),
        ("participation_check", register_participation_check),
        ("volunteering", register_volunteering),
    ]:
        if apps.is_installed(app):
            wire()


# --- qualification ------------------------------------------------------------------------


def register_qualification():
    from qualification.models import CoachingSession, Registration, Workshop

    qualification = SubProject.QUALIFICATION

    def workshops(period):
        return within(Workshop.objects.held(), "starts_at", period)

    def attendances(period):
        return Registration.objects.filter(
            workshop__in=workshops(period),
            status=Registration.Status.CONFIRMED,
            attended=True,
        )

    def sessions(period):
        return within(CoachingSession.objects.all(), "date", period)

    workshop_columns = (
        Column(_("Workshop"), "title"),
        Column(_("Starts"), "starts_at"),
        Column(_("Basic workshop"), "is_basic", _yes_no),
    )
    register_indicator(
        Indicator(
            key="workshops_held",
            label=_("Workshops held"),
            subproject=qualification,
            records=workshops,
            organisation_field=None,
            date_field="starts_at",
            activity=True,
            breakdowns=(),
            columns=workshop_columns,
            order=10,
        )
    )
    register_indicator(
        Indicator(
            key="basic_workshops",
            label=_("Basic workshops held"),
            subproject=qualification,
            records=lambda period: workshops(period).filter(is_basic=True),
            organisation_field=None,
            date_field="starts_at",
            breakdowns=(),
            columns=workshop_columns,
            order=11,
        )
    )
    register_indicator(
        Indicator(
            key="participants",
            label=_("Workshop participants (attendances)"),
            description=_("Confirmed registrations marked as attended, in workshops held."),
            subproject=qualification,
            unit=Unit.PEOPLE,
            records=attendances,
            date_field="workshop__starts_at",
            reach=Reach.SUPPORTED,
            columns=(
                *_org_columns(),
                Column(_("Workshop"), "workshop__title"),
                Column(_("Starts"), "workshop__starts_at"),
            ),
            order=12,
        )
    )
    session_columns = (
        *_org_columns(),
        Column(_("Date"), "date"),
        Column(_("Duration (minutes)"), "duration_minutes"),
    )
    register_indicator(
        Indicator(
            key="coaching_sessions",
            label=_("Coaching sessions"),
            subproject=qualification,
            records=sessions,
            date_field="date",
            reach=Reach.SUPPORTED,
            activity=True,
            columns=session_columns,
            order=20,
        )
    )
    register_indicator(
        Indicator(
            key="coaching_hours",
            label=_("Coaching hours"),
            subproject=qualification,
            unit=Unit.HOURS,
            records=sessions,
            measure=lambda: Sum("duration_minutes"),
            scale=Decimal(1) / Decimal(60),
            date_field="date",
            reach=Reach.SUPPORTED,
            columns=session_columns,
            order=21,
        )
    )


# --- networking & mentoring ---------------------------------------------------------------


def register_mentoring():
    from django.db.models import Q

    from mentoring import indicators as app
    from mentoring.models import CooperationContact, Event, Tandem
    from organisations.models import Organisation

    mentoring = SubProject.MENTORING

    def span(function, *args):
        return lambda period: function(period.start, period.end, *args)

    def tandem_organisations(period):
        tandems = app.tandems_active(period.start, period.end)
        return Organisation.objects.filter(
            Q(pk__in=tandems.values("mentor_id")) | Q(pk__in=tandems.values("mentee_id"))
        ).values("pk")

    org_list_columns = _org_columns_of_organisations()
    register_indicator(
        Indicator(
            key="networked_administrations",
            label=_("Networked administrations and social services (each counted once)"),
            description=_(
                "Administrations and social services with a cooperation contact made or moved "
                "on in the period, or at one of the centre's events."
            ),
            subproject=mentoring,
            unit=Unit.ORGANISATIONS,
            records=span(app.networked_partners),
            organisation_field="",
            reach=Reach.REACHED,
            columns=org_list_columns,
            order=10,
        )
    )
    register_indicator(
        Indicator(
            key="networked_organisations",
            label=_("Networked migrant organisations and initiatives (each counted once)"),
            subproject=mentoring,
            unit=Unit.ORGANISATIONS,
            records=span(app.networked_organisations),
            organisation_field="",
            reach=Reach.REACHED,
            columns=org_list_columns,
            order=11,
        )
    )
    register_indicator(
        Indicator(
            key="cooperation_contacts",
            label=_("Cooperation contacts brokered"),
            subproject=mentoring,
            records=span(app.contacts_in),
            date_field="contact_date",
            reach=Reach.REACHED,
            activity=True,
            columns=(
                *_org_columns(),
                Column(_("Partner"), "partner__name"),
                Column(_("Date of first contact"), "contact_date"),
                Column(_("Status"), "status", _choices(CooperationContact.Status.choices)),
            ),
            order=12,
        )
    )
    event_columns = (
        Column(_("Topic"), "title"),
        Column(_("Kind"), "kind", _choices(Event.Kind.choices)),
        Column(_("Starts"), "starts_at"),
    )
    register_indicator(
        Indicator(
            key="expert_rounds_held",
            label=_("Expert rounds held"),
            subproject=mentoring,
            records=span(app.events_held, Event.Kind.EXPERT_ROUND),
            organisation_field=None,
            date_field="starts_at",
            activity=True,
            breakdowns=(),
            columns=event_columns,
            order=20,
        )
    )
    register_indicator(
        Indicator(
            key="network_events_held",
            label=_("Network events held"),
            subproject=mentoring,
            records=span(app.events_held, Event.Kind.NETWORK_EVENT),
            organisation_field=None,
            date_field="starts_at",
            activity=True,
            breakdowns=(),
            columns=event_columns,
            order=21,
        )
    )
    register_indicator(
        Indicator(
            key="event_attendances",
            label=_("Attendances at expert rounds and network events"),
            subproject=mentoring,
            unit=Unit.PEOPLE,
            records=span(app.attendances_in),
            date_field="event__starts_at",
            reach=Reach.REACHED,
            columns=(
                *_org_columns(),
                Column(_("Event"), "event__title"),
                Column(_("Starts"), "event__starts_at"),
            ),
            order=22,
        )
    )
    tandem_columns = (
        Column(_("Mentor organisation"), "mentor__name"),
        *_org_columns("mentee"),
        Column(_("Active since"), "activated_at"),
        Column(_("Ended on"), "ended_on"),
        Column(_("Status"), "status", _choices(Tandem.Status.choices)),
    )
    register_indicator(
        Indicator(
            key="tandems_active",
            label=_("Mentoring tandems active"),
            description=_(
                "Breakdowns by the mentee organisation; both partners count as supported."
            ),
            subproject=mentoring,
            records=span(app.tandems_active),
            organisation_field="mentee",
            organisation_ids_fn=tandem_organisations,
            date_field="activated_at",
            reach=Reach.SUPPORTED,
            columns=tandem_columns,
            order=30,
        )
    )
    register_indicator(
        Indicator(
            key="tandems_completed",
            label=_("Mentoring tandems completed"),
            subproject=mentoring,
            records=span(app.tandems_completed),
            organisation_field="mentee",
            date_field="ended_on",
            columns=tandem_columns,
            order=31,
        )
    )


# --- action fund --------------------------------------------------------------------------


def register_actionfund():
    from actionfund.models import COMMITTED_STATUSES, Application

    def submitted(period):
        return within(Application.objects.all(), "submitted_at", period)

    def approved(period):
        return within(
            Application.objects.filter(status__in=COMMITTED_STATUSES), "approved_at", period
        )

    status_label = _choices(Application._meta.get_field("status").choices)
    columns = (
        *_org_columns(),
        Column(_("Project"), "title"),
        Column(_("Approved at"), "approved_at"),
        Column(_("Amount granted (EUR)"), "approved_amount"),
        Column(_("Status"), "status", status_label),
    )
    fund = SubProject.ACTIONFUND
    register_indicator(
        Indicator(
            key="applications_submitted",
            label=_("Action fund applications submitted"),
            subproject=fund,
            records=submitted,
            date_field="submitted_at",
            reach=Reach.REACHED,
            activity=True,
            columns=(
                *_org_columns(),
                Column(_("Project"), "title"),
                Column(_("Submitted at"), "submitted_at"),
                Column(_("Status"), "status", status_label),
            ),
            order=10,
        )
    )
    register_indicator(
        Indicator(
            key="applications_approved",
            label=_("Action fund projects approved"),
            description=_("Approved in the period and not withdrawn since."),
            subproject=fund,
            records=approved,
            date_field="approved_at",
            reach=Reach.SUPPORTED,
            activity=True,
            columns=columns,
            order=11,
        )
    )
    register_indicator(
        Indicator(
            key="amount_granted",
            label=_("Action fund amount granted"),
            subproject=fund,
            unit=Unit.EUR,
            records=approved,
            measure=lambda: Sum("approved_amount"),
            date_field="approved_at",
            columns=columns,
            order=12,
        )
    )
    register_indicator(
        Indicator(
            key="organisations_funded",
            label=_("Organisations funded by the action fund"),
            subproject=fund,
            unit=Unit.ORGANISATIONS,
            records=approved,
            measure=lambda: Count("organisation", distinct=True),
            date_field="approved_at",
            columns=columns,
            order=13,
        )
    )


# --- participation check ------------------------------------------------------------------


def register_participation_check():
    from participation_check.models import Interview, Recommendation

    check = SubProject.PARTICIPATION_CHECK

    def recommendations(period):
        return within(Recommendation.objects.all(), "created_at", period)

    def interviews(period):
        return within(Interview.objects.filter(consent_given=True), "date", period)

    register_indicator(
        Indicator(
            key="recommendations_made",
            label=_("Recommendations made"),
            description=_("Written recommendations; broken down by their addressee."),
            subproject=check,
            records=recommendations,
            organisation_field="addressee",
            date_field="created_at",
            activity=True,
            columns=(
                Column(_("Analysis"), "analysis__title"),
                *_org_columns("addressee"),
                Column(
                    _("Priority"),
                    "priority",
                    _choices(Recommendation.Priority.choices),
                ),
                Column(_("Written on"), "created_at"),
                Column(_("Status"), "status", _choices(Recommendation.Status.choices)),
            ),
            order=20,
        )
    )
    register_indicator(
        Indicator(
            key="organisations_interviewed",
            label=_("Organisations interviewed"),
            description=_("Needs-and-possibilities talks with consent; each organisation once."),
            subproject=check,
            unit=Unit.ORGANISATIONS,
            records=interviews,
            measure=lambda: Count("organisation", distinct=True),
            date_field="date",
            reach=Reach.REACHED,
            activity=True,
            columns=(
                *_org_columns(),
                Column(_("Analysis"), "analysis__title"),
                Column(_("Date"), "date"),
            ),
            order=10,
        )
    )


# --- volunteer service desk ---------------------------------------------------------------


def register_volunteering():
    from volunteering import indicators as app
    from volunteering.models import PlacementStatus, ServiceType, SiteStatus

    desk = SubProject.VOLUNTEERING

    def span(function):
        return lambda period: function(start=period.start, end=period.end)

    register_indicator(
        Indicator(
            key="organisations_advised",
            label=_("Organisations advised on volunteer services"),
            subproject=desk,
            unit=Unit.ORGANISATIONS,
            records=span(app.advised_records),
            measure=lambda: Count("organisation", distinct=True),
            date_field="held_on",
            reach=Reach.SUPPORTED,
            activity=True,
            columns=(*_org_columns(), Column(_("Date"), "held_on")),
            order=10,
        )
    )
    register_indicator(
        Indicator(
            key="sites_recognised",
            label=_("Placement sites recognised"),
            subproject=desk,
            unit=Unit.ORGANISATIONS,
            records=span(app.sites_recognised_records),
            date_field="recognised_on",
            reach=Reach.SUPPORTED,
            columns=(
                *_org_columns(),
                Column(_("Recognised on"), "recognised_on"),
                Column(_("Status"), "status", _choices(SiteStatus.choices)),
            ),
            order=11,
        )
    )
    placement_columns = (
        *_org_columns("site"),
        Column(_("Service"), "service_type", _choices(ServiceType.choices)),
        Column(_("Start"), "start_date"),
        Column(_("Planned end"), "end_date"),
        Column(_("Actual end"), "ended_on"),
        Column(_("Status"), "status", _choices(PlacementStatus.choices)),
    )
    register_indicator(
        Indicator(
            key="placements",
            label=_("Volunteer placements"),
            description=_("Placements running at some time in the period."),
            subproject=desk,
            records=span(app.placement_records),
            organisation_field="site",
            date_field="start_date",
            reach=Reach.SUPPORTED,
            columns=placement_columns,
            order=20,
        )
    )
    register_indicator(
        Indicator(
            key="volunteers",
            label=_("Volunteers in placements"),
            description=_("Distinct people; the list shows their placements, not their names."),
            subproject=desk,
            unit=Unit.PEOPLE,
            records=span(app.placement_records),
            measure=lambda: Count("volunteer", distinct=True),
            organisation_field="site",
            date_field="start_date",
            columns=placement_columns,
            order=21,
        )
    )
