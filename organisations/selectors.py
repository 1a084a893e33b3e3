from django.db.models import Count, Q
from django.http import Http404

from ikmo.viewtools import get_visible_or_404, require

from . import permissions
from .models import Membership, NetworkMembership, Organisation, Outcome, StaffRole, User


def translated_names(objects, relation: str) -> dict[int, list[str]]:
    """The names (current language, in the reference data's order) that many objects of one
    model have in a many-to-many ``relation`` to a TranslatedName table (topics, languages,
    fields of work), by object pk: one query, reading the link table joined to the names,
    without an object or related manager per row (timelines and lists of hundreds)."""
    objects = list(objects)
    if not objects:
        return {}
    field = type(objects[0])._meta.get_field(relation)
    owner, target = field.m2m_field_name(), field.m2m_reverse_field_name()
    names_model = field.related_model
    links = (
        field.remote_field.through.objects.filter(**{f"{owner}__in": [o.pk for o in objects]})
        .order_by(*(f"{target}__{column}" for column in names_model._meta.ordering))
        .values_list(f"{owner}_id", f"{target}__{names_model.name_field()}")
    )
    names: dict[int, list[str]] = {}
    for owner_id, name in links:
        names.setdefault(owner_id, []).append(name)
    return names


def organisations_for_user(user):
    """Every organisation the user may see: all for centre staff, their own for members."""
    return Organisation.objects.filter(permissions.visible_q(user))


# What a person wants to do with an organisation they can see; seeing it is the lookup.
_ACTIONS = {
    "view": None,
    "edit": permissions.can_edit_organisation,
    "members": permissions.can_manage_members,
    "outcomes": lambda user, _organisation: permissions.can_record_outcomes(user),
    "networks": permissions.can_request_network_membership,
    "contact": lambda user, _organisation: permissions.can_assign_centre_contact(user),
    "public_profile": permissions.can_manage_public_profile,
}


def get_organisation_for_user(user, pk, *, action: str = "view") -> Organisation:
    """The one lookup every organisation view uses.

    Organisations the user may not see answer 404 (their existence is not revealed);
    visible ones the user may not change answer 403.
    """
    try:
        pk = int(pk)
    except (ValueError, TypeError):
        raise Http404 from None
    organisation = get_visible_or_404(
        organisations_for_user(user).select_related("district", "centre_contact"), pk=pk
    )
    if _ACTIONS[action] is not None:
        require(_ACTIONS[action](user, organisation))
    return organisation


def memberships_of(user):
    return (
        Membership.objects.filter(user=user)
        .exclude(status=Membership.Status.REJECTED)
        .select_related("organisation", "organisation__district", "organisation__centre_contact")
        .order_by("organisation__name")
    )


def pending_registrations():
    """The registrations to decide, oldest first, with what the queue shows of each. (A
    count of members here grouped every pending organisation's memberships for each page,
    and its count; nothing showed it.)"""
    return (
        Organisation.objects.filter(status=Organisation.Status.PENDING)
        .select_related("district")
        .prefetch_related("fields_of_work")
        .order_by("created_at", "pk")
    )


def members_of(organisation: Organisation):
    return (
        Membership.objects.filter(organisation=organisation)
        .exclude(status=Membership.Status.REJECTED)
        .select_related("user")
        .order_by("status", "-role", "user__email")
    )


def joinable_organisations(*, user, query: str):
    """Approved organisations matching the name, excluding those the user is linked to."""
    if len(query.strip()) < 2:
        return Organisation.objects.none()
    return (
        Organisation.objects.approved()
        .filter(Q(name__icontains=query.strip()))
        .exclude(memberships__user=user)
        .select_related("district")
        .order_by("name")[:20]
    )


def active_admin_count(organisation: Organisation) -> int:
    return Membership.objects.filter(
        organisation=organisation, role=Membership.Role.ADMIN, status=Membership.Status.ACTIVE
    ).count()


def outcomes_of(organisation: Organisation, user):
    """The organisation's outcomes, newest first: for staff only (none for anyone else)."""
    if not permissions.can_record_outcomes(user):
        return Outcome.objects.none()
    return Outcome.objects.filter(organisation=organisation)


