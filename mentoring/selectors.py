"""Reads shared by views, the timeline and indicators. Lists are filtered here, never in templates."""

import datetime
from collections import defaultdict

from django.db import models
from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from ikmo.queries import count_of
from ikmo.subprojects import SubProject
from organisations.models import Membership, Organisation
from organisations.selectors import translated_names

from . import matching, permissions
from .matching import Match, Profile, score
from .models import (
    MO_KINDS,
    PARTNER_KINDS,
    CooperationContact,
    CooperationStatusChange,
    Event,
    EventAgendaItem,
    EventAttendance,
    EventGuest,
    EventRegistration,
    EventSpeaker,
    FollowUpTask,
    MentorOffer,
    MentorRequest,
    Tandem,
    TandemMeeting,
    TandemNudge,
)

# Partner brokering ---------------------------------------------------------------------------


def contacts_for_user(user):
    """Cooperation contacts are internal working notes of the centre: staff only."""
    if not permissions.can_manage_contacts(user):
        return CooperationContact.objects.none()
    return CooperationContact.objects.select_related(
        "organisation", "partner", "partner__district", "field_of_work"
    )


def contact_organisations():
    """The migrant organisations and refugee initiatives a contact may be recorded for."""
    return Organisation.objects.filter(kind__in=MO_KINDS).exclude(
        status=Organisation.Status.REJECTED
    )


def contact_partners():
    """The administrations and services a contact may be recorded with."""
    return Organisation.objects.filter(kind__in=PARTNER_KINDS).exclude(
        status=Organisation.Status.REJECTED
    )


def invitable_organisations():
    """Who may be invited to an event: every approved organisation, administration or service."""
    return Organisation.objects.approved()


def attending_organisations():
    """The organisations an attendance may be recorded for (also those still waiting for
    approval: they come to events before their registration is decided)."""
    return Organisation.objects.exclude(status=Organisation.Status.REJECTED)


def contact_history(contact):
    return CooperationStatusChange.objects.filter(contact=contact).select_related("changed_by")


def partners_in_field(partners, field):
    """Partners naming the field in their profile or already cooperating with an MO in it."""
    return partners.filter(
        Q(fields_of_work=field) | Q(partner_contacts__field_of_work=field)
    ).distinct()


def partner_search(*, district=None, field=None):
    """Administrations and services (in a district, working in a field) and who works with them.

    Each partner carries `cooperations`: its contacts, with the MO, newest first. Three
    queries, however many partners and contacts.
    """
    partners = Organisation.objects.filter(kind__in=PARTNER_KINDS).exclude(
        status=Organisation.Status.REJECTED
    )
    if district is not None:
        partners = partners.filter(district=district)
    if field is not None:
        partners = partners_in_field(partners, field)
    contacts = CooperationContact.objects.select_related("organisation", "field_of_work")
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


def with_cooperating(partners, field=None) -> list:
    """Each partner with `cooperating`: one contact per MO (in ``field``, if given)."""
    partners = list(partners)
    for partner in partners:
        seen = {}
        for contact in partner.cooperations:
            if field is not None and contact.field_of_work_id != field.pk:
                continue
            seen.setdefault(contact.organisation_id, contact)
        partner.cooperating = list(seen.values())
    return partners


# Expert rounds and network events ----------------------------------------------------------


def events_for_user(user):
    """Events the user may see, each with `registration_count` and `is_registered`."""
    events = Event.objects.select_related("field_of_work").annotate(
        registration_count=count_of(EventRegistration.objects.filter(event=OuterRef("pk"))),
        is_registered=Exists(
            EventRegistration.objects.filter(event=OuterRef("pk"), person_id=user.pk or 0)
        ),
    )
    rule = permissions.events_visible_q(user)
    if rule is None:
        return events.none()
    if permissions.is_mentoring_staff(user):
        events = events.annotate(
            attendance_count=count_of(EventAttendance.objects.filter(event=OuterRef("pk")))
        )
    return events.filter(rule)


