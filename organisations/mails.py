"""The e-mails of the organisation registry, for staff-edited wording (mailtexts.registry)."""

from django.utils.translation import gettext_lazy as _

from mailtexts.registry import MailKind, Placeholder

ORGANISATION = Placeholder(
    "organisation", _("Name of the organisation"), lambda c: c["organisation"].name, "Beispiel e.V."
)
APPLICANT = Placeholder(
    "person",
    _("E-mail address of the person asking"),
    lambda c: c["applicant"].email,
    "person@example.org",
)


def _organisation_example(status):
    def example():
        from .models import Membership, Organisation

        organisation = Organisation.objects.filter(status=status).order_by("-pk").first()
        if organisation is None:
            return None
        admin = (
            Membership.objects.filter(organisation=organisation, role=Membership.Role.ADMIN)
            .select_related("user")
            .first()
        )
        person = admin.user if admin else None
        return {
            "organisation": organisation,
            "applicant": person,
            "recipient": person,
            "reason": "",
            "message": "",
        }

    return example


def _membership_example(status):
    def example():
        from .models import Membership

        membership = (
            Membership.objects.filter(status=status, role=Membership.Role.MEMBER)
            .select_related("organisation", "user")
            .order_by("-pk")
            .first()
        )
        if membership is None:
            return None
        return {
            "organisation": membership.organisation,
            "applicant": membership.user,
            "recipient": membership.user,
            "message": "",
        }

    return example


MAILS = [
    MailKind(
        "organisations/email/registration_received",
        _("New organisation registered"),
        _("To the project leads when a person registers an organisation."),
        (ORGANISATION, APPLICANT),
        example=_organisation_example("pending"),
    ),
    MailKind(
        "organisations/email/registration_approved",
        _("Organisation approved"),
        _("To the organisation's admins when the team approves the registration."),
        (ORGANISATION,),
        example=_organisation_example("approved"),
    ),
    MailKind(
        "organisations/email/registration_rejected",
        _("Organisation not approved"),
        _("To the organisation's admins when the team declines the registration."),
        (
            ORGANISATION,
            Placeholder(
                "reason",
                _("Reason given by the team"),
                lambda c: c["reason"],
                "Kein Sitz in Berlin",
            ),
        ),
        example=_organisation_example("rejected"),
    ),
    MailKind(
        "organisations/email/join_request",
        _("Request to join an organisation"),
        _("To the organisation's admins when a person asks to join."),
        (
            ORGANISATION,
            APPLICANT,
            Placeholder(
                "message", _("The person's message, if any"), lambda c: c["message"], "Hallo!"
            ),
        ),
        example=_membership_example("requested"),
    ),
    MailKind(
        "organisations/email/join_approved",
        _("Request to join accepted"),
        _("To a person whose request to join an organisation was accepted."),
        (ORGANISATION,),
        example=_membership_example("active"),
    ),
]
