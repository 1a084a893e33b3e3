"""The e-mails of the action fund, for staff-edited wording (mailtexts.registry)."""

from dataclasses import replace

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from mailtexts.registry import MailKind, Placeholder

REFERENCE = Placeholder(
    "reference",
    _("Reference number of the application"),
    lambda c: c["application"].reference,
    "AF-2026-000",
)
TITLE = Placeholder(
    "title",
    _("Title of the project"),
    lambda c: c["application"].title,
    "Nachbarschaftsfest (Beispiel)",
)
ORGANISATION = Placeholder(
    "organisation",
    _("Name of the applying organisation"),
    lambda c: c["application"].organisation.name,
    "Beispiel e.V.",
)
CALL = Placeholder(
    "call",
    _("Title of the call"),
    lambda c: c["application"].call.title,
    "Kaleidoskop 2026 (Beispiel)",
)
LINK = Placeholder(
    "link",
    _("Link to the application in the portal"),
    lambda c: c["url"],
    "https://portal.example/action-fund/applications/0/",
    required=True,
)
STATUS = Placeholder(
    "status", _("The application's new status"), lambda c: c["status"], "In Prüfung"
)
BASIC = (REFERENCE, TITLE, ORGANISATION, CALL)


def _example(*statuses, **extra):
    def example():
        from .models import Application, Status

        application = (
            Application.objects.filter(status__in=statuses)
            .select_related("call", "organisation", "created_by")
            .order_by("-pk")
            .first()
        )
        if application is None:
            return None
        base = getattr(settings, "IKMO_SITE_URL", "").rstrip("/")
        return {
            "application": application,
            "organisation": application.organisation,
            "call": application.call,
            "recipient": application.created_by,
            "url": base + application.get_absolute_url(),
            "status": Status(application.status).label,
            "note": "",
            "approved": application.status != Status.REJECTED,
            "closes_at": application.call.closes_at,
            "due": application.proof_due_date,
        }

    return example


def _amount(context: dict) -> str:
    return number_format(context["application"].requested_amount or 0, 2, force_grouping=True)


APPLICANT = Placeholder(
    "applicant",
    _("Name of the applying organisation"),
    lambda c: c["application"].organisation.name,
    "Beispiel e.V.",
)
PARTNER = Placeholder(
    "partner",
    _("Name of the partner organisation"),
    lambda c: (c.get("partner") or c["invitation"].organisation).name,
    "Partnerverein (Beispiel) e.V.",
)
REASON = Placeholder(
    "reason",
    _("The reason the partner gave, if any"),
    lambda c: c["invitation"].reason if c.get("invitation") else "",
    "Keine Kapazitäten in diesem Jahr.",
)
PARTNER_LINK = Placeholder(
    "link",
    _("Link to the invitation in the portal"),
    lambda c: c["url"],
    "https://portal.example/action-fund/invitations/0/",
    required=True,
)
CEILING = Placeholder(
    "ceiling", _("Ceiling for one organisation in EUR"), lambda c: c.get("ceiling", ""), "5.000,00"
)
TOTAL = Placeholder(
    "total", _("Total of the budget in EUR"), lambda c: c.get("total", ""), "7.200,00"
)
PARTNER_BASIC = (REFERENCE, TITLE, APPLICANT, PARTNER)


def _invitation_example(*statuses, decided=None):
    def example():
        from .models import PartnerInvitation

        invitation = (
            PartnerInvitation.objects.filter(status__in=statuses)
            .select_related("application__call", "application__organisation", "organisation")
            .order_by("-pk")
            .first()
        )
        if invitation is None:
            return None
        application = invitation.application
        base = getattr(settings, "IKMO_SITE_URL", "").rstrip("/")
        return {
            "invitation": invitation,
            "application": application,
            "applicant": application.organisation,
            "partner": invitation.organisation,
            "call": application.call,
            "url": base + invitation.get_absolute_url(),
            "approved": decided if decided is not None else True,
            "ceiling": number_format(application.call.max_single, 2, force_grouping=True),
            "total": _amount({"application": application}),
        }

    return example


