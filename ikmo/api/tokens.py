"""Personal API tokens: create, revoke, list, and find the token a request presents.

A secret reads ``ikmo_<prefix>_<rest>``. The prefix (not secret) finds the row; the whole
secret is compared by its SHA-256 hash, in constant time. Secrets are 256 random bits, so a
fast hash is enough (a password hash would only slow every API call down)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ikmo.audit import audit_log
from ikmo.models import ApiToken

PREFIX = "ikmo_"
# How often the "last used" time is written: not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=5)
MAX_ACTIVE_TOKENS = 20


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def tokens_of(user):
    return ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at", "-pk")


def active_tokens_of(user):
    now = timezone.now()
    return (
        ApiToken.objects.filter(user=user, revoked_at__isnull=True)
        .exclude(expires_at__lte=now)
        .order_by("-created_at", "-pk")
    )


def token_create(*, user, name: str, scope: str, expires_at=None) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it with its secret, which is never shown again."""
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = _("Please give the token a name, e.g. the tool that will use it.")
    if scope not in ApiToken.Scope.values:
        errors["scope"] = _("Please choose what the token may do.")
    if expires_at is not None and expires_at <= timezone.now():
        errors["expires_at"] = _("The expiry date must lie in the future.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if active_tokens_of(user).count() >= MAX_ACTIVE_TOKENS:
            raise ValidationError(
                _("You have %(count)d active tokens. Please revoke one you no longer use.")
                % {"count": MAX_ACTIVE_TOKENS}
            )
        while True:
            prefix = secrets.token_hex(4)
            if not ApiToken.objects.filter(prefix=prefix).exists():
                break
        secret = f"{PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
        token = ApiToken.objects.create(
            user=user,
            name=name[:80],
            prefix=prefix,
            digest=_digest(secret),
            scope=scope,
            expires_at=expires_at,
        )
        audit_log(
            actor=user,
            action="ikmo.api_token.created",
            target=token,
            changes={"scope": scope, "expires_at": expires_at.isoformat() if expires_at else ""},
        )
    return token, secret


def token_revoke(*, token: ApiToken, by) -> ApiToken:
    """Revoke a token; revoking it twice changes nothing."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit_log(actor=by, action="ikmo.api_token.revoked", target=token)
    return token


def get_token_for_user(user, pk) -> ApiToken:
    """The person's own token, or a 404 (nobody else's token is ever found)."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(ApiToken, pk=pk, user=user)


def token_for_secret(secret: str) -> ApiToken | None:
    """The active token whose secret this is, or None (unknown, revoked, expired)."""
    if not secret.startswith(PREFIX):
        return None
    prefix, _sep, rest = secret[len(PREFIX) :].partition("_")
    if not prefix or not rest or len(secret) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.digest, _digest(secret)):
        return None
    now = timezone.now()
    if not token.is_active(now) or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