def get_outcome_for_user(user, organisation_pk, pk) -> Outcome:
    organisation = get_organisation_for_user(user, organisation_pk, action="outcomes")
    return get_visible_or_404(outcomes_of(organisation, user), pk=pk)


# --- networks and the contact at the centre -------------------------------------------------


def networks():
    """Organisations another may join: approved, of the network kind."""
    return Organisation.objects.approved().filter(kind=Organisation.Kind.NETWORK)


def network_members_of(network: Organisation):
    """The organisations in a network (confirmed), by name, for a paginated list."""
    return (
        NetworkMembership.objects.filter(network=network, status=NetworkMembership.Status.ACTIVE)
        .select_related("member", "member__district")
        .order_by("member__name", "pk")
    )


def network_requests_to(network: Organisation):
    """Requests waiting for the network's answer, oldest first."""
    return (
        NetworkMembership.objects.filter(network=network, status=NetworkMembership.Status.PENDING)
        .select_related("member", "requested_by")
        .order_by("created_at", "pk")
    )


def networks_of(organisation: Organisation):
    """The networks an organisation belongs to or has asked to join (declined ones not)."""
    return (
        NetworkMembership.objects.filter(member=organisation)
        .exclude(status=NetworkMembership.Status.DECLINED)
        .select_related("network")
        .order_by("network__name", "pk")
    )


def get_network_membership_for_user(user, pk, membership_pk) -> NetworkMembership:
    """A network membership seen from organisation ``pk`` (its network or its member): 404
    for anything outside organisations the user may see."""
    organisation = get_organisation_for_user(user, pk)
    try:
        membership_pk = int(membership_pk)
    except (ValueError, TypeError):
        raise Http404 from None
    return get_visible_or_404(
        NetworkMembership.objects.filter(
            Q(network=organisation) | Q(member=organisation)
        ).select_related("network", "member"),
        pk=membership_pk,
    )


def centre_staff_users():
    """Who can be an organisation's contact at the centre: active consultants, project leads
    and portal admins (permissions.can_be_centre_contact, as a query)."""
    return User.objects.filter(is_active=True).filter(
        Q(is_superuser=True)
        | Q(
            pk__in=StaffRole.objects.filter(
                role__in=[
                    StaffRole.Role.CONSULTANT,
                    StaffRole.Role.PROJECT_LEAD,
                    StaffRole.Role.ADMIN,
                ]
            ).values("user")
        )
    )


# --- the public directory and competence map ---------------------------------------------


def listed_organisations():
    """The organisations the public sees, with what a list row shows."""
    from django.db.models import Prefetch

    from .models import FieldOfWork, SpokenLanguage

    return (
        Organisation.objects.filter(permissions.listed_q())
        .select_related("public_profile", "district")
        .prefetch_related(
            Prefetch("fields_of_work", queryset=FieldOfWork.objects.all()),
            Prefetch("languages", queryset=SpokenLanguage.objects.all()),
        )
        .order_by("name", "pk")
    )


def get_listed_organisation(pk) -> Organisation:
    """A listed organisation, or a 404 (unlisted, pending, withdrawn: as if none existed)."""
    try:
        pk = int(pk)
    except (ValueError, TypeError):
        raise Http404 from None
    return get_visible_or_404(listed_organisations(), pk=pk)


def district_counts() -> list:
    """Berlin's districts, each with `listed`: how many listed organisations show that
    district (the competence map).

    Counted from the listed organisations (a few thousand profiles with consent) with inner
    joins, then set on the districts: counting through the districts joins every
    organisation of the registry (3x slower at 20,000 organisations).
    """
    from .models import District

    counts = dict(
        Organisation.objects.filter(permissions.listed_q(), public_profile__show_district=True)
        .order_by()
        .values_list("district")
        .annotate(n=Count("pk"))
    )
    districts = list(District.objects.order_by("name"))
    for district in districts:
        district.listed = counts.get(district.pk, 0)
    return districts


def public_profile_of(organisation: Organisation):
    from .models import PublicProfile

    return PublicProfile.objects.filter(organisation=organisation).select_related("consent").first()
