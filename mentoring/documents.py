"""PDFs of networking & mentoring: a public event's guest list and its name badges, and the
report of any event (who came, programme, minutes, World Café results, follow-up tasks)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ikmo.documents import DocumentKind

from . import permissions

GUEST_LIST = "mentoring_guest_list"
NAME_BADGES = "mentoring_name_badges"
EVENT_REPORT = "mentoring_event_report"
BADGES_PER_SHEET = 8  # 2 × 4 badges of 90 × 60 mm on an A4 sheet


def guest_list_context(event, document) -> dict:
    from .selectors import guest_counts, guests_of

    return {
        "event": event,
        "guests": [g for g in guests_of(event) if g.status != g.Status.CANCELLED],
        "counts": guest_counts(event),
        "generated_at": timezone.now(),
    }


def name_badges_context(event, document) -> dict:
    """Badges carry the guest's personal check-in code: the team scans the badge at the
    door (ikmo/checkin.py), as they would scan the code on the guest's phone."""
    from django.conf import settings

    from ikmo.checkin import personal_url
    from ikmo.qr import qr_svg

    from .models import EventGuest

    site_url = getattr(settings, "IKMO_SITE_URL", "").rstrip("/")
    guests = list(event.guests.filter(status=EventGuest.Status.REGISTERED).order_by("name", "pk"))
    for guest in guests:
        guest.checkin_qr = qr_svg(site_url + personal_url(guest), label=_("Check-in code"), size=80)
    sheets = [guests[i : i + BADGES_PER_SHEET] for i in range(0, len(guests), BADGES_PER_SHEET)]
    return {"event": event, "sheets": sheets}


def event_report_context(event, document) -> dict:
    """The event's documentation for the team and funders: counts and organisations (no
    person's name), the programme, minutes, the small groups' results and the tasks."""
    from .selectors import attendance_of, guest_counts, programme_of, tables_of, tasks_of

    attendance = list(attendance_of(event))
    return {
        "event": event,
        "attendance_count": len(attendance),
        "organisations": sorted({a.organisation.name for a in attendance}, key=str.casefold),
        "guests": guest_counts(event),
        "programme": programme_of(event),
        "tables": list(tables_of(event)),
        "tasks": list(tasks_of(event).order_by("done_at", "due_on", "pk")),
        "generated_at": timezone.now(),
    }


def _can_manage(user, event) -> bool:
    return permissions.can_manage_guests(user)


# The contract's `documents` hook (see the app config).
KINDS = [
    DocumentKind(
        key=GUEST_LIST,
        template="mentoring/pdf/guest_list.html",
        build_context=guest_list_context,
        can_view=_can_manage,
        title=lambda event: _("Guest list: %(event)s") % {"event": event.title},
    ),
    DocumentKind(
        key=NAME_BADGES,
        template="mentoring/pdf/name_badges.html",
        build_context=name_badges_context,
        can_view=_can_manage,
        title=lambda event: _("Name badges: %(event)s") % {"event": event.title},
    ),
    DocumentKind(
        key=EVENT_REPORT,
        template="mentoring/pdf/event_report.html",
        build_context=event_report_context,
        can_view=_can_manage,
        title=lambda event: _("Event report: %(event)s") % {"event": event.title},
    ),
]