MAILS = [
    MailKind(
        "actionfund/email/submitted",
        _("Application received"),
        _("To the applicants when an application is submitted."),
        (
            *BASIC,
            Placeholder("amount", _("Amount requested in EUR"), _amount, "1.500,00"),
            LINK,
        ),
        example=_example("submitted", "in_review", "approved", "rejected"),
    ),
    MailKind(
        "actionfund/email/status_changed",
        _("Application status changed"),
        _("To the applicants when their application moves to another status."),
        (
            *BASIC,
            STATUS,
            Placeholder(
                "note",
                _("Note from the team, if any"),
                lambda c: c.get("note", ""),
                "Bitte Belege nachreichen.",
            ),
            LINK,
        ),
        example=_example("in_review", "submitted"),
    ),
    MailKind(
        "actionfund/email/decision",
        _("Decision on an application"),
        _("To the applicants when an application is approved or rejected."),
        (
            *BASIC,
            Placeholder(
                "decision",
                _("The decision text written for this application"),
                lambda c: c["application"].decision_message,
                "Ihr Antrag wurde bewilligt.",
            ),
            LINK,
        ),
        example=_example("approved", "rejected"),
    ),
    MailKind(
        "actionfund/email/proof_submitted",
        _("Proof of use received"),
        _("To the applicants when they have submitted the proof of use."),
        (*BASIC, LINK),
        example=_example("proof_submitted", "closed"),
    ),
    MailKind(
        "actionfund/email/reminder_draft",
        _("Reminder: draft not submitted, call closes soon"),
        _("To the applicants of a draft a few days before the call closes."),
        (
            *BASIC,
            Placeholder(
                "closes_at",
                _("When the call closes"),
                lambda c: c["closes_at"],
                "1. Juni 2026, 23:59",
            ),
            replace(LINK, description=_("Link to continue the application")),
        ),
        example=_example("draft"),
    ),
    MailKind(
        "actionfund/email/reminder_proof_before",
        _("Reminder: proof of use due soon"),
        _("To the applicants two weeks before the proof of use is due."),
        (
            *BASIC,
            Placeholder(
                "due_date", _("Due date of the proof of use"), lambda c: c["due"], "1. Juni 2026"
            ),
            LINK,
        ),
        example=_example("proof_due", "paid"),
    ),
    MailKind(
        "actionfund/email/reminder_proof_after",
        _("Reminder: proof of use overdue"),
        _("To the applicants the day after the proof of use was due."),
        (
            *BASIC,
            Placeholder(
                "due_date", _("Due date of the proof of use"), lambda c: c["due"], "1. Juni 2026"
            ),
            LINK,
        ),
        example=_example("proof_due"),
    ),
    MailKind(
        "actionfund/email/jury_assigned",
        _("Jury: application to score"),
        _("To a jury member who has been asked to score an application."),
        BASIC,
        example=_example("in_review", "submitted"),
    ),
    MailKind(
        "actionfund/email/partner_invited",
        _("Joint project: invitation to be a partner"),
        _("To the admins of an organisation an applicant invites as a partner."),
        (*PARTNER_BASIC, CALL, PARTNER_LINK),
        example=_invitation_example("invited"),
    ),
    MailKind(
        "actionfund/email/partner_answered",
        _("Joint project: the partner answered"),
        _("To the applicants when an invited partner accepts or declines."),
        (*PARTNER_BASIC, REASON, LINK),
        example=_invitation_example("accepted", "declined"),
    ),
    MailKind(
        "actionfund/email/partner_submitted",
        _("Joint project: the application was submitted"),
        _("To the admins of each accepted partner when the application is submitted."),
        (*PARTNER_BASIC, PARTNER_LINK),
        example=_invitation_example("accepted"),
    ),
    MailKind(
        "actionfund/email/partner_decided",
        _("Joint project: decision"),
        _("To the admins of each accepted partner when the application is decided."),
        (*PARTNER_BASIC, PARTNER_LINK),
        example=_invitation_example("accepted"),
    ),
    MailKind(
        "actionfund/email/partner_withdrew",
        _("Joint project: a partner withdrew"),
        _("To the applicants when a partner withdraws its consent."),
        (*PARTNER_BASIC, REASON, CEILING, TOTAL, LINK),
        example=_invitation_example("withdrawn"),
    ),
    MailKind(
        "actionfund/email/partner_withdrew_staff",
        _("Joint project: a partner withdrew, budget above the ceiling"),
        _("To the fund's project leads when a partner withdraws and the budget is too high."),
        (*PARTNER_BASIC, CEILING, TOTAL, LINK),
        example=_invitation_example("withdrawn"),
    ),
]
