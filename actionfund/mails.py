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


PARTNER = Placeholder(
    "partner",
    _("Name of the partner organisation"),
    lambda c: c["invitation"].organisation.name,
    "Partner e.V. (Beispiel)",
)
REASON = Placeholder(
    "reason",
    _("The reason the partner gave, if any"),
    lambda c: c["invitation"].reason,
    "Wir haben in diesem Jahr keine Kapazitäten.",
)
PARTNER_LINK = replace(LINK, description=_("Link to the invitation in the portal"))


def _invitation_example(*statuses, to_partner=True):
    """The latest invitation in one of ``statuses``, as the partner's or the applicant's mail
    about it sees it (``services._mail_invitation`` and ``services._mail_applicant``)."""

    def example():
        from . import selectors
        from .models import PartnerInvitation, Status

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
        page = invitation if to_partner else application
        total = selectors.budget_total(application)
        ceiling = selectors.ceiling_for(application)
        return {
            "invitation": invitation,
            "application": application,
            "applicant": application.organisation,
            "organisation": application.organisation,
            "partner": invitation.organisation,
            "call": application.call,
            "recipient": application.created_by,
            "url": base + page.get_absolute_url(),
            "approved": application.status != Status.REJECTED,
            "total": number_format(total, 2, force_grouping=True),
            "ceiling": number_format(ceiling, 2, force_grouping=True),
            "over_ceiling": total > ceiling,
        }

    return example


def _amount(context: dict) -> str:
    return number_format(context["application"].requested_amount or 0, 2, force_grouping=True)


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
    # Joint applications: the partner organisation's admins and the applicant about it.
    MailKind(
        "actionfund/email/partner_invited",
        _("Partner: invitation to a joint application"),
        _("To the admins of an organisation invited as a partner of an application."),
        (*BASIC, PARTNER, PARTNER_LINK),
        example=_invitation_example("invited", "accepted"),
    ),
    MailKind(
        "actionfund/email/partner_invitation_withdrawn",
        _("Partner: invitation withdrawn"),
        _(
            "To the admins of an invited partner organisation when the applicant withdraws the "
            "invitation."
        ),
        (*BASIC, PARTNER, PARTNER_LINK),
        example=_invitation_example("withdrawn"),
    ),
    MailKind(
        "actionfund/email/partner_answered",
        _("Partner accepted or declined"),
        _("To the applicants when an invited partner organisation accepts or declines."),
        (
            *BASIC,
            PARTNER,
            Placeholder(
                "answer",
                _("The partner's answer"),
                lambda c: c["invitation"].get_status_display(),
                "Abgelehnt",
            ),
            REASON,
            LINK,
        ),
        example=_invitation_example("accepted", "declined", to_partner=False),
    ),
    MailKind(
        "actionfund/email/partner_submitted",
        _("Partner: joint application submitted"),
        _("To the admins of each accepted partner when the application is submitted."),
        (*BASIC, PARTNER, PARTNER_LINK),
        example=_invitation_example("accepted"),
    ),
    MailKind(
        "actionfund/email/partner_decided",
        _("Partner: decision on a joint application"),
        _(
            "To the admins of each accepted partner when the application is decided (without "
            "the decision letter)."
        ),
        (*BASIC, PARTNER, PARTNER_LINK),
        example=_invitation_example("accepted"),
    ),
    MailKind(
        "actionfund/email/partner_withdrew",
        _("Partner withdrew its consent"),
        _("To the applicants when a partner organisation withdraws its consent."),
        (
            *BASIC,
            PARTNER,
            REASON,
            Placeholder(
                "ceiling",
                _("The ceiling that now applies, in EUR"),
                lambda c: c["ceiling"],
                "5.000,00",
            ),
            Placeholder("total", _("The budget's total in EUR"), lambda c: c["total"], "7.500,00"),
            LINK,
        ),
        example=_invitation_example("withdrawn", to_partner=False),
    ),
    MailKind(
        "actionfund/email/partner_withdrew_staff",
        _("Staff: partner withdrew, budget above the ceiling"),
        _(
            "To the fund's project leads when a partner withdraws from a submitted application "
            "whose budget is then above the ceiling."
        ),
        (
            *BASIC,
            PARTNER,
            Placeholder(
                "ceiling",
                _("The ceiling that now applies, in EUR"),
                lambda c: c["ceiling"],
                "5.000,00",
            ),
            Placeholder("total", _("The budget's total in EUR"), lambda c: c["total"], "7.500,00"),
            LINK,
        ),
        example=_invitation_example("withdrawn", to_partner=False),
    ),
]
