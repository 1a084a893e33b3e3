import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ikmo.audit import audit_log
from ikmo.checkin import checkin_open_or_coming, personal_url
from ikmo.documents import document_request, get_document_for_user
from ikmo.downloads import as_download, content_download
from ikmo.listexports import neutralise
from ikmo.reauth import sensitive
from ikmo.selectors import checkins_of
from ikmo.subprojects import SubProject
from ikmo.thread_views import thread_context
from ikmo.viewtools import form_errors, get_visible_or_404, paged, require, service_errors
from organisations.selectors import get_organisation_for_user

from . import ics, permissions, selectors, services
from .documents import PARTICIPANT_LIST
from .filters import CoachingLogFilter, FollowUpFilter, WorkshopFilter
from .forms import (
    AttendanceForm,
    CoachingSessionForm,
    CoachingStartForm,
    FeedbackForm,
    NewSessionFormSet,
    RegistrationForm,
    SessionFormSet,
    WorkshopForm,
)
from .models import Registration, Workshop


def _workshops(user):
    return selectors.workshops_for_user(user).select_related("trainer")


def home(request):
    user = request.user
    context = {
        "subproject": SubProject.QUALIFICATION,
        "upcoming": selectors.upcoming_workshops(user, limit=6),
        "is_staff": permissions.is_qualification_staff(user),
    }
    if user.is_authenticated:
        context["my_upcoming"] = selectors.my_upcoming_registrations(user)
    return render(request, "qualification/home.html", context)


# Workshops -----------------------------------------------------------------------------------


def _filtered_workshops(request):
    base = selectors.workshops_for_user(request.user)
    return WorkshopFilter(request.GET or None, queryset=base)


def workshop_list(request):
    workshops = _filtered_workshops(request)
    queryset = workshops.qs.for_lists().order_by("starts_at", "pk")
    page = Paginator(queryset, 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "qualification/workshop_list.html",
        {
            "filter": workshops,
            "page": page,
            "query": query.urlencode(),
            "can_create": permissions.can_create_workshop(request.user),
        },
    )


def _domain(request) -> str:
    return request.get_host().split(":")[0] or "ikmo.example"


def _ics_response(
    request, workshops, *, name: str, filename: str, online_link=lambda w: False
) -> HttpResponse:
    body = ics.calendar(
        workshops,
        url_for=lambda w: request.build_absolute_uri(w.get_absolute_url()),
        domain=_domain(request),
        name=name,
        online_link=online_link,
    )
    return content_download(body, filename=filename, content_type="text/calendar; charset=utf-8")


def workshop_calendar(request):
    """The filtered list as a calendar feed (subscribe or download)."""
    workshops = _filtered_workshops(request).qs.filter(
        status__in=[Workshop.Status.PUBLISHED, Workshop.Status.CANCELLED]
    )
    workshops = workshops.prefetch_related("sessions").order_by("starts_at", "pk")[:500]
    return _ics_response(
        request, workshops, name=_("IKMO workshops"), filename="ikmo-workshops.ics"
    )


def workshop_ics(request, pk):
    workshop = get_visible_or_404(_workshops(request.user), pk=pk)
    insider = permissions.can_see_online_link(request.user, workshop)
    return _ics_response(
        request,
        [workshop],
        name=workshop.title,
        filename=f"workshop-{workshop.pk}-{slugify(workshop.title)[:40]}.ics",
        online_link=lambda w: insider,
    )


def _registration_form(user, workshop, data=None):
    """The registration form for this person and workshop, or None if they can register
    nobody: colleagues of their approved organisations, or (in workshops open to them)
    themselves for their founding initiative or as an individual."""
    memberships = selectors.registration_choices_for(user, workshop)
    initiatives, individual = selectors.registration_options_without_organisation(user, workshop)
    if not (memberships or initiatives or individual):
        return None
    return RegistrationForm(
        data, memberships=memberships, initiatives=initiatives, individual=individual, user=user
    )


