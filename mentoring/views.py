from allauth.core.internal import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ikmo.checkin import checkin_open_or_coming, personal_url
from ikmo.documents import document_request
from ikmo.downloads import content_download
from ikmo.selectors import checkins_of
from ikmo.subprojects import SubProject
from ikmo.viewtools import (
    counted_page,
    form_errors,
    get_visible_or_404,
    paged,
    paged_list,
    require,
    service_errors,
)
from organisations.selectors import get_organisation_for_user

from . import documents, ics, permissions, selectors, services
from .filters import ContactFilter, EventFilter, PartnerFilter, TandemFilter
from .forms import (
    AttendanceForm,
    ContactStatusForm,
    CooperationContactForm,
    EventAgendaItemForm,
    EventForm,
    EventInfoStandForm,
    EventOutcomeForm,
    EventRegistrationForm,
    EventSpeakerForm,
    EventTableForm,
    FollowUpTaskForm,
    GuestRegistrationForm,
    MentorOfferForm,
    MentorRequestForm,
    TandemCloseForm,
    TandemDeclineForm,
    TandemEvaluationForm,
    TandemMeetingForm,
    TandemPlanForm,
    TandemProposeForm,
)
from .matching import best_of
from .models import Event, MentorOffer, MentorRequest, Tandem


def _internal(allowed: bool) -> None:
    # Internal pages answer 404 to everyone else: their existence is nobody else's business.
    if not allowed:
        raise Http404


def _staff_only(user) -> None:
    _internal(permissions.is_mentoring_staff(user))


def home(request):
    """The sub-project's start page: what it offers, and for signed-in people their next steps."""
    user = request.user
    context = {"subproject": SubProject.MENTORING}
    if permissions.is_mentoring_staff(user):
        context["staff"] = selectors.staff_overview(
            user, today=timezone.localdate(), weeks=services.nudge_weeks()
        )
    elif user.is_authenticated:
        context["member"] = selectors.member_overview(user)
    return render(request, "mentoring/home.html", context)


# Partner brokering ---------------------------------------------------------------------------


@login_required
def contact_list(request):
    _internal(permissions.can_manage_contacts(request.user))
    filters = ContactFilter(request.GET or None, queryset=selectors.contacts_for_user(request.user))
    page = Paginator(filters.qs, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "mentoring/contact_list.html",
        {"page": page, "filters": filters.form, "query": query.urlencode()},
    )


@login_required
def contact_create(request):
    _internal(permissions.can_manage_contacts(request.user))
    # Prefilled from a link (the partner search offers "record a contact" per MO and partner).
    initial = {}
    for key in ("organisation", "partner"):
        if request.GET.get(key, "").isdigit():
            initial[key] = request.GET[key]
    form = CooperationContactForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.contact_create(data=form.contact_data(), by=request.user)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The cooperation contact has been recorded."))
            return redirect(contact)
    return render(request, "mentoring/contact_form.html", {"form": form})


@login_required
def contact_detail(request, pk):
    contact = get_visible_or_404(selectors.contacts_for_user(request.user), pk=pk)
    choices = services.contact_next_statuses(contact)
    return render(
        request,
        "mentoring/contact_detail.html",
        {
            "contact": contact,
            "history": selectors.contact_history(contact),
            "status_form": ContactStatusForm(choices=choices) if choices else None,
            "can_delete": permissions.can_delete_contact(request.user),
        },
    )


