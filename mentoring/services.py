"""Every change in networking & mentoring goes through these functions."""

from dataclasses import dataclass, fields
from dataclasses import field as dataclass_field
from datetime import date, datetime, time

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ikmo.audit import audit_log, save_with_changes
from ikmo.checkin import personal_url
from ikmo.content_language import text_values
from ikmo.mail import email_queue
from ikmo.notifications import MailKind
from organisations.models import Membership, Organisation, User
from organisations.permissions import is_organisation_admin

from . import permissions, selectors
from .models import (
    CONTACT_FLOW,
    TANDEM_FLOW,
    CooperationContact,
    CooperationStatusChange,
    Event,
    EventAgendaItem,
    EventAttendance,
    EventGuest,
    EventInfoStand,
    EventRegistration,
    EventSpeaker,
    EventTable,
    FollowUpTask,
    MentorOffer,
    MentorRequest,
    Tandem,
    TandemEvaluation,
    TandemMeeting,
    TandemNudge,
)

# Partner brokering ---------------------------------------------------------------------------

_C = CooperationContact.Status


def contact_next_statuses(contact: CooperationContact) -> list[tuple[str, str]]:
    allowed = CONTACT_FLOW.targets(contact.status)
    return [(value, label) for value, label in _C.choices if value in allowed]


@dataclass(frozen=True)
class ContactData:
    """One cooperation contact between an MO and a partner, as the team records it."""

    organisation: Organisation
    partner: Organisation
    field_of_work: object
    contact_person: str = ""
    contact_date: date | None = None
    outcome: str = ""


def contact_check(contact_date) -> None:
    if contact_date and contact_date > timezone.localdate():
        raise ValidationError(
            {
                "contact_date": ValidationError(
                    _("The date of the first contact cannot be in the future."), code="future"
                )
            }
        )


def _values(data) -> dict:
    return {f.name: getattr(data, f.name) for f in fields(data)}


@transaction.atomic
def contact_create(*, data: ContactData, by) -> CooperationContact:
    contact_check(data.contact_date)
    contact = CooperationContact(
        created_by=by, status=_C.CONTACT_MADE, status_changed_at=timezone.now()
    )
    save_with_changes(contact, _values(data), creating=True)
    CooperationStatusChange.objects.create(
        contact=contact, from_status="", to_status=contact.status, changed_by=by
    )
    audit_log(
        actor=by,
        action="mentoring.contact.created",
        target=contact,
        organisation=contact.organisation,
    )
    return contact


@transaction.atomic
def contact_update(*, contact: CooperationContact, data: ContactData, by) -> CooperationContact:
    contact_check(data.contact_date)
    # Fresh from the database: a bound form has already written its values onto ``contact``.
    contact = CooperationContact.objects.select_for_update().get(pk=contact.pk)
    changes = save_with_changes(contact, _values(data))
    if changes:
        audit_log(
            actor=by,
            action="mentoring.contact.updated",
            target=contact,
            organisation=contact.organisation,
            changes=changes,
        )
    return contact


@transaction.atomic
def contact_change_status(
    *, contact: CooperationContact, to_status: str, by, note: str = ""
) -> CooperationContact:
    contact = CooperationContact.objects.select_for_update().get(pk=contact.pk)
    if not CONTACT_FLOW.allows(contact.status, to_status):
        raise ValidationError(
            _("A cooperation with status “%(current)s” cannot move to “%(new)s”.")
            % {"current": contact.get_status_display(), "new": _C(to_status).label}
            if to_status in _C.values
            else _("Please choose a valid status.")
        )
    previous = contact.status
    contact.status = to_status
    contact.status_changed_at = timezone.now()
    contact.save(update_fields=["status", "status_changed_at", "updated_at"])
    CooperationStatusChange.objects.create(
        contact=contact, from_status=previous, to_status=to_status, note=note, changed_by=by
    )
    audit_log(
        actor=by,
        action="mentoring.contact.status_changed",
        target=contact,
        organisation=contact.organisation,
        changes={"status": [previous, to_status], **({"note": note} if note else {})},
    )
    return contact


@transaction.atomic
def contact_delete(*, contact: CooperationContact, by) -> None:
    audit_log(
        actor=by,
        action="mentoring.contact.deleted",
        target=contact,
        organisation=contact.organisation,
    )
    contact.delete()


# Expert rounds and network events ----------------------------------------------------------


def _mail(user, *, template: str, context: dict, kind: str = MailKind.TRANSACTIONAL) -> None:
    if user is not None and user.is_active and user.email:
        email_queue(
            to=user.email,
            template=template,
            context={
                **context,
                "recipient": user,
                "site_url": getattr(settings, "IKMO_SITE_URL", "").rstrip("/"),
            },
            language=user.preferred_language,
            kind=kind,
        )


@dataclass(frozen=True)
class EventData:
    """An expert round or network event: topic, date, place, invitations."""

    kind: str
    title: str
    starts_at: datetime
    ends_at: datetime | None = None
    field_of_work: object = None
    description: str = ""
    place: str = ""
    capacity: int | None = None
    is_open: bool = False
    is_public: bool = False
    invited_organisations: tuple = ()
    # ``title`` and ``description`` are German; other languages by column ({"title_en": …}).
    translations: dict = dataclass_field(default_factory=dict)


