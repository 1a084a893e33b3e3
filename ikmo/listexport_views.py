"""The views of every list export (ikmo/listexports.py): request and status; the download
is the one job download, ikmo.views.job_download."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .listexports import export_request, exportable_list, get_export_for_user
from .models import ListExport
from .reauth import sensitive


@login_required
@require_POST
@sensitive
def export_create(request, key):
    """Ask for an export of list ``key`` with the list page's filter (its query string, in
    the field ``query``). Who may not export the list gets a 404, as for the page itself."""
    spec = exportable_list(key)
    scope = request.POST.get("scope", "")[:20]
    if spec is None or not spec.allowed(request.user, scope):
        raise Http404
    fmt = request.POST.get("format", "")
    if fmt not in ListExport.Format.values:
        messages.error(request, _("Please choose a format."))
        return redirect(spec.list_url(scope))
    params = QueryDict(request.POST.get("query", "")[:2000].replace("\x00", ""))
    job = export_request(key=key, by=request.user, params=params, fmt=fmt, scope=scope)
    return redirect("exports:detail", job.uuid)


@login_required
def export_detail(request, uuid):
    job = get_export_for_user(request.user, uuid)
    template = "ikmo/list_export_status.html" if request.htmx else "ikmo/list_export_detail.html"
    return render(
        request,
        template,
        {"job": job, "list_url": job.spec.list_url(job.scope, job.params)},
    )
