"""Reads that views, exports, tasks and other apps share. Lists are filtered here, never in
templates; each object view goes through one ``get_..._for_user`` helper."""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone

from ikmo.models import GeneratedDocument
from organisations.models import Membership, Organisation

from . import permissions
from .models import CoachingCase, CoachingSession, Feedback, Registration, Workshop

# Workshops -----------------------------------------------------------------------------------


def workshops_for_user(user):
    """Published (and cancelled) workshops for everyone; drafts for qualification staff."""
    qs = Workshop.objects.all()
    if permissions.is_qualification_staff(user):
        return qs
    if user.is_authenticated:
        return qs.filter(
            Q(status__in=[Workshop.Status.PUBLISHED, Workshop.Status.CANCELLED]) | Q(trainer=user)
        )
    return qs.published()


def upcoming_workshops(user, *, limit: int = 6):
    return (
        workshops_for_user(user)
        .filter(status=Workshop.Status.PUBLISHED)
        .upcoming()
        .for_lists()
        .order_by("starts_at", "pk")[:limit]
    )


_WORKSHOP_ACTIONS = {
    "view": permissions.can_view_workshop,
    "manage": permissions.can_manage_workshop,
}


def get_workshop_for_user(user, pk, *, action: str = "view") -> Workshop:
    """The one lookup every workshop view uses: 404 if invisible, 403 if visible but not allowed."""
    try:
        workshop = Workshop.objects.select_related("trainer").get(pk=int(pk))
    except (Workshop.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not permissions.can_view_workshop(user, workshop):
        raise Http404
    if not _WORKSHOP_ACTIONS[action](user, workshop):
        raise PermissionDenied
    return workshop


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


def feedback_summary(workshop: Workshop) -> dict:
    feedback = Feedback.objects.filter(registration__workshop=workshop)
    totals = feedback.aggregate(count=Count("pk"), average=Avg("rating"))
    by_rating = dict(
        feedback.values_list("rating").annotate(n=Count("pk")).values_list("rating", "n")
    )
    return {
        "count": totals["count"],
        "average": round(totals["average"], 1) if totals["average"] is not None else None,
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
    admin_orgs = Membership.objects.filter(
        user=user, role=Membership.Role.ADMIN, status=Membership.Status.ACTIVE
    ).values("organisation_id")
    return (
        Registration.objects.filter(
            Q(participant=user) | Q(registered_by=user) | Q(organisation_id__in=admin_orgs)
        )
        .select_related("workshop", "organisation", "participant", "registered_by")
        .annotate(has_feedback=Exists(Feedback.objects.filter(registration=OuterRef("pk"))))
        .order_by("-workshop__starts_at", "pk")
    )


_REGISTRATION_ACTIONS = {
    "view": permissions.can_view_registration,
    "cancel": permissions.can_cancel_registration,
    "feedback": permissions.can_give_feedback,
}


def get_registration_for_user(user, pk, *, action: str = "view") -> Registration:
    """404 for registrations the user may not see (other organisations' data never leaks)."""
    try:
        registration = Registration.objects.select_related(
            "workshop", "workshop__trainer", "organisation", "participant", "registered_by"
        ).get(pk=int(pk))
    except (Registration.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not permissions.can_view_registration(user, registration):
        raise Http404
    if not _REGISTRATION_ACTIONS[action](user, registration):
        raise PermissionDenied
    return registration


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


def _later_session_exists():
    return Exists(
        CoachingSession.objects.filter(
            organisation_id=OuterRef("organisation_id"), date__gt=OuterRef("date")
        )
    )


FOLLOW_UP_WINDOWS = (7, 30, 90)


def open_follow_ups(user, *, today: date | None = None, within_days: int = 7):
    """Follow-ups of the consultant's sessions due by ``today + within_days`` (overdue ones
    included) that are neither marked done nor taken care of by a later session for the
    organisation."""
    today = today or timezone.localdate()
    return (
        coaching_sessions_for_user(user)
        .filter(
            consultant=user,
            follow_up_date__lte=today + timedelta(days=within_days),
            follow_up_done_at__isnull=True,
        )
        .select_related("organisation")
        .annotate(has_later=_later_session_exists())
        .filter(has_later=False)
        .order_by("follow_up_date", "pk")
    )


def get_coaching_session_for_user(user, pk, *, action: str = "view") -> CoachingSession:
    try:
        session = CoachingSession.objects.select_related("organisation", "consultant").get(
            pk=int(pk)
        )
    except (CoachingSession.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not permissions.can_view_coaching_session(user, session):
        raise Http404
    if action == "edit" and not permissions.can_edit_coaching_session(user, session):
        raise PermissionDenied
    return session


def coaching_cases(user):
    if not permissions.is_qualification_staff(user):
        return CoachingCase.objects.none()
    return CoachingCase.objects.select_related("organisation", "consultant")


def coachable_organisations():
    return Organisation.objects.approved().order_by("name")
