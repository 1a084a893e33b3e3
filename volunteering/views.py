from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import InvalidPage, Paginator
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ikmo import uploads
from ikmo.audit import audit_log
from ikmo.downloads import as_download
from ikmo.reauth import sensitive
from ikmo.subprojects import SubProject
from ikmo.thread_views import thread_context
from ikmo.viewtools import form_errors, get_visible_or_404, require, service_errors

from . import permissions, rules, selectors, services
from .filters import ContingentFilter, PlacementFilter, ProfileFilter, chosen
from .forms import (
    AttendanceForm,
    ConsultationForm,
    ContingentForm,
    DocumentForm,
    PlacementForm,
    SeminarForm,
    StatusForm,
    TransitionForm,
    VolunteerForm,
)
from .models import PLACEMENT_FLOW, SITE_FLOW, PlacementStatus, SiteStatus

PAGE_SIZE = 25


def _render(request, template, context):
    context.setdefault("desk_staff", permissions.is_desk_staff(request.user))
    return render(request, template, context)


def _page(request, qs):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# Home


def home(request):
    user = request.user
    context = {"subproject": SubProject.VOLUNTEERING}
    if not user.is_authenticated:
        return _render(request, "volunteering/home_public.html", context)
    today = timezone.localdate()
    context["today"] = today
    if permissions.is_desk_staff(user):
        profile_counts = selectors.profile_status_counts()
        context.update(
            staff=True,
            status_counts=[
                (label, profile_counts.get(value, 0), value) for value, label in SiteStatus.choices
            ],
            contingents=selectors.contingents_overview(user, year=today.year),
            ending=selectors.placements_ending_between(
                today, today + timedelta(days=rules.ending_notice_days())
            ).order_by("end_date")[:10],
            behind=selectors.placements_behind(today=today, limit=10),
            follow_ups=selectors.follow_ups_due(user, today=today)[:10],
            can_manage_contingents=permissions.can_manage_contingents(user),
        )
    else:
        profiles = list(selectors.profiles_for_user(user))
        placements = selectors.with_progress(
            selectors.placements_for_user(user).exclude(status=PlacementStatus.CANCELLED)[:50],
            today=today,
        )
        context.update(
            profiles=profiles,
            placements=placements,
            can_register_interest=selectors.organisations_open_for_interest(user),
        )
    return _render(request, "volunteering/home.html", context)


# Organisations


@login_required
def organisations(request):
    require(permissions.is_desk_staff(request.user))
    filterset = ProfileFilter(request.GET, queryset=selectors.profiles_overview(request.user))
    status = chosen(filterset, "status")
    page = _page(request, filterset.qs)
    return _render(
        request,
        "volunteering/organisations.html",
        {
            "page": page,
            "status": status,
            "statuses": SiteStatus.choices,
            "query": _query_without_page(request),
        },
    )


def _organisation(request, pk):
    return get_visible_or_404(selectors.organisations_visible_to(request.user), pk=pk)


@login_required
def organisation(request, pk):
    user = request.user
    org = _organisation(request, pk)
    profile = selectors.profile_of(org)
    today = timezone.localdate()
    staff = permissions.is_desk_staff(user)
    placements = selectors.placements_for_user(user).filter(
        Q(site=org) | Q(contingent__carrier=org)
    )
    context = {
        "organisation": org,
        "profile": profile,
        "history": profile.history.select_related("changed_by")[:20] if profile else [],
        "documents": profile.documents.select_related("uploaded_by") if profile else [],
        "consultations": selectors.consultations_for_user(user).filter(organisation=org)[:20]
        if staff
        else [],
        "placements": selectors.with_progress(placements[:50], today=today),
        "staff": staff,
        "can_change_status": permissions.can_change_status(user, org),
        "can_upload": permissions.can_upload_document(user, org),
        "can_consult": permissions.can_log_consultation(user),
    }
    return _render(request, "volunteering/organisation.html", context)


@login_required
@require_POST
def organisation_interest(request, pk):
    org = _organisation(request, pk)
    require(permissions.can_register_interest(request.user, org))
    services.profile_register_interest(organisation=org, by=request.user)
    messages.success(
        request,
        _("Thank you! The volunteer service desk will get in touch with %(name)s.")
        % {"name": org.name},
    )
    return redirect("volunteering:organisation", pk=org.pk)


