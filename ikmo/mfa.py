"""Staff second factor: who needs one, and the invitation links through which it is enrolled.

A password alone must not be enough to take over a staff account. Staff without an
authenticator therefore cannot enrol one on their own after signing in; an admin sends an
invitation link (admin action on the user, or ``manage.py mfa_invite``) to the person's
own address. The link is single-use, expires, and works only for the account it was made
for, signed in. Redeeming it marks the session as allowed to enrol (SESSION_KEY).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from . import pagecache
from .audit import audit_log
from .mail import email_queue
from .models import StaffMFAInvitation

SESSION_KEY = "ikmo_mfa_enrol_user"


def needs_second_factor(user) -> bool:
    """Centre staff, Django-admin users and superusers hold other people's data."""
    return bool(
        user.is_authenticated
        and (user.is_staff or user.is_superuser or user.is_centre_staff or user.staff_role_set)
    )


def has_second_factor(user) -> bool:
    # Loaded with the signed-in person (ikmo.auth). getattr, not __dict__: request.user is a
    # lazy proxy whose own __dict__ never holds the person's attributes.
    loaded = getattr(user, "has_totp", None)
    if loaded is not None:
        return loaded
    return pagecache.remember(
        f"has-totp:{user.pk}",
        lambda: Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists(),
    )


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_url(token: str) -> str:
    base = getattr(settings, "IKMO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
    return base + reverse("mfa_invitation", kwargs={"token": token})


@transaction.atomic
def mfa_invitation_create(*, user, by=None, send: bool = True) -> tuple[StaffMFAInvitation, str]:
    """A new link for ``user`` (earlier unused links stop working). Returns the invitation
    and the full URL; the URL is mailed to the user's own address when ``send``."""
    now = timezone.now()
    StaffMFAInvitation.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
    token = secrets.token_urlsafe(32)
    hours = getattr(settings, "IKMO_MFA_INVITATION_HOURS", 72)
    invitation = StaffMFAInvitation.objects.create(
        user=user, token_hash=_hash(token), created_by=by, expires_at=now + timedelta(hours=hours)
    )
    audit_log(actor=by, action="ikmo.mfa_invitation.created", target=invitation)
    url = invitation_url(token)
    if send and user.email:
        email_queue(
            to=user.email,
            template="ikmo/email/mfa_invitation",
            context={"recipient": user, "url": url, "hours": hours},
            language=getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE,
        )
    return invitation, url


@transaction.atomic
def mfa_invitation_redeem(*, user, token: str) -> bool:
    """Use the link once: True when it is ``user``'s own, unused and not expired."""
    invitation = (
        StaffMFAInvitation.objects.select_for_update()
        .filter(token_hash=_hash(token or ""), user=user, used_at__isnull=True)
        .first()
    )
    if invitation is None or invitation.expires_at <= timezone.now():
        return False
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])
    audit_log(actor=user, action="ikmo.mfa_invitation.used", target=invitation)
    return True