def events_to_write_to(user):
    """The events whose people ``user`` may write to: those they may see and whose
    attendance they may see (the mentoring staff)."""
    rule = permissions.events_visible_q(user)
    if rule is None or not permissions.can_manage_events(user):
        return Event.objects.none()
    return Event.objects.filter(rule)


def places_taken(event) -> int:
    """Places of an event in use: members' registrations and guests with a place."""
    return (
        event.registrations.count()
        + event.guests.filter(status=EventGuest.Status.REGISTERED).count()
    )


def _with_places(events):
    return events.annotate(
        member_count=count_of(EventRegistration.objects.filter(event=OuterRef("pk"))),
        guest_count=count_of(
            EventGuest.objects.filter(event=OuterRef("pk"), status=EventGuest.Status.REGISTERED)
        ),
    )


def public_events_upcoming():
    """Public events still to come, soonest first, each with `member_count`/`guest_count`."""
    return _with_places(
        Event.objects.filter(
            permissions.public_events_q(),
            status=Event.Status.PLANNED,
            starts_at__gte=timezone.now(),
        )
    ).order_by("starts_at", "pk")


def public_event_page(pk):
    """One public event for its page: programme, published speakers and info stands in a
    fixed number of queries. Raises Event.DoesNotExist for anything not public."""
    speakers = EventSpeaker.objects.filter(permissions.publishable_speakers_q())
    return (
        _with_places(Event.objects.filter(permissions.public_events_q()))
        .prefetch_related(
            Prefetch(
                "agenda_items",
                queryset=EventAgendaItem.objects.prefetch_related(
                    Prefetch("speakers", queryset=speakers, to_attr="public_speakers")
                ),
            ),
            Prefetch("speakers", queryset=speakers, to_attr="public_speakers"),
            "info_stands",
        )
        .get(pk=pk)
    )


def remaining_places(event) -> int | None:
    """Free places of an event annotated by `_with_places` (None: no limit)."""
    if event.capacity is None:
        return None
    return max(0, event.capacity - event.member_count - event.guest_count)


def guests_of(event):
    return event.guests.select_related("attendance_recorded_by").order_by(
        models.Case(
            models.When(status=EventGuest.Status.REGISTERED, then=0),
            models.When(status=EventGuest.Status.WAITING, then=1),
            default=2,
        ),
        "created_at",
        "pk",
    )


def guest_counts(event) -> dict:
    """Registered, waiting and attended guests of an event, in one query."""
    return event.guests.aggregate(
        registered=Count("pk", filter=Q(status=EventGuest.Status.REGISTERED)),
        waiting=Count("pk", filter=Q(status=EventGuest.Status.WAITING)),
        attended=Count("pk", filter=Q(attended_at__isnull=False)),
        cancelled=Count("pk", filter=Q(status=EventGuest.Status.CANCELLED)),
    )


def tables_of(event):
    return event.tables.order_by("created_at", "pk")


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


# The start page -----------------------------------------------------------------------------


def staff_overview(user, *, today, weeks: int) -> dict:
    """The team's figures and next steps on the start page."""
    return {
        "open_requests": MentorRequest.objects.filter(status=MentorRequest.Status.OPEN).count(),
        "proposed": Tandem.objects.filter(status=Tandem.Status.PROPOSED).count(),
        "active": Tandem.objects.filter(status=Tandem.Status.ACTIVE).count(),
        "quiet": tandems_due_for_nudge(today=today, weeks=weeks).count(),
        "offers": available_offers().count(),
        "upcoming": events_for_user(user)
        .filter(starts_at__gte=timezone.now())
        .order_by("starts_at")[:5],
        "tasks": open_tasks_for(user)[:10],
    }


