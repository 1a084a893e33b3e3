"""Reads shared by views, the timeline and indicators. Lists are filtered here, never in templates."""

import datetime

from django.db.models import Count, Exists, F, Max, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from ikmo.subprojects import SubProject
from organisations.models import Organisation

from . import permissions
from .matching import Match, Profile, rank
from .models import (
    PARTNER_KINDS,
    CooperationContact,
    CooperationStatusChange,
    Event,
    EventRegistration,
    FollowUpTask,
    MentorOffer,
    MentorRequest,
    Tandem,
    TandemMeeting,
    TandemNudge,
)


def _pk(pk) -> int:
    try:
        return int(pk)
    except (TypeError, ValueError):
        raise Http404 from None


# Partner brokering ---------------------------------------------------------------------------


def contacts_for_user(user):
    """Cooperation contacts are internal working notes of the centre: staff only."""
    if not permissions.can_manage_contacts(user):
        return CooperationContact.objects.none()
    return CooperationContact.objects.select_related(
        "organisation", "partner", "partner__district", "field_of_work"
    )


def get_contact_for_user(user, pk) -> CooperationContact:
    """The one lookup every contact view uses; anyone but staff gets 404."""
    contact = contacts_for_user(user).filter(pk=_pk(pk)).first()
    if contact is None:
        raise Http404
    return contact


def contact_history(contact):
    return CooperationStatusChange.objects.filter(contact=contact).select_related("changed_by")


def partner_search(*, district=None, field=None):
    """Administrations and services (in a district, working in a field) and who works with them.

    A partner matches a field if it names the field in its profile or already cooperates
    with an MO in that field. Each partner carries `cooperations`: its contacts, with the
    MO, newest first. Three queries, however many partners and contacts.
    """
    partners = Organisation.objects.filter(kind__in=PARTNER_KINDS).exclude(
        status=Organisation.Status.REJECTED
    )
    if district is not None:
        partners = partners.filter(district=district)
    contacts = CooperationContact.objects.select_related("organisation", "field_of_work")
    if field is not None:
        partners = partners.filter(
            Q(fields_of_work=field) | Q(partner_contacts__field_of_work=field)
        ).distinct()
    return (
        partners.select_related("district")
        .prefetch_related(
            "fields_of_work",
            Prefetch(
                "partner_contacts",
                queryset=contacts.order_by("organisation__name", "-contact_date"),
                to_attr="cooperations",
            ),
        )
        .order_by("name")
    )


# Expert rounds and network events ----------------------------------------------------------


def events_for_user(user):
    """Events the user may see, each with `registration_count` and `is_registered`."""
    events = Event.objects.select_related("field_of_work").annotate(
        registration_count=Count("registrations", distinct=True),
        is_registered=Exists(
            EventRegistration.objects.filter(event=OuterRef("pk"), person_id=user.pk or 0)
        ),
    )
    if permissions.is_mentoring_staff(user):
        return events.annotate(attendance_count=Count("attendances", distinct=True))
    if not user.is_authenticated:
        return events.none()
    org_ids = permissions.member_organisation_ids(user)
    invited = Event.invited_organisations.through.objects.filter(
        event=OuterRef("pk"), organisation_id__in=org_ids
    )
    return events.filter(Q(is_open=True) | Exists(invited))


def get_event_for_user(user, pk) -> Event:
    """The one lookup every event view uses: invisible events answer 404."""
    event = events_for_user(user).filter(pk=_pk(pk)).first()
    if event is None:
        raise Http404
    return event


def registrations_of(event):
    return event.registrations.select_related("person", "organisation").order_by(
        "organisation__name", "person__last_name", "person__email"
    )


def attendance_of(event):
    return event.attendances.select_related("person", "organisation").order_by(
        "organisation__name", "person__last_name", "name"
    )


def tasks_of(event):
    return event.tasks.select_related("assignee", "done_by")


def open_tasks_for(user):
    return (
        FollowUpTask.objects.filter(assignee=user, done_at__isnull=True)
        .select_related("event")
        .order_by(F("due_on").asc(nulls_last=True), "pk")
    )


def mentoring_staff_users():
    from organisations.models import StaffRole, User

    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(staff_roles__role=StaffRole.Role.ADMIN)
            | Q(
                staff_roles__role__in=[StaffRole.Role.CONSULTANT, StaffRole.Role.PROJECT_LEAD],
                staff_roles__subproject__in=["", SubProject.MENTORING],
            )
        )
        .distinct()
        .order_by("last_name", "first_name", "email")
    )


