"""Retention periods: what is anonymised or deleted after how long.

``settings.IKMO_RETENTION_DAYS`` maps a category to days; a category set to ``None`` keeps
its data. Each category's rule lives with the data (``register_retention`` in an app's
``privacy.py``; the foundation's are below). The daily beat job ``privacy.tasks.apply_retention``
runs them all; every rule is idempotent, so a second run in a day changes nothing.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from ikmo.audit import audit_log
from ikmo.models import OutboundEmail
from organisations.models import User

from .models import DataExport, ErasureRequest
from .registry import register_retention, retention_rules

logger = logging.getLogger(__name__)


def _cutoff(today, days: int) -> datetime:
    start = datetime.combine(today - timedelta(days=days), time.min)
    return timezone.make_aware(start, timezone.get_default_timezone())


def inactive_accounts(today, days: int):
    """Accounts nobody has used for the period (never staff), not yet erased."""
    return (
        User.objects.filter(is_staff=False, is_superuser=False, staff_roles__isnull=True)
        .annotate(last_seen=Coalesce("last_login", "date_joined"))
        .filter(last_seen__lt=_cutoff(today, days))
        .exclude(erasure_requests__status=ErasureRequest.Status.DONE)
        .distinct()
    )


def erase_inactive_accounts(today, days: int) -> int:
    from .erasure import person_erase

    count = 0
    for person in inactive_accounts(today, days):
        try:
            person_erase(person=person, by=None, origin=ErasureRequest.Origin.RETENTION)
        except ValidationError as error:
            logger.warning("Inactive account %s not erased: %s", person.pk, error.messages)
            continue
        count += 1
    return count


def expire_exports(today, days: int) -> int:
    from .services import export_expire

    count = 0
    old = DataExport.objects.filter(created_at__lt=_cutoff(today, days)).exclude(
        status=DataExport.Status.EXPIRED
    )
    for export in old.exclude(status__in=[DataExport.Status.PENDING, DataExport.Status.RUNNING]):
        count += export_expire(export=export)
    return count


def delete_old_emails(today, days: int) -> int:
    deleted, _ = (
        OutboundEmail.objects.filter(created_at__lt=_cutoff(today, days))
        .filter(Q(status=OutboundEmail.Status.SENT) | Q(status=OutboundEmail.Status.FAILED))
        .delete()
    )
    return deleted


register_retention(
    "inactive_account",
    erase_inactive_accounts,
    "Accounts (not staff) without a sign-in for the period are erased",
)
register_retention("export", expire_exports, "Files of data exports are deleted")
register_retention(
    "sent_email", delete_old_emails, "Sent and failed e-mails (recipient, text) are deleted"
)


def apply_retention(*, today=None) -> dict[str, int]:
    today = today or timezone.localdate()
    periods = getattr(settings, "IKMO_RETENTION_DAYS", {})
    done = {}
    for rule in retention_rules():
        days = periods.get(rule.category)
        if days is None:
            continue
        done[rule.category] = rule.run(today, int(days))
    if any(done.values()):
        audit_log(actor=None, action="privacy.retention.applied", changes={"changed": done})
    return done
