"""Sensitive actions ask for the password (or the second factor) again.

Exports of personal data, erasure and changes of someone's role are wrapped in allauth's
`reauthentication_required`: if the person has not confirmed who they are within
ACCOUNT_REAUTHENTICATION_TIMEOUT seconds (allauth's default, 300), they are sent to
allauth's re-authentication page, and a POST is stashed and resumed afterwards.

IKMO_REAUTHENTICATION_REQUIRED (default True) exists for the test settings only: most app
tests sign in with force_login and test their own behaviour; tests/security switches it on.
"""

from allauth.account.decorators import reauthentication_required
from django.conf import settings


def _enabled(request) -> bool:
    return getattr(settings, "IKMO_REAUTHENTICATION_REQUIRED", True)


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
