"""Reads shared by views, reminders, the timeline and the indicators.

Every object view goes through one `get_..._for_user` helper: objects the person may not
see answer 404 (their existence is not revealed), visible ones they may not change 403.
"""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, Max, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from organisations.models import Organisation

from . import permissions, rules
from .models import (
    PLACE_USING_STATUSES,
    Consultation,
    Contingent,
    Placement,
    PlacementStatus,
    RecognitionDocument,
    Seminar,
    SeminarAttendance,
    ServiceProfile,
    SiteStatus,
)


def _int_pk(pk) -> int:
    try:
        return int(pk)
    except (TypeError, ValueError):
        raise Http404 from None


# Organisations


def profiles_for_user(user):
    qs = ServiceProfile.objects.select_related("organisation", "organisation__district", "carrier")
    if permissions.is_desk_staff(user):
        return qs
    return qs.filter(organisation_id__in=permissions.organisation_ids(user))


def profiles_overview(user, *, status: str = ""):
    """The desk's list of organisations, with counts, in a fixed number of queries."""
    last_consultation = (
        Consultation.objects.filter(organisation_id=OuterRef("organisation_id"))
        .order_by()
        .values("organisation_id")
        .annotate(last=Max("held_on"))
        .values("last")
    )
    placements = (
        Placement.objects.filter(
            site_id=OuterRef("organisation_id"), status__in=PLACE_USING_STATUSES
        )
        .order_by()
        .values("site_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    qs = profiles_for_user(user).annotate(
        last_consultation=Subquery(last_consultation),
        placement_count=Coalesce(Subquery(placements, output_field=IntegerField()), Value(0)),
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("organisation__name")


def get_organisation_for_user(user, pk, *, action: str = "view") -> Organisation:
    try:
        organisation = Organisation.objects.select_related("district").get(pk=_int_pk(pk))
    except Organisation.DoesNotExist:
        raise Http404 from None
    if not permissions.can_view_profile(user, organisation):
        raise Http404
    allowed = {
        "view": lambda: True,
        "status": lambda: permissions.can_change_status(user, organisation),
        "upload": lambda: permissions.can_upload_document(user, organisation),
        "consult": lambda: permissions.can_log_consultation(user),
    }[action]
    if not allowed():
        raise PermissionDenied
    return organisation


def profile_of(organisation) -> ServiceProfile | None:
    return (
        ServiceProfile.objects.select_related("carrier").filter(organisation=organisation).first()
    )


def placement_site_choices():
    return (
        Organisation.objects.filter(
            volunteer_profile__status__in=[SiteStatus.RECOGNISED, SiteStatus.CARRIER]
        )
        .select_related("volunteer_profile")
        .order_by("name")
    )


def carrier_choices():
    return Organisation.objects.filter(volunteer_profile__status=SiteStatus.CARRIER).order_by(
        "name"
    )


def get_document_for_user(user, pk, *, action: str = "view") -> RecognitionDocument:
    try:
        document = RecognitionDocument.objects.select_related("profile__organisation").get(
            pk=_int_pk(pk)
        )
    except RecognitionDocument.DoesNotExist:
        raise Http404 from None
    if not permissions.can_view_document(user, document):
        raise Http404
    if action == "delete" and not permissions.can_delete_document(user, document):
        raise PermissionDenied
    return document


# Consultations


def consultations_for_user(user):
    if not permissions.is_desk_staff(user):
        return Consultation.objects.none()
    return Consultation.objects.select_related("organisation", "consultant")


def follow_ups_due(user, *, today: date, days: int = 14):
    return (
        consultations_for_user(user)
        .filter(follow_up_on__isnull=False, follow_up_on__lte=today + timedelta(days=days))
        .filter(follow_up_on__gte=today - timedelta(days=30))
        .order_by("follow_up_on")
    )


def get_consultation_for_user(user, pk) -> Consultation:
    try:
        consultation = Consultation.objects.select_related("organisation", "consultant").get(
            pk=_int_pk(pk)
        )
    except Consultation.DoesNotExist:
        raise Http404 from None
    if not permissions.can_view_consultation(user, consultation):
        raise Http404
    return consultation


# Contingents


def places_used(contingent: Contingent) -> int:
    return contingent.placements.filter(status__in=PLACE_USING_STATUSES).count()


def contingents_overview(user, *, year: int | None = None):
    if not permissions.can_view_contingents(user):
        return Contingent.objects.none()
    qs = Contingent.objects.select_related("carrier").annotate(
        used=Count("placements", filter=Q(placements__status__in=PLACE_USING_STATUSES))
    )
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "carrier__name", "service_type")


def get_contingent_for_user(user, pk) -> Contingent:
    if not permissions.can_view_contingents(user):
        raise Http404
    try:
        contingent = Contingent.objects.select_related("carrier").get(pk=_int_pk(pk))
    except Contingent.DoesNotExist:
        raise Http404 from None
    if not permissions.can_manage_contingents(user):
        raise PermissionDenied
    return contingent


# Placements


def _with_seminar_days(qs):
    return qs.annotate(
        seminar_days=Coalesce(
            Sum("attendances__days_attended"), Value(0), output_field=IntegerField()
        )
    )


def placements_for_user(user):
    qs = Placement.objects.select_related("volunteer", "site", "contingent__carrier")
    if not permissions.is_desk_staff(user):
        orgs = permissions.organisation_ids(user)
        qs = qs.filter(Q(site_id__in=orgs) | Q(contingent__carrier_id__in=orgs))
    return _with_seminar_days(qs).order_by("-start_date", "-pk")


def get_placement_for_user(user, pk, *, action: str = "view") -> Placement:
    try:
        placement = _with_seminar_days(
            Placement.objects.select_related("volunteer", "site", "contingent__carrier")
        ).get(pk=_int_pk(pk))
    except Placement.DoesNotExist:
        raise Http404 from None
    if not permissions.can_view_placement(user, placement):
        raise Http404
    if action == "manage" and not permissions.can_manage_placements(user):
        raise PermissionDenied
    return placement


def progress_of(placement: Placement, *, today: date) -> rules.SeminarProgress:
    """Seminar days against the requirement; the placement must carry `seminar_days`."""
    attended = getattr(placement, "seminar_days", None)
    if attended is None:
        attended = placement.attendances.aggregate(n=Sum("days_attended"))["n"] or 0
    return rules.seminar_progress(
        service_type=placement.service_type,
        start=placement.start_date,
        end=placement.effective_end,
        birth_year=placement.volunteer.birth_year,
        attended=attended,
        today=today,
    )


def with_progress(placements, *, today: date) -> list[Placement]:
    rows = list(placements)
    for placement in rows:
        placement.progress = progress_of(placement, today=today)
    return rows


def placements_ending_between(start: date, end: date):
    return Placement.objects.filter(
        status__in=[PlacementStatus.PLANNED, PlacementStatus.ACTIVE],
        end_date__gte=start,
        end_date__lte=end,
    ).select_related("volunteer", "site", "contingent__carrier")


def active_placements():
    return _with_seminar_days(
        Placement.objects.filter(status=PlacementStatus.ACTIVE).select_related(
            "volunteer", "site", "contingent__carrier"
        )
    ).order_by("end_date", "pk")


# Seminars


def seminars_for_user(user):
    qs = (
        Seminar.objects.select_related("carrier")
        .annotate(participants=Count("attendances", distinct=True))
        .order_by("-start_date", "-pk")
    )
    if permissions.is_desk_staff(user):
        return qs
    return qs.filter(carrier_id__in=permissions.organisation_ids(user))


def get_seminar_for_user(user, pk, *, action: str = "view") -> Seminar:
    try:
        seminar = Seminar.objects.select_related("carrier").get(pk=_int_pk(pk))
    except Seminar.DoesNotExist:
        raise Http404 from None
    if not permissions.can_view_seminar(user, seminar):
        raise Http404
    if action == "manage" and not permissions.can_manage_seminars(user):
        raise PermissionDenied
    return seminar


def placements_for_seminar(seminar: Seminar):
    """Placements that can attend: same carrier and service, running on the seminar's dates."""
    qs = Placement.objects.filter(
        contingent__carrier=seminar.carrier,
        status__in=[
            PlacementStatus.PLANNED,
            PlacementStatus.ACTIVE,
            PlacementStatus.FINISHED,
            PlacementStatus.ENDED_EARLY,
        ],
        start_date__lte=seminar.end_date,
        end_date__gte=seminar.start_date,
    )
    if seminar.service_type:
        qs = qs.filter(service_type=seminar.service_type)
    return qs.select_related("volunteer", "site").order_by(
        "volunteer__last_name", "volunteer__first_name", "pk"
    )


def attendance_by_placement(seminar: Seminar) -> dict[int, SeminarAttendance]:
    return {a.placement_id: a for a in seminar.attendances.all()}


def volunteer_export(volunteer) -> dict:
    """Everything stored about one volunteer, for a request for access (Art. 15 GDPR)."""
    placements = volunteer.placements.select_related(
        "site", "contingent__carrier"
    ).prefetch_related("attendances__seminar")
    return {
        "volunteer": {
            "first_name": volunteer.first_name,
            "last_name": volunteer.last_name,
            "email": volunteer.email,
            "birth_year": volunteer.birth_year,
            "migration_background": volunteer.migration_background,
            "migration_background_consent": volunteer.migration_background_consent,
            "consent_given_on": volunteer.consent_given_on.isoformat(),
            "consent_text_version": volunteer.consent_text_version,
            "anonymised_at": volunteer.anonymised_at.isoformat()
            if volunteer.anonymised_at
            else None,
        },
        "placements": [
            {
                "reference": str(p),
                "site": p.site.name,
                "carrier": p.contingent.carrier.name,
                "service_type": p.service_type,
                "start_date": p.start_date.isoformat(),
                "end_date": p.end_date.isoformat(),
                "ended_on": p.ended_on.isoformat() if p.ended_on else None,
                "weekly_hours": str(p.weekly_hours),
                "status": p.status,
                "mentor_name": p.mentor_name,
                "end_reason": p.end_reason,
                "seminar_days": [
                    {
                        "seminar": a.seminar.title,
                        "start_date": a.seminar.start_date.isoformat(),
                        "days_attended": a.days_attended,
                    }
                    for a in p.attendances.all()
                ],
            }
            for p in placements
        ],
    }
