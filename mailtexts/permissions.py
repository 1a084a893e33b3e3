"""Who may reword the portal's e-mails.

Portal admins: every mail. Project leads: the mails of their sub-project (a lead for all
sub-projects: all of them) and the organisation registry's mails, which any lead decides
on. The portal's own security and data-protection mails (second-factor invitation, delivery
failures, erasure requests) stay with portal admins. Staff second factor applies as on
every staff page (ikmo.middleware).
"""

from organisations.permissions import is_project_lead

from .registry import MailKind


def can_edit_mails(user) -> bool:
    """May open the e-mail texts at all."""
    return user.is_authenticated and user.is_active and is_project_lead(user)


def can_edit_mail(user, kind: MailKind) -> bool:
    if not can_edit_mails(user):
        return False
    if user.is_portal_admin:
        return True
    if kind.admins_only:
        return False
    return is_project_lead(user, kind.subproject or None)
