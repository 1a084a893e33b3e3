"""Who may do what with an organisation. Plain predicates; views and selectors use these only."""

from django.db.models import Q

from .models import Membership, NetworkMembership, Organisation, StaffRole


def active_membership(user, organisation: Organisation) -> Membership | None:
    if not user.is_authenticated:
        return None
    # Cached per request on the user, so a page asking several predicates costs one query.
    cache = user.__dict__.setdefault("_membership_cache", {})
    if organisation.pk not in cache:
        cache[organisation.pk] = Membership.objects.filter(
            user=user, organisation=organisation, status=Membership.Status.ACTIVE
        ).first()
    return cache[organisation.pk]


def _active_roles(user) -> dict[int, str]:
    """{organisation id: role} of the person's active memberships: one query per request,
    kept on the user, for every sub-project that filters by "the person's organisations"."""
    if not user.is_authenticated:
        return {}
    roles = user.__dict__.get("_active_membership_roles")
    if roles is None:
        roles = dict(
            Membership.objects.filter(user=user, status=Membership.Status.ACTIVE).values_list(
                "organisation_id", "role"
            )
        )
        user.__dict__["_active_membership_roles"] = roles
    return roles


def active_organisation_ids(user) -> frozenset[int]:
    """The organisations the person is an active member of."""
    return frozenset(_active_roles(user))


def admin_organisation_ids(user) -> frozenset[int]:
    """The organisations the person is an active admin of."""
    return frozenset(
        pk for pk, role in _active_roles(user).items() if role == Membership.Role.ADMIN
    )


def is_centre_staff(user) -> bool:
    return user.is_authenticated and user.is_active and user.is_centre_staff


def is_project_lead(user, subproject: str | None = None) -> bool:
    return user.is_authenticated and (
        user.is_portal_admin or user.has_staff_role(StaffRole.Role.PROJECT_LEAD, subproject)
    )


def can_view_organisation(user, organisation: Organisation) -> bool:
    return is_centre_staff(user) or active_membership(user, organisation) is not None


def visible_q(user) -> Q:
    """can_view_organisation as a filter on organisations, for selectors."""
    if is_centre_staff(user):
        return Q()
    if not user.is_authenticated:
        return Q(pk__in=[])
    return Q(
        pk__in=Membership.objects.filter(user=user, status=Membership.Status.ACTIVE).values(
            "organisation"
        )
    )


def is_organisation_admin(user, organisation: Organisation) -> bool:
    membership = active_membership(user, organisation)
    return membership is not None and membership.role == Membership.Role.ADMIN


def can_edit_organisation(user, organisation: Organisation) -> bool:
    return is_organisation_admin(user, organisation) or is_project_lead(user)


def can_manage_members(user, organisation: Organisation) -> bool:
    return is_organisation_admin(user, organisation) or (
        user.is_authenticated and user.is_portal_admin
    )


def can_decide_registrations(user) -> bool:
    return is_project_lead(user)


def can_browse_directory(user) -> bool:
    return is_centre_staff(user)


def can_record_outcomes(user) -> bool:
    """Outcomes (an e.V. founded, outside funding won) are the centre's own evaluation: staff
    record and see them; the organisation's members do not."""
    return is_centre_staff(user)


# --- networks and the contact at the centre -------------------------------------------------


def can_request_network_membership(user, organisation: Organisation) -> bool:
    """The organisation's admins ask to join a network on its behalf; centre staff record a
    membership they know of directly (services.network_membership_record)."""
    return is_organisation_admin(user, organisation) or is_centre_staff(user)


def can_answer_network_request(user, membership: NetworkMembership) -> bool:
    """The network's admins confirm or decline who joins it; so may centre staff."""
    return is_organisation_admin(user, membership.network) or is_centre_staff(user)


def can_end_network_membership(user, membership: NetworkMembership) -> bool:
    """Either side may end it (the member leaves, the network removes it), and centre staff."""
    return (
        is_organisation_admin(user, membership.member)
        or is_organisation_admin(user, membership.network)
        or is_centre_staff(user)
    )


def can_assign_centre_contact(user) -> bool:
    """Project leads (and admins) decide who at the centre looks after an organisation."""
    return is_project_lead(user)


def can_be_centre_contact(user) -> bool:
    """Only the centre's consultants, project leads and admins can be an organisation's contact."""
    return is_centre_staff(user)


# --- the public directory and competence map ---------------------------------------------


def listed_q(prefix: str = "") -> Q:
    """Organisations shown to the public: approved, and an admin's consent to the listing on
    record and not withdrawn. The one rule for the public pages, the map and the API."""
    return Q(
        **{
            f"{prefix}status": Organisation.Status.APPROVED,
            f"{prefix}public_profile__consent__isnull": False,
            f"{prefix}public_profile__consent__withdrawn_at__isnull": True,
        }
    )


def can_manage_public_profile(user, organisation: Organisation) -> bool:
    """Consent to the listing is the organisation's to give: its admins (and portal admins,
    who correct what an organisation asks them to)."""
    return is_organisation_admin(user, organisation) or (
        user.is_authenticated and user.is_portal_admin
    )


def contact_organisations_of(user):
    """The approved organisations a person may ask for contact on behalf of."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.approved().filter(
        memberships__user=user, memberships__status=Membership.Status.ACTIVE
    )


def can_ask_for_contact(user, organisation: Organisation) -> bool:
    """Members of an approved organisation other than the listed one."""
    return (
        user.is_authenticated
        and user.is_active
        and contact_organisations_of(user).exclude(pk=organisation.pk).exists()
    )
