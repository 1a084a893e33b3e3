"""Who may do what at the volunteer service desk. Plain predicates; views and selectors use these.

Desk staff are portal admins and the consultants and project leads whose role covers this
sub-project; other centre staff (e.g. workshop trainers) see no volunteer data. An
organisation's members see their own organisation's status, documents and the placements
at their site (or carried by their organisation), never anyone else's.
"""

from ikmo.subprojects import SubProject
from organisations.models import Membership, StaffRole


def is_desk_staff(user) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_portal_admin or any(
        user.has_staff_role(role, SubProject.VOLUNTEERING)
        for role in (StaffRole.Role.CONSULTANT, StaffRole.Role.PROJECT_LEAD)
    )


def is_desk_lead(user) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and (
            user.is_portal_admin
            or user.has_staff_role(StaffRole.Role.PROJECT_LEAD, SubProject.VOLUNTEERING)
        )
    )


def organisation_ids(user) -> frozenset[int]:
    """Organisations the person is an active member of, loaded once per request."""
    if not user.is_authenticated:
        return frozenset()
    cached = user.__dict__.get("_volunteering_org_ids")
    if cached is None:
        cached = frozenset(
            Membership.objects.filter(user=user, status=Membership.Status.ACTIVE).values_list(
                "organisation_id", flat=True
            )
        )
        user.__dict__["_volunteering_org_ids"] = cached
    return cached


def admin_organisation_ids(user) -> frozenset[int]:
    if not user.is_authenticated:
        return frozenset()
    cached = user.__dict__.get("_volunteering_admin_org_ids")
    if cached is None:
        cached = frozenset(
            Membership.objects.filter(
                user=user, status=Membership.Status.ACTIVE, role=Membership.Role.ADMIN
            ).values_list("organisation_id", flat=True)
        )
        user.__dict__["_volunteering_admin_org_ids"] = cached
    return cached


# Organisations' status and documents


def can_view_profile(user, organisation) -> bool:
    return is_desk_staff(user) or organisation.pk in organisation_ids(user)


def can_change_status(user, organisation=None) -> bool:
    return is_desk_staff(user)


def can_upload_document(user, organisation) -> bool:
    return is_desk_staff(user) or organisation.pk in admin_organisation_ids(user)


def can_view_document(user, document) -> bool:
    return is_desk_staff(user) or document.profile.organisation_id in organisation_ids(user)


def can_delete_document(user, document) -> bool:
    return is_desk_staff(user)


# Consultations are the desk's working notes.


def can_log_consultation(user) -> bool:
    return is_desk_staff(user)


def can_view_consultation(user, consultation) -> bool:
    return is_desk_staff(user)


# Contingents


def can_view_contingents(user) -> bool:
    return is_desk_staff(user)


def can_manage_contingents(user) -> bool:
    return is_desk_lead(user)


# Placements and seminars


def can_view_placement(user, placement) -> bool:
    if is_desk_staff(user):
        return True
    orgs = organisation_ids(user)
    return placement.site_id in orgs or placement.contingent.carrier_id in orgs


def can_manage_placements(user) -> bool:
    return is_desk_staff(user)


def can_view_seminar(user, seminar) -> bool:
    return is_desk_staff(user) or seminar.carrier_id in organisation_ids(user)


def can_manage_seminars(user) -> bool:
    return is_desk_staff(user)
