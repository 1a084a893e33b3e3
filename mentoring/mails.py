"""The e-mails of networking & mentoring, for staff-edited wording (mailtexts.registry)."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from mailtexts.registry import MailKind, Placeholder


def _link(description, path_of, sample):
    return Placeholder(
        "link", description, lambda c: c.get("site_url", "") + path_of(c), sample, required=True
    )


def _site() -> str:
    return getattr(settings, "IKMO_SITE_URL", "").rstrip("/")


EVENT = Placeholder(
    "event", _("Title of the event"), lambda c: c["event"].title, "Fachrunde Bildung (Beispiel)"
)
WHEN = Placeholder(
    "when", _("When the event starts"), lambda c: c["event"].starts_at, "1. Juni 2026, 17:00"
)
EVENT_LINK = _link(
    _("Link to the event in the portal"),
    lambda c: c["event"].get_absolute_url(),
    "https://portal.example/mentoring/events/0/",
)
CHECKIN_LINK = Placeholder(
    "checkin_link",
    _("Link to the personal check-in code"),
    lambda c: c.get("checkin_url", ""),
    "https://portal.example/checkin/Beispiel/",
)
MENTOR = Placeholder(
    "mentor",
    _("Name of the mentoring organisation"),
    lambda c: c["tandem"].mentor.name,
    "Erfahren e.V.",
)
MENTEE = Placeholder(
    "mentee",
    _("Name of the mentored organisation"),
    lambda c: c["tandem"].mentee.name,
    "Neustart e.V.",
)
TANDEM_LINK = _link(
    _("Link to the tandem in the portal"),
    lambda c: c["tandem"].get_absolute_url(),
    "https://portal.example/mentoring/tandems/0/",
)


def _event_example():
    from ikmo.checkin import personal_url

    from .models import EventRegistration

    registration = (
        EventRegistration.objects.select_related("event", "organisation", "person")
        .order_by("-pk")
        .first()
    )
    if registration is None:
        return None
    return {
        "event": registration.event,
        "organisation": registration.organisation,
        "recipient": registration.person,
        "site_url": _site(),
        "checkin_url": _site() + personal_url(registration),
    }


def _task_example():
    from .models import FollowUpTask

    task = FollowUpTask.objects.select_related("event", "assignee").order_by("-pk").first()
    if task is None:
        return None
    return {"task": task, "recipient": task.assignee, "site_url": _site()}


def _last_gap(tandem):
    from .models import TandemNudge

    nudge = TandemNudge.objects.filter(tandem=tandem).order_by("-pk").first()
    return nudge.gap_since if nudge else tandem.starts_on


def _tandem_example(*statuses):
    def example():
        from .models import Tandem

        tandem = (
            Tandem.objects.filter(status__in=statuses)
            .select_related("mentor", "mentee", "lead")
            .order_by("-pk")
            .first()
        )
        if tandem is None:
            return None
        return {
            "tandem": tandem,
            "declined_by": tandem.mentee,
            "gap_since": _last_gap(tandem),
            "site_url": _site(),
        }

    return example


def _guest_sample():
    """A fictional guest and event: a real guest's mail holds a working cancel link."""
    import datetime

    from django.utils import timezone

    from .models import Event, EventGuest

    event = Event(
        pk=0,
        title="Fachtag Beteiligung (Beispiel)",
        place="Rathaus Beispiel",
        starts_at=timezone.make_aware(datetime.datetime(2026, 6, 1, 10, 0)),
    )
    return {
        "event": event,
        "guest": EventGuest(event=event, name="Alex Beispiel", email="alex@example.org"),
        "site_url": "https://portal.example",
        "event_url": "https://portal.example/mentoring/public/0/",
        "cancel_url": "https://portal.example/mentoring/guests/BEISPIEL/cancel/",
        "checkin_url": "https://portal.example/checkin/BEISPIEL/",
    }


GUEST_PLACEHOLDERS = (
    EVENT,
    Placeholder("name", _("Name of the guest"), lambda c: c["guest"].name, "Alex Beispiel"),
    WHEN,
    Placeholder("place", _("Place of the event"), lambda c: c["event"].place, "Rathaus Beispiel"),
    Placeholder(
        "event_link",
        _("Link to the public event page"),
        lambda c: c["event_url"],
        "https://portal.example/mentoring/public/0/",
    ),
    Placeholder(
        "cancel_link",
        _("The guest's personal link to cancel"),
        lambda c: c["cancel_url"],
        "https://portal.example/mentoring/guests/BEISPIEL/cancel/",
        required=True,
    ),
    CHECKIN_LINK,
)


