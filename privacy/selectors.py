"""Reads of the data protection app; one lookup helper per object."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from organisations.models import Membership, Organisation, User

from . import permissions
from .models import ConsentRecord, DataExport, ErasureRequest, SitePage


def get_export_for_user(user, pk) -> DataExport:
    """The one lookup for status pages and downloads; 404 for anyone not allowed."""
    export = get_object_or_404(
        DataExport.objects.select_related("person", "organisation", "requested_by"), pk=pk
    )
    if not permissions.can_view_export(user, export):
        raise Http404
    return export


def consents_withdrawable_by(user):
    """The consents this person may withdraw (permissions.can_withdraw_consent)."""
    return ConsentRecord.objects.filter(permissions.withdrawable_consents_q(user)).select_related(
        "person"
    )


def people_for(user):
    """Everyone, for privacy admins (the people pages); nobody for anyone else."""
    if not permissions.is_privacy_admin(user):
        return User.objects.none()
    return User.objects.order_by("email")


def consents_of(person):
    return ConsentRecord.objects.filter(person=person).select_related("organisation")


def person_exports_of(person):
    return DataExport.objects.filter(scope=DataExport.Scope.PERSON, person=person)[:10]


def administered_organisations(user):
    """Organisations whose data this person may export as their admin."""
    return Organisation.objects.filter(
        memberships__user=user,
        memberships__role=Membership.Role.ADMIN,
        memberships__status=Membership.Status.ACTIVE,
    ).order_by("name")


def organisation_exports_for(user, organisations):
    """Only exports the user may download (see permissions.can_view_export)."""
    exports = DataExport.objects.filter(
        scope=DataExport.Scope.ORGANISATION, organisation__in=organisations
    )
    if not permissions.is_privacy_admin(user):
        exports = exports.filter(requested_by=user)
    return exports.select_related("organisation").order_by("-created_at")[:20]


def open_erasure_request(person):
    return ErasureRequest.objects.filter(
        person=person, status=ErasureRequest.Status.REQUESTED
    ).first()


def erasure_requests():
    return ErasureRequest.objects.select_related("person", "handled_by")


def site_page(slug: str) -> SitePage:
    return get_object_or_404(SitePage, slug=slug)
