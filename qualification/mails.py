"""The e-mails of qualification & coaching, for staff-edited wording (mailtexts.registry)."""

from dataclasses import replace

from django.template.loader import get_template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mailtexts.registry import MailKind, Placeholder


def _details(context: dict) -> str:
    # The same block the code's own text includes: dates, place, online link.
    return get_template("qualification/email/_details.txt").render(context).strip()


WORKSHOP = Placeholder(
    "workshop",
    _("Title of the workshop"),
    lambda c: c["workshop"].title,
    "Vereinsgründung (Beispiel)",
)
DETAILS = Placeholder(
    "details",
    _("Dates, place, online link and link of the workshop, several lines"),
    _details,
    "- Mo, 1. Juni 2026, 17:00–19:00\nOrt: Musterstraße 1, Berlin\nDetails: https://portal.example/",
)
WORKSHOP_LINK = Placeholder(
    "workshop_link",
    _("Link to the workshop in the portal"),
    lambda c: c["workshop_url"],
    "https://portal.example/qualification/workshops/0/",
)
REGISTRATIONS_LINK = Placeholder(
    "registrations_link",
    _("Link to the recipient's registrations in the portal"),
    lambda c: c["registrations_url"],
    "https://portal.example/qualification/my-registrations/",
)
CHECKIN_LINK = Placeholder(
    "checkin_link",
    _("Link to the personal check-in code"),
    lambda c: c.get("checkin_url", ""),
    "https://portal.example/checkin/Beispiel/",
)
PERSON = Placeholder(
    "person", _("Name of the person who acted"), lambda c: c["by"], "Alex Beispiel"
)
ORGANISATION = Placeholder(
    "organisation", _("Name of the organisation"), lambda c: c["organisation"].name, "Beispiel e.V."
)


def _required(placeholder: Placeholder) -> Placeholder:
    return replace(placeholder, required=True)


def _registration(status: str, **extra):
    def example():
        from .models import Registration
        from .services import _workshop_context, site_url

        registration = (
            Registration.objects.filter(status=status)
            .select_related("workshop", "participant", "registered_by")
            .order_by("-pk")
            .first()
        )
        if registration is None:
            return None
        context = {
            **_workshop_context(registration.workshop),
            "registration": registration,
            "recipient": registration.participant,
            "by": registration.registered_by or registration.participant,
        }
        if registration.status == "confirmed":
            from ikmo.checkin import personal_url

            context["checkin_url"] = site_url(personal_url(registration))
        if extra.get("feedback"):
            context["feedback_url"] = site_url(
                reverse("qualification:feedback", args=[registration.pk])
            )
        return context

    return example


def _coaching_follow_up():
    from .models import CoachingSession
    from .services import site_url

    session = (
        CoachingSession.objects.filter(follow_up_date__isnull=False)
        .select_related("organisation", "consultant")
        .order_by("-follow_up_date", "-pk")
        .first()
    )
    if session is None:
        return None
    return {
        "session": session,
        "session_url": site_url(session.get_absolute_url()),
        "recipient": session.consultant,
    }


def _coaching_nudge():
    from .models import CoachingNudge
    from .services import site_url

    nudge = CoachingNudge.objects.select_related("case__organisation", "case__consultant").first()
    if nudge is None:
        return None
    case = nudge.case
    return {
        "case": case,
        "organisation": case.organisation,
        "last_session": nudge.last_session_date,
        "weeks": (nudge.sent_at.date() - nudge.last_session_date).days // 7,
        "new_session_url": site_url(
            reverse("qualification:coaching_create", args=[case.organisation_id])
        ),
        "recipient": case.consultant,
    }


