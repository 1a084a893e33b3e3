"""Every change in qualification & coaching goes through these functions."""

import logging
from dataclasses import dataclass, fields
from dataclasses import field as dataclass_field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, Min, OuterRef
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ikmo.audit import audit_log, save_with_changes
from ikmo.checkin import personal_url
from ikmo.content_language import text_values
from ikmo.documents import document_request
from ikmo.mail import email_queue
from ikmo.models import GeneratedDocument
from ikmo.notifications import MailKind
from organisations.models import Membership, User

from . import permissions
from .models import (
    REGISTRATION_FLOW,
    WORKSHOP_FLOW,
    CoachingCase,
    CoachingNudge,
    CoachingSession,
    Feedback,
    Registration,
    Workshop,
    WorkshopSession,
)

logger = logging.getLogger(__name__)


def site_url(path: str) -> str:
    base = getattr(settings, "IKMO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
    return f"{base}{path}"


def _mail(user: User, template: str, context: dict, *, kind: str = MailKind.TRANSACTIONAL) -> None:
    email_queue(
        to=user.email,
        template=f"qualification/email/{template}",
        context={**context, "recipient": user},
        language=user.preferred_language,
        kind=kind,
    )


def _workshop_context(workshop: Workshop) -> dict:
    return {
        "workshop": workshop,
        "sessions": list(workshop.sessions.all()),
        "workshop_url": site_url(workshop.get_absolute_url()),
        "registrations_url": site_url(reverse("qualification:my_registrations")),
    }


# Workshops -----------------------------------------------------------------------------------


def _sync_dates(workshop: Workshop) -> None:
    span = workshop.sessions.aggregate(first=Min("starts_at"), last=Max("ends_at"))
    Workshop.objects.filter(pk=workshop.pk).update(starts_at=span["first"], ends_at=span["last"])
    workshop.starts_at, workshop.ends_at = span["first"], span["last"]


def _schedule(workshop: Workshop) -> list[tuple]:
    """The dates as people see them (to the minute), to tell whether they changed."""
    return [
        (s.starts_at.replace(second=0, microsecond=0), s.ends_at.replace(second=0, microsecond=0))
        for s in workshop.sessions.order_by("starts_at")
    ]


@dataclass(frozen=True)
class WorkshopData:
    """What a workshop form (or an import, or the API) says about a workshop."""

    title: str  # German; the other languages are in ``translations``
    trainer: User
    capacity: int
    description: str = ""
    topics: tuple = ()
    languages: tuple = ()
    is_basic: bool = False
    open_to_initiatives: bool = False
    venue: str = ""
    online_url: str = ""
    registration_deadline: datetime | None = None
    status: str = Workshop.Status.DRAFT
    # The title and description in other languages, by column: {"title_en": "…", …} (empty or
    # None: readers of that language see the German text). Columns not named stay as they are.
    translations: dict = dataclass_field(default_factory=dict)


@dataclass(frozen=True)
class SessionDates:
    """One date of a workshop; ``pk`` names an existing date to keep (its calendar UID stays)."""

    starts_at: datetime
    ends_at: datetime
    pk: int | None = None


def workshop_check_status(current: str, status: str) -> None:
    """A status step a workshop form may take (cancelling has its own button)."""
    if status != current and not WORKSHOP_FLOW.allows(current, status):
        raise ValidationError(
            {
                "status": ValidationError(
                    _("A workshop cannot go from “%(old)s” to “%(new)s”."),
                    code="transition",
                    params={
                        "old": Workshop.Status(current).label,
                        "new": Workshop.Status(status).label,
                    },
                )
            }
        )
    if status == Workshop.Status.CANCELLED and current != Workshop.Status.CANCELLED:
        raise ValidationError(
            {
                "status": ValidationError(
                    _("Please use the button “Cancel the workshop”, so participants are informed."),
                    code="use_cancel",
                )
            }
        )


def workshop_check_capacity(capacity: int, confirmed: int) -> None:
    if capacity is not None and capacity < confirmed:
        raise ValidationError(
            {
                "capacity": ValidationError(
                    _(
                        "%(count)d people already have a confirmed place; the capacity cannot be "
                        "lower. Cancel registrations first."
                    ),
                    code="capacity_below_confirmed",
                    params={"count": confirmed},
                )
            }
        )


def workshop_check_place(venue: str, online_url: str) -> None:
    if not venue and not online_url:
        raise ValidationError(
            {
                "venue": ValidationError(
                    _("Please give a place or an online link (or both)."), code="no_place"
                )
            }
        )


def workshop_check_dates(sessions, deadline) -> None:
    """At least one date, each ending after it starts, and the deadline before the first."""
    for dates in sessions:
        if dates.ends_at <= dates.starts_at:
            raise ValidationError(
                {"ends_at": ValidationError(_("The end must be after the start."), code="order")}
            )
    if not sessions:
        raise ValidationError(
            _("Please enter at least one date for the workshop."), code="no_dates"
        )
    if deadline and deadline > min(d.starts_at for d in sessions):
        raise ValidationError(
            _("The registration deadline must be before the first date of the workshop."),
            code="deadline_after_start",
        )


@transaction.atomic
def workshop_save(
    *, workshop: Workshop | None, data: WorkshopData, sessions: list[SessionDates], by: User
) -> Workshop:
    """Create (``workshop=None``) or update a workshop with its dates; fills places freed by a
    larger capacity from the waiting list.

    ``sessions`` are all the dates the workshop has afterwards: dates with a ``pk`` are kept
    and updated, new ones created, the others deleted."""
    creating = workshop is None
    if creating:
        workshop = Workshop(created_by=by)
        current = Workshop.Status.DRAFT
        confirmed = 0
    else:
        workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
        current = workshop.status
        confirmed = workshop.registrations.filter(status=Registration.Status.CONFIRMED).count()
    workshop_check_status(current, data.status)
    workshop_check_capacity(data.capacity, confirmed)
    workshop_check_place(data.venue, data.online_url)
    workshop_check_dates(sessions, data.registration_deadline)
    schedule_before = [] if creating else _schedule(workshop)
    values = {
        f.name: getattr(data, f.name)
        for f in fields(WorkshopData)
        if f.name not in ("title", "description", "translations")
    }
    values.update(
        text_values(
            german={"title": data.title, "description": data.description},
            translations=data.translations,
            fields=("title", "description"),
        )
    )
    changes = save_with_changes(workshop, values, creating=creating)
    existing = {s.pk: s for s in workshop.sessions.all()}
    kept = {d.pk for d in sessions if d.pk in existing}
    workshop.sessions.exclude(pk__in=kept).delete()
    for dates in sessions:
        session = existing.get(dates.pk) or WorkshopSession(workshop=workshop)
        session.starts_at, session.ends_at = dates.starts_at, dates.ends_at
        session.save()
    _sync_dates(workshop)
    audit_log(
        actor=by,
        action="qualification.workshop.created" if creating else "qualification.workshop.updated",
        target=workshop,
        changes=changes or None,
    )
    if not creating:
        _fill_free_places(workshop, by=by)
        moved = _schedule(workshop) != schedule_before or {"venue", "online_url"} & set(changes)
        if moved and workshop.status == Workshop.Status.PUBLISHED and not workshop.has_started():
            # People who plan to come must hear about new dates or a new place.
            context = _workshop_context(workshop)
            active = workshop.registrations.exclude(
                status=Registration.Status.CANCELLED
            ).select_related("participant")
            for registration in active:
                _mail(registration.participant, "workshop_changed", context)
    return workshop


@transaction.atomic
def workshop_cancel(*, workshop: Workshop, by: User) -> Workshop:
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    if not WORKSHOP_FLOW.allows(workshop.status, Workshop.Status.CANCELLED):
        raise ValidationError(_("This workshop has already been cancelled."))
    if workshop.has_started():
        raise ValidationError(_("A workshop that has already started cannot be cancelled."))
    workshop.status = Workshop.Status.CANCELLED
    workshop.save(update_fields=["status", "updated_at"])
    audit_log(actor=by, action="qualification.workshop.cancelled", target=workshop)
    context = _workshop_context(workshop)
    active = workshop.registrations.exclude(status=Registration.Status.CANCELLED).select_related(
        "participant"
    )
    for registration in active:
        _mail(registration.participant, "workshop_cancelled", context)
    return workshop


# Registration --------------------------------------------------------------------------------


def _already_registered(workshop_id: int, participant: User) -> ValidationError:
    return ValidationError(
        _("%(person)s is already registered for this workshop.") % {"person": participant}
    )


def _taking_part_as(*, workshop: Workshop, participant: User, organisation, by: User) -> str:
    """How this registration takes part, once the rules for it are met; else a clear error.

    Members of approved organisations register themselves and colleagues. Where a workshop is
    open to initiatives and individuals, people without an approved organisation register
    themselves: for their founding initiative (an organisation waiting for approval), or
    with no organisation at all."""
    TakingPartAs = Registration.TakingPartAs
    if organisation is not None and organisation.is_approved:
        if not permissions.can_register_for(by, organisation):
            raise ValidationError(
                _("You can only register people for organisations you are an active member of.")
            )
        is_member = Membership.objects.filter(
            user=participant, organisation=organisation, status=Membership.Status.ACTIVE
        ).exists()
        if not is_member or not participant.is_active:
            raise ValidationError(
                _("%(person)s is not an active member of %(organisation)s.")
                % {"person": participant, "organisation": organisation}
            )
        return TakingPartAs.ORGANISATION
    if not workshop.open_to_initiatives:
        raise ValidationError(_("This workshop is only open to members of approved organisations."))
    if participant.pk != by.pk:
        raise ValidationError(
            _("Initiatives in founding and individuals can only register themselves.")
        )
    if organisation is None:
        if not permissions.can_register_as_individual(by, workshop):
            raise ValidationError(
                _("As a member of an approved organisation, please register for your organisation.")
            )
        return TakingPartAs.INDIVIDUAL
    if not permissions.can_register_for_initiative(by, workshop, organisation):
        raise ValidationError(
            _("You can only register for an initiative you are an active member of.")
        )
    return TakingPartAs.INITIATIVE


@transaction.atomic
def registration_create(
    *, workshop: Workshop, participant: User, organisation, by: User
) -> Registration:
    """Register a person for a workshop: a place if one is free, else the waiting list.

    ``organisation`` is the approved organisation they take part for, or, in workshops open
    to initiatives and individuals, a founding initiative (an organisation waiting for
    approval) or ``None`` (an individual). The registration records which it was.

    The workshop row is locked first, so two people asking for the last place at the same
    moment are served one after the other: one gets it, the other the waiting list.
    """
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    now = timezone.now()
    if workshop.status != Workshop.Status.PUBLISHED:
        raise ValidationError(_("This workshop is not open for registration."))
    if not workshop.registration_open(now):
        raise ValidationError(_("The registration deadline for this workshop has passed."))
    taking_part_as = _taking_part_as(
        workshop=workshop, participant=participant, organisation=organisation, by=by
    )
    active = Registration.objects.filter(workshop=workshop).exclude(
        status=Registration.Status.CANCELLED
    )
    if active.filter(participant=participant).exists():
        raise _already_registered(workshop.pk, participant)
    taken = active.filter(status=Registration.Status.CONFIRMED).count()
    last = Registration.objects.filter(workshop=workshop).aggregate(m=Max("position"))["m"] or 0
    status = (
        Registration.Status.CONFIRMED
        if taken < workshop.capacity
        else Registration.Status.WAITLISTED
    )
    try:
        with transaction.atomic():
            registration = Registration.objects.create(
                workshop=workshop,
                participant=participant,
                organisation=organisation,
                taking_part_as=taking_part_as,
                registered_by=by,
                status=status,
                position=last + 1,
            )
    except IntegrityError:
        raise _already_registered(workshop.pk, participant) from None
    audit_log(
        actor=by,
        action=f"qualification.registration.{status}",
        target=registration,
        organisation=organisation,
    )
    template = (
        "registration_confirmed"
        if status == Registration.Status.CONFIRMED
        else "registration_waitlisted"
    )
    context = {**_workshop_context(workshop), "registration": registration, "by": by}
    if status == Registration.Status.CONFIRMED:
        context["checkin_url"] = site_url(personal_url(registration))
    _mail(participant, template, context)
    return registration


def _move(registration: Registration, status: str) -> None:
    if not REGISTRATION_FLOW.allows(registration.status, status):
        raise ValidationError(_("This registration can no longer be changed."))
    registration.status = status


def _fill_free_places(workshop: Workshop, *, by: User | None) -> list[Registration]:
    """Move people up from the waiting list while places are free. The caller holds the lock
    on the workshop row."""
    if workshop.status != Workshop.Status.PUBLISHED or workshop.has_started():
        return []
    taken = workshop.registrations.filter(status=Registration.Status.CONFIRMED).count()
    free = workshop.capacity - taken
    if free <= 0:
        return []
    promoted = list(
        workshop.registrations.filter(status=Registration.Status.WAITLISTED)
        .select_related("participant", "organisation")
        .order_by("position")[:free]
    )
    now = timezone.now()
    context = _workshop_context(workshop)
    for registration in promoted:
        _move(registration, Registration.Status.CONFIRMED)
        registration.promoted_at = now
        registration.save(update_fields=["status", "promoted_at"])
        audit_log(
            actor=by,
            action="qualification.registration.promoted",
            target=registration,
            organisation=registration.organisation,
        )
        _mail(
            registration.participant,
            "registration_promoted",
            {
                **context,
                "registration": registration,
                "checkin_url": site_url(personal_url(registration)),
            },
        )
    return promoted


@transaction.atomic
def registration_cancel(*, registration: Registration, by: User) -> list[Registration]:
    """Cancel a registration; a freed place goes to the first person on the waiting list.

    Returns the registrations that were moved up."""
    workshop = Workshop.objects.select_for_update().get(pk=registration.workshop_id)
    registration = Registration.objects.select_related("participant", "organisation").get(
        pk=registration.pk
    )
    if registration.status == Registration.Status.CANCELLED:
        raise ValidationError(_("This registration has already been cancelled."))
    if workshop.has_started():
        raise ValidationError(
            _("The workshop has already started; registrations can no longer be cancelled.")
        )
    was_confirmed = registration.status == Registration.Status.CONFIRMED
    _move(registration, Registration.Status.CANCELLED)
    registration.cancelled_at = timezone.now()
    registration.cancelled_by = by
    registration.save(update_fields=["status", "cancelled_at", "cancelled_by"])
    audit_log(
        actor=by,
        action="qualification.registration.cancelled",
        target=registration,
        organisation=registration.organisation,
    )
    if by.pk != registration.participant_id:
        _mail(
            registration.participant,
            "registration_cancelled",
            {**_workshop_context(workshop), "registration": registration, "by": by},
        )
    return _fill_free_places(workshop, by=by) if was_confirmed else []


@transaction.atomic
def registrations_carry_over(*, organisation, by: User | None) -> int:
    """The organisation's registration was approved: what its members did as a founding
    initiative becomes the organisation's (its timeline, reach and certificates), each change
    audited. Registrations made as individuals stay theirs: nobody is reassigned silently.

    Called by ``organisations.services.organisation_approve`` (the contract's
    ``organisation_approved`` hook), in its transaction. Returns how many were carried over."""
    pending = list(
        Registration.objects.select_for_update()
        .filter(
            organisation=organisation,
            taking_part_as=Registration.TakingPartAs.INITIATIVE,
            carried_over_at__isnull=True,
        )
        .order_by("pk")
    )
    now = timezone.now()
    for registration in pending:
        registration.carried_over_at = now
        registration.save(update_fields=["carried_over_at"])
        audit_log(
            actor=by,
            action="qualification.registration.carried_over",
            target=registration,
            organisation=organisation,
            changes={"taking_part_as": ["initiative", "organisation"]},
        )
    return len(pending)


# Attendance, certificates, feedback ----------------------------------------------------------


def attendance_open(workshop: Workshop) -> bool:
    """Attendance can be taken from the day the workshop starts."""
    return (
        workshop.status == Workshop.Status.PUBLISHED
        and workshop.starts_at is not None
        and timezone.localdate(workshop.starts_at) <= timezone.localdate()
    )


@transaction.atomic
def attendance_set(*, registration: Registration, attended: bool | None, by: User) -> Registration:
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    workshop = registration.workshop
    if registration.status != Registration.Status.CONFIRMED:
        raise ValidationError(_("Attendance can only be recorded for confirmed participants."))
    if not attendance_open(workshop):
        raise ValidationError(_("Attendance can be taken from the day the workshop starts."))
    if registration.attended != attended:
        old = registration.attended
        registration.attended = attended
        registration.save(update_fields=["attended"])
        audit_log(
            actor=by,
            action="qualification.registration.attendance_recorded",
            target=registration,
            organisation=registration.organisation,
            changes={"attended": [old, attended]},
        )
    return registration


def certificate_request(*, registration: Registration, by: User) -> GeneratedDocument:
    """Ask the worker for the participation certificate; an existing one is reused."""
    from .documents import CERTIFICATE

    if registration.attended is not True or registration.status != Registration.Status.CONFIRMED:
        raise ValidationError(_("Certificates are only issued to people who attended."))
    existing = (
        GeneratedDocument.objects.filter(
            kind=CERTIFICATE,
            content_type=ContentType.objects.get_for_model(Registration),
            object_id=str(registration.pk),
        )
        .exclude(status=GeneratedDocument.Status.FAILED)
        .order_by("-created_at")
        .first()
    )
    if existing:
        return existing
    # The certificate speaks the attendee's language, whoever asks for it.
    with translation.override(registration.participant.preferred_language):
        return document_request(
            kind=CERTIFICATE, target=registration, organisation=registration.organisation, by=by
        )


def certificates_issue(*, workshop: Workshop, by: User) -> int:
    attended = workshop.registrations.filter(
        status=Registration.Status.CONFIRMED, attended=True
    ).select_related("participant", "organisation", "workshop")
    count = 0
    for registration in attended:
        certificate_request(registration=registration, by=by)
        count += 1
    return count


@transaction.atomic
def feedback_submit(*, registration: Registration, rating: int, comment: str, by: User) -> Feedback:
    if not permissions.can_give_feedback(by, registration):
        raise ValidationError(_("Only people who attended can give feedback."))
    if not registration.workshop.has_started():
        raise ValidationError(_("Feedback can be given once the workshop has taken place."))
    try:
        with transaction.atomic():
            feedback = Feedback.objects.create(
                registration=registration, rating=rating, comment=comment.strip()
            )
    except IntegrityError:
        raise ValidationError(
            _("You have already given feedback for this workshop. Thank you!")
        ) from None
    audit_log(actor=by, action="qualification.feedback.given", target=registration.workshop)
    return feedback


# Reminders (called by the beat sweepers in tasks.py) -----------------------------------------


def _each(ids, send, *, what: str) -> int:
    """Send one message per id; one broken message is logged and never blocks the others
    (its marker was rolled back with it, so the next sweep tries it again)."""
    sent = 0
    for pk in ids:
        try:
            sent += bool(send(pk))
        except Exception:
            logger.exception("Qualification %s for %s failed; retried at the next sweep", what, pk)
    return sent


def _claim(queryset, field: str, now) -> bool:
    """Set a sent-marker if it is still empty. True for exactly one caller."""
    return bool(queryset.filter(**{f"{field}__isnull": True}).update(**{field: now}))


def workshop_reminder_send(*, registration_id: int, now=None) -> bool:
    now = now or timezone.now()
    with transaction.atomic():
        claimed = _claim(
            Registration.objects.filter(pk=registration_id, status=Registration.Status.CONFIRMED),
            "reminder_sent_at",
            now,
        )
        if not claimed:
            return False
        registration = Registration.objects.select_related("workshop", "participant").get(
            pk=registration_id
        )
        _mail(
            registration.participant,
            "workshop_reminder",
            {**_workshop_context(registration.workshop), "registration": registration},
            kind=MailKind.REMINDER,
        )
    return True


def workshop_reminders_due(*, now=None):
    now = now or timezone.now()
    hours = getattr(settings, "IKMO_WORKSHOP_REMINDER_HOURS", 48)
    return Registration.objects.filter(
        status=Registration.Status.CONFIRMED,
        reminder_sent_at__isnull=True,
        workshop__status=Workshop.Status.PUBLISHED,
        workshop__starts_at__gt=now,
        workshop__starts_at__lte=now + timedelta(hours=hours),
    )


def workshop_reminders_send_all(*, now=None) -> int:
    now = now or timezone.now()
    ids = list(workshop_reminders_due(now=now).values_list("pk", flat=True)[:1000])
    return _each(
        ids, lambda pk: workshop_reminder_send(registration_id=pk, now=now), what="reminder"
    )


def workshop_followup_send(*, registration_id: int, now=None) -> bool:
    now = now or timezone.now()
    with transaction.atomic():
        claimed = _claim(
            Registration.objects.filter(
                pk=registration_id, status=Registration.Status.CONFIRMED, attended=True
            ),
            "followup_sent_at",
            now,
        )
        if not claimed:
            return False
        registration = Registration.objects.select_related("workshop", "participant").get(
            pk=registration_id
        )
        _mail(
            registration.participant,
            "workshop_followup",
            {
                **_workshop_context(registration.workshop),
                "registration": registration,
                "feedback_url": site_url(reverse("qualification:feedback", args=[registration.pk])),
            },
            kind=MailKind.REMINDER,
        )
    return True


def workshop_followups_due(*, now=None):
    """Attendees of workshops that ended (within the last 30 days) who have not been asked."""
    now = now or timezone.now()
    return Registration.objects.filter(
        status=Registration.Status.CONFIRMED,
        attended=True,
        followup_sent_at__isnull=True,
        workshop__status=Workshop.Status.PUBLISHED,
        workshop__ends_at__lte=now,
        workshop__ends_at__gte=now - timedelta(days=30),
    )


def workshop_followups_send_all(*, now=None) -> int:
    now = now or timezone.now()
    ids = list(workshop_followups_due(now=now).values_list("pk", flat=True)[:1000])
    return _each(
        ids, lambda pk: workshop_followup_send(registration_id=pk, now=now), what="follow-up"
    )


# Coaching ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoachingSessionData:
    """What a consultant logs about one coaching session."""

    date: date
    duration_minutes: int
    format: str
    topics: tuple = ()
    participants: str = ""
    participant_count: int = 1
    outcome: str = ""
    next_step: str = ""
    follow_up_date: date | None = None
    confidential_notes: str = ""


def coaching_check(*, day, follow_up_date, next_step) -> None:
    """A session lies in the past; a follow-up comes after it and says what to do."""
    errors = {}
    if day and day > timezone.localdate():
        errors["date"] = ValidationError(
            _("A coaching session cannot be logged in the future."), code="future"
        )
    elif day and follow_up_date and follow_up_date < day:
        errors["follow_up_date"] = ValidationError(
            _("The follow-up date cannot be before the session."), code="follow_up_before"
        )
    if follow_up_date and not next_step:
        errors["next_step"] = ValidationError(
            _("Please describe the next step for the follow-up."), code="next_step_missing"
        )
    if errors:
        raise ValidationError(errors)


def _coaching_values(data: CoachingSessionData) -> dict:
    coaching_check(day=data.date, follow_up_date=data.follow_up_date, next_step=data.next_step)
    return {f.name: getattr(data, f.name) for f in fields(CoachingSessionData)}


def _ensure_case(session: CoachingSession, by: User) -> CoachingCase:
    case, created = CoachingCase.objects.get_or_create(
        organisation=session.organisation,
        defaults={"consultant": by, "started_on": session.date},
    )
    if not created and not case.is_active:
        case.is_active = True
        case.closed_on = None
        case.save(update_fields=["is_active", "closed_on"])
    return case


@transaction.atomic
def coaching_session_create(
    *, organisation, data: CoachingSessionData, by: User
) -> CoachingSession:
    if not permissions.can_log_coaching(by):
        raise ValidationError(_("Only consultants can log coaching sessions."))
    session = CoachingSession(organisation=organisation, consultant=by)
    save_with_changes(session, _coaching_values(data), creating=True)
    coaching_superseded_refresh(organisation_ids=[organisation.pk])
    _ensure_case(session, by)
    audit_log(
        actor=by,
        action="qualification.session.logged",
        target=session,
        organisation=organisation,
    )
    return session


@transaction.atomic
def coaching_session_update(
    *, session: CoachingSession, data: CoachingSessionData, by: User
) -> CoachingSession:
    # Fresh from the database: a bound form has already written its values onto ``session``.
    session = CoachingSession.objects.select_for_update().get(pk=session.pk)
    changes = save_with_changes(session, _coaching_values(data))
    # The audit trail records that confidential notes changed, never what they say.
    if "confidential_notes" in changes:
        changes["confidential_notes"] = ["…", "…"]
    if "date" in changes:
        coaching_superseded_refresh(organisation_ids=[session.organisation_id])
    if "follow_up_date" in changes:
        # A new follow-up date deserves its own reminder, and is not done yet.
        CoachingSession.objects.filter(pk=session.pk).update(
            follow_up_reminded_at=None, follow_up_done_at=None
        )
    if changes:
        audit_log(
            actor=by,
            action="qualification.session.updated",
            target=session,
            organisation=session.organisation,
            changes=changes,
        )
    return session


@transaction.atomic
def coaching_case_set_active(*, case: CoachingCase, active: bool, by: User) -> CoachingCase:
    case = CoachingCase.objects.select_for_update().get(pk=case.pk)
    if case.is_active == active:
        return case
    case.is_active = active
    case.closed_on = None if active else timezone.localdate()
    if active:
        case.consultant = by
    case.save(update_fields=["is_active", "closed_on", "consultant"])
    audit_log(
        actor=by,
        action="qualification.case.reopened" if active else "qualification.case.closed",
        target=case,
        organisation=case.organisation,
    )
    return case


@transaction.atomic
def coaching_follow_up_mark_done(*, session: CoachingSession, by: User) -> CoachingSession:
    """The consultant has taken care of the follow-up: it leaves their list, no reminder.

    Marking it twice (a double click) changes nothing and logs once."""
    if not permissions.can_edit_coaching_session(by, session):
        raise ValidationError(_("Only the session's consultant or a project lead can do this."))
    session = CoachingSession.objects.select_for_update().get(pk=session.pk)
    if session.follow_up_date is None:
        raise ValidationError(_("This coaching session has no follow-up."))
    if session.follow_up_done_at is not None:
        return session
    session.follow_up_done_at = timezone.now()
    session.save(update_fields=["follow_up_done_at", "updated_at"])
    audit_log(
        actor=by,
        action="qualification.session.follow_up_done",
        target=session,
        organisation=session.organisation,
        changes={"follow_up_date": session.follow_up_date.isoformat()},
    )
    return session


def coaching_follow_up_reminder_send(*, session_id: int, now=None) -> bool:
    now = now or timezone.now()
    with transaction.atomic():
        if not _claim(CoachingSession.objects.filter(pk=session_id), "follow_up_reminded_at", now):
            return False
        session = CoachingSession.objects.select_related("organisation", "consultant").get(
            pk=session_id
        )
        _mail(
            session.consultant,
            "coaching_follow_up",
            {"session": session, "session_url": site_url(session.get_absolute_url())},
            kind=MailKind.REMINDER,
        )
    return True


def coaching_follow_ups_due(*, today=None):
    today = today or timezone.localdate()
    return CoachingSession.objects.filter(
        follow_up_date__lte=today,
        follow_up_date__gte=today - timedelta(days=30),
        follow_up_reminded_at__isnull=True,
        follow_up_done_at__isnull=True,
        superseded=False,
    )


def coaching_superseded_refresh(*, organisation_ids) -> None:
    """Mark which sessions of these organisations are followed by a later one (their
    follow-up was taken care of), in one statement. Every write of a session's date or
    organisation calls it; so do bulk loads (devtools) for what they created."""
    later = CoachingSession.objects.filter(
        organisation_id=OuterRef("organisation_id"), date__gt=OuterRef("date")
    )
    CoachingSession.objects.filter(organisation_id__in=list(organisation_ids)).update(
        superseded=Exists(later)
    )


def coaching_follow_up_reminders_send_all(*, today=None, now=None) -> int:
    ids = list(coaching_follow_ups_due(today=today).values_list("pk", flat=True)[:1000])
    return _each(
        ids,
        lambda pk: coaching_follow_up_reminder_send(session_id=pk, now=now),
        what="coaching follow-up",
    )


def coaching_nudge_weeks() -> int:
    return int(getattr(settings, "IKMO_COACHING_NUDGE_WEEKS", 6))


def coaching_nudges_send_all(*, today=None) -> int:
    """Nudge the consultant of each active case whose last session is N weeks ago or more.

    One nudge per gap: the gap is keyed by the date of the last session, and a unique
    constraint makes the second attempt a no-op. A new session starts a new gap."""
    today = today or timezone.localdate()
    weeks = coaching_nudge_weeks()
    limit = today - timedelta(weeks=weeks)
    cases = (
        CoachingCase.objects.filter(is_active=True)
        .select_related("organisation", "consultant")
        .annotate(last_session=Max("organisation__coaching_sessions__date"))
    )
    sent = 0
    for case in cases:
        last = case.last_session or case.started_on
        if last > limit:
            continue
        with transaction.atomic():
            nudge, created = CoachingNudge.objects.get_or_create(case=case, last_session_date=last)
            if not created:
                continue
            _mail(
                case.consultant,
                "coaching_nudge",
                {
                    "case": case,
                    "organisation": case.organisation,
                    "last_session": last,
                    "weeks": (today - last).days // 7,
                    "new_session_url": site_url(
                        reverse("qualification:coaching_create", args=[case.organisation_id])
                    ),
                },
                kind=MailKind.REMINDER,
            )
            sent += 1
    return sent
