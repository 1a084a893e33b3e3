"""Workshop registrations in the portal's check-in by code (ikmo/checkin.py)."""

import datetime

from django.urls import reverse
from django.utils import timezone

from ikmo.checkin import CheckInKind

from . import permissions, services
from .models import Registration, Workshop


def _registrations():
    return Registration.objects.select_related("workshop", "participant", "organisation")


def _span(workshop):
    return workshop.starts_at, workshop.ends_at


def _days(workshop):
    """Every local day a session touches: an evening session past midnight has a room code
    on both days."""
    days = set()
    for session in workshop.sessions.all():
        day = timezone.localdate(session.starts_at)
        last = timezone.localdate(session.ends_at or session.starts_at)
        while day <= last:
            days.add(day)
            day += datetime.timedelta(days=1)
    return sorted(days)


def _registration_of(workshop, user):
    return (
        _registrations()
        .filter(workshop=workshop, participant=user, status=Registration.Status.CONFIRMED)
        .first()
    )


KINDS = [
    CheckInKind(
        key="qualification.registration",
        registrations=_registrations,
        occasions=lambda: Workshop.objects.filter(starts_at__isnull=False),
        occasion_of=lambda r: r.workshop,
        name_of=lambda r: r.participant.get_full_name() or r.participant.email,
        person_of=lambda r: r.participant,
        is_valid=lambda r: r.status == Registration.Status.CONFIRMED,
        is_staff_of=permissions.can_manage_workshop,
        is_checked_in=lambda r: r.attended is True,
        check_in=lambda r, by: services.attendance_set(registration=r, attended=True, by=by),
        undo=lambda r, by: services.attendance_set(registration=r, attended=None, by=by),
        span_of=_span,
        days_of=_days,
        registration_of=_registration_of,
        attendance_url=lambda w: reverse("qualification:attendance", args=[w.pk]),
        room_route="qualification:room_code",
    )
]