@login_required
def organisation_status(request, pk):
    org = _organisation(request, pk)
    require(permissions.can_change_status(request.user, org))
    profile = selectors.profile_of(org)
    initial = {}
    if profile:
        initial = {
            "status": profile.status,
            "carrier": profile.carrier,
            "offers_fsj": profile.offers_fsj,
            "offers_bfd": profile.offers_bfd,
            "recognised_on": profile.recognised_on,
            "places": profile.places,
        }
    form = StatusForm(request.POST or None, initial=initial, organisation=org, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_change_status(organisation=org, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The status has been saved."))
            return redirect("volunteering:organisation", pk=org.pk)
    return _render(
        request,
        "volunteering/organisation_status.html",
        {"organisation": org, "profile": profile, "form": form, "transitions": _transition_help()},
    )


def _transition_help():
    return [
        (SiteStatus(s).label, [SITE_FLOW.label(t) for t in SITE_FLOW.targets(s)])
        for s in SiteStatus.values
    ]


@login_required
def document_upload(request, pk):
    org = _organisation(request, pk)
    require(permissions.can_upload_document(request.user, org))
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_upload(
                organisation=org,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
                by=request.user,
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error("file", message)
        else:
            messages.success(request, _("The document has been uploaded."))
            return redirect("volunteering:organisation", pk=org.pk)
    return _render(
        request, "volunteering/document_upload.html", {"organisation": org, "form": form}
    )


@login_required
def document_download(request, pk):
    document = get_visible_or_404(selectors.documents_visible_to(request.user), pk=pk)
    audit_log(
        actor=request.user,
        action="volunteering.document.downloaded",
        target=document,
        organisation=document.profile.organisation,
    )
    return uploads.file_response(
        document.file, prefix="recognition", pk=document.pk, content_type=document.content_type
    )


@login_required
@require_POST
def document_delete(request, pk):
    document = get_visible_or_404(selectors.documents_visible_to(request.user), pk=pk)
    require(permissions.can_delete_document(request.user, document))
    org_pk = document.profile.organisation_id
    services.document_delete(document=document, by=request.user)
    messages.success(request, _("The document has been deleted."))
    return redirect("volunteering:organisation", pk=org_pk)


# Consultations


@login_required
def consultations(request):
    require(permissions.is_desk_staff(request.user))
    qs = selectors.consultations_for_user(request.user)
    page = _page(request, qs)
    return _render(
        request,
        "volunteering/consultations.html",
        {"page": page, "query": _query_without_page(request), "today": timezone.localdate()},
    )


@login_required
def consultation_new(request, pk):
    org = _organisation(request, pk)
    require(permissions.can_log_consultation(request.user))
    form = ConsultationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.consultation_log(organisation=org, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The consultation has been logged."))
            return redirect("volunteering:organisation", pk=org.pk)
    return _render(
        request, "volunteering/consultation_form.html", {"organisation": org, "form": form}
    )


@login_required
def consultation_edit(request, pk):
    consultation = get_visible_or_404(selectors.consultations_for_user(request.user), pk=pk)
    form = ConsultationForm(request.POST or None, instance=consultation)
    if request.method == "POST" and form.is_valid():
        try:
            services.consultation_update(
                consultation=consultation, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The consultation has been saved."))
            return redirect("volunteering:organisation", pk=consultation.organisation_id)
    return _render(
        request,
        "volunteering/consultation_form.html",
        {"organisation": consultation.organisation, "form": form, "consultation": consultation},
    )


# Contingents


@login_required
def contingents(request):
    user = request.user
    require(permissions.can_view_contingents(user))
    filterset = ContingentFilter(request.GET, queryset=selectors.contingents_overview(user))
    form = None
    if permissions.can_manage_contingents(user):
        form = ContingentForm(request.POST or None, user=user)
        if request.method == "POST" and form.is_valid():
            try:
                services.contingent_create(by=user, **form.cleaned_data)
            except ValidationError as error:
                form_errors(form, error)
            else:
                messages.success(request, _("The contingent has been saved."))
                return redirect("volunteering:contingents")
    else:
        require(request.method != "POST")
    return _render(
        request,
        "volunteering/contingents.html",
        {
            "contingents": filterset.qs,
            "form": form,
            "year": chosen(filterset, "year") or None,
        },
    )


@login_required
def contingent_edit(request, pk):
    contingent = get_visible_or_404(selectors.contingents_visible_to(request.user), pk=pk)
    require(permissions.can_manage_contingents(request.user))
    form = ContingentForm(request.POST or None, instance=contingent, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.contingent_update(contingent=contingent, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The contingent has been saved."))
            return redirect("volunteering:contingents")
    return _render(
        request,
        "volunteering/contingent_form.html",
        {"form": form, "contingent": contingent, "used": selectors.places_used(contingent)},
    )


# Placements


@login_required
def placements(request):
    user = request.user
    filterset = PlacementFilter(request.GET, queryset=selectors.placements_for_user(user))
    status = chosen(filterset, "status")
    today = timezone.localdate()
    page = _page(request, filterset.qs)
    page.object_list = selectors.with_progress(page.object_list, today=today)
    return _render(
        request,
        "volunteering/placements.html",
        {
            "page": page,
            "status": status,
            "statuses": PlacementStatus.choices,
            "query": _query_without_page(request),
            "can_manage": permissions.can_manage_placements(user),
        },
    )


@login_required
def placement_new(request):
    require(permissions.can_manage_placements(request.user))
    initial = {}
    if request.GET.get("site", "").isdigit():
        initial["site"] = request.GET["site"]
    volunteer_form = VolunteerForm(request.POST or None, prefix="v")
    form = PlacementForm(request.POST or None, initial=initial, prefix="p", user=request.user)
    if request.method == "POST" and volunteer_form.is_valid() & form.is_valid():
        try:
            placement = services.placement_create(
                volunteer=volunteer_form.cleaned_data, placement=form.cleaned_data, by=request.user
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The placement has been planned and the place booked."))
            return redirect(placement)
    return _render(
        request,
        "volunteering/placement_form.html",
        {"form": form, "volunteer_form": volunteer_form, "rules": _rules_help()},
    )


def _rules_help():
    return [(label, rules.rules_for(value)) for value, label in [("fsj", "FSJ"), ("bfd", "BFD")]]


def _placement(request, pk, *, manage: bool = False):
    placement = get_visible_or_404(selectors.placements_visible_to(request.user), pk=pk)
    if manage:
        require(permissions.can_manage_placements(request.user))
    return placement


@login_required
def placement(request, pk):
    user = request.user
    obj = _placement(request, pk)
    today = timezone.localdate()
    can_manage = permissions.can_manage_placements(user)
    context = {
        "placement": obj,
        "progress": selectors.progress_of(obj, today=today),
        "attendances": obj.attendances.select_related("seminar").order_by("seminar__start_date"),
        "can_manage": can_manage,
        "transitions": [PlacementStatus(s) for s in PLACEMENT_FLOW.targets(obj.status)]
        if can_manage
        else [],
        "can_erase": can_manage and obj.volunteer.anonymised_at is None and obj.is_closed,
        "today": today,
        "thread": thread_context(request, obj),
    }
    return _render(request, "volunteering/placement.html", context)


@login_required
def placement_edit(request, pk):
    obj = _placement(request, pk, manage=True)
    if obj.is_closed:
        messages.error(request, _("A closed placement can no longer be changed."))
        return redirect(obj)
    volunteer_form = VolunteerForm(
        request.POST or None, prefix="v", initial=VolunteerForm.initial_from(obj.volunteer)
    )
    form = PlacementForm(
        request.POST or None,
        prefix="p",
        editing=True,
        user=request.user,
        initial={
            "start_date": obj.start_date,
            "end_date": obj.end_date,
            "weekly_hours": obj.weekly_hours,
            "mentor_name": obj.mentor_name,
            "mentor_email": obj.mentor_email,
        },
    )
    if request.method == "POST" and volunteer_form.is_valid() & form.is_valid():
        try:
            services.placement_update(
                placement=obj,
                volunteer=volunteer_form.cleaned_data,
                data=form.cleaned_data,
                by=request.user,
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The placement has been saved."))
            return redirect(obj)
    return _render(
        request,
        "volunteering/placement_form.html",
        {"form": form, "volunteer_form": volunteer_form, "placement": obj, "rules": _rules_help()},
    )


@login_required
@require_POST
def placement_transition(request, pk):
    obj = _placement(request, pk, manage=True)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please check the dates you entered."))
        return redirect(obj)
    try:
        services.placement_transition(
            placement=obj,
            to_status=form.cleaned_data["status"],
            by=request.user,
            ended_on=form.cleaned_data.get("ended_on"),
            reason=form.cleaned_data.get("reason", ""),
        )
    except ValidationError as error:
        service_errors(request, error)
    else:
        messages.success(
            request,
            _("The placement is now “%(status)s”.")
            % {"status": PlacementStatus(form.cleaned_data["status"]).label},
        )
    return redirect(obj)


@login_required
@sensitive
def volunteer_export(request, pk):
    """The volunteer's stored data as JSON, for a request for access. Desk staff only."""
    obj = _placement(request, pk, manage=True)
    audit_log(
        actor=request.user,
        action="volunteering.volunteer.exported",
        target=obj,
        organisation=obj.site,
    )
    response = JsonResponse(
        selectors.volunteer_export(obj.volunteer),
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
    return as_download(response, filename=f"volunteer-{obj.volunteer_id}.json")


@login_required
@require_POST
@sensitive
def volunteer_erase(request, pk):
    obj = _placement(request, pk, manage=True)
    try:
        services.volunteer_erase(volunteer=obj.volunteer, by=request.user)
    except ValidationError as error:
        service_errors(request, error)
    else:
        messages.success(request, _("The volunteer's personal data has been erased."))
    return redirect(obj)


# Seminars


@login_required
def seminars(request):
    user = request.user
    require(permissions.can_view_seminars(user))
    page = _page(request, selectors.seminars_for_user(user))
    return _render(
        request,
        "volunteering/seminars.html",
        {
            "page": page,
            "query": _query_without_page(request),
            "can_manage": permissions.can_manage_seminars(user),
        },
    )


@login_required
def seminar_new(request):
    require(permissions.can_manage_seminars(request.user))
    form = SeminarForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            seminar = services.seminar_save(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The seminar has been saved. Now record who attended."))
            return redirect(seminar)
    return _render(request, "volunteering/seminar_form.html", {"form": form})


def _seminar(request, pk):
    return get_visible_or_404(selectors.seminars_visible_to(request.user), pk=pk)


@login_required
def seminar_edit(request, pk):
    seminar = _seminar(request, pk)
    require(permissions.can_manage_seminars(request.user))
    form = SeminarForm(request.POST or None, instance=seminar, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.seminar_save(seminar=seminar, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The seminar has been saved."))
            return redirect(seminar)
    return _render(request, "volunteering/seminar_form.html", {"form": form, "seminar": seminar})


# Attendance is recorded a page of volunteers at a time: a large carrier has hundreds on a
# seminar's dates, and the page stays small on a phone.
ATTENDANCE_PER_PAGE = 50


@login_required
def seminar(request, pk):
    user = request.user
    obj = _seminar(request, pk)
    can_manage = permissions.can_manage_seminars(user)
    # Members of the carrier or a site see only the placements they may see anyway.
    candidates = selectors.placements_for_seminar(obj).filter(
        permissions.placements_visible_q(user)
    )
    page = Paginator(candidates, ATTENDANCE_PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    posted = request.method == "POST" and can_manage
    if posted:
        # The rows that were sent, whichever page they were on when the form was opened (a
        # placement added meanwhile shifts the pages): nothing typed is dropped.
        sent = [key.removeprefix("days_") for key in request.POST if key.startswith("days_")]
        rows = list(candidates.filter(pk__in=[int(pk) for pk in sent if pk.isdigit()]))
    existing = selectors.attendance_by_placement(obj, rows)
    form = AttendanceForm(
        request.POST if posted else None, placements=rows, seminar=obj, existing=existing
    )
    if request.method == "POST":
        require(can_manage)
        if form.is_valid():
            try:
                saved = services.attendance_record(seminar=obj, days=form.days(), by=user)
            except ValidationError as error:
                form_errors(form, error)
            else:
                messages.success(
                    request, _("Attendance saved for %(n)s volunteers.") % {"n": saved}
                )
                # "Save and show the next page": the number comes from the form's buttons;
                # anything else stays on the page that was saved.
                try:
                    number = page.paginator.validate_number(request.POST.get("go_to"))
                except InvalidPage:
                    number = page.number
                url = obj.get_absolute_url()
                return redirect(f"{url}?page={number}" if number > 1 else url)
    return _render(
        request,
        "volunteering/seminar.html",
        {
            "seminar": obj,
            "form": form,
            "can_manage": can_manage,
            "existing": existing,
            "page": page,
        },
    )
