"""Networking & mentoring's funder-reporting indicators, defined once (the contract's
`indicators`), each over the records it counts for a period (both ends inclusive whole days):

- networked administrations / services: distinct partner organisations with a cooperation
  contact made or moved on in the period, or with someone at one of our events in the
  period. Each organisation counts once, however many contacts and events it had.
- networked organisations (MO / refugee initiatives): the same from the other side, plus the
  organisations in a tandem active during the period.
- expert rounds / network events held: events of that kind held (minutes written) whose
  start lies in the period.
- tandems active: active at any time in the period (started on or before its end, not ended
  before its start); tandems completed: completed with an end date in the period.
- outcome: migrant organisations that became mentors (their first tandem as mentor started
  in the period).
"""

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ikmo.periods import period_bounds, within
from ikmo.subprojects import SubProject
from organisations.models import Organisation
from reporting.registry import (
    Column,
    Indicator,
    Level,
    Reach,
    Unit,
    choice_label,
    organisation_columns,
)

from .models import (
    MO_KINDS,
    PARTNER_KINDS,
    CooperationContact,
    CooperationStatusChange,
    Event,
    EventAttendance,
    EventGuest,
    Tandem,
)

FINISHED_OR_RUNNING = [Tandem.Status.ACTIVE, Tandem.Status.COMPLETED, Tandem.Status.ENDED_EARLY]


def contacts_in(period):
    """Cooperation contacts made, or moved to a new status, within the period."""
    lower, upper = period_bounds(period)
    # The status changes as a list of contact ids, not a join: each contact once, and the
    # history read by its date index instead of once per contact.
    moved = CooperationStatusChange.objects.filter(changed_at__gte=lower, changed_at__lt=upper)
    return CooperationContact.objects.filter(
        Q(contact_date__gte=period.start, contact_date__lte=period.end)
        | Q(pk__in=moved.values("contact_id"))
    )


def attendances_in(period):
    """Attendance of events in the period that have started (and were not cancelled): an
    event still to come has no attendance to report, whatever was entered for it."""
    return (
        within(EventAttendance.objects.all(), "event__starts_at", period)
        .filter(event__starts_at__lte=timezone.now())
        .exclude(event__status=Event.Status.CANCELLED)
    )


def guests_attended_in(period):
    """Guests without an account who were at a started, not cancelled event in the period.
    A guest whose address belongs to someone also on the event's attendance list with their
    account is counted there, not twice."""
    with_account = EventAttendance.objects.filter(
        event=OuterRef("event"), person__email__iexact=OuterRef("email")
    )
    return (
        within(EventGuest.objects.filter(attended_at__isnull=False), "event__starts_at", period)
        .filter(event__starts_at__lte=timezone.now())
        .exclude(event__status=Event.Status.CANCELLED)
        .exclude(Exists(with_account))
    )


def events_held(period):
    """Events held (minutes written) whose start lies in the period; each indicator counts
    one kind of them (its condition)."""
    return within(Event.objects.filter(status=Event.Status.HELD), "starts_at", period)


def tandems_active(period):
    _lower, upper = period_bounds(period)
    return Tandem.objects.filter(status__in=FINISHED_OR_RUNNING, activated_at__lt=upper).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=period.start)
    )


def tandems_completed(period):
    return within(Tandem.objects.filter(status=Tandem.Status.COMPLETED), "ended_on", period)


def networked_partners(period):
    """Administrations and services networked in the period, each once."""
    return Organisation.objects.filter(kind__in=PARTNER_KINDS).filter(
        Q(pk__in=contacts_in(period).values("partner_id"))
        | Q(pk__in=attendances_in(period).values("organisation_id"))
    )


def networked_organisations(period):
    """Migrant organisations and refugee initiatives networked in the period, each once."""
    tandems = tandems_active(period)
    return Organisation.objects.filter(kind__in=MO_KINDS).filter(
        Q(pk__in=contacts_in(period).values("organisation_id"))
        | Q(pk__in=attendances_in(period).values("organisation_id"))
        | Q(pk__in=tandems.values("mentor_id"))
        | Q(pk__in=tandems.values("mentee_id"))
    )


def first_mentorships(period):
    """Tandems started in the period by a migrant organisation or initiative as mentor for
    the first time: it became a mentor (an outcome)."""
    earlier = Tandem.objects.filter(
        mentor=OuterRef("mentor"),
        status__in=FINISHED_OR_RUNNING,
        activated_at__lt=OuterRef("activated_at"),
    )
    started = Tandem.objects.filter(status__in=FINISHED_OR_RUNNING, mentor__kind__in=MO_KINDS)
    return within(started, "activated_at", period).exclude(Exists(earlier))


def tandem_organisations(period):
    """Both partners of the active tandems: each counts as supported."""
    tandems = tandems_active(period)
    return Organisation.objects.filter(
        Q(pk__in=tandems.values("mentor_id")) | Q(pk__in=tandems.values("mentee_id"))
    ).values("pk")


