import logging

from allauth.account.adapter import DefaultAccountAdapter
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from ikmo.mail import email_keep_for_retry

from . import login_throttle

logger = logging.getLogger(__name__)


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
        """Sign-up codes and password-reset links go out at once, as allauth sends them; if
        the mail server is away the person still gets their page (no error) and the mail is
        kept for the sweeper, which delivers it when the server is back."""
        message = self.render_mail(template_prefix, email, context)
        try:
            message.send()
        except Exception as error:  # SMTP down or refusing: never a 500 for the person
            logger.warning("Mail %s to %s kept for later: %s", template_prefix, email, error)
            email_keep_for_retry(to=email, subject=message.subject, body=message.body, error=error)

    def post_login(self, request, user, **kwargs):
        response = super().post_login(request, user, **kwargs)
        login_throttle.remember_device(request, response, user)
        return response
