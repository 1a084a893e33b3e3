"""Who may do what in qualification & coaching. Plain predicates; views and selectors use these."""

from django.db.models import Q

from ikmo.subprojects import SubProject
from organisations.models import Membership, StaffRole
from organisations.permissions import active_membership, is_organisation_admin

QUALIFICATION = SubProject.QUALIFICATION


def is_consultant(user) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and user.has_staff_role(StaffRole.Role.CONSULTANT, QUALIFICATION)
    )


def is_lead(user) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and (
            user.is_portal_admin or user.has_staff_role(StaffRole.Role.PROJECT_LEAD, QUALIFICATION)
        )
    )


def is_qualification_staff(user) -> bool:
    """Consultants / trainers and project leads of this sub-project, and admins."""
    return is_consultant(user) or is_lead(user)


# Workshops -----------------------------------------------------------------------------------


def workshops_visible_q(user) -> Q:
    """Published (and cancelled) workshops for everyone; drafts for qualification staff and
    their trainer."""
    if is_qualification_staff(user):
        return Q()
    shown = Q(status__in=["published", "cancelled"])
    return shown | Q(trainer=user) if user.is_authenticated else shown


def can_create_workshop(user) -> bool:
    return is_qualification_staff(user)


def can_manage_workshop(user, workshop) -> bool:
    """Edit, take attendance, export the participant list, issue certificates."""
    if not user.is_authenticated or not user.is_active:
        return False
    return workshop.trainer_id == user.pk or is_lead(user)


def workshops_managed_q(user) -> Q:
    """can_manage_workshop as a filter on workshops."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    return Q() if is_lead(user) else Q(trainer=user)


def can_see_online_link(user, workshop) -> bool:
    """The video link goes to people with a place (or on the waiting list), and the team."""
    if not user.is_authenticated:
        return False
    if can_manage_workshop(user, workshop) or is_qualification_staff(user):
        return True
    return workshop.registrations.filter(participant=user).exclude(status="cancelled").exists()


def can_see_feedback(user, workshop) -> bool:
    return can_manage_workshop(user, workshop) or is_qualification_staff(user)


def registrable_memberships(user):
    """Active memberships in approved organisations: the organisations a person registers for."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(
        user=user, status=Membership.Status.ACTIVE, organisation__status="approved"
    ).select_related("organisation")


def can_register_for(user, organisation) -> bool:
    """Members register themselves and colleagues of organisations they belong to."""
    membership = active_membership(user, organisation)
    return membership is not None and organisation.is_approved


def initiative_memberships(user):
    """Active memberships in organisations still waiting for approval: the founding
    initiatives a person may register for, in workshops open to them."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(
        user=user, status=Membership.Status.ACTIVE, organisation__status="pending"
    ).select_related("organisation")


def may_join_without_organisation(user, workshop) -> bool:
    """Workshops open to initiatives and individuals take signed-in people (their e-mail
    address verified at sign-up) who have no approved organisation: members of approved
    organisations register for them, so their attendance counts for the organisation."""
    return (
        user.is_authenticated
        and user.is_active
        and workshop.open_to_initiatives
        and not registrable_memberships(user).exists()
    )


def can_register_as_individual(user, workshop) -> bool:
    return may_join_without_organisation(user, workshop)


def can_register_for_initiative(user, workshop, organisation) -> bool:
    """Members of a founding initiative (a pending organisation) register themselves for it."""
    return (
        may_join_without_organisation(user, workshop)
        and organisation.status == "pending"
        and active_membership(user, organisation) is not None
    )


# Registrations -------------------------------------------------------------------------------


def registrations_visible_q(user) -> Q | None:
    """The participant, who registered them, admins of their organisation, the workshop's
    trainer, and qualification staff. ``None``: nothing."""
    if not user.is_authenticated:
        return None
    if is_qualification_staff(user):
        return Q()
    admin_orgs = Membership.objects.filter(
        user=user, role=Membership.Role.ADMIN, status=Membership.Status.ACTIVE
    ).values("organisation_id")
    return (
        Q(participant=user)
        | Q(registered_by=user)
        | Q(organisation_id__in=admin_orgs)
        | Q(workshop__trainer=user)
    )


def can_cancel_registration(user, registration) -> bool:
    if not user.is_authenticated or not registration.is_active:
        return False
    return (
        registration.participant_id == user.pk
        or registration.registered_by_id == user.pk
        or (
            registration.organisation is not None
            and is_organisation_admin(user, registration.organisation)
        )
        or can_manage_workshop(user, registration.workshop)
    )


def can_give_feedback(user, registration) -> bool:
    return (
        user.is_authenticated
        and registration.participant_id == user.pk
        and registration.attended is True
    )


def can_view_certificate(user, registration) -> bool:
    """The attendee, admins of their organisation, the trainer, and qualification staff."""
    if not user.is_authenticated or registration.attended is not True:
        return False
    return (
        registration.participant_id == user.pk
        or (
            registration.organisation is not None
            and is_organisation_admin(user, registration.organisation)
        )
        or registration.workshop.trainer_id == user.pk
        or is_qualification_staff(user)
    )


# Coaching ------------------------------------------------------------------------------------


def can_log_coaching(user) -> bool:
    return is_qualification_staff(user)


def can_edit_coaching_session(user, session) -> bool:
    return is_qualification_staff(user) and (session.consultant_id == user.pk or is_lead(user))


def coaching_cases_visible_q(user) -> Q:
    """A coaching case (and its messages): the qualification staff, and the active members of
    the organisation in coaching. Never another organisation's members, nor other staff."""
    if is_qualification_staff(user):
        return Q()
    if not user.is_authenticated:
        return Q(pk__in=[])
    return Q(
        organisation__in=Membership.objects.filter(
            user=user, status=Membership.Status.ACTIVE
        ).values("organisation")
    )


def can_view_confidential_notes(user) -> bool:
    """Confidential notes: consultants and project leads only, never organisation members."""
    return is_qualification_staff(user)
