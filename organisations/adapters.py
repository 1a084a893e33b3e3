import logging
from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from ikmo.mail import email_keep_for_retry

from . import login_throttle
from .account_views import SESSION_KEY

logger = logging.getLogger(__name__)

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


def recipient_language(email: str, user=None) -> str:
    """The language of the person an account mail goes to: their account's, else (an address
    without an account) the language of the page they asked from."""
    from .models import User

    if user is None or not getattr(user, "pk", None):
        user = User.objects.filter(email__iexact=email).first()
    languages = dict(settings.LANGUAGES)
    preferred = getattr(user, "preferred_language", "") if user is not None else ""
    if preferred in languages:
        return preferred
    current = (translation.get_language() or "")[:2]
    return current if current in languages else settings.LANGUAGE_CODE


def on_site(url: str, request=None) -> str:
    """`url` with the scheme and host of the configured site (its path and query kept)."""
    if not settings.IKMO_SITE_URL_CONFIGURED:
        return url
    base = urlsplit(settings.IKMO_SITE_URL)
    parts = urlsplit(url)
    return urlunsplit((base.scheme, base.netloc, parts.path, parts.query, parts.fragment))


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # allauth's own text has no German translation; and it is about this device only.
        "too_many_login_attempts": _(
            "Too many failed sign-in attempts from this device. Please wait a few minutes "
            "and try again, or reset your password."
        ),
    }

    def save_user(self, request, user, form, commit=True):
        # Remember the language the person signed up in, for the e-mails we send later.
        user.preferred_language = (translation.get_language() or "de")[:2]
        return super().save_user(request, user, form, commit)

    # Failed sign-ins are counted per account and IP, and per known device, never per
    # account alone (organisations/login_throttle.py).

    def pre_authenticate(self, request, **credentials):
        from organisations.models import User

        login = credentials.get("email", credentials.get("username", "")).strip().lower()
        user_pk = User.objects.filter(email__iexact=login).values_list("pk", flat=True).first()
        self._login_failed_rl_usage = login_throttle.consume_failed_login(
            request, login=login, user_pk=user_pk, ip=self.get_client_ip(request)
        )
        if not self._login_failed_rl_usage:
            raise self.validation_error("too_many_login_attempts")

    def _delete_login_attempts_cached_email(self, request, **credentials):
        login = credentials.get("email", credentials.get("username", "")).strip().lower()
        login_throttle.clear_failed_logins(request, login=login, ip=self.get_client_ip(request))

    def send_mail(self, template_prefix, email, context):
        """Sign-up links and password-reset links go out at once, as allauth sends them, named
        after the portal and linking to its configured address, in the recipient's language:
        staff's own wording for that language if a portal admin wrote one (mailtexts, the
        mails in organisations/mails.py), otherwise allauth's templates and ours. If the mail
        server is away the person still gets their page (no error) and the mail is kept for
        the sweeper, which delivers it when the server is back."""
        context = {
            "request": self.request,
            "email": email,
            "current_site": PortalSite(self.request),
            "site_url": site_url(self.request),
            **context,
        }
        language = recipient_language(email, context.get("user"))
        with translation.override(language):
            message = self.render_custom_mail(
                template_prefix, email, context, language
            ) or self.render_mail(template_prefix, email, context)
        try:
            message.send()
        except Exception as error:  # SMTP down or refusing: never a 500 for the person
            logger.warning("Mail %s to %s kept for later: %s", template_prefix, email, error)
            email_keep_for_retry(to=email, subject=message.subject, body=message.body, error=error)

    def render_custom_mail(self, template_prefix, email, context, language):
        """The mail in staff's own wording (the same lookup as ikmo.mail.email_queue), or None."""
        from mailtexts.services import mailtext_render

        found = mailtext_render(template=template_prefix, context=context, language=language)
        if found is None:
            return None
        subject, body = found
        subject = self.format_email_subject(" ".join(subject.split()))
        return EmailMessage(subject, body, self.get_from_email(), [email])

    def post_login(self, request, user, **kwargs):
        response = super().post_login(request, user, **kwargs)
        login_throttle.remember_device(request, response, user)
        return response

    def respond_email_verification_sent(self, request, user):
        # The "check your e-mail" page names the address and can send the mail again.
        if user is not None:
            request.session[SESSION_KEY] = user.email
        return super().respond_email_verification_sent(request, user)

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
