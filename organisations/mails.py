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


def _network_example(status):
    def example():
        from .models import Membership, NetworkMembership

        found = (
            NetworkMembership.objects.filter(status=status)
            .select_related("network", "member")
            .order_by("-pk")
            .first()
        )
        if found is None:
            return None
        # The request goes to the network's admins, the confirmation to the member's.
        organisation = found.network if status == "pending" else found.member
        admin = (
            Membership.objects.filter(organisation=organisation, role=Membership.Role.ADMIN)
            .select_related("user")
            .first()
        )
        person = admin.user if admin else None
        return {
            "organisation": organisation,
            "network": found.network,
            "member": found.member,
            "applicant": found.requested_by,
            "recipient": person,
        }

    return example


def _contact_example():
    from .models import Organisation

    organisation = (
        Organisation.objects.filter(centre_contact__isnull=False)
        .select_related("centre_contact")
        .order_by("-pk")
        .first()
    )
    if organisation is None:
        return None
    return {"organisation": organisation, "recipient": organisation.centre_contact}


def _contact_request_example():
    from .models import ContactRequest

    contact_request = (
        ContactRequest.objects.select_related("organisation", "from_organisation")
        .order_by("-pk")
        .first()
    )
    if contact_request is None:
        return None
    return {
        "organisation": contact_request.organisation,
        "from_organisation": contact_request.from_organisation,
        "message": "",
        # The preview never shows a real person's address.
        "reply_email": "person@example.org" if contact_request.share_email else "",
        "recipient": None,
    }


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
    MailKind(
        "organisations/email/network_request",
        _("Request to join a network"),
        _("To a network's admins when an organisation asks to join it."),
        (
            ORGANISATION,
            Placeholder(
                "member",
                _("Name of the organisation asking to join"),
                lambda c: c["member"].name,
                "Beispiel e.V.",
            ),
        ),
        example=_network_example("pending"),
    ),
    MailKind(
        "organisations/email/network_confirmed",
        _("Network membership confirmed"),
        _("To the member organisation's admins when a network confirms it."),
        (
            ORGANISATION,
            Placeholder(
                "network",
                _("Name of the network"),
                lambda c: c["network"].name,
                "Netzwerk Beispiel",
            ),
        ),
        example=_network_example("active"),
    ),
    MailKind(
        "organisations/email/centre_contact_assigned",
        _("Named contact for an organisation"),
        _("To a consultant or project lead who is named an organisation's contact at the centre."),
        (ORGANISATION,),
        example=_contact_example,
    ),
    MailKind(
        "organisations/email/contact_request",
        _("Request for contact from the public directory"),
        _(
            "To the admins of a publicly listed organisation when a member of another "
            "organisation asks for contact."
        ),
        (
            ORGANISATION,
            Placeholder(
                "from_organisation",
                _("Name of the organisation asking"),
                lambda c: c["from_organisation"].name,
                "Muster-Initiative",
            ),
            Placeholder("message", _("The person's message"), lambda c: c["message"], "Hallo!"),
            Placeholder(
                "reply_email",
                _("E-mail address for replies, if the person agreed to pass it on"),
                lambda c: c["reply_email"],
                "person@example.org",
            ),
        ),
        example=_contact_request_example,
    ),
]


# --- allauth's account mails ------------------------------------------------------------------
# Sent by allauth through organisations.adapters.AccountAdapter.send_mail (not email_queue),
# with allauth's template prefix as their name. Their links sign a person in or set their
# password: portal admins only, and the staff page never renders a real one, only the
# fictional context below.

SAMPLE_SITE_URL = "https://portal.example"
SAMPLE_CONFIRM_URL = SAMPLE_SITE_URL + "/accounts/confirm-email/BEISPIEL-KEIN-ECHTER-LINK/"
SAMPLE_RESET_URL = SAMPLE_SITE_URL + "/accounts/password/reset/key/BEISPIEL-KEIN-ECHTER-LINK/"
SAMPLE_REQUEST_RESET_URL = SAMPLE_SITE_URL + "/accounts/password/reset/"
SAMPLE_SIGNUP_URL = SAMPLE_SITE_URL + "/accounts/signup/"
SAMPLE_EMAIL = "alex.beispiel@example.org"


def _user_name(context) -> str:
    user = context.get("user")
    name = user.get_full_name() if user is not None else ""
    return name or context["email"]


def _link(key):
    def value(context):
        from .adapters import on_site

        return on_site(context[key])

    return value


