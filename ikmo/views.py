from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render

from organisations import permissions, selectors
from organisations.models import Organisation

from .audit import audit_log
from .dashboard import cards_for
from .documents import get_document_for_user


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
def document_detail(request, pk):
    document = get_document_for_user(request.user, pk)
    template = "ikmo/document_status.html" if request.htmx else "ikmo/document_detail.html"
    return render(request, template, {"document": document})


@login_required
def document_download(request, pk):
    document = get_document_for_user(request.user, pk)
    if document.status != document.Status.DONE or not document.file:
        raise Http404
    audit_log(
        actor=request.user,
        action="document.downloaded",
        target=document,
        organisation=document.organisation,
    )
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.download_name,
        content_type="application/pdf",
    )


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