def event_check(starts_at, ends_at) -> None:
    if starts_at and ends_at and ends_at < starts_at:
        raise ValidationError(
            {"ends_at": ValidationError(_("The end must be after the start."), code="order")}
        )


@transaction.atomic
def event_save(*, event: Event | None, data: EventData, by) -> Event:
    """Create (``event=None``) or change an event."""
    event_check(data.starts_at, data.ends_at)
    created = event is None
    # Fresh from the database: a bound form has already written its values onto ``event``.
    event = Event(created_by=by) if created else Event.objects.select_for_update().get(pk=event.pk)
    values = {
        f.name: getattr(data, f.name)
        for f in fields(data)
        if f.name not in ("title", "description", "translations")
    }
    values.update(
        text_values(
            german={"title": data.title, "description": data.description},
            translations=data.translations,
            fields=("title", "description"),
        )
    )
    changes = save_with_changes(event, values, creating=created)
    if created or changes:
        audit_log(
            actor=by,
            action="mentoring.event.created" if created else "mentoring.event.updated",
            target=event,
            changes=changes,
        )
    return event


@transaction.atomic
def event_register(*, event: Event, person, organisation) -> EventRegistration:
    """A member signs up for an event on behalf of one of their organisations."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if not permissions.registration_is_open(event):
        raise ValidationError(_("Registration for this event is closed."))
    allowed = {o.pk for o in permissions.registrable_organisations(person, event)}
    if organisation.pk not in allowed:
        raise ValidationError(_("Your organisation is not invited to this event."))
    if EventRegistration.objects.filter(event=event, person=person).exists():
        raise ValidationError(_("You are already registered for this event."))
    if event.capacity is not None and selectors.places_taken(event) >= event.capacity:
        raise ValidationError(_("Sorry, this event is fully booked."))
    registration = EventRegistration.objects.create(
        event=event, person=person, organisation=organisation
    )
    audit_log(
        actor=person,
        action="mentoring.event.registered",
        target=event,
        organisation=organisation,
    )
    _mail(
        person,
        template="mentoring/email/event_registered",
        context={
            "event": event,
            "organisation": organisation,
            "checkin_url": getattr(settings, "IKMO_SITE_URL", "").rstrip("/")
            + personal_url(registration),
        },
    )
    return registration


@transaction.atomic
def event_unregister(*, registration: EventRegistration, by) -> None:
    if not permissions.registration_is_open(registration.event):
        raise ValidationError(_("The event has started or is over: the registration stays."))
    audit_log(
        actor=by,
        action="mentoring.event.unregistered",
        target=registration.event,
        organisation=registration.organisation,
    )
    event = Event.objects.select_for_update().get(pk=registration.event_id)
    registration.delete()
    if event.is_public:
        _move_up(event)


@transaction.atomic
def attendance_record(
    *, event: Event, organisation, by, person=None, name: str = ""
) -> EventAttendance:
    """Note that someone of an organisation was there."""
    if event.status == Event.Status.CANCELLED:
        raise ValidationError(_("The event was cancelled: no attendance can be recorded."))
    if event.starts_at > timezone.now():
        # Attendance counts in the funder's figures: only what has happened may be recorded.
        raise ValidationError(
            _("The event has not started yet: attendance can be recorded from %(start)s on.")
            % {"start": date_format(timezone.localtime(event.starts_at), "SHORT_DATETIME_FORMAT")}
        )
    name = " ".join(name.split())
    if person is None and not name:
        raise ValidationError(_("Please enter the name of the person who attended."))
    if person is not None and event.attendances.filter(person=person).exists():
        raise ValidationError(
            _("%(person)s is already on the attendance list.") % {"person": person}
        )
    attendance = EventAttendance.objects.create(
        event=event, organisation=organisation, person=person, name=name, recorded_by=by
    )
    audit_log(
        actor=by,
        action="mentoring.event.attendance_recorded",
        target=event,
        organisation=organisation,
        changes={"attended": attendance.display_name},
    )
    return attendance


@transaction.atomic
def attendance_from_registrations(*, event: Event, registration_ids, by) -> int:
    """Tick registered people as present; people already on the list are skipped."""
    present = set(event.attendances.exclude(person=None).values_list("person_id", flat=True))
    added = 0
    for registration in event.registrations.filter(pk__in=registration_ids).select_related(
        "person", "organisation"
    ):
        if registration.person_id in present:
            continue
        attendance_record(
            event=event, organisation=registration.organisation, person=registration.person, by=by
        )
        added += 1
    return added


@transaction.atomic
def attendance_remove(*, attendance: EventAttendance, by) -> None:
    audit_log(
        actor=by,
        action="mentoring.event.attendance_removed",
        target=attendance.event,
        organisation=attendance.organisation,
        changes={"removed": attendance.display_name},
    )
    attendance.delete()


@transaction.atomic
def event_record_outcome(*, event: Event, minutes: str, by) -> Event:
    """Write the minutes; an event whose start has passed is thereby marked as held."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status == Event.Status.CANCELLED:
        raise ValidationError(_("The event was cancelled."))
    if event.starts_at > timezone.now():
        raise ValidationError(_("The event has not taken place yet."))
    previous = event.status
    event.minutes = minutes
    event.status = Event.Status.HELD
    event.save(update_fields=["minutes", "status", "updated_at"])
    audit_log(
        actor=by,
        action="mentoring.event.held",
        target=event,
        changes={"status": [previous, event.status]},
    )
    return event