def _workshop_page(request, workshop, *, form=None, status=200):
    user = request.user
    can_manage = permissions.can_manage_workshop(user, workshop)
    context = {
        "workshop": workshop,
        "sessions": workshop.sessions.all(),
        "topics": workshop.topics.all(),
        "workshop_languages": workshop.languages.all(),
        "free_places": workshop.free_places,
        "can_manage": can_manage,
        "registration_open": workshop.registration_open(),
        "show_online_link": permissions.can_see_online_link(user, workshop),
    }
    if user.is_authenticated:
        mine = list(
            selectors.with_waitlist_rank(
                selectors.registrations_for_user(user)
                .filter(workshop=workshop)
                .exclude(status=Registration.Status.CANCELLED)
            )
        )
        for registration in mine:
            registration.rank = registration.waitlist_rank
            registration.can_cancel = permissions.can_cancel_registration(user, registration)
        context["my_registrations"] = mine
        context["is_member"] = permissions.registrable_memberships(user).exists()
        context["has_initiative"] = permissions.initiative_memberships(user).exists()
        if context["registration_open"]:
            context["form"] = form or _registration_form(user, workshop)
    if permissions.can_see_feedback(user, workshop):
        context["feedback"] = selectors.feedback_summary(workshop)
        context["show_feedback"] = True
    return render(request, "qualification/workshop_detail.html", context, status=status)


def workshop_detail(request, pk):
    # Counted once for the page, its button and its badge.
    workshop = get_visible_or_404(_workshops(request.user).with_confirmed_count(), pk=pk)
    return _workshop_page(request, workshop)


@login_required
@require_POST
def workshop_register(request, pk):
    workshop = get_visible_or_404(_workshops(request.user), pk=pk)
    form = _registration_form(request.user, workshop, request.POST)
    if form is None or not form.is_valid():
        if form is not None and form.without_organisation:
            # Shown again with the choice and its message at the field.
            return _workshop_page(request, workshop, form=form)
        messages.error(
            request,
            _("Please choose who takes part. People already registered are not in the list."),
        )
        return redirect(workshop)
    membership = form.cleaned_data["membership"]
    participant = membership.user if membership else request.user
    try:
        registration = services.registration_create(
            workshop=workshop,
            participant=participant,
            organisation=membership.organisation if membership else None,
            by=request.user,
        )
    except ValidationError as error:
        service_errors(request, error)
        return redirect(workshop)
    myself = participant.pk == request.user.pk
    names = {"person": participant, "rank": selectors.waitlist_rank(registration) or 0}
    if registration.status == Registration.Status.CONFIRMED:
        message = (
            _("You are registered. A confirmation has been sent by e-mail.")
            if myself
            else _("%(person)s is registered. A confirmation has been sent by e-mail.")
        )
        messages.success(request, message % names)
    else:
        message = (
            _(
                "The workshop is full. You are on the waiting list (place %(rank)d) and will be "
                "informed by e-mail as soon as a place becomes free."
            )
            if myself
            else _(
                "The workshop is full. %(person)s is on the waiting list (place %(rank)d) and "
                "will be informed by e-mail as soon as a place becomes free."
            )
        )
        messages.warning(request, message % names)
    return redirect(workshop)


@login_required
def workshop_create(request):
    require(permissions.can_create_workshop(request.user))
    return _workshop_form(request, Workshop(trainer=request.user, capacity=20))


@login_required
def workshop_edit(request, pk):
    workshop = get_visible_or_404(_workshops(request.user), pk=pk)
    require(permissions.can_manage_workshop(request.user, workshop))
    return _workshop_form(request, workshop)


def _workshop_form(request, workshop: Workshop):
    data = request.POST if request.method == "POST" else None
    form = WorkshopForm(data, instance=workshop, user=request.user)
    formset_class = SessionFormSet if workshop.pk else NewSessionFormSet
    sessions = formset_class(data, instance=workshop, prefix="sessions")
    if request.method == "POST":
        form_ok = form.is_valid()
        sessions.deadline = form.cleaned_data.get("registration_deadline") if form_ok else None
        if form_ok and sessions.is_valid():
            creating = workshop.pk is None
            try:
                workshop = services.workshop_save(
                    workshop=None if creating else workshop,
                    data=form.workshop_data(),
                    sessions=sessions.dates(),
                    by=request.user,
                )
            except ValidationError as error:
                form_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The workshop has been created.")
                    if creating
                    else _("The workshop has been saved."),
                )
                return redirect(workshop)
        sessions.is_valid()  # collect the formset's errors for display as well
    return render(
        request,
        "qualification/workshop_form.html",
        {"form": form, "sessions": sessions, "workshop": workshop},
    )


