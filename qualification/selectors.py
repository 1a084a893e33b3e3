"""Reads that views, exports, tasks and other apps share. Lists are filtered here, never in
templates; each object view goes through one ``get_..._for_user`` helper."""

from datetime import date, timedelta

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from ikmo.models import GeneratedDocument
from organisations.models import Membership, Organisation, StaffRole, User
from organisations.permissions import admin_organisation_ids

from . import permissions
from .models import CoachingCase, CoachingSession, Feedback, Registration, Workshop

# Workshops -----------------------------------------------------------------------------------


def workshops_for_user(user):
    """Published (and cancelled) workshops for everyone; drafts for qualification staff."""
    return Workshop.objects.filter(permissions.workshops_visible_q(user))


def workshops_managed_by(user):
    """The workshops ``user`` runs (a lead of qualification, and admins: all)."""
    return Workshop.objects.filter(permissions.workshops_managed_q(user))


def upcoming_workshops(user, *, limit: int = 6):
    return (
        workshops_for_user(user)
        .filter(status=Workshop.Status.PUBLISHED)
        .upcoming()
        .for_lists()
        .order_by("starts_at", "pk")[:limit]
    )


def workshop_participants(workshop: Workshop):
    """Active registrations of one workshop, confirmed first, then the waiting list in order."""
    return (
        Registration.objects.filter(workshop=workshop)
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("participant", "organisation", "registered_by")
        .order_by("status", "position")
    )


def confirmed_count(workshop: Workshop) -> int:
    return workshop.registrations.filter(status=Registration.Status.CONFIRMED).count()


def waitlist_rank(registration: Registration) -> int | None:
    if registration.status != Registration.Status.WAITLISTED:
        return None
    return (
        Registration.objects.filter(
            workshop_id=registration.workshop_id,
            status=Registration.Status.WAITLISTED,
            position__lt=registration.position,
        ).count()
        + 1
    )