_EVENT_COLUMNS = (
    Column(_("Topic"), "title"),
    Column(_("Kind"), "kind", choice_label(Event.Kind.choices)),
    Column(_("Starts"), "starts_at"),
)
_TANDEM_COLUMNS = (
    Column(_("Mentor organisation"), "mentor__name"),
    *organisation_columns("mentee"),
    Column(_("Active since"), "activated_at"),
    Column(_("Ended on"), "ended_on"),
    Column(_("Status"), "status", choice_label(Tandem.Status.choices)),
)

INDICATORS = [
    Indicator(
        key="networked_administrations",
        label=_("Networked administrations and social services (each counted once)"),
        description=_(
            "Administrations and social services with a cooperation contact made or moved "
            "on in the period, or at one of the centre's events."
        ),
        subproject=SubProject.MENTORING,
        unit=Unit.ORGANISATIONS,
        records=networked_partners,
        organisation_field="",
        reach=Reach.REACHED,
        columns=organisation_columns(""),
        order=10,
    ),
    Indicator(
        key="networked_organisations",
        label=_("Networked migrant organisations and initiatives (each counted once)"),
        subproject=SubProject.MENTORING,
        unit=Unit.ORGANISATIONS,
        records=networked_organisations,
        organisation_field="",
        reach=Reach.REACHED,
        columns=organisation_columns(""),
        order=11,
    ),
    Indicator(
        key="cooperation_contacts",
        label=_("Cooperation contacts brokered"),
        subproject=SubProject.MENTORING,
        records=contacts_in,
        date_field="contact_date",
        reach=Reach.REACHED,
        activity=True,
        columns=(
            *organisation_columns(),
            Column(_("Partner"), "partner__name"),
            Column(_("Date of first contact"), "contact_date"),
            Column(_("Status"), "status", choice_label(CooperationContact.Status.choices)),
        ),
        order=12,
    ),
    Indicator(
        key="expert_rounds_held",
        label=_("Expert rounds held"),
        subproject=SubProject.MENTORING,
        records=events_held,
        condition=Q(kind=Event.Kind.EXPERT_ROUND),
        organisation_field=None,
        date_field="starts_at",
        activity=True,
        breakdowns=(),
        columns=_EVENT_COLUMNS,
        order=20,
    ),
    Indicator(
        key="network_events_held",
        label=_("Network events held"),
        subproject=SubProject.MENTORING,
        records=events_held,
        condition=Q(kind=Event.Kind.NETWORK_EVENT),
        organisation_field=None,
        date_field="starts_at",
        activity=True,
        breakdowns=(),
        columns=_EVENT_COLUMNS,
        order=21,
    ),
    Indicator(
        key="event_attendances",
        label=_("Attendances at expert rounds and network events"),
        subproject=SubProject.MENTORING,
        unit=Unit.PEOPLE,
        records=attendances_in,
        date_field="event__starts_at",
        reach=Reach.REACHED,
        columns=(
            *organisation_columns(),
            Column(_("Event"), "event__title"),
            Column(_("Starts"), "event__starts_at"),
        ),
        order=22,
    ),
    Indicator(
        key="event_guests_attended",
        label=_("Guests without an account at public events"),
        description=_(
            "People reached at public events in addition to the attendances above: guests "
            "marked as present. Someone also on the attendance list with an account counts "
            "only there."
        ),
        subproject=SubProject.MENTORING,
        unit=Unit.PEOPLE,
        records=guests_attended_in,
        organisation_field=None,
        date_field="event__starts_at",
        breakdowns=(),
        columns=(
            Column(_("Event"), "event__title"),
            Column(_("Starts"), "event__starts_at"),
        ),
        order=23,
    ),
    Indicator(
        key="tandems_active",
        label=_("Mentoring tandems active"),
        description=_("Breakdowns by the mentee organisation; both partners count as supported."),
        subproject=SubProject.MENTORING,
        records=tandems_active,
        organisation_field="mentee",
        organisation_ids_fn=tandem_organisations,
        date_field="activated_at",
        reach=Reach.SUPPORTED,
        columns=_TANDEM_COLUMNS,
        order=30,
    ),
    Indicator(
        key="tandems_completed",
        label=_("Mentoring tandems completed"),
        subproject=SubProject.MENTORING,
        records=tandems_completed,
        organisation_field="mentee",
        date_field="ended_on",
        columns=_TANDEM_COLUMNS,
        order=31,
    ),
    Indicator(
        key="outcome_new_mentors",
        label=_("Organisations that became mentors"),
        description=_(
            "Outcome: migrant organisations and initiatives mentoring for the first time."
        ),
        subproject=SubProject.MENTORING,
        unit=Unit.ORGANISATIONS,
        level=Level.OUTCOME,
        records=first_mentorships,
        organisation_field="mentor",
        measure=lambda: Count("mentor", distinct=True),
        date_field="activated_at",
        columns=(
            *organisation_columns("mentor"),
            Column(_("Mentee organisation"), "mentee__name"),
            Column(_("Active since"), "activated_at"),
        ),
        order=40,
    ),
]