# Mentoring tandems ---------------------------------------------------------------------------

RUNNING = [Tandem.Status.PROPOSED, Tandem.Status.ACTIVE]


def _profile(obj, *, district) -> Profile:
    # Uses the prefetched relations; names come out in the current language.
    return Profile(
        district=district.name if district else None,
        fields=frozenset(f.name for f in obj.fields_of_work.all()),
        languages=frozenset(lang.name for lang in obj.languages.all()),
        topics=frozenset(t.name for t in obj.topics.all()),
    )


def request_profile(mentor_request: MentorRequest) -> Profile:
    return _profile(
        mentor_request, district=mentor_request.district or mentor_request.organisation.district
    )


def offer_profile(offer: MentorOffer) -> Profile:
    return _profile(offer, district=offer.organisation.district)


def _with_profiles(qs):
    return qs.select_related("organisation", "organisation__district").prefetch_related(
        "fields_of_work", "languages", "topics"
    )


def available_offers():
    """Active offers of approved organisations that still have room for a tandem."""
    running = Count(
        "organisation__tandems_as_mentor",
        filter=Q(organisation__tandems_as_mentor__status__in=RUNNING),
        distinct=True,
    )
    return _with_profiles(
        MentorOffer.objects.filter(
            is_active=True, organisation__status=Organisation.Status.APPROVED
        )
        .annotate(running=running)
        .filter(running__lt=F("capacity"))
        .order_by("organisation__name")
    )


def suggestions_for(mentor_request: MentorRequest) -> list[Match]:
    """Mentors for this request, best first, each with the reasons for the suggestion."""
    already = Tandem.objects.filter(mentee=mentor_request.organisation_id, status__in=RUNNING)
    offers = available_offers().exclude(organisation_id=mentor_request.organisation_id)
    offers = offers.exclude(organisation_id__in=already.values("mentor_id"))
    need = request_profile(mentor_request)
    return rank(need, ((offer, offer_profile(offer)) for offer in offers))


def open_requests():
    return _with_profiles(
        MentorRequest.objects.filter(status=MentorRequest.Status.OPEN).select_related("district")
    ).order_by("created_at")


def requests_for_user(user):
    if permissions.is_mentoring_staff(user):
        return MentorRequest.objects.all()
    return MentorRequest.objects.filter(
        organisation_id__in=permissions.member_organisation_ids(user)
    )


def get_request_for_user(user, pk) -> MentorRequest:
    mentor_request = (
        _with_profiles(requests_for_user(user).select_related("district"))
        .filter(pk=_pk(pk))
        .first()
    )
    if mentor_request is None:
        raise Http404
    return mentor_request


def tandems_for_user(user):
    """Tandems the user may see: staff all, members those of their organisations."""
    tandems = (
        Tandem.objects.select_related("mentor", "mentee", "lead")
        .annotate(last_meeting=Max("meetings__met_on"), meeting_count=Count("meetings"))
        .order_by("-created_at", "-pk")
    )
    if permissions.is_mentoring_staff(user):
        return tandems
    org_ids = permissions.member_organisation_ids(user)
    if not org_ids:
        return tandems.none()
    return tandems.filter(Q(mentor_id__in=org_ids) | Q(mentee_id__in=org_ids))


def get_tandem_for_user(user, pk) -> Tandem:
    """The one lookup every tandem view uses: anyone but the two sides and staff gets 404."""
    tandem = tandems_for_user(user).filter(pk=_pk(pk)).first()
    if tandem is None:
        raise Http404
    return tandem


def meetings_of(tandem):
    return tandem.meetings.select_related("logged_by", "logged_for")


def evaluations_of(tandem):
    return tandem.evaluations.select_related("organisation", "submitted_by")


def tandems_due_for_nudge(*, today, weeks: int):
    """Active tandems whose last meeting (or start) is `weeks` or more ago, not yet reminded."""
    cutoff = today - datetime.timedelta(weeks=weeks)
    # A subquery, not an aggregate: the result stays filterable and lockable row by row.
    last_meeting = (
        TandemMeeting.objects.filter(tandem=OuterRef("pk")).order_by("-met_on").values("met_on")[:1]
    )
    return (
        Tandem.objects.filter(status=Tandem.Status.ACTIVE)
        .annotate(gap_since=Coalesce(Subquery(last_meeting), F("starts_on")))
        .filter(gap_since__lte=cutoff)
        .exclude(
            Exists(
                TandemNudge.objects.filter(tandem=OuterRef("pk"), gap_since=OuterRef("gap_since"))
            )
        )
    )
