"""Sensitive actions ask for the password (or the second factor) again.

Exports of personal data, erasure and changes of someone's role are wrapped in allauth's
`reauthentication_required`: if the person has not confirmed who they are within
ACCOUNT_REAUTHENTICATION_TIMEOUT seconds (allauth's default, 300), they are sent to
allauth's re-authentication page, and a POST is stashed and resumed afterwards.

Signing in counts as confirming: allauth by itself only counts its re-authentication page,
so a person who signed in seconds ago was asked for the password again. Its records of how
this session authenticated (password, second factor, each with a time) are used for both.

Aggregate figures (the reporting dashboard's and a funder report's CSV/XLSX) are not wrapped:
they hold counts only, the same numbers as the dashboard and the report's PDF, which need
no confirmation either. The drill-down lists behind them name records and stay wrapped.

IKMO_REAUTHENTICATION_REQUIRED (default True) exists for the test settings only: most app
tests sign in with force_login and test their own behaviour; tests/security switches it on.
"""

import time

from allauth.account import app_settings as account_settings
from allauth.account.decorators import reauthentication_required
from allauth.account.internal.flows.login import get_authentication_records
from django.conf import settings


def signed_in_recently(request) -> bool:
    """The session's last sign-in step (password or second factor) was within the timeout."""
    records = get_authentication_records(request, request.user)
    latest = max((record.get("at", 0) for record in records), default=0)
    return time.time() - latest < account_settings.REAUTHENTICATION_TIMEOUT


def _enabled(request) -> bool:
    if not getattr(settings, "IKMO_REAUTHENTICATION_REQUIRED", True):
        return False
    return not (request.user.is_authenticated and signed_in_recently(request))


def sensitive(view=None, *, when=None):
    """Decorate a view whose result is an export, an erasure or a role change.

    `when(request) -> bool` limits it to some requests (e.g. only the role-change action of
    a view that also approves join requests).
    """

    def enabled(request) -> bool:
        return _enabled(request) and (when is None or when(request))

    if view is None:
        return lambda v: reauthentication_required(v, enabled=enabled)
    return reauthentication_required(view, enabled=enabled)