def member_overview(user) -> dict:
    """A member's organisations with their offer or open request, tandems and coming events."""
    memberships = list(
        user.memberships.filter(
            status=Membership.Status.ACTIVE,
            organisation__status=Organisation.Status.APPROVED,
            organisation__kind__in=MO_KINDS,
        )
        .select_related("organisation")
        .order_by("organisation__name")
    )
    org_ids = [m.organisation_id for m in memberships]
    offers = {o.organisation_id: o for o in MentorOffer.objects.filter(organisation__in=org_ids)}
    requests_ = {
        r.organisation_id: r
        for r in MentorRequest.objects.filter(
            organisation__in=org_ids, status=MentorRequest.Status.OPEN
        )
    }
    rows = [
        {
            "organisation": m.organisation,
            "is_admin": m.role == Membership.Role.ADMIN,
            "offer": offers.get(m.organisation_id),
            "request": requests_.get(m.organisation_id),
        }
        for m in memberships
    ]
    return {
        "rows": rows,
        "tandems": tandems_for_user(user).exclude(status=Tandem.Status.DECLINED)[:10],
        "upcoming": events_for_user(user)
        .filter(starts_at__gte=timezone.now())
        .order_by("starts_at")[:5],
    }


def offer_of(organisation) -> MentorOffer | None:
    return MentorOffer.objects.filter(organisation=organisation).first()


def open_request_of(organisation) -> MentorRequest | None:
    return MentorRequest.objects.filter(
        organisation=organisation, status=MentorRequest.Status.OPEN
    ).first()


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


def profiles_of(objects, *, district_of) -> list[tuple]:
    """[(object, Profile)] for many offers or requests of one model in one query per
    relation, without loading each related object (lists that rank hundreds of offers).

    ``district_of(object)`` gives the district to use (an offer's organisation's, a request's
    own or else its organisation's); the names are in the current language, as `_profile`'s.
    """
    objects = list(objects)
    if not objects:
        return []
    related = {
        relation: {pk: set(names) for pk, names in translated_names(objects, relation).items()}
        for relation in ("fields_of_work", "languages", "topics")
    }
    empty: set[str] = set()
    result = []
    for obj in objects:
        district = district_of(obj)
        result.append(
            (
                obj,
                Profile(
                    district=district.name if district else None,
                    fields=frozenset(related["fields_of_work"].get(obj.pk, empty)),
                    languages=frozenset(related["languages"].get(obj.pk, empty)),
                    topics=frozenset(related["topics"].get(obj.pk, empty)),
                ),
            )
        )
    return result


def running_mentors(mentee_ids) -> dict[int, set[int]]:
    """{mentee organisation id: ids of the organisations already mentoring it in a proposed or
    active tandem}: `ranked_offers` leaves those out, and so does the matching overview."""
    mentors: dict[int, set[int]] = defaultdict(set)
    tandems = Tandem.objects.filter(mentee_id__in=set(mentee_ids), status__in=RUNNING)
    for mentee_id, mentor_id in tandems.values_list("mentee_id", "mentor_id"):
        mentors[mentee_id].add(mentor_id)
    return mentors


def _with_profiles(qs):
    return qs.select_related("organisation", "organisation__district").prefetch_related(
        "fields_of_work", "languages", "topics"
    )


def available_offers(*, prefetch: bool = True):
    """Active offers of approved organisations that still have room for a tandem.

    ``prefetch=False`` leaves out the related objects `_profile` reads (for `profiles_of`)."""
    # A subquery per offer rather than a grouped join: grouped, the database joined every
    # approved organisation before it could count a few hundred offers' tandems.
    running = count_of(Tandem.objects.filter(mentor=OuterRef("organisation"), status__in=RUNNING))
    offers = (
        MentorOffer.objects.filter(
            is_active=True, organisation__status=Organisation.Status.APPROVED
        )
        .annotate(running=running)
        .filter(running__lt=F("capacity"))
        .order_by("organisation__name")
    )
    if not prefetch:
        return offers.select_related("organisation", "organisation__district").only(
            "organisation_id", "capacity", "organisation__name", "organisation__district__name"
        )
    return _with_profiles(offers)


def _links(relation: str, ids=None):
    """An offer's rows of ``relation`` (a many-to-many), those to ``ids`` only if given."""
    field = MentorOffer._meta.get_field(relation)
    links = field.remote_field.through.objects.filter(**{field.m2m_field_name(): OuterRef("pk")})
    if ids is not None:
        links = links.filter(**{f"{field.m2m_reverse_field_name()}__in": ids})
    return links


