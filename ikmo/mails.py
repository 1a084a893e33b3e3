"""The portal's own e-mails (security, delivery, message threads), for staff-edited wording
(mailtexts.registry).

Previews never show real data: an invitation link is a credential, and a message is for
the people of its thread only. The security mails are for portal admins only.
"""

from django.utils.translation import gettext_lazy as _

from mailtexts.registry import MailKind, Placeholder

MAILS = [
    MailKind(
        "ikmo/email/mfa_invitation",
        _("Second factor: invitation link"),
        _("To a staff member who must set up a second factor, with the single-use link."),
        (
            Placeholder(
                "name",
                _("First name of the recipient"),
                lambda c: c["recipient"].first_name,
                "Alex",
            ),
            Placeholder(
                "link",
                _("The single-use invitation link"),
                lambda c: c["url"],
                "https://portal.example/second-factor/beispiel/",
                required=True,
            ),
            Placeholder("hours", _("How many hours the link works"), lambda c: c["hours"], "72"),
        ),
        admins_only=True,
    ),
    MailKind(
        "ikmo/email/delivery_failed",
        _("E-mail could not be delivered"),
        _("To the portal admins when the portal gives up delivering an e-mail."),
        (
            Placeholder(
                "to",
                _("Recipient of the failed e-mail"),
                lambda c: c["email"].to,
                "person@example.org",
            ),
            Placeholder(
                "subject",
                _("Subject of the failed e-mail"),
                lambda c: c["email"].subject,
                "Beispiel",
            ),
            Placeholder("attempts", _("Number of attempts"), lambda c: c["email"].attempts, "5"),
            Placeholder(
                "error",
                _("The last error"),
                lambda c: c["email"].last_error,
                "550 mailbox unavailable",
            ),
            Placeholder(
                "link",
                _("Link to the e-mail in the admin"),
                lambda c: c["link"],
                "https://portal.example/admin/ikmo/outboundemail/0/change/",
                required=True,
            ),
        ),
        admins_only=True,
    ),
    MailKind(
        "ikmo/email/message_posted",
        _("New message in a conversation"),
        _(
            "To the other side of a conversation about an application, a coaching case or a "
            "placement when a message is posted (never for internal notes)."
        ),
        (
            Placeholder("author", _("Name of the message's author"), lambda c: c["author"], "Alex"),
            Placeholder(
                "organisation",
                _("Name of the organisation in the conversation"),
                lambda c: c["organisation"],
                "Beispiel e.V.",
            ),
            Placeholder(
                "title",
                _("What the conversation is about"),
                lambda c: c["title"],
                "Antrag AF-2026-000: Nachbarschaftsfest (Beispiel)",
            ),
            Placeholder(
                "message", _("The text of the message"), lambda c: c["message"].body, "Hallo!"
            ),
            Placeholder(
                "link",
                _("Link to the conversation in the portal"),
                lambda c: c["link"],
                "https://portal.example/action-fund/applications/0/messages/",
                required=True,
            ),
        ),
    ),
]