@transaction.atomic
def event_cancel(*, event: Event, by) -> Event:
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status != Event.Status.PLANNED:
        raise ValidationError(_("Only planned events can be cancelled."))
    event.status = Event.Status.CANCELLED
    event.save(update_fields=["status", "updated_at"])
    audit_log(actor=by, action="mentoring.event.cancelled", target=event)
    for registration in event.registrations.select_related("person", "organisation"):
        _mail(
            registration.person,
            template="mentoring/email/event_cancelled",
            context={"event": event, "organisation": registration.organisation},
        )
    return event


@transaction.atomic
def task_add(*, event: Event, title: str, by, assignee=None, due_on=None) -> FollowUpTask:
    task = FollowUpTask.objects.create(
        event=event, title=title, assignee=assignee, due_on=due_on, created_by=by
    )
    audit_log(actor=by, action="mentoring.task.created", target=task, changes={"event": event.pk})
    if task.assignee_id and task.assignee_id != by.pk:
        _mail(task.assignee, template="mentoring/email/task_assigned", context={"task": task})
    return task


@transaction.atomic
def task_set_done(*, task: FollowUpTask, done: bool, by) -> FollowUpTask:
    task.done_at = timezone.now() if done else None
    task.done_by = by if done else None
    task.save(update_fields=["done_at", "done_by"])
    audit_log(
        actor=by, action="mentoring.task.done" if done else "mentoring.task.reopened", target=task
    )
    return task


# Guests of public events ---------------------------------------------------------------------

# The version of the consent text guests agree to (forms.GuestRegistrationForm); change it
# whenever the wording changes, so each guest's consent names the text they saw.
GUEST_CONSENT_VERSION = "2026-06-guest-v1"
_GUEST_TOKEN_SALT = "mentoring.guest-cancel"
_LIVE = (EventGuest.Status.REGISTERED, EventGuest.Status.WAITING)


def guest_token(guest: EventGuest) -> str:
    """The signed part of a guest's cancel link: it names the guest, nothing else."""
    # Without a timestamp: the same link in every mail to the guest, valid until the event.
    return signing.Signer(salt=_GUEST_TOKEN_SALT).sign_object({"guest": guest.pk})


def guest_from_token(token: str) -> EventGuest | None:
    """The guest a cancel link names; None for a link that was altered or made up."""
    try:
        value = signing.Signer(salt=_GUEST_TOKEN_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError):
        return None
    if not isinstance(value, dict) or not isinstance(value.get("guest"), int):
        return None
    return EventGuest.objects.select_related("event").filter(pk=value["guest"]).first()


def _mail_guest(guest: EventGuest, template: str) -> None:
    from django.urls import reverse

    site_url = getattr(settings, "IKMO_SITE_URL", "").rstrip("/")
    email_queue(
        to=guest.email,
        template=template,
        context={
            "guest": guest,
            "event": guest.event,
            "site_url": site_url,
            "cancel_url": site_url
            + reverse("mentoring:guest_cancel", kwargs={"token": guest_token(guest)}),
            "event_url": site_url
            + reverse("mentoring:public_event_detail", kwargs={"pk": guest.event_id}),
            # Only a guest with a place has a code to show at the door.
            "checkin_url": site_url + personal_url(guest)
            if guest.status == EventGuest.Status.REGISTERED
            else "",
        },
        language=guest.language,
    )


def guest_registration_check(event: Event) -> None:
    if not permissions.guest_registration_is_open(event):
        raise ValidationError(_("Registration for this event is closed."), code="closed")


@transaction.atomic
def guest_register(
    *,
    event: Event,
    name: str,
    email: str,
    consent: bool,
    organisation_name: str = "",
    accessibility_needs: str = "",
    language: str = "de",
) -> EventGuest:
    """A guest without an account registers for a public event: a place while there is one,
    else the waiting list. One live registration per e-mail address and event."""
    # The event row is the lock: two guests asking for the last place are served one after
    # the other, and the second one finds it taken.
    event = Event.objects.select_for_update().get(pk=event.pk)
    guest_registration_check(event)
    if not consent:
        raise ValidationError(
            {
                "consent": _(
                    "Please agree to the processing of your data, or we cannot register you."
                )
            }
        )
    name = " ".join(name.split())
    email = email.strip()
    if not name or not email:
        raise ValidationError(_("Please give your name and e-mail address."))
    if event.guests.filter(email__iexact=email, status__in=_LIVE).exists():
        raise ValidationError(
            {
                "email": _(
                    "This e-mail address is already registered for this event. Our confirmation "
                    "e-mail has a link to cancel."
                )
            },
            code="duplicate",
        )
    full = event.capacity is not None and selectors.places_taken(event) >= event.capacity
    now = timezone.now()
    guest = EventGuest.objects.create(
        event=event,
        name=name,
        email=email,
        organisation_name=" ".join(organisation_name.split()),
        accessibility_needs=accessibility_needs.strip(),
        language=language[:10] or "de",
        status=EventGuest.Status.WAITING if full else EventGuest.Status.REGISTERED,
        consent_version=GUEST_CONSENT_VERSION,
        consented_at=now,
    )
    audit_log(
        actor=None,
        action="mentoring.guest.waitlisted" if full else "mentoring.guest.registered",
        target=event,
        changes={"guest": guest.pk, "consent": GUEST_CONSENT_VERSION},
    )
    _mail_guest(
        guest,
        "mentoring/email/guest_waiting" if full else "mentoring/email/guest_registered",
    )
    return guest


