from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from organisations import permissions, selectors
from organisations.models import Organisation

from . import choosers, mfa
from .dashboard import cards_for
from .documents import get_document_for_user
from .downloads import file_download
from .reauth import sensitive
from .viewtools import require


def home(request):
    user = request.user
    if not user.is_authenticated:
        return render(request, "home_public.html")
    context = {"memberships": selectors.memberships_of(user)}
    if permissions.can_decide_registrations(user):
        context["pending_registrations"] = Organisation.objects.filter(
            status=Organisation.Status.PENDING
        ).count()
    if permissions.is_centre_staff(user):
        context["organisation_count"] = Organisation.objects.approved().count()
    context["cards"] = cards_for(user)
    return render(request, "home.html", context)


@login_required
@require_GET
@never_cache
def choose(request, kind):
    """One page of what the person may choose in a chooser (ikmo/choosers.py), as JSON.

    The scope decides the records and is checked with its own permission predicate (a 403),
    an unknown scope is a 404. `private, no-store`: the answer is this person's.
    """
    scope = choosers.get_scope(request.GET.get("scope", ""), kind=kind)
    require(scope.allowed(request.user))
    return JsonResponse(
        choosers.search(
            scope,
            request.user,
            query=request.GET.get("q", "").replace("\x00", ""),
            page=_small_number(request.GET.get("page"), default=1, maximum=500),
            exclude=[
                pk
                for pk in (
                    _small_number(value, default=None)
                    for value in request.GET.get("exclude", "").split(",")[:10]
                )
                if pk is not None
            ],
        )
    )


def _small_number(text, *, default, maximum=2**31 - 1):
    """A positive whole number from a query parameter, or ``default`` for anything else."""
    text = (text or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 10:
        return default
    number = int(text)
    return number if 1 <= number <= maximum else default


@login_required
def document_detail(request, pk):
    document = get_document_for_user(request.user, pk)
    template = "ikmo/document_status.html" if request.htmx else "ikmo/document_detail.html"
    return render(request, template, {"document": document})


def _serve_job_file(request, model, **lookup):
    job = get_object_or_404(model, **lookup)
    # Not allowed, not ready or expired: all look the same from outside.
    if not job.can_download(request.user) or not job.is_downloadable:
        raise Http404
    job.record_download(request.user)
    return file_download(job.file, filename=job.download_name, content_type=job.file_type)


_serve_job_file_after_reauth = sensitive(_serve_job_file)


@login_required
def job_download(request, model, **lookup):
    """The one download of every background job's file (`model` and the lookup come from
    the URL pattern): permission from the job's `can_download`, an audit entry, the
    download headers; a job with `download_reauth` asks for the password again first."""
    serve = _serve_job_file_after_reauth if model.download_reauth else _serve_job_file
    return serve(request, model, **lookup)


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@login_required
def mfa_required(request):
    """Staff without a second factor land here: they need an invitation link from an admin."""
    user = request.user
    if not mfa.needs_second_factor(user) or mfa.has_second_factor(user):
        return redirect("home")
    return render(request, "ikmo/mfa_required.html")


@login_required
def mfa_invitation(request, token):
    """Redeem a second-factor invitation, then go on to set up the authenticator."""
    user = request.user
    if not mfa.needs_second_factor(user) or mfa.has_second_factor(user):
        messages.info(request, _("Your account needs no further set-up."))
        return redirect("home")
    if not mfa.mfa_invitation_redeem(user=user, token=token):
        return render(request, "ikmo/mfa_invitation_invalid.html", status=400)
    request.session[mfa.SESSION_KEY] = user.pk
    messages.success(request, _("Thank you. Please set up your authenticator app now."))
    return redirect("mfa_activate_totp")


def request_too_large(request):
    """The page for a request body over IKMO_MAX_REQUEST_BYTES (nginx's error_page and
    RequestSizeLimitMiddleware show it), in the person's language."""
    return render(
        request,
        "413.html",
        {"max_size": settings.IKMO_MAX_REQUEST_BYTES},
        status=413,
    )