def with_waitlist_rank(registrations):
    """``waitlist_rank`` of each registration (as ``waitlist_rank`` above) in the same query:
    a page listing several registrations asks no further query per row."""
    ahead = (
        Registration.objects.filter(
            workshop_id=OuterRef("workshop_id"),
            status=Registration.Status.WAITLISTED,
            position__lt=OuterRef("position"),
        )
        .order_by()
        .values("workshop_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return registrations.annotate(
        waitlist_rank=Case(
            When(
                status=Registration.Status.WAITLISTED,
                then=Coalesce(Subquery(ahead, output_field=IntegerField()), 0) + 1,
            ),
            default=None,
            output_field=IntegerField(),
        )
    )


def feedback_summary(workshop: Workshop) -> dict:
    feedback = Feedback.objects.filter(registration__workshop=workshop)
    by_rating = dict(
        feedback.values_list("rating").annotate(n=Count("pk")).values_list("rating", "n")
    )
    # The count and the mean from the distribution: one query fewer than an aggregate.
    count = sum(by_rating.values())
    total = sum(rating * n for rating, n in by_rating.items())
    return {
        "count": count,
        "average": round(total / count, 1) if count else None,
        "distribution": [by_rating.get(r, 0) for r in range(1, 6)],
        "comments": list(
            feedback.exclude(comment="").values_list("rating", "comment", "created_at")[:100]
        ),
    }


# Registrations -------------------------------------------------------------------------------


def registrations_for_user(user):
    """The person's own registrations, those they made for colleagues, and, for organisation
    admins, all registrations of their organisations."""
    if not user.is_authenticated:
        return Registration.objects.none()
    admin_orgs = admin_organisation_ids(user)
    # A union of three index lookups: as one OR with a subquery, PostgreSQL expected half
    # of all registrations and joined every organisation and person to find a handful.
    mine = (
        Registration.objects.filter(participant=user)
        .order_by()
        .values("pk")
        .union(
            Registration.objects.filter(registered_by=user).order_by().values("pk"),
            Registration.objects.filter(organisation_id__in=admin_orgs).order_by().values("pk"),
        )
    )
    return (
        Registration.objects.filter(pk__in=mine)
        .select_related("workshop", "organisation", "participant", "registered_by")
        .annotate(has_feedback=Exists(Feedback.objects.filter(registration=OuterRef("pk"))))
        .order_by("-workshop__starts_at", "pk")
    )


def registrations_visible_to(user):
    """Every registration the person may open (their own, their organisation's as its admin,
    their workshops' as trainer; all for qualification staff)."""
    rule = permissions.registrations_visible_q(user)
    if rule is None:
        return Registration.objects.none()
    return Registration.objects.filter(rule).select_related(
        "workshop", "workshop__trainer", "organisation", "participant", "registered_by"
    )


def registrations_listed_for(user):
    """What the pages list for this person (the API's registrations): their own and those
    they made or administer ("My registrations"), and the participants of the workshops they
    manage (the attendance page: their trainer, the project leads)."""
    visible = registrations_visible_to(user)
    if permissions.is_lead(user):
        return visible
    own = registrations_for_user(user).order_by().values("pk")
    return visible.filter(Q(pk__in=own) | Q(workshop__trainer=user))


def registration_choices_for(user, workshop: Workshop) -> list[Membership]:
    """Memberships (person + organisation) the user may register: themselves and colleagues of
    the approved organisations they belong to, minus those already registered."""
    org_ids = permissions.registrable_memberships(user).values("organisation_id")
    already = Registration.objects.filter(workshop=workshop).exclude(
        status=Registration.Status.CANCELLED
    )
    return list(
        Membership.objects.filter(
            organisation_id__in=org_ids,
            status=Membership.Status.ACTIVE,
            user__is_active=True,
        )
        .exclude(user_id__in=already.values("participant_id"))
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__last_name", "user__email")
    )


def registration_options_without_organisation(
    user, workshop: Workshop
) -> tuple[list[Membership], bool]:
    """For a person without an approved organisation, in a workshop open to initiatives and
    individuals: the founding initiatives they may register for, and whether they may
    register as an individual. Nothing once they are registered."""
    if not permissions.may_join_without_organisation(user, workshop):
        return [], False
    registered = (
        Registration.objects.filter(workshop=workshop, participant=user)
        .exclude(status=Registration.Status.CANCELLED)
        .exists()
    )
    if registered:
        return [], False
    initiatives = list(permissions.initiative_memberships(user).order_by("organisation__name"))
    return initiatives, True


def certificates_for(registrations) -> dict[int, GeneratedDocument]:
    """The newest certificate document per registration id, in one query."""
    from django.contrib.contenttypes.models import ContentType

    from .documents import CERTIFICATE

    ids = [str(r.pk) for r in registrations]
    if not ids:
        return {}
    docs = GeneratedDocument.objects.filter(
        kind=CERTIFICATE,
        content_type=ContentType.objects.get_for_model(Registration),
        object_id__in=ids,
    ).order_by("created_at", "pk")
    return {int(d.object_id): d for d in docs}


def organisation_attended_workshop(organisation: Organisation) -> bool:
    """True if someone took part in a workshop for this organisation (action fund eligibility)."""
    return Registration.objects.filter(
        organisation=organisation,
        attended=True,
        status=Registration.Status.CONFIRMED,
    ).exists()


def organisations_attended_workshop(organisation_ids) -> set[int]:
    """The ids among ``organisation_ids`` with at least one workshop attendance, in one query
    (for lists of applications)."""
    return set(
        Registration.objects.filter(
            organisation_id__in=list(organisation_ids),
            attended=True,
            status=Registration.Status.CONFIRMED,
        )
        .values_list("organisation_id", flat=True)
        .distinct()
    )


# Coaching ------------------------------------------------------------------------------------


def coaching_sessions_for_user(user):
    if not permissions.is_qualification_staff(user):
        return CoachingSession.objects.none()
    return CoachingSession.objects.select_related("organisation", "consultant").prefetch_related(
        "topics"
    )


def coaching_log(user):
    """The consultant's coaching log: the sessions they logged, newest first (the page and
    its export)."""
    return coaching_sessions_for_user(user).filter(consultant=user)


FOLLOW_UP_WINDOWS = (7, 30, 90)


def open_follow_ups(user, *, today: date | None = None, within_days: int | None = 7):
    """Follow-ups of the consultant's sessions due by ``today + within_days`` (overdue ones
    included; ``None``: any date) that are neither marked done nor taken care of by a later
    session for the organisation."""
    today = today or timezone.localdate()
    sessions = coaching_sessions_for_user(user).filter(
        consultant=user, follow_up_date__isnull=False, follow_up_done_at__isnull=True
    )
    if within_days is not None:
        sessions = sessions.filter(follow_up_date__lte=today + timedelta(days=within_days))
    return (
        sessions.filter(superseded=False)
        .select_related("organisation")
        .order_by("follow_up_date", "pk")
    )


def my_upcoming_registrations(user, *, limit: int = 5):
    """The person's own active registrations for workshops still to come, soonest first
    (the qualification page and the overview's card). Their own rows only: not the union of
    ``registrations_for_user``, which the participant filter would cut down to these anyway."""
    if not user.is_authenticated:
        return Registration.objects.none()
    return (
        Registration.objects.filter(participant=user, workshop__ends_at__gte=timezone.now())
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("workshop")
        .order_by("workshop__starts_at", "pk")[:limit]
    )


def coaching_case_of(organisation):
    return (
        CoachingCase.objects.filter(organisation=organisation).select_related("consultant").first()
    )


def coaching_cases(user):
    if not permissions.is_qualification_staff(user):
        return CoachingCase.objects.none()
    return CoachingCase.objects.select_related("organisation", "consultant")


def coaching_cases_visible_to(user):
    """The coaching cases the person may see: every lookup of a case's messages."""
    return CoachingCase.objects.filter(permissions.coaching_cases_visible_q(user)).select_related(
        "organisation", "consultant"
    )


def coachable_organisations():
    return Organisation.objects.approved().order_by("name")


def trainers():
    """People who can run workshops: consultants / trainers and project leads."""
    return (
        User.objects.filter(
            Q(staff_roles__role__in=[StaffRole.Role.CONSULTANT, StaffRole.Role.PROJECT_LEAD])
            & Q(staff_roles__subproject__in=["", permissions.QUALIFICATION]),
            is_active=True,
        )
        .distinct()
        .order_by("last_name", "email")
    )