def ranked_offers(mentor_request: MentorRequest):
    """The offers `suggestions_for` lists, best first, with their ``points`` (as
    `matching.points` gives them), scored in the database: a page of suggestions reads only
    its own offers, however many there are."""
    need = {  # (prefetched with the request where it was read with its profile)
        relation: [related.pk for related in getattr(mentor_request, relation).all()]
        for relation in ("fields_of_work", "topics", "languages")
    }
    district = mentor_request.district_id or mentor_request.organisation.district_id
    points = Value(0)
    if need["fields_of_work"]:
        points += matching.POINTS_PER_FIELD * count_of(
            _links("fields_of_work", need["fields_of_work"])
        )
    if need["topics"]:
        points += matching.POINTS_PER_TOPIC * count_of(_links("topics", need["topics"]))
    if district:
        points += Case(
            When(organisation__district_id=district, then=matching.POINTS_SAME_DISTRICT),
            default=0,
        )
    if need["languages"]:
        points += Case(
            When(
                Exists(_links("languages", need["languages"])),
                then=matching.POINTS_COMMON_LANGUAGE,
            ),
            When(Exists(_links("languages")), then=matching.PENALTY_NO_COMMON_LANGUAGE),
            default=0,
        )
    already = Tandem.objects.filter(mentee=mentor_request.organisation_id, status__in=RUNNING)
    return (
        available_offers(prefetch=False)
        .exclude(organisation_id=mentor_request.organisation_id)
        .exclude(organisation_id__in=already.values("mentor_id"))
        .only(
            "organisation_id",
            "capacity",
            "description",
            "organisation__name",
            "organisation__district__name",
        )
        .annotate(points=ExpressionWrapper(points, output_field=models.IntegerField()))
        .filter(points__gte=1)
        .order_by("-points", "organisation__name", "pk")
    )


def matches_of(mentor_request: MentorRequest, offers) -> list[Match]:
    """``offers`` (from `ranked_offers`, in their order) as suggestions with their reasons."""
    need = request_profile(mentor_request)
    profiles = profiles_of(offers, district_of=lambda offer: offer.organisation.district)
    return [
        Match(candidate=offer, score=offer.points, reasons=tuple(score(need, profile)[1]))
        for offer, profile in profiles
    ]


def suggestions_for(mentor_request: MentorRequest) -> list[Match]:
    """Mentors for this request, best first, each with the reasons for the suggestion."""
    return matches_of(mentor_request, ranked_offers(mentor_request))


def open_requests():
    return _with_profiles(
        MentorRequest.objects.filter(status=MentorRequest.Status.OPEN).select_related("district")
    ).order_by("created_at")


def requests_for_user(user):
    if permissions.is_mentoring_staff(user):
        return MentorRequest.objects.all()
    return MentorRequest.objects.filter(
        organisation_id__in=permissions.active_organisation_ids(user)
    )


def requests_with_profiles_for_user(user):
    """``requests_for_user`` with what the matching page shows of each request."""
    return _with_profiles(requests_for_user(user).select_related("district"))


def tandems_for_user(user):
    """Tandems the user may see: staff all, members those of their organisations."""
    # Subqueries, not aggregates over a join: a page of the list reads its own rows only.
    meetings = TandemMeeting.objects.filter(tandem=OuterRef("pk"))
    tandems = (
        Tandem.objects.select_related("mentor", "mentee", "lead")
        .annotate(
            last_meeting=Subquery(meetings.order_by("-met_on").values("met_on")[:1]),
            meeting_count=count_of(meetings),
        )
        .order_by("-created_at", "-pk")
    )
    rule = permissions.tandems_visible_q(user)
    return tandems.none() if rule is None else tandems.filter(rule)


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


def programme_of(event) -> dict:
    """An event's programme for the team: every speaker (published or not), the agenda with
    its speakers, and the info stands, in a fixed number of queries."""
    return {
        "speakers": list(event.speakers.all()),
        "agenda": list(event.agenda_items.prefetch_related("speakers")),
        "stands": list(event.info_stands.all()),
    }
