from urllib.parse import urlencode, urlsplit

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
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


class FormDraftMiddleware:
    """Tells the browser drafts (static/js/app.js) what happened to a sent form.

    - A POST by a signed-in person answered with a redirect (the post/redirect/get of every
      successful form) sets a short-lived cookie: only then the browser forgets its copy.
      An error page, or the sign-in page of an expired session, keeps it.
    - A POST whose session has ended is sent to sign in with `next` pointing to the page the
      form was on (its Referer), not to the POST-only address, so the person returns to the
      form, where the browser copy fills in what they typed.
    - Signing out clears the site's browser storage (Clear-Site-Data), so the next person
      on a shared computer finds nothing of the previous one.
    """

    SAVED_COOKIE = "ikmo_saved"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method != "POST":
            return response
        if request.path == reverse("account_logout"):
            response["Clear-Site-Data"] = '"storage"'
            return response
        if response.status_code not in (301, 302, 303) or request.headers.get("HX-Request"):
            return response
        location = urlsplit(response.get("Location", ""))
        if location.path == resolve_url(settings.LOGIN_URL):
            if not request.user.is_authenticated:
                self._return_to_the_form(request, response)
        elif request.user.is_authenticated and not location.path.startswith("/accounts/"):
            # (A redirect to /accounts/ is a re-authentication or MFA step: nothing saved.)
            response.set_cookie(
                self.SAVED_COOKIE,
                "1",
                max_age=120,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=False,  # read (and removed) by app.js
            )
        return response

    def _return_to_the_form(self, request, response) -> None:
        referer = request.headers.get("Referer", "")
        if not url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return
        page = urlsplit(referer)
        if page.path == resolve_url(settings.LOGIN_URL):
            return
        target = page.path + (f"?{page.query}" if page.query else "")
        response["Location"] = (
            f"{resolve_url(settings.LOGIN_URL)}?{urlencode({REDIRECT_FIELD_NAME: target})}"
        )
        messages.info(
            request,
            _(
                "Your session had ended, so nothing was saved yet. Please sign in again: you "
                "will return to the form, and this browser fills in what you typed."
            ),
        )
