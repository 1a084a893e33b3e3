"""Who may do what at the volunteer service desk. Plain predicates; views and selectors use these.

Desk staff are portal admins and the consultants and project leads whose role covers this
sub-project; other centre staff (e.g. workshop trainers) see no volunteer data. An
organisation's members see their own organisation's status, documents and the placements
at their site (or carried by their organisation), never anyone else's.

Who may *see* a record is written once here, as a ``..._q(user)`` filter that the selectors
apply to lists and lookups alike (a record outside it answers 404); the ``can_...``
predicates decide what a person may *do* with a record they see (403).
"""

from django.db.models import Q

from ikmo.subprojects import SubProject
from organisations.models import StaffRole
from organisations.permissions import active_organisation_ids, admin_organisation_ids

NOTHING = Q(pk__in=[])


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


# Organisations' status and documents


def can_view_profile(user, organisation) -> bool:
    return is_desk_staff(user) or organisation.pk in active_organisation_ids(user)


def organisations_visible_q(user, prefix: str = "") -> Q:
    """`can_view_profile` as a filter on organisations (or, with ``prefix``, on a relation)."""
    if is_desk_staff(user):
        return Q()
    return Q(**{f"{prefix}pk__in": active_organisation_ids(user)})


def can_register_interest(user, organisation) -> bool:
    """The desk, or an admin of the organisation, announces its interest."""
    return is_desk_staff(user) or organisation.pk in admin_organisation_ids(user)


def can_change_status(user, organisation) -> bool:
    return is_desk_staff(user)


def can_upload_document(user, organisation) -> bool:
    return is_desk_staff(user) or organisation.pk in admin_organisation_ids(user)


def documents_visible_q(user) -> Q:
    """Recognition documents: the desk, and the members of the organisation they belong to."""
    return organisations_visible_q(user, prefix="profile__organisation__")


def can_delete_document(user, document) -> bool:
    return is_desk_staff(user)


# Consultations are the desk's working notes.


def can_log_consultation(user) -> bool:
    return is_desk_staff(user)


def consultations_visible_q(user) -> Q:
    """Consultations: the desk only."""
    return Q() if is_desk_staff(user) else NOTHING


# Contingents


def can_view_contingents(user) -> bool:
    return is_desk_staff(user)


def contingents_visible_q(user) -> Q:
    """`can_view_contingents` as a filter."""
    return Q() if can_view_contingents(user) else NOTHING


def can_manage_contingents(user) -> bool:
    return is_desk_lead(user)


# Placements and seminars


def placements_visible_q(user) -> Q:
    """Placements: the desk, and the members of the site or of the carrier."""
    if is_desk_staff(user):
        return Q()
    orgs = active_organisation_ids(user)
    return Q(site_id__in=orgs) | Q(contingent__carrier_id__in=orgs)


def can_manage_placements(user) -> bool:
    return is_desk_staff(user)


def seminars_visible_q(user) -> Q:
    """Seminars: the desk, and the members of the carrier that runs them."""
    if is_desk_staff(user):
        return Q()
    return Q(carrier_id__in=active_organisation_ids(user))


def can_view_seminars(user) -> bool:
    """The seminar list: the desk, and members of any organisation (they see their carrier's)."""
    return is_desk_staff(user) or bool(active_organisation_ids(user))


def can_manage_seminars(user) -> bool:
    return is_desk_staff(user)
