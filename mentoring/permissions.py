"""Who may do what in networking & mentoring. Plain predicates; views and selectors use these."""

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from ikmo.subprojects import SubProject
from organisations.models import Membership, Organisation, StaffRole
from organisations.permissions import (
    active_membership,
    active_organisation_ids,
    is_organisation_admin,
)

MENTORING = SubProject.MENTORING


def is_mentoring_staff(user) -> bool:
    """Consultants and project leads of this sub-project (or of all), and admins."""
    return (
        user.is_authenticated
        and user.is_active
        and (
            user.is_portal_admin
            or user.has_staff_role(StaffRole.Role.CONSULTANT, MENTORING)
            or user.has_staff_role(StaffRole.Role.PROJECT_LEAD, MENTORING)
        )
    )


def is_mentoring_lead(user) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and (user.is_portal_admin or user.has_staff_role(StaffRole.Role.PROJECT_LEAD, MENTORING))
    )


# Partner brokering: staff only -------------------------------------------------------------


def can_manage_contacts(user) -> bool:
    return is_mentoring_staff(user)


def can_delete_contact(user) -> bool:
    return is_mentoring_lead(user)


def can_search_partners(user) -> bool:
    return is_mentoring_staff(user)


# Events ----------------------------------------------------------------------------------


def can_manage_events(user) -> bool:
    return is_mentoring_staff(user)


def is_member_of(user, organisation) -> bool:
    return active_membership(user, organisation) is not None


def events_visible_q(user):
    """Staff see every event; members see open events and those their organisation is invited
    to. ``None``: nothing."""
    from .models import Event

    if is_mentoring_staff(user):
        return Q()
    if not user.is_authenticated:
        return None
    invited = Event.invited_organisations.through.objects.filter(
        event=OuterRef("pk"), organisation_id__in=active_organisation_ids(user)
    )
    return Q(is_open=True) | Exists(invited)


def registrable_organisations(user, event, invited_ids=None) -> list:
    """The user's approved organisations that may send people to this event."""
    if not user.is_authenticated:
        return []
    if invited_ids is None:
        invited_ids = set(event.invited_organisations.values_list("pk", flat=True))
    return [
        m.organisation
        for m in user.memberships.filter(
            status=Membership.Status.ACTIVE, organisation__status=Organisation.Status.APPROVED
        ).select_related("organisation")
        if event.is_open or m.organisation_id in invited_ids
    ]


def registration_is_open(event) -> bool:
    return event.status == event.Status.PLANNED and event.starts_at > timezone.now()


def can_view_attendance(user, event) -> bool:
    """Attendance lists name people: only the centre's mentoring staff see them."""
    return is_mentoring_staff(user)


# Public events and their guests ---------------------------------------------------------------


def public_events_q():
    """What anyone, signed in or not, may see of events: those marked public."""
    return Q(is_public=True)


def guest_registration_is_open(event) -> bool:
    return event.is_public and registration_is_open(event)


def can_manage_guests(user) -> bool:
    """Guest lists, badges and attendance name people: the centre's mentoring staff only."""
    return is_mentoring_staff(user)


def publishable_speakers_q():
    """Speakers appear in public only with their agreement to be named in the programme."""
    return Q(publish=True)


# Tandems ---------------------------------------------------------------------------------


def tandem_sides_of(user, tandem) -> list:
    """The tandem organisations (mentor, mentee) the user is an active member of."""
    return [org for org in (tandem.mentor, tandem.mentee) if is_member_of(user, org)]


def tandems_visible_q(user):
    """Staff see all tandems, members those of their organisations. ``None``: nothing."""
    if is_mentoring_staff(user):
        return Q()
    org_ids = active_organisation_ids(user)
    if not org_ids:
        return None
    return Q(mentor_id__in=org_ids) | Q(mentee_id__in=org_ids)


def admin_sides_of(user, tandem) -> list:
    return [org for org in (tandem.mentor, tandem.mentee) if is_organisation_admin(user, org)]


def can_confirm_tandems(user) -> bool:
    return is_mentoring_lead(user)


def can_respond_to_tandem(user, tandem) -> bool:
    """An admin of a side that has not answered yet, while the tandem is proposed."""
    if tandem.status != tandem.Status.PROPOSED:
        return False
    return any(not tandem.has_accepted(org) for org in admin_sides_of(user, tandem))


def can_log_meeting(user, tandem) -> bool:
    return tandem.status == tandem.Status.ACTIVE and (
        is_mentoring_staff(user) or bool(tandem_sides_of(user, tandem))
    )


def can_close_tandem(user, tandem) -> bool:
    return tandem.status == tandem.Status.ACTIVE and (
        is_mentoring_lead(user) or bool(admin_sides_of(user, tandem))
    )


def can_evaluate_tandem(user, tandem, organisation) -> bool:
    return tandem.is_finished and is_organisation_admin(user, organisation)


def can_offer_mentoring(user, organisation) -> bool:
    return (
        organisation.is_approved
        and organisation.stage == organisation.Stage.ESTABLISHED
        and (is_organisation_admin(user, organisation) or is_mentoring_staff(user))
    )


def can_request_mentoring(user, organisation) -> bool:
    return (
        organisation.is_approved
        and organisation.stage == organisation.Stage.STARTUP
        and (is_organisation_admin(user, organisation) or is_mentoring_staff(user))
    )


def can_edit_tandem_plan(user, tandem) -> bool:
    return tandem.status in (tandem.Status.PROPOSED, tandem.Status.ACTIVE) and (
        is_mentoring_staff(user) or bool(admin_sides_of(user, tandem))
    )