@login_required
@require_POST
def workshop_cancel(request, pk):
    workshop = get_visible_or_404(_workshops(request.user), pk=pk)
    require(permissions.can_manage_workshop(request.user, workshop))
    try:
        services.workshop_cancel(workshop=workshop, by=request.user)
        messages.success(request, _("The workshop has been cancelled and participants informed."))
    except ValidationError as error:
        service_errors(request, error)
    return redirect(workshop)


# Trainer: attendance, lists, certificates ----------------------------------------------------


@login_required
def workshop_attendance(request, pk):
    workshop = get_visible_or_404(_workshops(request.user), pk=pk)
    require(permissions.can_manage_workshop(request.user, workshop))
    registrations = list(
        selectors.workshop_participants(workshop).filter(status=Registration.Status.CONFIRMED)
    )
    by_code = checkins_of(kind_key="qualification.registration", occasion_id=workshop.pk)
    for registration in registrations:
        registration.by_code = registration.attended and registration.pk in by_code
    return render(
        request,
        "qualification/attendance.html",
        {
            "workshop": workshop,
            "registrations": registrations,
            "attendance_open": services.attendance_open(workshop),
            "present": sum(1 for r in registrations if r.attended),
        },
    )


@login_required
@require_POST
def attendance_set(request, pk, registration_pk):
    workshop = get_visible_or_404(_workshops(request.user), pk=pk)
    require(permissions.can_manage_workshop(request.user, workshop))
    registration = get_visible_or_404(
        selectors.registrations_visible_to(request.user), pk=registration_pk, workshop=workshop
    )
    form = AttendanceForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            registration = services.attendance_set(
                registration=registration, attended=form.value(), by=request.user
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = _("Please choose present or absent.")
    if request.htmx:
        confirmed = workshop.registrations.filter(status=Registration.Status.CONFIRMED)
        return render(
            request,
            "qualification/includes/attendance_row.html",
            {
                "workshop": workshop,
                "r": registration,
                "error": error,
                "attendance_open": True,
                "oob_count": True,
                "present": confirmed.filter(attended=True).count(),
                "total": confirmed.count(),
            },
        )
    if error:
        messages.error(request, error)
    return redirect("qualification:attendance", pk=workshop.pk)


@login_required
@sensitive
def participants_csv(request, pk):
    workshop = get_visible_or_404(_workshops(request.user), pk=pk)
    require(permissions.can_manage_workshop(request.user, workshop))
    # Names and e-mail addresses leave the portal here: the access log says who took them.
    audit_log(actor=request.user, action="qualification.participants.exported", target=workshop)
    response = as_download(
        HttpResponse(content_type="text/csv; charset=utf-8"),
        filename=f"participants-{workshop.pk}.csv",
    )
    response.write("\ufeff")  # so spreadsheet programs read the umlauts right
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            _("Position"),
            _("Name"),
            _("E-mail"),
            _("Organisation"),
            _("Status"),
            _("Attended"),
            _("Registered at"),
        ]
    )
    for r in selectors.workshop_participants(workshop):
        attended = {True: _("yes"), False: _("no"), None: ""}[r.attended]
        writer.writerow(
            [
                r.position,
                _csv_safe(r.participant.get_full_name()),
                _csv_safe(r.participant.email),
                _csv_safe(r.taking_part_label),
                r.get_status_display(),
                attended,
                # ISO, whatever the UI language: spreadsheets read it as a date and time.
                timezone.localtime(r.created_at).strftime("%Y-%m-%d %H:%M"),
            ]
        )
    return response


def _csv_safe(value: str) -> str:
    """Keep spreadsheet programs from running user text as a formula."""
    return neutralise(value)


@login_required
@require_POST
def participants_pdf(request, pk):
    workshop = get_visible_or_404(_workshops(request.user), pk=pk)
    require(permissions.can_manage_workshop(request.user, workshop))
    document = document_request(kind=PARTICIPANT_LIST, target=workshop, by=request.user)
    return redirect("document_detail", pk=document.pk)


@login_required
@require_POST
def certificates_issue(request, pk):
    workshop = get_visible_or_404(_workshops(request.user), pk=pk)
    require(permissions.can_manage_workshop(request.user, workshop))
    count = services.certificates_issue(workshop=workshop, by=request.user)
    if count:
        messages.success(
            request,
            _("Certificates for %(count)d attendees are being generated.") % {"count": count},
        )
    else:
        messages.info(request, _("Nobody is marked as present yet, so there are no certificates."))
    return redirect("qualification:attendance", pk=workshop.pk)


