from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.middleware.gzip import GZipMiddleware
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from ikmo import mfa


class ResolvedUserMiddleware:
    """``request.user`` as the person themselves, not Django's lazy stand-in for them.

    AuthenticationMiddleware puts a SimpleLazyObject there, so that a request that never
    looks at the user does not load it. Every portal page does (the menu, the permissions,
    the staff second-factor rule just below), and through the stand-in each look costs a
    proxy call; in a template, `user.anything` first tries `user["anything"]`, which the
    stand-in forwards and the user refuses with an exception. Loaded here once (the same
    cached lookup, ikmo/auth.py) and put in its place, it is read directly. Sign-in and
    sign-out replace it as before."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if isinstance(user, SimpleLazyObject):
            user.is_authenticated  # noqa: B018 - loads the person (or AnonymousUser)
            request.user = user._wrapped
        return self.get_response(request)


class StaffMFAMiddleware:
    """Centre staff and admins hold other people's data: they must enrol a second factor
    before using anything but the pages needed to do so, and they may enrol it only after
    redeeming an invitation link an admin sent them (ikmo/mfa.py): a password alone does
    not let anyone set up the second factor for someone else's account."""

    # Reachable for staff without a second factor: signing in and out, password reset,
    # the invitation link and the page that explains it.
    ALLOWED_PREFIXES = (
        "/static/",
        "/i18n/",
        "/healthz",
        "/second-factor/",
        "/accounts/login/",
        "/accounts/logout/",
        "/accounts/password/reset/",
        "/accounts/confirm-email/",
    )
    # After redeeming the link: the authenticator set-up (and allauth's re-authentication).
    ENROL_PREFIXES = ("/accounts/",)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.IKMO_STAFF_MFA_REQUIRED and self._must_enrol(request):
            if request.session.get(mfa.SESSION_KEY) == request.user.pk:
                messages.warning(
                    request,
                    _(
                        "Your role gives access to other people's data. Please set up "
                        "two-factor authentication first."
                    ),
                )
                return redirect(reverse("mfa_activate_totp"))
            return redirect(reverse("mfa_required"))
        return self.get_response(request)

    def _must_enrol(self, request) -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        if request.path.startswith(self.ALLOWED_PREFIXES):
            return False
        if not mfa.needs_second_factor(user):
            return False
        if mfa.has_second_factor(user):
            return False
        invited = request.session.get(mfa.SESSION_KEY) == user.pk
        return not (invited and request.path.startswith(self.ENROL_PREFIXES))


class AdminInlineStyleMiddleware:
    """Django admin's own templates and scripts set inline styles (e.g. the related-object
    widgets, collapsed fieldsets), which our strict style-src blocks, and so does Swagger UI
    on the API documentation. Only these pages get 'unsafe-inline' for styles; scripts stay
    strict everywhere. Must sit after
    csp.middleware.CSPMiddleware in MIDDLEWARE so it runs first on the response."""

    PATHS = ("/admin/", "/api/docs/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(self.PATHS):
            response._csp_update = {"style-src": ["'unsafe-inline'"]}
        return response


def _refused(request) -> bool:
    """This request queued an error message: its view refused what was sent.

    Read from the message storage's queue without iterating it: iterating marks the
    messages as shown, and MessageMiddleware (outside this middleware) would then drop them.
    """
    queued = getattr(messages.get_messages(request), "_queued_messages", ())
    return any(message.level >= messages.ERROR for message in queued)


class FormDraftMiddleware:
    """Tells the browser drafts (static/js/app.js) what happened to a sent form.

    - A POST by a signed-in person answered with a redirect (the post/redirect/get of every
      successful form) sets a short-lived cookie: only then the browser forgets its copy.
      An error page, the sign-in page of an expired session, or a redirect that carries an
      error message (a view that refused the form and sent the person back, e.g. "this
      mentor is no longer available") keeps it.
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
        elif (
            request.user.is_authenticated
            and not location.path.startswith("/accounts/")
            and not _refused(request)
        ):
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


class HtmxSignInMiddleware:
    """A part of a page that htmx loads, polls or posts to, once the person's session has
    ended, is answered with the redirect to the sign-in page. htmx would follow it and put the
    whole sign-in page inside the part (a progress box, a table row), where nobody can sign
    in. Instead the browser goes to the sign-in page as a whole (``HX-Redirect``) and, after
    signing in, back to the page the person was on, not to the bare part."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        htmx = getattr(request, "htmx", None)
        if not htmx or response.status_code not in (301, 302, 303, 307, 308):
            return response
        sign_in = resolve_url(settings.LOGIN_URL)
        if urlsplit(response.get("Location", "")).path != sign_in:
            return response
        # django-htmx gives the page's address only if it is on this site.
        page = htmx.current_url_abs_path or "/"
        return HttpResponseClientRedirect(f"{sign_in}?{urlencode({'next': page})}")


class PrivateCacheMiddleware:
    """Pages for a signed-in person show their data: no shared cache (proxy) and no browser
    cache (a shared computer's back button) may keep them. Sits before the page cache in
    MIDDLEWARE, so the page cache still stores and serves the page (it skips responses that
    set Cache-Control themselves) and the header is added on the way out. Static files are
    served by WhiteNoise before this runs. Responses that set their own Cache-Control keep it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "private, no-store"
        return response


class RequestSizeLimitMiddleware:
    """Refuse a request whose declared body is larger than IKMO_MAX_REQUEST_BYTES before
    anything reads it (CSRF, forms and uploads only read the body later, in the view stage),
    with a clear page in the person's language instead of receiving hundreds of megabytes
    first. The proxy (deploy/nginx.conf) enforces the same limit in production."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.IKMO_MAX_REQUEST_BYTES:
            from ikmo.views import request_too_large

            response = request_too_large(request)
            # The unread body must not be taken for the next request on this connection.
            response["Connection"] = "close"
            return response
        return self.get_response(request)


class PageGZipMiddleware(GZipMiddleware):
    """Pages, fragments and JSON leave gzip-compressed for a browser that accepts it: a list
    of 30-70 KiB of HTML is 5-10 KiB on a phone's mobile connection. Django's middleware
    pads each compressed page with random bytes (its BREACH mitigation, next to the CSRF
    token masked per response), which a proxy's gzip would not. Files are left alone:
    downloads stream (PDFs and spreadsheets are compressed already, and a CSV export keeps
    its Content-Length-free streaming as it is), and static files come pre-compressed from
    WhiteNoise."""

    COMPRESSED_TYPES = ("text/html", "application/json")

    def process_response(self, request, response):
        if response.streaming or not response.get("Content-Type", "").startswith(
            self.COMPRESSED_TYPES
        ):
            return response
        return super().process_response(request, response)
