from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from ikmo import pagecache


class StaffMFAMiddleware:
    """Centre staff and admins hold other people's data: they must enrol a second factor
    before using anything but the pages needed to do so."""

    ALLOWED_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.IKMO_STAFF_MFA_REQUIRED and self._must_enrol(request):
            messages.warning(
                request,
                _(
                    "Your role gives access to other people's data. Please set up two-factor "
                    "authentication first."
                ),
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    def _must_enrol(self, request) -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        if request.path.startswith(self.ALLOWED_PREFIXES):
            return False
        if not (user.is_staff or user.is_superuser or user.is_centre_staff or user.staff_role_set):
            return False
        return not pagecache.remember(
            f"has-totp:{user.pk}",
            lambda: Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists(),
        )


class AdminInlineStyleMiddleware:
    """Django admin's own templates and scripts set inline styles (e.g. the related-object
    widgets, collapsed fieldsets), which our strict style-src blocks. Only admin pages get
    'unsafe-inline' for styles; scripts stay strict everywhere. Must sit after
    csp.middleware.CSPMiddleware in MIDDLEWARE so it runs first on the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/admin/"):
            response._csp_update = {"style-src": ["'unsafe-inline'"]}
        return response
