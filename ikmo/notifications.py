"""Which kinds of e-mail a person receives: the one predicate every sender goes through.

Every mail the portal queues is of one kind (``email_queue(kind=...)``):

- transactional: about the person's account, security, invitations, or a decision or step
  in something they asked for (a registration, an application, a join request). Always sent.
- reminder: a nudge about something coming up or overdue (a workshop tomorrow, a proof of use
  due, a tandem check-in, a placement ending, missing seminar days, a coaching follow-up).
  Sent unless the person turned reminders off on their "Notifications" page.
- newsletter: a message to many that staff marked as newsletter. Sent only to people who
  agreed to receive newsletters, with a personal link to stop them.

An address that belongs to no account (a desk inbox, a placement mentor) gets reminders,
never newsletters.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import NotificationPreference


class MailKind(models.TextChoices):
    TRANSACTIONAL = "transactional", _("Account, security and your own requests")
    REMINDER = "reminder", _("Reminders")
    NEWSLETTER = "newsletter", _("Newsletter")


def mail_wanted(*, to: str, kind: str) -> bool:
    """Whether the person behind address ``to`` receives mail of ``kind``. One query at most."""
    if kind == MailKind.REMINDER:
        return not NotificationPreference.objects.filter(
            user__email__iexact=to, reminders=False
        ).exists()
    if kind == MailKind.NEWSLETTER:
        return NotificationPreference.objects.filter(
            user__email__iexact=to, user__is_active=True, newsletter=True
        ).exists()
    return True