def _move_up(event: Event) -> EventGuest | None:
    """Give a free place to the first guest waiting (the event row is locked by the caller)."""
    if event.capacity is not None and selectors.places_taken(event) >= event.capacity:
        return None
    first = (
        event.guests.select_for_update()
        .filter(status=EventGuest.Status.WAITING)
        .order_by("created_at", "pk")
        .first()
    )
    if first is None:
        return None
    first.status = EventGuest.Status.REGISTERED
    first.moved_up_at = timezone.now()
    first.save(update_fields=["status", "moved_up_at"])
    audit_log(
        actor=None, action="mentoring.guest.moved_up", target=event, changes={"guest": first.pk}
    )
    _mail_guest(first, "mentoring/email/guest_moved_up")
    return first


@transaction.atomic
def guest_cancel(*, guest: EventGuest) -> EventGuest:
    """The guest cancels through their link; the freed place goes to the waiting list."""
    event = Event.objects.select_for_update().get(pk=guest.event_id)
    guest = EventGuest.objects.select_for_update().get(pk=guest.pk)
    if guest.status == EventGuest.Status.CANCELLED:
        return guest
    if event.starts_at <= timezone.now():
        raise ValidationError(
            _("The event has started: the registration can no longer be cancelled.")
        )
    was_registered = guest.status == EventGuest.Status.REGISTERED
    guest.status = EventGuest.Status.CANCELLED
    guest.cancelled_at = timezone.now()
    guest.save(update_fields=["status", "cancelled_at"])
    audit_log(
        actor=None, action="mentoring.guest.cancelled", target=event, changes={"guest": guest.pk}
    )
    if was_registered and event.status == Event.Status.PLANNED:
        _move_up(event)
    return guest


@transaction.atomic
def guest_attendance_record(*, guest: EventGuest, by, at: datetime | None = None) -> EventGuest:
    """Note that a registered guest is there. The one entry point for the guest list's
    button and for check-in at the door (e.g. a QR scan); only once the event has started,
    and once per guest (a second call says since when the guest is checked in)."""
    guest = EventGuest.objects.select_for_update().select_related("event").get(pk=guest.pk)
    event = guest.event
    at = at or timezone.now()
    if event.status == Event.Status.CANCELLED:
        raise ValidationError(
            _("The event was cancelled: no attendance can be recorded."), code="cancelled"
        )
    if event.starts_at > at:
        raise ValidationError(
            _("The event has not started yet: attendance can be recorded from %(start)s on.")
            % {"start": date_format(timezone.localtime(event.starts_at), "SHORT_DATETIME_FORMAT")},
            code="not_started",
        )
    if guest.status != EventGuest.Status.REGISTERED:
        raise ValidationError(
            _("Only guests with a place can be marked as present."), code="not_registered"
        )
    if guest.attended_at is not None:
        raise ValidationError(
            _("%(name)s is already marked as present (since %(time)s).")
            % {
                "name": guest.name,
                "time": date_format(timezone.localtime(guest.attended_at), "TIME_FORMAT"),
            },
            code="duplicate",
        )
    guest.attended_at = at
    guest.attendance_recorded_by = by
    guest.save(update_fields=["attended_at", "attendance_recorded_by"])
    audit_log(
        actor=by,
        action="mentoring.guest.attended",
        target=event,
        changes={"guest": guest.pk},
    )
    return guest


@transaction.atomic
def guest_attendance_undo(*, guest: EventGuest, by) -> EventGuest:
    """Take a guest's attendance back (a scan of the wrong code at the door)."""
    guest = EventGuest.objects.select_for_update().get(pk=guest.pk)
    if guest.attended_at is None:
        return guest
    guest.attended_at = None
    guest.attendance_recorded_by = None
    guest.save(update_fields=["attended_at", "attendance_recorded_by"])
    audit_log(
        actor=by,
        action="mentoring.guest.attendance_removed",
        target=guest.event,
        changes={"guest": guest.pk},
    )
    return guest


@transaction.atomic
def event_table_add(*, event: Event, topic: str, summary: str, by, host: str = "") -> EventTable:
    """Record a World Café table (or small group) and its results."""
    if event.status == Event.Status.CANCELLED:
        raise ValidationError(_("The event was cancelled."))
    if event.starts_at > timezone.now():
        raise ValidationError(_("The event has not taken place yet."))
    table = EventTable.objects.create(
        event=event,
        topic=" ".join(topic.split()),
        host=" ".join(host.split()),
        summary=summary.strip(),
        created_by=by,
    )
    audit_log(actor=by, action="mentoring.table.created", target=event, changes={"table": table.pk})
    return table


