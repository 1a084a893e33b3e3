"""Personal data in e-mail texts: only who last changed one (the audit trail keeps the rest)."""

from privacy.registry import by_user, register

from .models import MailText

register(MailText, people=[by_user("updated_by", actor=True)], organisation_export=False)
