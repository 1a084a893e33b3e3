"""The portal's additions to allauth's sign-up: the "check your e-mail" page with a way to
have the confirmation sent again."""

from email.utils import parseaddr

from allauth.account.internal.flows.email_verification import (
    send_verification_email_to_address,
)
from allauth.account.models import EmailAddress
from allauth.account.views import EmailVerificationSentView
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

# Set by AccountAdapter.respond_email_verification_sent: the address the mail went to.
SESSION_KEY = "ikmo_verification_email"


def contact_email() -> str:
    return settings.IKMO_CONTACT_EMAIL or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


class VerificationSentView(EmailVerificationSentView):
    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "verification_email": self.request.session.get(SESSION_KEY, ""),
            "contact_email": contact_email(),
        }


@require_POST
def resend_verification(request):
    """Send the confirmation e-mail again to the address this browser just signed up with.

    The address comes from the session, never from the form, so nobody can use this to send
    mail to strangers or to find out which addresses have accounts. allauth's own rate limit
    for confirmation mails (ACCOUNT_RATE_LIMITS["confirm_email"]) applies.
    """
    email = request.session.get(SESSION_KEY, "")
    address = EmailAddress.objects.filter(email__iexact=email, verified=False).first()
    if not email or address is None:
        messages.info(
            request,
            _(
                "Please sign in with your e-mail address and password: if the address is not "
                "confirmed yet, we send you the e-mail again."
            ),
        )
        return redirect("account_login")
    if not send_verification_email_to_address(request, address):
        messages.warning(
            request,
            _(
                "We sent you an e-mail only a few minutes ago. Please wait three minutes "
                "before asking for another one, and look in your spam folder meanwhile."
            ),
        )
    return redirect("account_email_verification_sent")