# The programme of an event: speakers, agenda, info stands --------------------------------------


def _one_line(text: str) -> str:
    return " ".join((text or "").split())


def _required(field: str, value: str, message: str) -> str:
    value = _one_line(value)
    if not value:
        raise ValidationError({field: ValidationError(message, code="required")})
    return value


def _programme_write(*, event: Event, model, entry, values: dict, key: str, by):
    """Create (``entry=None``) or change a programme entry of ``event`` with ``values``;
    audited as ``mentoring.<key>.created`` or ``.updated`` (only if anything changed)."""
    created = entry is None
    # Fresh from the database: a bound form has already written its values onto ``entry``.
    entry = model(event=event) if created else model.objects.select_for_update().get(pk=entry.pk)
    changes = save_with_changes(entry, values, creating=created)
    if created or changes:
        audit_log(
            actor=by,
            action=f"mentoring.{key}.{'created' if created else 'updated'}",
            target=event,
            changes={key: entry.pk, **changes},
        )
    return entry


def _programme_delete(entry, *, key: str, by, changes: dict) -> None:
    """Take an entry off its event's programme, audited as ``mentoring.<key>.removed``."""
    audit_log(
        actor=by,
        action=f"mentoring.{key}.removed",
        target=entry.event,
        changes={key: entry.pk, **changes},
    )
    entry.delete()


@transaction.atomic
def speaker_save(
    *,
    event: Event,
    name: str,
    by,
    role: str = "",
    publish: bool = False,
    speaker: EventSpeaker | None = None,
) -> EventSpeaker:
    """Add a speaker to an event's programme (``speaker=None``) or change one. ``publish``:
    the person agreed to be named in the public programme."""
    if speaker is not None and speaker.event_id != event.pk:
        raise ValidationError(_("This speaker belongs to another event."), code="other_event")
    values = {
        "name": _required("name", name, _("Please enter the speaker's name.")),
        "role": _one_line(role),
        "publish": bool(publish),
    }
    return _programme_write(
        event=event, model=EventSpeaker, entry=speaker, values=values, key="speaker", by=by
    )


@transaction.atomic
def speaker_remove(*, speaker: EventSpeaker, by) -> None:
    """Take a speaker off the programme; the agenda items keep their other speakers."""
    _programme_delete(speaker, key="speaker", by=by, changes={"name": speaker.name})


def _clock(value: time) -> str:
    return value.strftime("%H:%M")


def agenda_check(event: Event, starts_at: time | None, ends_at: time | None) -> None:
    """An item ends after it begins and, on a one-day event, lies within the event's time
    (a programme item before the doors open or after they close is a typing error)."""
    errors = {}
    if starts_at and ends_at and ends_at <= starts_at:
        errors["ends_at"] = ValidationError(_("“Until” must be after “from”."), code="order")
    start = timezone.localtime(event.starts_at)
    end = timezone.localtime(event.ends_at) if event.ends_at else None
    if end is None or end.date() == start.date():
        if starts_at and starts_at < start.time().replace(second=0, microsecond=0):
            errors["starts_at"] = ValidationError(
                _("The event only starts at %(time)s: the programme cannot begin earlier.")
                % {"time": _clock(start)},
                code="before_event",
            )
        if end is not None:
            closing = end.time().replace(second=0, microsecond=0)
            if starts_at and starts_at >= closing:
                errors["starts_at"] = ValidationError(
                    _("The event ends at %(time)s: the item must begin before that.")
                    % {"time": _clock(end)},
                    code="after_event",
                )
            if ends_at and ends_at > closing and "ends_at" not in errors:
                errors["ends_at"] = ValidationError(
                    _("The event ends at %(time)s: the item cannot last longer.")
                    % {"time": _clock(end)},
                    code="after_event",
                )
    if errors:
        raise ValidationError(errors)


def speakers_check(event: Event, speakers) -> None:
    """Speakers of an agenda item are chosen among the event's own speakers."""
    if any(s.event_id != event.pk for s in speakers):
        raise ValidationError(
            {
                "speakers": ValidationError(
                    _("Please choose only speakers of this event."), code="other_event"
                )
            }
        )


@transaction.atomic
def agenda_item_save(
    *,
    event: Event,
    starts_at: time,
    title: str,
    by,
    ends_at: time | None = None,
    speakers=(),
    item: EventAgendaItem | None = None,
) -> EventAgendaItem:
    """Add an item to an event's programme (``item=None``) or change one."""
    if item is not None and item.event_id != event.pk:
        raise ValidationError(_("This item belongs to another event."), code="other_event")
    if starts_at is None:
        raise ValidationError(
            {"starts_at": ValidationError(_("Please enter when the item begins."), code="required")}
        )
    agenda_check(event, starts_at, ends_at)
    speakers = list(speakers)
    speakers_check(event, speakers)
    values = {
        "starts_at": starts_at,
        "ends_at": ends_at,
        "title": _required("title", title, _("Please enter a title for the item.")),
        "speakers": speakers,
    }
    return _programme_write(
        event=event, model=EventAgendaItem, entry=item, values=values, key="agenda_item", by=by
    )


