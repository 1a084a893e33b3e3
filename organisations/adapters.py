from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .account_views import SESSION_KEY

SITE_NAME = _("IKMO portal")


class PortalSite:
    """What allauth's e-mails call `current_site`: the portal's name and configured address.

    django.contrib.sites is not installed, so allauth would otherwise name the site after
    the host the request came to ("127.0.0.1:8102")."""

    def __init__(self, request):
        self.name = str(SITE_NAME)
        base = site_url(request)
        self.domain = urlsplit(base).netloc or base


def site_url(request=None) -> str:
    """The address links in e-mails point to, without a trailing slash.

    In production IKMO_SITE_URL is required (ikmo/settings/production.py). Elsewhere it
    is optional: mails written during a request then link to the address that request came
    to, so a developer on any port (or a test server) gets working links.
    """
    if settings.IKMO_SITE_URL_CONFIGURED or request is None:
        return settings.IKMO_SITE_URL.rstrip("/")
    return request.build_absolute_uri("/").rstrip("/")


def on_site(url: str, request=None) -> str:
    """`url` with the scheme and host of the configured site (its path and query kept)."""
    if not settings.IKMO_SITE_URL_CONFIGURED:
        return url
    base = urlsplit(settings.IKMO_SITE_URL)
    parts = urlsplit(url)
    return urlunsplit((base.scheme, base.netloc, parts.path, parts.query, parts.fragment))


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        # Remember the language the person signed up in, for the e-mails we send later.
        user.preferred_language = (translation.get_language() or "de")[:2]
        return super().save_user(request, user, form, commit)

    def respond_email_verification_sent(self, request, user):
        # The "check your e-mail" page names the address and can send the mail again.
        if user is not None:
            request.session[SESSION_KEY] = user.email
        return super().respond_email_verification_sent(request, user)

    def send_mail(self, template_prefix, email, context):
        context = {
            "current_site": PortalSite(self.request),
            "site_url": site_url(self.request),
            **context,
        }
        super().send_mail(template_prefix, email, context)

    def get_email_confirmation_url(self, request, emailconfirmation):
        return on_site(super().get_email_confirmation_url(request, emailconfirmation))

    def get_reset_password_from_key_url(self, key):
        return on_site(super().get_reset_password_from_key_url(key))

    def send_account_already_exists_mail(self, email):
        from allauth.account.internal import flows

        request = self.request
        ctx = {
            "signup_url": on_site(flows.signup.get_signup_url(request)),
            "password_reset_url": on_site(flows.password_reset.get_reset_password_url(request)),
        }
        self.send_mail("account/email/account_already_exists", email, ctx)