# Participants: own registrations, cancellation, certificate, feedback ------------------------


@login_required
def my_registrations(request):
    registrations = list(selectors.registrations_for_user(request.user))
    certificates = selectors.certificates_for(r for r in registrations if r.attended)
    now = timezone.now()
    upcoming, past = [], []
    for r in registrations:
        r.certificate = certificates.get(r.pk)
        r.can_cancel = (
            r.is_active
            and not r.workshop.has_started(now)
            and (permissions.can_cancel_registration(request.user, r))
        )
        # The person's own code to show at the door (ikmo/checkin.py), until the workshop is
        # over; a code of a colleague's registration is theirs to show, not ours.
        if r.participant_id == request.user.pk and checkin_open_or_coming(r, now=now):
            r.checkin_url = personal_url(r)
        (past if r.workshop.has_started(now) else upcoming).append(r)
    upcoming.reverse()  # soonest first
    # Joining an organisation later reassigns nothing: say so where the history is shown.
    individual_history = (
        any(r.is_individual and r.participant_id == request.user.pk for r in registrations)
        and permissions.registrable_memberships(request.user).exists()
    )
    return render(
        request,
        "qualification/my_registrations.html",
        {"upcoming": upcoming, "past": past, "individual_history": individual_history},
    )


@login_required
@require_POST
def registration_cancel(request, pk):
    registration = get_visible_or_404(selectors.registrations_visible_to(request.user), pk=pk)
    require(permissions.can_cancel_registration(request.user, registration))
    try:
        services.registration_cancel(registration=registration, by=request.user)
        messages.success(request, _("The registration has been cancelled."))
    except ValidationError as error:
        service_errors(request, error)
    next_url = request.POST.get("next")
    if next_url == "workshop":
        return redirect(registration.workshop)
    return redirect("qualification:my_registrations")


@login_required
@require_POST
def registration_certificate(request, pk):
    registration = get_visible_or_404(selectors.registrations_visible_to(request.user), pk=pk)
    if not permissions.can_view_certificate(request.user, registration):
        raise Http404
    try:
        document = services.certificate_request(registration=registration, by=request.user)
    except ValidationError as error:
        service_errors(request, error)
        return redirect("qualification:my_registrations")
    # The status page checks the permission again, through the document kind.
    get_document_for_user(request.user, document.pk)
    return redirect("document_detail", pk=document.pk)


@login_required
def feedback(request, pk):
    registration = get_visible_or_404(selectors.registrations_visible_to(request.user), pk=pk)
    if not permissions.can_give_feedback(request.user, registration):
        messages.error(request, _("Only people who attended the workshop can give feedback."))
        return redirect("qualification:my_registrations")
    if hasattr(registration, "feedback"):
        messages.info(request, _("You have already given feedback for this workshop. Thank you!"))
        return redirect("qualification:my_registrations")
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_submit(
                registration=registration,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
                by=request.user,
            )
            messages.success(request, _("Thank you for your feedback!"))
            return redirect("qualification:my_registrations")
        except ValidationError as error:
            service_errors(request, error)
    return render(
        request, "qualification/feedback.html", {"form": form, "registration": registration}
    )


# Coaching ------------------------------------------------------------------------------------


def _require_coaching_staff(user):
    require(permissions.can_log_coaching(user))


FOLLOW_UPS_PER_PAGE = 10
CASES_PER_PAGE = 15