@transaction.atomic
def agenda_item_remove(*, item: EventAgendaItem, by) -> None:
    _programme_delete(item, key="agenda_item", by=by, changes={"title": item.title})


@transaction.atomic
def info_stand_save(
    *,
    event: Event,
    organisation_name: str,
    by,
    topic: str = "",
    stand: EventInfoStand | None = None,
) -> EventInfoStand:
    """Add an organisation's info stand to an event (``stand=None``) or change one."""
    if stand is not None and stand.event_id != event.pk:
        raise ValidationError(_("This info stand belongs to another event."), code="other_event")
    values = {
        "organisation_name": _required(
            "organisation_name", organisation_name, _("Please enter the organisation's name.")
        ),
        "topic": _one_line(topic),
    }
    return _programme_write(
        event=event, model=EventInfoStand, entry=stand, values=values, key="info_stand", by=by
    )


@transaction.atomic
def info_stand_remove(*, stand: EventInfoStand, by) -> None:
    _programme_delete(
        stand, key="info_stand", by=by, changes={"organisation_name": stand.organisation_name}
    )


# Mentoring tandems ---------------------------------------------------------------------------


def _admins_of(*organisations):
    return (
        User.objects.filter(
            memberships__organisation__in=organisations,
            memberships__role=Membership.Role.ADMIN,
            memberships__status=Membership.Status.ACTIVE,
            is_active=True,
        )
        .distinct()
        .order_by("pk")
    )


def _mail_tandem(
    tandem: Tandem,
    *,
    template: str,
    include_lead: bool,
    context=None,
    kind: str = MailKind.TRANSACTIONAL,
) -> None:
    recipients = list(_admins_of(tandem.mentor, tandem.mentee))
    if include_lead and tandem.lead is not None and tandem.lead not in recipients:
        recipients.append(tandem.lead)
    for user in recipients:
        _mail(user, template=template, context={"tandem": tandem, **(context or {})}, kind=kind)


@dataclass(frozen=True)
class OfferData:
    """What an established organisation offers as mentor."""

    capacity: int
    fields_of_work: tuple = ()
    topics: tuple = ()
    languages: tuple = ()
    description: str = ""
    is_active: bool = True


@dataclass(frozen=True)
class RequestData:
    """What a start-up organisation looks for in a mentor."""

    fields_of_work: tuple = ()
    topics: tuple = ()
    languages: tuple = ()
    district: object = None
    needs: str = ""


@transaction.atomic
def offer_save(*, organisation, data: OfferData, by) -> MentorOffer:
    """The organisation's one mentoring offer, created or changed."""
    offer = MentorOffer.objects.select_for_update().filter(organisation=organisation).first()
    created = offer is None
    if created:
        offer = MentorOffer(organisation=organisation, created_by=by)
    changes = save_with_changes(offer, _values(data), creating=created)
    audit_log(
        actor=by,
        action="mentoring.offer.created" if created else "mentoring.offer.updated",
        target=offer,
        organisation=organisation,
        changes=changes,
    )
    return offer


@transaction.atomic
def request_save(
    *, organisation, data: RequestData, by, mentor_request: MentorRequest | None = None
) -> MentorRequest:
    """A new request (``mentor_request=None``) or a change to the open one."""
    created = mentor_request is None
    if (
        created
        and MentorRequest.objects.filter(
            organisation=organisation, status=MentorRequest.Status.OPEN
        ).exists()
    ):
        raise ValidationError(_("Your organisation is already looking for a mentor."))
    if created:
        mentor_request = MentorRequest(organisation=organisation, created_by=by)
    else:
        mentor_request = MentorRequest.objects.select_for_update().get(
            pk=mentor_request.pk, organisation=organisation
        )
    changes = save_with_changes(mentor_request, _values(data), creating=created)
    audit_log(
        actor=by,
        action="mentoring.request.created" if created else "mentoring.request.updated",
        target=mentor_request,
        organisation=organisation,
        changes=changes,
    )
    return mentor_request


@transaction.atomic
def request_withdraw(*, mentor_request: MentorRequest, by) -> MentorRequest:
    if mentor_request.status != MentorRequest.Status.OPEN:
        raise ValidationError(_("Only an open request can be withdrawn."))
    mentor_request.status = MentorRequest.Status.WITHDRAWN
    mentor_request.save(update_fields=["status", "updated_at"])
    audit_log(
        actor=by,
        action="mentoring.request.withdrawn",
        target=mentor_request,
        organisation=mentor_request.organisation,
    )
    return mentor_request