MAILS = [
    MailKind(
        "qualification/email/registration_confirmed",
        _("Workshop registration confirmed"),
        _("To a participant whose place in a workshop is confirmed."),
        (WORKSHOP, PERSON, DETAILS, _required(REGISTRATIONS_LINK), CHECKIN_LINK),
        example=_registration("confirmed"),
    ),
    MailKind(
        "qualification/email/registration_waitlisted",
        _("On the waiting list"),
        _("To a participant registered for a fully booked workshop."),
        (WORKSHOP, DETAILS, _required(REGISTRATIONS_LINK)),
        example=_registration("waitlisted"),
    ),
    MailKind(
        "qualification/email/registration_promoted",
        _("Place free: moved up from the waiting list"),
        _("To a participant who moved up from the waiting list."),
        (WORKSHOP, DETAILS, _required(REGISTRATIONS_LINK), CHECKIN_LINK),
        example=_registration("confirmed"),
    ),
    MailKind(
        "qualification/email/registration_cancelled",
        _("Workshop registration cancelled by someone else"),
        _("To a participant whose registration a colleague or the team cancelled."),
        (WORKSHOP, PERSON, _required(WORKSHOP_LINK)),
        example=_registration("cancelled"),
    ),
    MailKind(
        "qualification/email/workshop_changed",
        _("Workshop changed"),
        _("To everyone registered when the dates or the place of a workshop change."),
        (WORKSHOP, DETAILS, _required(REGISTRATIONS_LINK)),
        example=_registration("confirmed"),
    ),
    MailKind(
        "qualification/email/workshop_cancelled",
        _("Workshop cancelled"),
        _("To everyone registered when a workshop is cancelled."),
        (WORKSHOP, _required(WORKSHOP_LINK)),
        example=_registration("confirmed"),
    ),
    MailKind(
        "qualification/email/workshop_reminder",
        _("Workshop reminder"),
        _("To confirmed participants shortly before a workshop."),
        (WORKSHOP, DETAILS, _required(REGISTRATIONS_LINK)),
        example=_registration("confirmed"),
    ),
    MailKind(
        "qualification/email/workshop_followup",
        _("Thank you and feedback after a workshop"),
        _("To participants after a workshop, asking for feedback."),
        (
            WORKSHOP,
            _required(
                Placeholder(
                    "feedback_link",
                    _("Link to the feedback form"),
                    lambda c: c["feedback_url"],
                    "https://portal.example/qualification/feedback/0/",
                )
            ),
            REGISTRATIONS_LINK,
        ),
        example=_registration("confirmed", feedback=True),
    ),
    MailKind(
        "qualification/email/coaching_follow_up",
        _("Coaching follow-up due"),
        _("To the consultant when the follow-up date of a coaching session is reached."),
        (
            Placeholder(
                "organisation",
                _("Name of the organisation"),
                lambda c: c["session"].organisation.name,
                "Beispiel e.V.",
            ),
            Placeholder(
                "date",
                _("Follow-up date"),
                lambda c: c["session"].follow_up_date,
                "1. Juni 2026",
            ),
            Placeholder(
                "next_step", _("Next step noted"), lambda c: c["session"].next_step, "Anruf"
            ),
            _required(
                Placeholder(
                    "link",
                    _("Link to the coaching session"),
                    lambda c: c["session_url"],
                    "https://portal.example/qualification/coaching/0/",
                )
            ),
        ),
        example=_coaching_follow_up,
    ),
    MailKind(
        "qualification/email/coaching_nudge",
        _("No coaching session for a while"),
        _("To the consultant of an organisation in active coaching after a long gap."),
        (
            ORGANISATION,
            Placeholder(
                "date", _("Date of the last session"), lambda c: c["last_session"], "1. März 2026"
            ),
            Placeholder("weeks", _("Weeks since then"), lambda c: c["weeks"], "8"),
            _required(
                Placeholder(
                    "link",
                    _("Link to log a new session"),
                    lambda c: c["new_session_url"],
                    "https://portal.example/qualification/coaching/new/0/",
                )
            ),
        ),
        example=_coaching_nudge,
    ),
]