@login_required
def contact_edit(request, pk):
    contact = get_visible_or_404(selectors.contacts_for_user(request.user), pk=pk)
    form = CooperationContactForm(request.POST or None, instance=contact, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_update(contact=contact, data=form.contact_data(), by=request.user)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The cooperation contact has been saved."))
            return redirect(contact)
    return render(request, "mentoring/contact_form.html", {"form": form, "contact": contact})


@login_required
@require_POST
def contact_status(request, pk):
    contact = get_visible_or_404(selectors.contacts_for_user(request.user), pk=pk)
    form = ContactStatusForm(request.POST, choices=services.contact_next_statuses(contact))
    if not form.is_valid():
        messages.error(request, _("Please choose one of the offered statuses."))
        return redirect(contact)
    try:
        services.contact_change_status(
            contact=contact,
            to_status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
            by=request.user,
        )
        messages.success(request, _("The status has been updated."))
    except ValidationError as error:
        service_errors(request, error)
    return redirect(contact)


@login_required
@require_POST
def contact_delete(request, pk):
    contact = get_visible_or_404(selectors.contacts_for_user(request.user), pk=pk)
    require(permissions.can_delete_contact(request.user))
    services.contact_delete(contact=contact, by=request.user)
    messages.success(request, _("The cooperation contact has been deleted."))
    return redirect("mentoring:contact_list")


PARTNERS_PER_PAGE = 20


@login_required
def partner_search(request):
    _internal(permissions.can_search_partners(request.user))
    filters = PartnerFilter(request.GET or None, queryset=selectors.partner_search())
    partners = listing = None
    if filters.is_bound and filters.is_valid():
        listing = paged(request, filters.qs, per_page=PARTNERS_PER_PAGE)
        # One row per MO, however many contacts it has with this partner.
        partners = selectors.with_cooperating(
            listing.page.object_list, filters.form.cleaned_data["field"]
        )
    return render(
        request,
        "mentoring/partner_search.html",
        {
            "form": filters.form,
            "partners": partners,
            "page": listing and listing.page,
            "query": listing and listing.query,
        },
    )


# Expert rounds and network events ----------------------------------------------------------


@login_required
def event_list(request):
    user = request.user
    filters = EventFilter(request.GET or None, queryset=selectors.events_for_user(user))
    page = Paginator(filters.qs, 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "mentoring/event_list.html",
        {
            "page": page,
            "query": query.urlencode(),
            "show": filters.show_value,
            "kind": filters.kind_value,
            "kinds": Event.Kind.choices,
            "can_manage": permissions.can_manage_events(user),
        },
    )


@login_required
def event_create(request):
    _internal(permissions.can_manage_events(request.user))
    form = EventForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_save(event=None, data=form.event_data(), by=request.user)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The event has been created."))
            return redirect(event)
    return render(request, "mentoring/event_form.html", {"form": form})


@login_required
def event_edit(request, pk):
    event = get_visible_or_404(selectors.events_for_user(request.user), pk=pk)
    require(permissions.can_manage_events(request.user))
    form = EventForm(request.POST or None, instance=event, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_save(event=event, data=form.event_data(), by=request.user)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The event has been saved."))
            return redirect(event)
    return render(request, "mentoring/event_form.html", {"form": form, "event": event})


@login_required
def event_detail(request, pk):
    return _event_page(request, get_visible_or_404(selectors.events_for_user(request.user), pk=pk))


def _event_page(
    request,
    event,
    *,
    task_form=None,
    outcome_form=None,
    attendance_form=None,
    table_form=None,
    speaker_form=None,
    agenda_form=None,
    stand_form=None,
    status=200,
):
    """The event page; a form sent from it with errors comes back bound, so nothing typed
    is lost (a redirect would show it empty)."""
    user = request.user
    invited = list(event.invited_organisations.order_by("kind", "name"))
    invited_ids = {o.pk for o in invited}
    registrable = permissions.registrable_organisations(user, event, invited_ids)
    own_registration = (
        event.registrations.filter(person=user).select_related("organisation").first()
    )
    context = {
        "event": event,
        "own_registration": own_registration,
        "registration_open": permissions.registration_is_open(event),
        "register_form": EventRegistrationForm(organisations=registrable) if registrable else None,
        "can_manage": permissions.can_manage_events(user),
    }
    if context["can_manage"]:
        # The programme (agenda, speakers, info stands) and its forms: for the team only,
        # since speakers who did not agree to be named appear here too.
        context.update(
            {
                "programme": selectors.programme_of(event),
                "speaker_form": speaker_form or EventSpeakerForm(event=event),
                "agenda_form": agenda_form or EventAgendaItemForm(event=event),
                "stand_form": stand_form or EventInfoStandForm(event=event),
            }
        )
    if permissions.can_view_attendance(user, event):
        registrations = list(selectors.registrations_of(event))
        attendance = list(selectors.attendance_of(event))
        present = {a.person_id for a in attendance if a.person_id}
        by_code = checkins_of(kind_key="mentoring.eventregistration", occasion_id=event.pk)
        came_by_code = {r.person_id for r in registrations if r.pk in by_code}
        for registration in registrations:
            registration.attended = registration.person_id in present
        for row in attendance:
            row.by_code = row.person_id in came_by_code
        context.update(
            {
                "invited": invited,
                "registrations": registrations,
                "attendance": attendance,
                "attendance_orgs": len({a.organisation_id for a in attendance}),
                "attendance_form": attendance_form or AttendanceForm(user=user),
                "outcome_form": outcome_form
                or EventOutcomeForm(initial={"minutes": event.minutes}),
                "tasks": selectors.tasks_of(event),
                "task_form": task_form or FollowUpTaskForm(user=user),
                "has_started": event.starts_at <= timezone.now(),
                "room_code_url": reverse("mentoring:room_code", args=[event.pk]),
                "tables": selectors.tables_of(event),
                "table_form": table_form or EventTableForm(),
                "guest_counts": selectors.guest_counts(event) if event.is_public else None,
            }
        )
    if own_registration is not None and event.status != event.Status.CANCELLED:
        # The person's code to show at the door (ikmo/checkin.py), until the event is over.
        own_registration.event = event
        if checkin_open_or_coming(own_registration):
            context["checkin_url"] = personal_url(own_registration)
    return render(request, "mentoring/event_detail.html", context, status=status)


@login_required
@require_POST
def event_register(request, pk):
    event = get_visible_or_404(selectors.events_for_user(request.user), pk=pk)
    form = EventRegistrationForm(
        request.POST, organisations=permissions.registrable_organisations(request.user, event)
    )
    if not form.is_valid():
        messages.error(request, _("Please choose the organisation you come for."))
        return redirect(event)
    try:
        services.event_register(
            event=event, person=request.user, organisation=form.cleaned_data["organisation"]
        )
        messages.success(request, _("You are registered. We have sent you a confirmation."))
    except ValidationError as error:
        service_errors(request, error)
    return redirect(event)


@login_required
@require_POST
def event_unregister(request, pk):
    event = get_visible_or_404(selectors.events_for_user(request.user), pk=pk)
    registration = event.registrations.filter(person=request.user).first()
    if registration is None:
        raise Http404
    try:
        services.event_unregister(registration=registration, by=request.user)
        messages.success(request, _("Your registration has been cancelled."))
    except ValidationError as error:
        service_errors(request, error)
    return redirect(event)


def _managed_event(request, pk):
    event = get_visible_or_404(selectors.events_for_user(request.user), pk=pk)
    _internal(permissions.can_manage_events(request.user))
    return event


@login_required
@require_POST
def event_attendance_add(request, pk):
    event = _managed_event(request, pk)
    try:
        if "registrations" in request.POST:
            ids = [int(v) for v in request.POST.getlist("registrations") if v.isdigit()]
            added = services.attendance_from_registrations(
                event=event, registration_ids=ids, by=request.user
            )
            messages.success(request, _("%(count)s people marked as present.") % {"count": added})
        else:
            form = AttendanceForm(request.POST, user=request.user)
            if not form.is_valid():
                # Shown again with the errors at the field and what was typed kept.
                return _event_page(request, event, attendance_form=form, status=400)
            try:
                services.attendance_record(
                    event=event,
                    organisation=form.cleaned_data["organisation"],
                    name=form.cleaned_data["name"],
                    by=request.user,
                )
            except ValidationError as error:
                form_errors(form, error)
                return _event_page(request, event, attendance_form=form, status=400)
            messages.success(request, _("The attendance has been recorded."))
    except ValidationError as error:
        service_errors(request, error)
    return redirect(f"{event.get_absolute_url()}#attendance")


@login_required
@require_POST
def event_attendance_remove(request, pk, attendance_pk):
    event = _managed_event(request, pk)
    attendance = event.attendances.filter(pk=attendance_pk).first()
    if attendance is None:
        raise Http404
    services.attendance_remove(attendance=attendance, by=request.user)
    messages.success(request, _("Removed from the attendance list."))
    return redirect(f"{event.get_absolute_url()}#attendance")


@login_required
@require_POST
def event_outcome(request, pk):
    event = _managed_event(request, pk)
    form = EventOutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please write down the minutes (20,000 characters at most)."))
        return _event_page(request, event, outcome_form=form, status=400)
    try:
        services.event_record_outcome(
            event=event, minutes=form.cleaned_data["minutes"], by=request.user
        )
        messages.success(request, _("The minutes have been saved; the event counts as held."))
    except ValidationError as error:
        service_errors(request, error)
    return redirect(event)


@login_required
@require_POST
def event_cancel(request, pk):
    event = _managed_event(request, pk)
    try:
        services.event_cancel(event=event, by=request.user)
        messages.success(request, _("The event is cancelled; registered people are informed."))
    except ValidationError as error:
        service_errors(request, error)
    return redirect(event)


@login_required
@require_POST
def task_add(request, pk):
    event = _managed_event(request, pk)
    form = FollowUpTaskForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("Please describe the task (300 characters at most)."))
        return _event_page(request, event, task_form=form, status=400)
    services.task_add(
        event=event,
        title=form.cleaned_data["title"],
        assignee=form.cleaned_data["assignee"],
        due_on=form.cleaned_data["due_on"],
        by=request.user,
    )
    messages.success(request, _("The task has been added."))
    return redirect(f"{event.get_absolute_url()}#tasks")


@login_required
@require_POST
def task_toggle(request, pk, task_pk):
    event = _managed_event(request, pk)
    task = event.tasks.filter(pk=task_pk).first()
    if task is None:
        raise Http404
    services.task_set_done(task=task, done=not task.is_done, by=request.user)
    return redirect(f"{event.get_absolute_url()}#tasks")


# Mentoring tandems ---------------------------------------------------------------------------


@login_required
def offer_edit(request, org_pk):
    organisation = get_organisation_for_user(request.user, org_pk)
    require(permissions.can_offer_mentoring(request.user, organisation))
    offer = selectors.offer_of(organisation)
    form = MentorOfferForm(request.POST or None, instance=offer)
    if request.method == "POST" and form.is_valid():
        services.offer_save(organisation=organisation, data=form.offer_data(), by=request.user)
        messages.success(request, _("Thank you! Your mentoring offer has been saved."))
        return redirect("mentoring:home")
    return render(
        request,
        "mentoring/offer_form.html",
        {"form": form, "organisation": organisation, "offer": offer},
    )


@login_required
def request_edit(request, org_pk):
    organisation = get_organisation_for_user(request.user, org_pk)
    require(permissions.can_request_mentoring(request.user, organisation))
    current = selectors.open_request_of(organisation)
    initial = {} if current else {"district": organisation.district_id}
    form = MentorRequestForm(request.POST or None, instance=current, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_save(
                organisation=organisation,
                mentor_request=current,
                data=form.request_data(),
                by=request.user,
            )
            messages.success(
                request, _("Thank you! The IKMO team will suggest a mentor organisation.")
            )
            return redirect("mentoring:home")
        except ValidationError as error:
            service_errors(request, error)
    return render(
        request,
        "mentoring/request_form.html",
        {"form": form, "organisation": organisation, "mentor_request": current},
    )


@login_required
@require_POST
def request_withdraw(request, pk):
    mentor_request = get_visible_or_404(
        selectors.requests_with_profiles_for_user(request.user), pk=pk
    )
    require(permissions.can_request_mentoring(request.user, mentor_request.organisation))
    try:
        services.request_withdraw(mentor_request=mentor_request, by=request.user)
        messages.success(request, _("Your request has been withdrawn."))
    except ValidationError as error:
        service_errors(request, error)
    return redirect("mentoring:home")


MATCH_REQUESTS_PER_PAGE = 20
SUGGESTIONS_PER_PAGE = 10


@login_required
def match_list(request):
    _staff_only(request.user)
    # A page of requests at a time, each offer's profile built once for all of them from
    # the link tables (no object per field of work), each request's best offer by points.
    page = Paginator(selectors.open_requests(), MATCH_REQUESTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    offers = selectors.profiles_of(
        selectors.available_offers(prefetch=False),
        district_of=lambda offer: offer.organisation.district,
    )
    needs = selectors.profiles_of(
        page.object_list,
        district_of=lambda wanted: wanted.district or wanted.organisation.district,
    )
    # The offers the request's own page would list: not its own organisation's, and none of
    # an organisation already mentoring it (`selectors.ranked_offers`).
    mentoring_already = selectors.running_mentors(r.organisation_id for r, _need in needs)
    for mentor_request, need in needs:
        left_out = {
            mentor_request.organisation_id,
            *mentoring_already[mentor_request.organisation_id],
        }
        candidates = (
            (offer, profile) for offer, profile in offers if offer.organisation_id not in left_out
        )
        mentor_request.best, mentor_request.match_count = best_of(need, candidates)
    page.object_list = [mentor_request for mentor_request, _need in needs]
    return render(
        request,
        "mentoring/match_list.html",
        {"requests": page.object_list, "page": page, "offer_count": len(offers)},
    )


@login_required
def match(request, pk):
    _staff_only(request.user)
    mentor_request = get_visible_or_404(
        selectors.requests_with_profiles_for_user(request.user), pk=pk
    )
    ranked = (
        selectors.ranked_offers(mentor_request)
        if mentor_request.status == MentorRequest.Status.OPEN
        else MentorOffer.objects.none()
    )
    # The best few first, the rest a page further: every offer that fits scores a point,
    # and a card with its own confirmation form for each of hundreds is no choice. Scored
    # and counted in the database; only the page's offers are read, with their reasons.
    page = counted_page(ranked, SUGGESTIONS_PER_PAGE, request.GET.get("page"))
    page.object_list = selectors.matches_of(mentor_request, page.object_list)
    listing = paged_list(request, page)
    return render(
        request,
        "mentoring/match.html",
        {
            "mentor_request": mentor_request,
            "need": selectors.request_profile(mentor_request),
            "suggestions": listing.page,
            "listing": listing,
            "can_confirm": permissions.can_confirm_tandems(request.user),
            "tandems": mentor_request.tandems.select_related("mentor").order_by("-created_at"),
        },
    )


@login_required
@require_POST
def tandem_propose(request, pk):
    _staff_only(request.user)
    mentor_request = get_visible_or_404(
        selectors.requests_with_profiles_for_user(request.user), pk=pk
    )
    require(permissions.can_confirm_tandems(request.user))
    form = TandemProposeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose one of the suggested mentors."))
        return redirect(mentor_request)
    offered = selectors.ranked_offers(mentor_request).filter(pk=form.cleaned_data["offer"])
    chosen = next(iter(selectors.matches_of(mentor_request, offered)), None)
    if chosen is None:
        messages.error(request, _("This mentor is no longer available for this request."))
        return redirect(mentor_request)
    try:
        tandem = services.tandem_propose(
            mentor_request=mentor_request,
            offer=chosen.candidate,
            by=request.user,
            goals=form.cleaned_data["goals"],
            score=chosen.score,
        )
    except ValidationError as error:
        service_errors(request, error)
        return redirect(mentor_request)
    messages.success(request, _("Tandem proposed. Both organisations' admins are asked to accept."))
    return redirect(tandem)


@login_required
def tandem_list(request):
    filters = TandemFilter(request.GET or None, queryset=selectors.tandems_for_user(request.user))
    page = Paginator(filters.qs, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "mentoring/tandem_list.html",
        {
            "page": page,
            "query": query.urlencode(),
            "status": filters.status_value,
            "statuses": Tandem.Status.choices,
            "is_staff": permissions.is_mentoring_staff(request.user),
        },
    )


@login_required
def tandem_detail(request, pk):
    return _tandem_page(
        request, get_visible_or_404(selectors.tandems_for_user(request.user), pk=pk)
    )


def _tandem_page(request, tandem, *, close_form=None, status=200):
    """The tandem page; closing it with errors comes back with the note as typed."""
    user = request.user
    admin_sides = permissions.admin_sides_of(user, tandem)
    evaluations = list(selectors.evaluations_of(tandem))
    evaluated = {e.organisation_id for e in evaluations}
    context = {
        "tandem": tandem,
        "meetings": selectors.meetings_of(tandem),
        "evaluations": evaluations,
        "answer_sides": [o for o in admin_sides if not tandem.has_accepted(o)]
        if permissions.can_respond_to_tandem(user, tandem)
        else [],
        "evaluate_sides": [o for o in admin_sides if o.pk not in evaluated]
        if tandem.is_finished
        else [],
        "can_edit_plan": permissions.can_edit_tandem_plan(user, tandem),
        "can_log": permissions.can_log_meeting(user, tandem),
        "can_close": permissions.can_close_tandem(user, tandem),
        "meeting_form": TandemMeetingForm(tandem=tandem),
        "close_form": close_form or TandemCloseForm(),
        "decline_form": TandemDeclineForm(),
        "is_staff": permissions.is_mentoring_staff(user),
    }
    return render(request, "mentoring/tandem_detail.html", context, status=status)


def _answering_side(request, tandem):
    """The organisation an admin answers for (they might be admin of both sides)."""
    sides = {o.pk: o for o in permissions.admin_sides_of(request.user, tandem)}
    try:
        return sides[int(request.POST.get("organisation", ""))]
    except (KeyError, ValueError):
        raise PermissionDenied from None


@login_required
@require_POST
def tandem_accept(request, pk):
    tandem = get_visible_or_404(selectors.tandems_for_user(request.user), pk=pk)
    organisation = _answering_side(request, tandem)
    try:
        tandem = services.tandem_accept(tandem=tandem, organisation=organisation, by=request.user)
        if tandem.status == Tandem.Status.ACTIVE:
            messages.success(request, _("Both organisations have accepted: the tandem is active."))
        else:
            messages.success(
                request, _("Thank you! The tandem starts when the other organisation accepts.")
            )
    except ValidationError as error:
        service_errors(request, error)
    return redirect(tandem)


@login_required
@require_POST
def tandem_decline(request, pk):
    tandem = get_visible_or_404(selectors.tandems_for_user(request.user), pk=pk)
    organisation = _answering_side(request, tandem)
    form = TandemDeclineForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.tandem_decline(
            tandem=tandem, organisation=organisation, by=request.user, reason=reason
        )
        messages.success(request, _("You have declined the tandem. The IKMO team is informed."))
    except ValidationError as error:
        service_errors(request, error)
    return redirect(tandem)


@login_required
def tandem_plan(request, pk):
    tandem = get_visible_or_404(selectors.tandems_for_user(request.user), pk=pk)
    require(permissions.can_edit_tandem_plan(request.user, tandem))
    form = TandemPlanForm(request.POST or None, instance=tandem)
    if request.method == "POST" and form.is_valid():
        try:
            services.tandem_update_plan(
                tandem=tandem,
                goals=form.cleaned_data["goals"],
                starts_on=form.cleaned_data["starts_on"],
                planned_end_on=form.cleaned_data["planned_end_on"],
                by=request.user,
            )
            messages.success(request, _("The goals and dates have been saved."))
            return redirect(tandem)
        except ValidationError as error:
            form_errors(form, error)
    return render(request, "mentoring/tandem_plan.html", {"form": form, "tandem": tandem})


@login_required
def meeting_add(request, pk):
    tandem = get_visible_or_404(selectors.tandems_for_user(request.user), pk=pk)
    require(permissions.can_log_meeting(request.user, tandem))
    form = TandemMeetingForm(request.POST or None, tandem=tandem)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_log(
                tandem=tandem,
                met_on=form.cleaned_data["met_on"],
                format=form.cleaned_data["format"],
                duration_minutes=form.cleaned_data["duration_minutes"],
                summary=form.cleaned_data["summary"],
                by=request.user,
            )
            messages.success(request, _("The meeting has been logged."))
            return redirect(tandem)
        except ValidationError as error:
            form_errors(form, error)
    # A form with errors gets its own page, so nothing typed is lost.
    return render(request, "mentoring/meeting_form.html", {"form": form, "tandem": tandem})


@login_required
@require_POST
def tandem_close(request, pk):
    tandem = get_visible_or_404(selectors.tandems_for_user(request.user), pk=pk)
    require(permissions.can_close_tandem(request.user, tandem))
    form = TandemCloseForm(request.POST)
    if not form.is_valid():
        return _tandem_page(request, tandem, close_form=form, status=400)
    try:
        services.tandem_close(
            tandem=tandem,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
            by=request.user,
        )
        messages.success(request, _("The tandem has ended. Both sides are asked for feedback."))
    except ValidationError as error:
        service_errors(request, error)
    return redirect(tandem)


@login_required
def tandem_evaluate(request, pk, org_pk):
    tandem = get_visible_or_404(selectors.tandems_for_user(request.user), pk=pk)
    sides = {o.pk: o for o in permissions.admin_sides_of(request.user, tandem)}
    organisation = sides.get(org_pk)
    require(
        organisation is not None
        and permissions.can_evaluate_tandem(request.user, tandem, organisation)
    )
    form = TandemEvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_submit(
                tandem=tandem,
                organisation=organisation,
                goals_reached=form.cleaned_data["goals_reached"],
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
                by=request.user,
            )
            messages.success(request, _("Thank you for your evaluation!"))
            return redirect(tandem)
        except ValidationError as error:
            service_errors(request, error)
    return render(
        request,
        "mentoring/tandem_evaluate.html",
        {"form": form, "tandem": tandem, "organisation": organisation},
    )


# Public events and their guests ---------------------------------------------------------------

# Registrations a browser (client IP) may send; more waits. Generous for an office sharing
# one address, small enough to stop a script filling an event with made-up guests.
GUEST_REGISTRATION_RATE = "20/h/ip"


def public_event_list(request):
    """Upcoming public events, for everyone (no account needed)."""
    events = list(selectors.public_events_upcoming()[:100])
    for event in events:
        event.remaining = selectors.remaining_places(event)
    return render(request, "mentoring/public/event_list.html", {"events": events})


def public_event_detail(request, pk):
    """A public event's page: programme, published speakers, info stands, free places and
    the guest registration. No guest ever appears here."""
    try:
        event = selectors.public_event_page(pk)
    except Event.DoesNotExist:
        raise Http404 from None
    form = GuestRegistrationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            usage = ratelimit.consume(
                request,
                app="ikmo",
                action="mentoring_guest_register",
                config={"mentoring_guest_register": GUEST_REGISTRATION_RATE},
            )
            if usage is None:
                status = 429
                form.add_error(
                    None, _("Too many registrations from here. Please try again in an hour.")
                )
            else:
                try:
                    guest = services.guest_register(
                        event=event,
                        **form.cleaned_data,
                        language=translation.get_language() or "de",
                    )
                except ValidationError as error:
                    form_errors(form, error)
                else:
                    if guest.status == guest.Status.WAITING:
                        messages.warning(
                            request,
                            _(
                                "The event is fully booked: you are on the waiting list. We "
                                "will write to you if a place becomes free."
                            ),
                        )
                    else:
                        messages.success(
                            request,
                            _(
                                "You are registered. We have sent you a confirmation e-mail "
                                "with your check-in code and a link to cancel."
                            ),
                        )
                    return redirect("mentoring:public_event_detail", pk=event.pk)
    context = {
        "event": event,
        "form": form,
        "remaining": selectors.remaining_places(event),
        "registration_open": permissions.guest_registration_is_open(event),
    }
    return render(request, "mentoring/public/event_detail.html", context, status=status)


def event_ics(request, pk):
    """The event as a calendar file: for anyone if it is public, else as the event page."""
    event = Event.objects.filter(permissions.public_events_q(), pk=pk).first()
    if event is not None:
        url = reverse("mentoring:public_event_detail", args=[event.pk])
    elif not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    else:
        event = get_visible_or_404(selectors.events_for_user(request.user), pk=pk)
        url = event.get_absolute_url()
    body = ics.event_calendar(
        event,
        url=request.build_absolute_uri(url),
        domain=request.get_host().split(":")[0] or "ikmo.example",
    )
    return content_download(
        body,
        filename=f"event-{event.pk}-{slugify(event.title)[:40]}.ics",
        content_type="text/calendar; charset=utf-8",
    )


def guest_cancel(request, token):
    """The link in a guest's mails: asks first, cancels on the button (a mail scanner that
    opens the link cancels nothing)."""
    guest = services.guest_from_token(token)
    if guest is None:
        return render(request, "mentoring/public/guest_cancel_invalid.html", status=400)
    if request.method == "POST" and guest.status != guest.Status.CANCELLED:
        try:
            services.guest_cancel(guest=guest)
        except ValidationError as error:
            service_errors(request, error)
        else:
            messages.success(
                request, _("Your registration has been cancelled. Thank you for telling us.")
            )
        return redirect("mentoring:guest_cancel", token=token)
    context = {"guest": guest, "event": guest.event, "checkin_url": ""}
    if guest.status == guest.Status.REGISTERED:
        context["checkin_url"] = personal_url(guest)
    return render(request, "mentoring/public/guest_cancel.html", context)


def _guest_event(request, pk):
    event = get_visible_or_404(selectors.events_for_user(request.user), pk=pk)
    _internal(permissions.can_manage_guests(request.user))
    return event


@login_required
def guest_list(request, pk):
    event = _guest_event(request, pk)
    return render(
        request,
        "mentoring/guest_list.html",
        {
            "event": event,
            "guests": list(selectors.guests_of(event)),
            "counts": selectors.guest_counts(event),
            "has_started": event.starts_at <= timezone.now(),
        },
    )


@login_required
@require_POST
def guest_attended(request, pk, guest_pk):
    event = _guest_event(request, pk)
    guest = event.guests.filter(pk=guest_pk).first()
    if guest is None:
        raise Http404
    try:
        services.guest_attendance_record(guest=guest, by=request.user)
        messages.success(request, _("%(name)s is marked as present.") % {"name": guest.name})
    except ValidationError as error:
        service_errors(request, error)
    return redirect(f"{reverse('mentoring:guest_list', args=[event.pk])}#guest-{guest.pk}")


@login_required
@require_POST
def guest_documents(request, pk, kind):
    """The guest list or the name badges as a PDF, made in the background."""
    event = _guest_event(request, pk)
    kinds = {"list": documents.GUEST_LIST, "badges": documents.NAME_BADGES}
    if kind not in kinds:
        raise Http404
    document = document_request(kind=kinds[kind], target=event, by=request.user)
    return redirect("document_detail", pk=document.pk)


@login_required
@require_POST
def event_report(request, pk):
    """The event's report (who came, programme, minutes, World Café results, tasks) as a
    PDF, made in the background; the document page shows its progress."""
    event = _guest_event(request, pk)
    document = document_request(kind=documents.EVENT_REPORT, target=event, by=request.user)
    return redirect("document_detail", pk=document.pk)


@login_required
@require_POST
def event_table_add(request, pk):
    event = _managed_event(request, pk)
    form = EventTableForm(request.POST)
    if form.is_valid():
        try:
            services.event_table_add(event=event, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The table and its results have been recorded."))
            return redirect(f"{event.get_absolute_url()}#tables")
    return _event_page(request, event, table_form=form, status=400)


# The programme of an event: speakers, agenda, info stands --------------------------------------
# Added on the event page (a form with errors comes back there, bound); each entry is changed
# on a page of its own and removed by a button that asks first.


def _programme_url(event, part: str) -> str:
    return f"{event.get_absolute_url()}#programme-{part}"


def _programme_add(request, pk, *, part: str, form_class, save, done: str):
    event = _managed_event(request, pk)
    form = form_class(request.POST, event=event)
    if form.is_valid():
        try:
            save(event=event, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(_programme_url(event, part))
    # Shown again with the errors at the fields and everything typed kept.
    return _event_page(request, event, **{f"{part}_form": form}, status=400)


def _programme_entry(request, pk, entry_pk, related: str):
    event = _managed_event(request, pk)
    entry = getattr(event, related).filter(pk=entry_pk).first()
    if entry is None:
        raise Http404
    return event, entry


def _programme_edit(
    request, pk, entry_pk, *, part: str, related: str, form_class, save, keyword, title, done
):
    event, entry = _programme_entry(request, pk, entry_pk, related)
    form = form_class(request.POST or None, instance=entry, event=event)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                save(event=event, by=request.user, **{keyword: entry}, **form.cleaned_data)
            except ValidationError as error:
                form_errors(form, error)
            else:
                messages.success(request, done)
                return redirect(_programme_url(event, part))
    return render(
        request,
        "mentoring/programme_form.html",
        {"event": event, "form": form, "title": title, "back": _programme_url(event, part)},
        status=status,
    )


def _programme_remove(request, pk, entry_pk, *, part: str, related: str, remove, keyword, done):
    event, entry = _programme_entry(request, pk, entry_pk, related)
    remove(**{keyword: entry}, by=request.user)
    messages.success(request, done)
    return redirect(_programme_url(event, part))


@login_required
@require_POST
def event_speaker_add(request, pk):
    return _programme_add(
        request,
        pk,
        part="speaker",
        form_class=EventSpeakerForm,
        save=services.speaker_save,
        done=_("The speaker has been added."),
    )


@login_required
def event_speaker_edit(request, pk, speaker_pk):
    return _programme_edit(
        request,
        pk,
        speaker_pk,
        part="speaker",
        related="speakers",
        form_class=EventSpeakerForm,
        save=services.speaker_save,
        keyword="speaker",
        title=_("Edit speaker"),
        done=_("The speaker has been saved."),
    )


@login_required
@require_POST
def event_speaker_remove(request, pk, speaker_pk):
    return _programme_remove(
        request,
        pk,
        speaker_pk,
        part="speaker",
        related="speakers",
        remove=services.speaker_remove,
        keyword="speaker",
        done=_("The speaker has been removed from the programme."),
    )


@login_required
@require_POST
def event_agenda_add(request, pk):
    return _programme_add(
        request,
        pk,
        part="agenda",
        form_class=EventAgendaItemForm,
        save=services.agenda_item_save,
        done=_("The item has been added to the programme."),
    )


@login_required
def event_agenda_edit(request, pk, item_pk):
    return _programme_edit(
        request,
        pk,
        item_pk,
        part="agenda",
        related="agenda_items",
        form_class=EventAgendaItemForm,
        save=services.agenda_item_save,
        keyword="item",
        title=_("Edit programme item"),
        done=_("The programme item has been saved."),
    )


@login_required
@require_POST
def event_agenda_remove(request, pk, item_pk):
    return _programme_remove(
        request,
        pk,
        item_pk,
        part="agenda",
        related="agenda_items",
        remove=services.agenda_item_remove,
        keyword="item",
        done=_("The item has been removed from the programme."),
    )


@login_required
@require_POST
def event_stand_add(request, pk):
    return _programme_add(
        request,
        pk,
        part="stand",
        form_class=EventInfoStandForm,
        save=services.info_stand_save,
        done=_("The info stand has been added."),
    )


@login_required
def event_stand_edit(request, pk, stand_pk):
    return _programme_edit(
        request,
        pk,
        stand_pk,
        part="stand",
        related="info_stands",
        form_class=EventInfoStandForm,
        save=services.info_stand_save,
        keyword="stand",
        title=_("Edit info stand"),
        done=_("The info stand has been saved."),
    )


@login_required
@require_POST
def event_stand_remove(request, pk, stand_pk):
    return _programme_remove(
        request,
        pk,
        stand_pk,
        part="stand",
        related="info_stands",
        remove=services.info_stand_remove,
        keyword="stand",
        done=_("The info stand has been removed."),
    )
