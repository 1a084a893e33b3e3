"""Event registrations of account holders, and guests of public events, in the portal's
check-in by code (ikmo/checkin.py)."""

import datetime

from django.urls import reverse
from django.utils import timezone

from ikmo.checkin import CheckInKind

from . import permissions, selectors, services
from .models import Event, EventAttendance, EventGuest, EventRegistration


def _registrations():
    return EventRegistration.objects.select_related("event", "person", "organisation")


def _span(event):
    return event.starts_at, event.ends_at


def _days(event):
    first = timezone.localdate(event.starts_at)
    last = timezone.localdate(event.ends_at or event.starts_at)
    return [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]


def _is_checked_in(registration):
    return EventAttendance.objects.filter(
        event_id=registration.event_id, person_id=registration.person_id
    ).exists()


def _check_in(registration, by):
    services.attendance_record(
        event=registration.event,
        organisation=registration.organisation,
        person=registration.person,
        by=by,
    )


def _undo(registration, by):
    attendance = EventAttendance.objects.get(
        event_id=registration.event_id, person_id=registration.person_id
    )
    services.attendance_remove(attendance=attendance, by=by)


def _guests():
    return EventGuest.objects.select_related("event")


def _is_guest_staff(user, event):
    # As the guest list: the centre's mentoring staff, for an event they can see.
    return (
        permissions.can_manage_guests(user)
        and selectors.events_for_user(user).filter(pk=event.pk).exists()
    )


KINDS = [
    CheckInKind(
        key="mentoring.eventregistration",
        registrations=_registrations,
        occasions=Event.objects.all,
        occasion_of=lambda r: r.event,
        name_of=lambda r: r.person.get_full_name() or r.person.email,
        person_of=lambda r: r.person,
        is_valid=lambda r: r.event.status != Event.Status.CANCELLED,
        is_staff_of=permissions.can_view_attendance,
        is_checked_in=_is_checked_in,
        check_in=_check_in,
        undo=_undo,
        span_of=_span,
        days_of=_days,
        registration_of=lambda event, user: (
            _registrations().filter(event=event, person=user).first()
        ),
        attendance_url=lambda e: reverse("mentoring:event_detail", args=[e.pk]),
        room_route="mentoring:room_code",
        title_of=lambda e: e.title,
    ),
    CheckInKind(
        key="mentoring.eventguest",
        registrations=_guests,
        occasions=Event.objects.all,
        occasion_of=lambda g: g.event,
        name_of=lambda g: g.name,
        # No account: the guest shows their code, staff scan it; no room code to scan.
        person_of=lambda g: None,
        is_valid=lambda g: (
            g.status == EventGuest.Status.REGISTERED and g.event.status != Event.Status.CANCELLED
        ),
        is_staff_of=_is_guest_staff,
        is_checked_in=lambda g: g.attended_at is not None,
        check_in=lambda g, by: services.guest_attendance_record(guest=g, by=by),
        undo=lambda g, by: services.guest_attendance_undo(guest=g, by=by),
        span_of=_span,
        days_of=_days,
        registration_of=lambda event, user: None,
        attendance_url=lambda e: reverse("mentoring:guest_list", args=[e.pk]),
        room_route="mentoring:room_code",
        title_of=lambda e: e.title,
        organisation_name_of=lambda g: g.organisation_name,
    ),
]