@transaction.atomic
def tandem_propose(
    *, mentor_request: MentorRequest, offer: MentorOffer, by, goals: str = "", score: int = 0
) -> Tandem:
    """A project lead confirms a suggested pair; both organisations' admins are asked."""
    if not permissions.can_confirm_tandems(by):
        raise ValidationError(_("Only the project lead can confirm tandems."))
    mentor_request = MentorRequest.objects.select_for_update().get(pk=mentor_request.pk)
    if mentor_request.status != MentorRequest.Status.OPEN:
        raise ValidationError(_("This request already has a tandem or was withdrawn."))
    available = selectors.available_offers().filter(pk=offer.pk).exists()
    if not available or offer.organisation_id == mentor_request.organisation_id:
        raise ValidationError(_("This mentor has no free place for another tandem."))
    tandem = Tandem.objects.create(
        mentor=offer.organisation,
        mentee=mentor_request.organisation,
        request=mentor_request,
        lead=by,
        goals=goals,
        match_score=score,
    )
    mentor_request.status = MentorRequest.Status.MATCHED
    mentor_request.save(update_fields=["status", "updated_at"])
    for organisation in (tandem.mentor, tandem.mentee):
        audit_log(
            actor=by, action="mentoring.tandem.proposed", target=tandem, organisation=organisation
        )
    _mail_tandem(tandem, template="mentoring/email/tandem_proposed", include_lead=False)
    return tandem


def _side(tandem: Tandem, organisation) -> str:
    if organisation.pk == tandem.mentor_id:
        return "mentor"
    if organisation.pk == tandem.mentee_id:
        return "mentee"
    raise ValidationError(_("This organisation is not part of the tandem."))


@transaction.atomic
def tandem_accept(*, tandem: Tandem, organisation, by) -> Tandem:
    """One side's admin accepts; when both have, the tandem becomes active."""
    tandem = (
        Tandem.objects.select_for_update(of=("self",))
        .select_related("mentor", "mentee", "lead")
        .get(pk=tandem.pk)
    )
    side = _side(tandem, organisation)
    if not TANDEM_FLOW.allows(tandem.status, Tandem.Status.ACTIVE):
        raise ValidationError(_("This tandem is no longer waiting for an answer."))
    if not is_organisation_admin(by, organisation):
        raise ValidationError(_("Only an admin of the organisation can accept."))
    if getattr(tandem, f"{side}_accepted_at") is not None:
        raise ValidationError(_("Your organisation has already accepted."))
    now = timezone.now()
    setattr(tandem, f"{side}_accepted_at", now)
    setattr(tandem, f"{side}_accepted_by", by)
    fields = [f"{side}_accepted_at", f"{side}_accepted_by", "updated_at"]
    if tandem.mentor_accepted_at and tandem.mentee_accepted_at:
        tandem.status = Tandem.Status.ACTIVE
        tandem.activated_at = now
        tandem.starts_on = tandem.starts_on or timezone.localdate()
        fields += ["status", "activated_at", "starts_on"]
    tandem.save(update_fields=fields)
    audit_log(
        actor=by, action="mentoring.tandem.accepted", target=tandem, organisation=organisation
    )
    if tandem.status == Tandem.Status.ACTIVE:
        _mail_tandem(tandem, template="mentoring/email/tandem_active", include_lead=True)
    return tandem


@transaction.atomic
def tandem_decline(*, tandem: Tandem, organisation, by, reason: str = "") -> Tandem:
    tandem = (
        Tandem.objects.select_for_update(of=("self",))
        .select_related("mentor", "mentee", "lead")
        .get(pk=tandem.pk)
    )
    _side(tandem, organisation)
    if not TANDEM_FLOW.allows(tandem.status, Tandem.Status.DECLINED):
        raise ValidationError(_("This tandem is no longer waiting for an answer."))
    if not is_organisation_admin(by, organisation):
        raise ValidationError(_("Only an admin of the organisation can decline."))
    tandem.status = Tandem.Status.DECLINED
    tandem.end_note = reason
    tandem.ended_on = timezone.localdate()
    tandem.save(update_fields=["status", "end_note", "ended_on", "updated_at"])
    # The start-up is looking for a mentor again.
    if tandem.request_id:
        MentorRequest.objects.filter(
            pk=tandem.request_id, status=MentorRequest.Status.MATCHED
        ).update(status=MentorRequest.Status.OPEN)
    audit_log(
        actor=by,
        action="mentoring.tandem.declined",
        target=tandem,
        organisation=organisation,
        changes={"reason": reason} if reason else None,
    )
    _mail_tandem(
        tandem,
        template="mentoring/email/tandem_declined",
        include_lead=True,
        context={"declined_by": organisation},
    )
    return tandem


def tandem_plan_check(starts_on, planned_end_on) -> None:
    if starts_on and planned_end_on and planned_end_on <= starts_on:
        raise ValidationError(
            {
                "planned_end_on": ValidationError(
                    _("The planned end must be after the start."), code="order"
                )
            }
        )


@transaction.atomic
def tandem_update_plan(
    *, tandem: Tandem, goals: str, starts_on=None, planned_end_on=None, by
) -> Tandem:
    # Fresh from the database: a bound form has already written its values onto ``tandem``.
    tandem = (
        Tandem.objects.select_for_update(of=("self",)).select_related("mentee").get(pk=tandem.pk)
    )
    if tandem.status not in (Tandem.Status.PROPOSED, Tandem.Status.ACTIVE):
        raise ValidationError(_("A finished tandem cannot be changed."))
    tandem_plan_check(starts_on, planned_end_on)
    changes = save_with_changes(
        tandem, {"goals": goals, "starts_on": starts_on, "planned_end_on": planned_end_on}
    )
    if changes:
        audit_log(
            actor=by,
            action="mentoring.tandem.plan_updated",
            target=tandem,
            organisation=tandem.mentee,
            changes=changes,
        )
    return tandem