@login_required
def coaching_home(request):
    _require_coaching_staff(request.user)
    user = request.user
    log = CoachingLogFilter(request.GET or None, queryset=selectors.coaching_log(user))
    page = Paginator(log.qs, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    today = timezone.localdate()
    filters = FollowUpFilter(
        request.GET or None,
        queryset=selectors.open_follow_ups(user, today=today, within_days=None),
        today=today,
    )
    window = filters.days
    # Every list on this page is paged: at scale a consultant has hundreds of follow-ups and
    # the centre a thousand organisations in coaching.
    follow_ups = filters.qs
    return render(
        request,
        "qualification/coaching_home.html",
        {
            "page": page,
            "log_filter": log,
            "query": query.urlencode(),
            "overdue": paged(
                request,
                follow_ups.filter(follow_up_date__lt=today),
                per_page=FOLLOW_UPS_PER_PAGE,
                param="overdue",
            ),
            "upcoming": paged(
                request,
                follow_ups.filter(follow_up_date__gte=today),
                per_page=FOLLOW_UPS_PER_PAGE,
                param="upcoming",
            ),
            "window": window,
            "windows": selectors.FOLLOW_UP_WINDOWS,
            "today": today,
            "cases": paged(
                request,
                selectors.coaching_cases(user).filter(is_active=True),
                per_page=CASES_PER_PAGE,
                param="cases",
            ),
            "start_form": CoachingStartForm(user=user),
        },
    )


@login_required
@require_POST
def coaching_follow_up_done(request, pk):
    session = get_visible_or_404(selectors.coaching_sessions_for_user(request.user), pk=pk)
    require(permissions.can_edit_coaching_session(request.user, session))
    try:
        services.coaching_follow_up_mark_done(session=session, by=request.user)
        messages.success(
            request,
            _("The follow-up with %(organisation)s is marked as done.")
            % {"organisation": session.organisation.name},
        )
    except ValidationError as error:
        service_errors(request, error)
    url = reverse("qualification:coaching")
    window = FollowUpFilter(request.GET or None).days
    if window != selectors.FOLLOW_UP_WINDOWS[0]:
        url += f"?window={window}"
    return redirect(url)


@login_required
def coaching_start(request):
    _require_coaching_staff(request.user)
    form = CoachingStartForm(request.GET or None, user=request.user)
    if form.is_valid():
        return redirect(
            "qualification:coaching_create", org_pk=form.cleaned_data["organisation"].pk
        )
    messages.error(request, _("Please choose an organisation."))
    return redirect("qualification:coaching")


@login_required
def coaching_create(request, org_pk):
    _require_coaching_staff(request.user)
    organisation = get_organisation_for_user(request.user, org_pk)
    form = CoachingSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.coaching_session_create(
                organisation=organisation, data=form.session_data(), by=request.user
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The coaching session has been logged."))
            return redirect(session)
    return render(
        request,
        "qualification/coaching_form.html",
        {"form": form, "organisation": organisation},
    )


@login_required
def coaching_detail(request, pk):
    session = get_visible_or_404(selectors.coaching_sessions_for_user(request.user), pk=pk)
    return render(
        request,
        "qualification/coaching_detail.html",
        {
            "session": session,
            "topics": session.topics.all(),
            "can_edit": permissions.can_edit_coaching_session(request.user, session),
            "show_confidential": permissions.can_view_confidential_notes(request.user),
        },
    )


@login_required
def coaching_edit(request, pk):
    session = get_visible_or_404(selectors.coaching_sessions_for_user(request.user), pk=pk)
    require(permissions.can_edit_coaching_session(request.user, session))
    form = CoachingSessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        try:
            services.coaching_session_update(
                session=session, data=form.session_data(), by=request.user
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The coaching session has been saved."))
            return redirect(session)
    return render(
        request,
        "qualification/coaching_form.html",
        {"form": form, "organisation": session.organisation, "session": session},
    )


@login_required
def coaching_organisation(request, org_pk):
    _require_coaching_staff(request.user)
    organisation = get_organisation_for_user(request.user, org_pk)
    sessions = selectors.coaching_sessions_for_user(request.user).filter(organisation=organisation)
    case = selectors.coaching_case_of(organisation)
    return render(
        request,
        "qualification/coaching_organisation.html",
        {
            "organisation": organisation,
            "sessions": sessions,
            "case": case,
            "thread": thread_context(request, case) if case is not None else None,
        },
    )


@login_required
@require_POST
def coaching_case_toggle(request, org_pk):
    _require_coaching_staff(request.user)
    organisation = get_organisation_for_user(request.user, org_pk)
    case = selectors.coaching_case_of(organisation)
    if case is None:
        raise Http404
    active = request.POST.get("active") == "1"
    services.coaching_case_set_active(case=case, active=active, by=request.user)
    messages.success(
        request,
        _("The organisation is in active coaching again.")
        if active
        else _("The coaching has been closed; no more reminders about gaps."),
    )
    return redirect(reverse("qualification:coaching_organisation", args=[organisation.pk]))
