"""Reads shared by views, reminders, the timeline and the indicators.

Views look records up in the ``..._visible_to(user)`` querysets (ikmo.viewtools.
get_visible_or_404): objects the person may not see answer 404 (their existence is not
revealed); then a predicate from permissions.py decides the action (403). The querysets
filter with the ``..._q`` rules that sit next to those predicates.
"""

from datetime import date, timedelta

from django.db.models import Count, IntegerField, Max, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from ikmo.queries import count_of
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

# Organisations


def profiles_for_user(user):
    return ServiceProfile.objects.select_related(
        "organisation", "organisation__district", "carrier"
    ).filter(permissions.organisations_visible_q(user, prefix="organisation__"))


def profile_status_counts() -> dict[str, int]:
    """{status: number of organisations} for the desk's overview."""
    return dict(ServiceProfile.objects.values_list("status").annotate(n=Count("pk")).order_by())


def organisations_open_for_interest(user):
    """Organisations the person administers that have not announced interest yet."""
    return Organisation.objects.filter(pk__in=permissions.admin_organisation_ids(user)).filter(
        volunteer_profile__isnull=True
    )


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


def organisations_visible_to(user):
    return Organisation.objects.select_related("district").filter(
        permissions.organisations_visible_q(user)
    )


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


def documents_visible_to(user):
    return RecognitionDocument.objects.select_related("profile__organisation").filter(
        permissions.documents_visible_q(user)
    )


# Consultations


def consultations_for_user(user):
    return Consultation.objects.select_related("organisation", "consultant").filter(
        permissions.consultations_visible_q(user)
    )


def follow_ups_due(user, *, today: date, days: int = 14):
    return (
        consultations_for_user(user)
        .filter(follow_up_on__isnull=False, follow_up_on__lte=today + timedelta(days=days))
        .filter(follow_up_on__gte=today - timedelta(days=30))
        .order_by("follow_up_on")
    )


# Contingents


def places_used(contingent: Contingent) -> int:
    return contingent.placements.filter(status__in=PLACE_USING_STATUSES).count()


def contingents_visible_to(user):
    return Contingent.objects.select_related("carrier").filter(
        permissions.contingents_visible_q(user)
    )


def contingents_overview(user, *, year: int | None = None):
    # A count per contingent from the index on (contingent, status): a grouped join read
    # every placement and grouped it with its carrier's columns (2.5 -> 0.9 ms for the
    # twelve contingents of four times the full scale).
    qs = contingents_visible_to(user).annotate(
        used=count_of(
            Placement.objects.filter(contingent=OuterRef("pk"), status__in=PLACE_USING_STATUSES)
        )
    )
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "carrier__name", "service_type")


# Placements


def _with_seminar_days(qs):
    """Each placement's seminar days, as a subquery: a page of placements sums its own rows."""
    days = Coalesce(
        Subquery(
            SeminarAttendance.objects.filter(placement=OuterRef("pk"))
            .order_by()
            .values("placement")
            .annotate(n=Sum("days_attended"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )
    return qs.annotate(seminar_days=days)


def placements_visible_to(user):
    """The placements the person may see, with their seminar days, in no particular order."""
    return _with_seminar_days(
        Placement.objects.select_related("volunteer", "site", "contingent__carrier").filter(
            permissions.placements_visible_q(user)
        )
    )


def placements_for_user(user):
    return placements_visible_to(user).order_by("-start_date", "-pk")


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


BEHIND_BATCH = 50


def placements_behind(*, today: date, limit: int | None = None) -> list[Placement]:
    """Running placements whose seminar days lag behind the requirement, soonest end first.

    The requirement depends on the service's rules (months, age, tolerance), so it is worked
    out in Python; with ``limit`` the placements are read a batch at a time, each batch's
    seminar days counted by a subquery for its rows only, until ``limit`` are found: a desk
    with thousands of running placements pays for the first batches, not for all of them.
    """
    running = active_placements()
    found: list[Placement] = []
    start = 0
    while True:
        batch = list(running[start : start + BEHIND_BATCH]) if limit else list(running)
        found.extend(p for p in with_progress(batch, today=today) if p.progress.behind)
        if not limit:
            return found
        if len(found) >= limit or len(batch) < BEHIND_BATCH:
            return found[:limit]
        start += BEHIND_BATCH


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


def seminars_visible_to(user):
    return Seminar.objects.select_related("carrier").filter(permissions.seminars_visible_q(user))


def seminars_for_user(user):
    return (
        seminars_visible_to(user)
        .annotate(participants=Count("attendances", distinct=True))
        .order_by("-start_date", "-pk")
    )


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


def attendance_by_placement(seminar: Seminar, placements) -> dict[int, SeminarAttendance]:
    """The seminar's attendance of ``placements`` (the rows of one page), by placement."""
    rows = seminar.attendances.filter(placement__in=[p.pk for p in placements])
    return {a.placement_id: a for a in rows}


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
