"""The volunteer service desk's events on an organisation's activity timeline."""

from django.urls import reverse
from django.utils.translation import gettext as _

from ikmo.subprojects import SubProject
from organisations.timeline import LIMIT, TimelineEvent, newest

from . import permissions
from .models import Consultation, Placement, PlacementStatus, RecognitionDocument, StatusChange

SP = SubProject.VOLUNTEERING


def volunteering_events(organisation, user, limit=LIMIT):
    """Status changes, consultations, documents and placements, in four queries.

    Members see that a consultation took place and its topic; the outcome stays with the desk.
    Volunteers are never named here: the timeline is wider than the placement's audience.
    """
    if not permissions.can_view_profile(user, organisation):
        return
    staff = permissions.is_desk_staff(user)
    org_url = reverse("volunteering:organisation", args=[organisation.pk])
    changes = StatusChange.objects.filter(profile__organisation=organisation)
    for change in newest(changes, "changed_at", limit=limit):
        yield TimelineEvent(
            when=change.changed_at,
            title=_("Volunteer services: %(status)s") % {"status": change.get_to_status_display()},
            subproject=SP,
            detail=change.note,
            url=org_url,
        )
    consultations = Consultation.objects.filter(organisation=organisation)
    for consultation in newest(consultations, "held_on", limit=limit):
        yield TimelineEvent(
            when=consultation.held_on,
            title=_("Consultation on volunteer services: %(topic)s")
            % {"topic": consultation.topic},
            subproject=SP,
            detail=consultation.next_step if staff else "",
            url=org_url,
        )
    documents = RecognitionDocument.objects.filter(profile__organisation=organisation)
    for document in newest(documents, "uploaded_at", limit=limit):
        yield TimelineEvent(
            when=document.uploaded_at,
            title=_("Recognition document uploaded: %(title)s") % {"title": document.title},
            subproject=SP,
            url=org_url,
        )
    # A union, not an OR across the join: each half uses its own index.
    placements = (
        Placement.objects.filter(site=organisation)
        .exclude(status=PlacementStatus.CANCELLED)
        .only("pk", "service_type", "start_date", "site_id")
        .order_by()
        .union(
            Placement.objects.filter(contingent__carrier=organisation)
            .exclude(status=PlacementStatus.CANCELLED)
            .only("pk", "service_type", "start_date", "site_id")
            .order_by()
        )
    )
    for placement in newest(placements, "start_date", limit=limit):
        yield TimelineEvent(
            when=placement.start_date,
            title=_("%(service)s placement %(ref)s begins")
            % {"service": placement.service_type.upper(), "ref": placement},
            subproject=SP,
            url=placement.get_absolute_url(),
        )