MAILS = [
    MailKind(
        "mentoring/email/guest_registered",
        _("Guest registration confirmed"),
        _("To a guest without an account who got a place at a public event."),
        GUEST_PLACEHOLDERS,
        sample_context=_guest_sample,
    ),
    MailKind(
        "mentoring/email/guest_waiting",
        _("Guest on the waiting list"),
        _("To a guest who registered for a fully booked public event."),
        GUEST_PLACEHOLDERS,
        sample_context=_guest_sample,
    ),
    MailKind(
        "mentoring/email/guest_moved_up",
        _("Guest moved up from the waiting list"),
        _("To a guest on the waiting list when a place has become free for them."),
        GUEST_PLACEHOLDERS,
        sample_context=_guest_sample,
    ),
    MailKind(
        "mentoring/email/event_registered",
        _("Event registration confirmed"),
        _("To a person who registered for an expert round or network event."),
        (
            EVENT,
            Placeholder(
                "organisation",
                _("Name of the organisation"),
                lambda c: c["organisation"].name,
                "Beispiel e.V.",
            ),
            WHEN,
            Placeholder(
                "place", _("Place of the event"), lambda c: c["event"].place, "Rathaus Beispiel"
            ),
            EVENT_LINK,
            CHECKIN_LINK,
        ),
        example=_event_example,
    ),
    MailKind(
        "mentoring/email/event_cancelled",
        _("Event cancelled"),
        _("To everyone registered when an event is cancelled."),
        (EVENT, WHEN, EVENT_LINK),
        example=_event_example,
    ),
    MailKind(
        "mentoring/email/task_assigned",
        _("Follow-up task assigned"),
        _("To a person who has been given a follow-up task of an event."),
        (
            Placeholder("task", _("The task"), lambda c: c["task"].title, "Protokoll verschicken"),
            Placeholder(
                "event",
                _("Title of the event"),
                lambda c: c["task"].event.title,
                "Fachrunde Bildung (Beispiel)",
            ),
            Placeholder(
                "due_on", _("Due date, if any"), lambda c: c["task"].due_on, "1. Juni 2026"
            ),
            _link(
                _("Link to the event in the portal"),
                lambda c: c["task"].event.get_absolute_url(),
                "https://portal.example/mentoring/events/0/",
            ),
        ),
        example=_task_example,
    ),
    MailKind(
        "mentoring/email/tandem_proposed",
        _("Mentoring tandem proposed"),
        _("To the admins of both organisations when the team proposes a tandem."),
        (
            MENTOR,
            MENTEE,
            Placeholder(
                "goals",
                _("Goals of the tandem"),
                lambda c: c["tandem"].goals,
                "Vereinsgründung begleiten",
            ),
            TANDEM_LINK,
        ),
        example=_tandem_example("proposed"),
    ),
    MailKind(
        "mentoring/email/tandem_active",
        _("Mentoring tandem started"),
        _("To both organisations and the lead when both have accepted."),
        (MENTOR, MENTEE, TANDEM_LINK),
        example=_tandem_example("active"),
    ),
    MailKind(
        "mentoring/email/tandem_declined",
        _("Mentoring tandem declined"),
        _("To both organisations and the lead when one organisation declines."),
        (
            MENTOR,
            MENTEE,
            Placeholder(
                "declined_by",
                _("Name of the organisation that declined"),
                lambda c: c["declined_by"].name,
                "Neustart e.V.",
            ),
            Placeholder(
                "reason", _("Reason given, if any"), lambda c: c["tandem"].end_note, "Keine Zeit"
            ),
            TANDEM_LINK,
        ),
        example=_tandem_example("declined"),
    ),
    MailKind(
        "mentoring/email/tandem_ended",
        _("Mentoring tandem ended: evaluation"),
        _("To both organisations and the lead when a tandem ends, asking for an evaluation."),
        (
            MENTOR,
            MENTEE,
            Placeholder(
                "status",
                _("How the tandem ended"),
                lambda c: c["tandem"].get_status_display(),
                "Abgeschlossen",
            ),
            TANDEM_LINK,
        ),
        example=_tandem_example("completed", "ended_early"),
    ),
    MailKind(
        "mentoring/email/tandem_nudge",
        _("Tandem: time for a meeting?"),
        _("To an active tandem when no meeting has been logged for a while."),
        (
            MENTOR,
            MENTEE,
            Placeholder(
                "since",
                _("Date of the last logged meeting"),
                lambda c: c["gap_since"],
                "1. März 2026",
            ),
            TANDEM_LINK,
        ),
        example=_tandem_example("active"),
    ),
]
