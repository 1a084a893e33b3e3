"""The e-mails of data protection, for staff-edited wording (mailtexts.registry)."""

from django.utils.translation import gettext_lazy as _

from mailtexts.registry import MailKind, Placeholder

MAILS = [
    MailKind(
        "privacy/email/erasure_requested",
        _("Request for erasure of personal data"),
        _("To the portal admins when a person asks for their data to be erased."),
        (
            Placeholder(
                "account", _("Account number of the person"), lambda c: c["request"].person_id, "0"
            ),
            Placeholder(
                "message",
                _("The person's message, if any"),
                lambda c: c["request"].message,
                "Bitte löschen.",
            ),
            Placeholder(
                "link",
                _("Link to the erasure page"),
                lambda c: c["url"],
                "https://portal.example/privacy/people/0/erase/",
                required=True,
            ),
        ),
        # No preview with real data: the request is about a person.
        admins_only=True,
    ),
]