def _sample_context(**links):
    """A fictional person and links, for the code's text on the staff page (never a real
    token: a preview must not hand out a working link). Without ``user`` for the mails to
    an address whose account allauth does not name."""

    def context() -> dict:
        from .adapters import SITE_NAME
        from .models import User

        class Site:
            name = str(SITE_NAME)
            domain = "portal.example"

        found = {
            "email": SAMPLE_EMAIL,
            "current_site": Site(),
            "site_url": SAMPLE_SITE_URL,
            **links,
        }
        if "user" in links:
            found["user"] = User(first_name="Alex", last_name="Beispiel", email=SAMPLE_EMAIL)
        return found

    return context


ACCOUNT_USER = Placeholder(
    "user", _("Name of the recipient (or their e-mail address)"), _user_name, "Alex Beispiel"
)
ACCOUNT_EMAIL = Placeholder(
    "email", _("The e-mail address this e-mail goes to"), lambda c: c["email"], SAMPLE_EMAIL
)
SITE = Placeholder("site", _("Name of the portal"), lambda c: c["current_site"].name, "IKMO-Portal")
SITE_ADDRESS = Placeholder(
    "site_url", _("Address of the portal"), lambda c: c["site_url"] + "/", SAMPLE_SITE_URL + "/"
)
CONFIRM_LINK = Placeholder(
    "link",
    _("The personal link that confirms the address (it signs the person in)"),
    _link("activate_url"),
    SAMPLE_CONFIRM_URL,
    required=True,
)


def _account_mail(template, title, description, placeholders, sample_context):
    return MailKind(
        template,
        title,
        description,
        placeholders,
        admins_only=True,
        sample_context=sample_context,
        body_suffix="_message.txt",
    )


SAMPLE_CONFIRMATION = _sample_context(user=True, activate_url=SAMPLE_CONFIRM_URL)


ACCOUNT_MAILS = [
    _account_mail(
        "account/email/email_confirmation_signup",
        _("Sign-up: confirm the e-mail address"),
        _("To a person who has just signed up, with the link that confirms their address."),
        (ACCOUNT_USER, ACCOUNT_EMAIL, CONFIRM_LINK, SITE, SITE_ADDRESS),
        SAMPLE_CONFIRMATION,
    ),
    _account_mail(
        "account/email/email_confirmation",
        _("Confirm an added e-mail address"),
        _(
            "To an address a person added to their account (or asked to confirm again), with "
            "the link that confirms it."
        ),
        (ACCOUNT_USER, ACCOUNT_EMAIL, CONFIRM_LINK, SITE, SITE_ADDRESS),
        SAMPLE_CONFIRMATION,
    ),
    _account_mail(
        "account/email/password_reset_key",
        _("Password reset link"),
        _("To a person who asked to reset their password, with the personal link to do so."),
        (
            ACCOUNT_USER,
            ACCOUNT_EMAIL,
            Placeholder(
                "link",
                _("The personal link to set a new password"),
                _link("password_reset_url"),
                SAMPLE_RESET_URL,
                required=True,
            ),
            SITE,
            SITE_ADDRESS,
        ),
        _sample_context(user=True, password_reset_url=SAMPLE_RESET_URL),
    ),
    _account_mail(
        "account/email/account_already_exists",
        _("Sign-up with an address that already has an account"),
        _(
            "To the owner of an address someone tried to sign up with again, with the page "
            "to reset the password."
        ),
        (
            ACCOUNT_EMAIL,
            Placeholder(
                "link",
                _("The page to ask for a new password"),
                _link("password_reset_url"),
                SAMPLE_REQUEST_RESET_URL,
                required=True,
            ),
            SITE,
            SITE_ADDRESS,
        ),
        _sample_context(password_reset_url=SAMPLE_REQUEST_RESET_URL, signup_url=SAMPLE_SIGNUP_URL),
    ),
    _account_mail(
        "account/email/unknown_account",
        _("Password reset for an address without an account"),
        _(
            "To an address someone asked a new password for that has no account, with the "
            "sign-up page."
        ),
        (
            ACCOUNT_EMAIL,
            Placeholder(
                "link",
                _("The sign-up page"),
                _link("signup_url"),
                SAMPLE_SIGNUP_URL,
            ),
            SITE,
            SITE_ADDRESS,
        ),
        _sample_context(signup_url=SAMPLE_SIGNUP_URL),
    ),
]

MAILS += ACCOUNT_MAILS
