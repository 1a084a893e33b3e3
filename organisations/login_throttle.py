"""Back-off for wrong passwords that nobody can turn against someone else.

allauth's default counts failed sign-ins per e-mail address: after five wrong passwords the
right one is refused too, so anyone who knows an address can lock its owner out. Here the
counters are kept where the guessing happens instead:

- per account *and* client IP (ACCOUNT_RATE_LIMITS["login_failed"], "…/key"): a guesser
  only slows themselves down; the owner elsewhere signs in as usual;
- per client IP, across accounts (the same setting's "…/ip" rate);
- per account across all IPs, but only for devices the account never signed in from
  (IKMO_LOGIN_ACCOUNT_RATE): caps a guesser with many addresses;
- a device the person signed in from before carries a signed "known device" cookie: its
  attempts are counted for that device alone, so neither a guesser's IP counters nor the
  account-wide one can refuse the right password there.

The client IP is what allauth derives behind the trusted proxies (ALLAUTH_TRUSTED_PROXY_COUNT
in production), so one reverse proxy's address is not everybody's.
"""

from __future__ import annotations

import secrets

from allauth.core.internal import ratelimit
from django.conf import settings
from django.core import signing

COOKIE_NAME = "ikmo_device"
_SALT = "ikmo.known-device"
_MAX_ACCOUNTS = 5  # a shared family computer, not an unbounded list


def _read_cookie(request) -> dict | None:
    raw = request.COOKIES.get(COOKIE_NAME)
    if not raw:
        return None
    try:
        value = signing.loads(raw, salt=_SALT, max_age=settings.IKMO_KNOWN_DEVICE_DAYS * 86400)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("users"), list):
        return None
    return value


def known_device_id(request, user_pk) -> str | None:
    """The device's id if it carries a valid cookie naming this account."""
    value = _read_cookie(request)
    if value and user_pk is not None and user_pk in value["users"]:
        return str(value.get("device", ""))
    return None


def remember_device(request, response, user) -> None:
    """After a successful sign-in: mark this browser as known for the account."""
    value = _read_cookie(request) or {"device": secrets.token_hex(8), "users": []}
    users = [pk for pk in value["users"] if pk != user.pk][-(_MAX_ACCOUNTS - 1) :] + [user.pk]
    response.set_cookie(
        COOKIE_NAME,
        signing.dumps({"device": value["device"], "users": users}, salt=_SALT),
        max_age=settings.IKMO_KNOWN_DEVICE_DAYS * 86400,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def consume_failed_login(request, *, login: str, user_pk, ip: str):
    """Count one sign-in attempt (rolled back if it succeeds); None if it must wait."""
    device = known_device_id(request, user_pk)
    usages = []
    if device:
        checks = [("login_failed_device", settings.IKMO_LOGIN_DEVICE_RATE, f"{login}:{device}")]
    else:
        checks = [
            ("login_failed", None, f"{login}:{ip}"),
            ("login_failed_account", settings.IKMO_LOGIN_ACCOUNT_RATE, login),
        ]
    for action, rate, key in checks:
        usage = ratelimit.consume(
            request,
            app="allauth.account" if rate is None else "ikmo",
            action=action,
            config=None if rate is None else {action: rate},
            key=key,
        )
        if usage is None:
            for taken in usages:
                taken.rollback()
            return None
        usages.append(usage)
    return ratelimit.RateLimitUsage(usage=[u for usage in usages for u in usage.usage])


def clear_failed_logins(request, *, login: str, ip: str) -> None:
    """After a password reset: the owner starts afresh (from this IP and account-wide)."""
    ratelimit.clear(request, app="allauth.account", action="login_failed", key=f"{login}:{ip}")
    ratelimit.clear(
        request,
        app="ikmo",
        action="login_failed_account",
        config={"login_failed_account": settings.IKMO_LOGIN_ACCOUNT_RATE},
        key=login,
    )
