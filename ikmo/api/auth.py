"""Who is calling: a personal token (``Authorization: Bearer ikmo_…``) or, for the portal's
own JavaScript, the signed-in session (with its CSRF check on writes). What they may do is
the scope of the token (`TokenScope`) and, beyond that, the same permission predicates as
the portal's pages."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from ikmo import mfa

from .tokens import token_for_secret


class TokenAuthentication(authentication.BaseAuthentication):
    keywords = ("bearer", "token")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower().decode(errors="replace") not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("The Authorization header must read: Bearer <token>.")
            )
        try:
            secret = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("The token is not valid.")) from None
        token = token_for_secret(secret)
        if token is None:
            raise exceptions.AuthenticationFailed(
                _("The token is not valid, has expired or was revoked.")
            )
        user = token.user
        # Staff reach other people's data only with a second factor; a token does not
        # bypass that (the token was made in a session that had one, but it may be gone).
        if mfa.needs_second_factor(user) and not mfa.has_second_factor(user):
            raise exceptions.AuthenticationFailed(
                _("Your role needs two-factor authentication. Please set it up in the portal.")
            )
        return user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class SessionAuthentication(authentication.SessionAuthentication):
    """The signed-in session, for the portal's own pages; writes need the CSRF token."""


def token_of(request):
    """The token the request came with, or None (session or anonymous)."""
    from ikmo.models import ApiToken

    return request.auth if isinstance(request.auth, ApiToken) else None


class TokenScope(permissions.BasePermission):
    """A read-only token may read; writing needs a token with the write scope (or the
    session). Applies on top of each endpoint's own permissions."""

    message = _("This token may only read. Create a token with the write scope to change data.")

    def has_permission(self, request, view):
        token = token_of(request)
        if token is None or request.method in permissions.SAFE_METHODS:
            return True
        return token.can_write


class SignedIn(permissions.IsAuthenticated):
    message = _("Please sign in or send a personal API token.")


class PublicRead(permissions.BasePermission):
    """Anyone may read (public content, e.g. published workshops and calls)."""

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or bool(
            request.user and request.user.is_authenticated
        )


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = TokenAuthentication
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal token (ikmo_…), created under 'API tokens' in the portal.",
        }


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = SessionAuthentication
    name = "session"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}
