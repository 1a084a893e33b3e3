from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404

from . import permissions
from .models import Membership, Organisation


def organisations_for_user(user):
    """Every organisation the user may see: all for centre staff, their own for members."""
    qs = Organisation.objects.all()
    if permissions.is_centre_staff(user):
        return qs
    if not user.is_authenticated:
        return qs.none()
    return qs.filter(
        memberships__user=user, memberships__status=Membership.Status.ACTIVE
    ).distinct()


_ACTIONS = {
    "view": permissions.can_view_organisation,
    "edit": permissions.can_edit_organisation,
    "members": permissions.can_manage_members,
}


def get_organisation_for_user(user, pk, *, action: str = "view") -> Organisation:
    """The one lookup every organisation view uses.

    Organisations the user may not see answer 404 (their existence is not revealed);
    visible ones the user may not change answer 403.
    """
    try:
        organisation = Organisation.objects.select_related("district").get(pk=int(pk))
    except (Organisation.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not permissions.can_view_organisation(user, organisation):
        raise Http404
    if not _ACTIONS[action](user, organisation):
        raise PermissionDenied
    return organisation


def memberships_of(user):
    return (
        Membership.objects.filter(user=user)
        .exclude(status=Membership.Status.REJECTED)
        .select_related("organisation", "organisation__district")
        .order_by("organisation__name")
    )


def pending_registrations():
    return (
        Organisation.objects.filter(status=Organisation.Status.PENDING)
        .with_lists()
        .annotate(member_count=Count("memberships"))
        .order_by("created_at")
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