def meeting_check(tandem: Tandem, met_on) -> None:
    if met_on > timezone.localdate():
        message = ValidationError(_("Please log meetings that have taken place."), code="future")
    elif tandem.starts_on and met_on < tandem.starts_on:
        message = ValidationError(
            _("The date is before the start of the tandem."), code="before_start"
        )
    else:
        return
    raise ValidationError({"met_on": message})


@transaction.atomic
def meeting_log(
    *, tandem: Tandem, met_on, format: str, duration_minutes=None, summary: str = "", by
) -> TandemMeeting:
    if tandem.status != Tandem.Status.ACTIVE:
        raise ValidationError(_("Meetings can be logged while the tandem is active."))
    meeting_check(tandem, met_on)
    sides = permissions.tandem_sides_of(by, tandem)
    meeting = TandemMeeting.objects.create(
        tandem=tandem,
        met_on=met_on,
        format=format,
        duration_minutes=duration_minutes,
        summary=summary,
        logged_by=by,
        logged_for=sides[0] if len(sides) == 1 else None,
    )
    audit_log(
        actor=by,
        action="mentoring.tandem.meeting_logged",
        target=tandem,
        organisation=meeting.logged_for,
        changes={"met_on": meeting.met_on.isoformat()},
    )
    return meeting


@transaction.atomic
def tandem_close(*, tandem: Tandem, status: str, by, note: str = "") -> Tandem:
    """Completed as planned or ended early; both sides are then asked for an evaluation."""
    tandem = (
        Tandem.objects.select_for_update(of=("self",))
        .select_related("mentor", "mentee", "lead")
        .get(pk=tandem.pk)
    )
    if status not in (Tandem.Status.COMPLETED, Tandem.Status.ENDED_EARLY):
        raise ValidationError(_("Please choose how the tandem ended."))
    if not TANDEM_FLOW.allows(tandem.status, status):
        raise ValidationError(_("Only an active tandem can be ended."))
    if TANDEM_FLOW.step(tandem.status, status).note_required and not note.strip():
        raise ValidationError(_("Please say briefly why the tandem ended early."))
    tandem.status = status
    tandem.ended_on = timezone.localdate()
    tandem.end_note = note
    tandem.save(update_fields=["status", "ended_on", "end_note", "updated_at"])
    for organisation in (tandem.mentor, tandem.mentee):
        audit_log(
            actor=by, action=f"mentoring.tandem.{status}", target=tandem, organisation=organisation
        )
    _mail_tandem(tandem, template="mentoring/email/tandem_ended", include_lead=True)
    return tandem


@transaction.atomic
def evaluation_submit(
    *, tandem: Tandem, organisation, goals_reached: str, rating: int, comment: str = "", by
) -> TandemEvaluation:
    _side(tandem, organisation)
    if not tandem.is_finished:
        raise ValidationError(_("The evaluation opens when the tandem has ended."))
    if TandemEvaluation.objects.filter(tandem=tandem, organisation=organisation).exists():
        raise ValidationError(_("Your organisation has already evaluated this tandem."))
    evaluation = TandemEvaluation.objects.create(
        tandem=tandem,
        organisation=organisation,
        goals_reached=goals_reached,
        rating=rating,
        comment=comment,
        submitted_by=by,
    )
    audit_log(
        actor=by, action="mentoring.tandem.evaluated", target=tandem, organisation=organisation
    )
    return evaluation


def nudge_weeks() -> int:
    return int(getattr(settings, "IKMO_TANDEM_NUDGE_WEEKS", 6))


def tandem_nudge(*, tandem_id: int, today=None) -> bool:
    """Remind both sides and the lead once per gap without a logged meeting.

    The marker row is claimed first, inside the transaction that queues the e-mails: a second
    worker (or a re-run) hits the unique constraint and sends nothing; a failure rolls both back.
    """
    today = today or timezone.localdate()
    weeks = nudge_weeks()
    with transaction.atomic():
        tandem = (
            selectors.tandems_due_for_nudge(today=today, weeks=weeks)
            .select_related("mentor", "mentee", "lead")
            .filter(pk=tandem_id)
            .first()
        )
        if tandem is None:  # a meeting was logged meanwhile, it ended, or it was reminded
            return False
        try:
            with transaction.atomic():
                TandemNudge.objects.create(tandem=tandem, gap_since=tandem.gap_since)
        except IntegrityError:
            return False
        _mail_tandem(
            tandem,
            template="mentoring/email/tandem_nudge",
            include_lead=True,
            context={"gap_since": tandem.gap_since, "weeks": weeks},
            kind=MailKind.REMINDER,
        )
        audit_log(
            actor=None,
            action="mentoring.tandem.nudged",
            target=tandem,
            changes={"gap_since": tandem.gap_since.isoformat()},
        )
    return True
