from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ikmo.documents import document_request, documents_for_user
from ikmo.models import GeneratedDocument
from ikmo.reauth import sensitive
from ikmo.viewtools import (
    CappedPaginator,
    counted_page,
    get_visible_or_404,
    require,
    rows_in_order,
    service_errors,
)

from . import permissions, selectors, services
from .documents import PROFILE_SHEET
from .filters import OrganisationFilter
from .forms import (
    CentreContactForm,
    JoinRequestForm,
    JoinSearchForm,
    NetworkJoinForm,
    OrganisationForm,
    OutcomeForm,
    RejectForm,
    RoleForm,
)
from .models import Membership, Organisation
from .services import OrganisationProfile, OutcomeValues
from .timeline import LIMIT as TIMELINE_LIMIT
from .timeline import timeline_for
from .workflow import ORGANISATION_FLOW


@login_required
def organisation_register(request):
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_register(
                profile=OrganisationProfile.from_values(form.cleaned_data), by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "Thank you! %(name)s is registered. The IKMO team will check it and let you know by e-mail."
                )
                % {"name": organisation.name},
            )
            return redirect(organisation)
    return render(request, "organisations/register.html", {"form": form})


@login_required
def organisation_detail(request, pk):
    organisation = selectors.get_organisation_for_user(request.user, pk)
    user = request.user
    context = {
        "organisation": organisation,
        "fields": organisation.fields_of_work.all(),
        "languages": organisation.languages.all(),
        "members": selectors.members_of(organisation).filter(status=Membership.Status.ACTIVE),
        "can_edit": permissions.can_edit_organisation(user, organisation),
        "can_manage_members": permissions.can_manage_members(user, organisation),
        "can_manage_public_profile": permissions.can_manage_public_profile(user, organisation),
        "can_decide": permissions.can_decide_registrations(user)
        and bool(ORGANISATION_FLOW.targets(organisation.status)),
        # Only sheets this person may open (a sheet shows its requester's view).
        "documents": documents_for_user(
            user,
            GeneratedDocument.objects.filter(organisation=organisation, kind=PROFILE_SHEET)
            .select_related("requested_by")
            .order_by("-created_at")[:20],
        )[:5],
        "reject_form": RejectForm(),
        **_network_context(request, organisation),
        "can_assign_contact": permissions.can_assign_centre_contact(user),
        "can_record_outcomes": permissions.can_record_outcomes(user),
        "outcomes": selectors.outcomes_of(organisation, user)[:OUTCOMES_SHOWN],
    }
    return render(request, "organisations/detail.html", context)


@login_required
def organisation_timeline(request, pk):
    """The organisation's activity with the centre: loaded into the organisation page once it
    is shown (htmx), or a page of its own without JavaScript. Whoever may see the organisation
    page may see it; each app's entries are filtered for the viewer by the app's provider
    (organisations/timeline.py)."""
    organisation = selectors.get_organisation_for_user(request.user, pk)
    context = {
        "organisation": organisation,
        "events": timeline_for(organisation=organisation, user=request.user),
        "limit": TIMELINE_LIMIT,
        "links": True,
        "details": True,
    }
    template = "organisations/_timeline.html" if request.htmx else "organisations/timeline.html"
    return render(request, template, context)


OUTCOMES_SHOWN = 20
NETWORK_MEMBERS_PER_PAGE = 10


def _network_context(request, organisation):
    """The detail page's networks card: the members of a network (paginated) and the requests
    it has to answer, the networks an organisation belongs to, and what the viewer may do."""
    user = request.user
    context = {
        "networks_of": selectors.networks_of(organisation),
        "can_request_network": permissions.can_request_network_membership(user, organisation),
        "is_staff_viewer": permissions.is_centre_staff(user),
    }
    if organisation.is_network:
        admin_here = permissions.is_organisation_admin(user, organisation)
        context["network_members"] = Paginator(
            selectors.network_members_of(organisation), NETWORK_MEMBERS_PER_PAGE
        ).get_page(request.GET.get("members_page"))
        context["can_answer_requests"] = admin_here or context["is_staff_viewer"]
        if context["can_answer_requests"]:
            context["network_requests"] = selectors.network_requests_to(organisation)[:50]
    return context


@login_required
def outcome_edit(request, pk, outcome_pk=None):
    """Record an outcome of the organisation, or correct one (staff)."""
    if outcome_pk is None:
        organisation = selectors.get_organisation_for_user(request.user, pk, action="outcomes")
        outcome = None
    else:
        outcome = selectors.get_outcome_for_user(request.user, pk, outcome_pk)
        organisation = outcome.organisation
    form = OutcomeForm(request.POST or None, instance=outcome)
    if request.method == "POST" and form.is_valid():
        values = OutcomeValues.from_values(form.cleaned_data)
        try:
            if outcome is None:
                services.outcome_record(organisation=organisation, values=values, by=request.user)
            else:
                services.outcome_update(outcome=outcome, values=values, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The outcome has been saved."))
            return redirect(f"{organisation.get_absolute_url()}#outcomes")
    return render(
        request,
        "organisations/outcome_form.html",
        {"organisation": organisation, "outcome": outcome, "form": form},
    )


@login_required
@require_POST
def outcome_delete(request, pk, outcome_pk):
    outcome = selectors.get_outcome_for_user(request.user, pk, outcome_pk)
    services.outcome_delete(outcome=outcome, by=request.user)
    messages.success(request, _("The outcome has been deleted."))
    return redirect(f"{outcome.organisation.get_absolute_url()}#outcomes")


@login_required
def organisation_edit(request, pk):
    organisation = selectors.get_organisation_for_user(request.user, pk, action="edit")
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(
                organisation=organisation,
                profile=OrganisationProfile.from_values(form.cleaned_data),
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The profile has been saved."))
            return redirect(organisation)
    return render(request, "organisations/edit.html", {"form": form, "organisation": organisation})


@login_required
def organisation_directory(request):
    require(permissions.can_browse_directory(request.user))
    base = selectors.organisations_for_user(request.user).with_lists()
    directory = OrganisationFilter(request.GET or None, queryset=base, user=request.user)
    filtered, number = directory.qs, request.GET.get("page")
    if directory.reads_every_record:
        # The sub-project filter reads a stored list (reporting/taking_part.py); while it is
        # refreshed it reads every record of the sub-project: counted with the page, read
        # once, the page's ids first and then those rows whole (with the rows' joins the
        # database hashed every organisation and person).
        page = counted_page(filtered, 25, number, ids=True)
        page.object_list = rows_in_order(base, page.object_list)
    elif directory.is_valid() and directory.form.cleaned_data.get("q"):
        # A search: walked by name, counted up to a cap ("more than 1,000"), not through
        # every match (a one-letter search matches nearly every organisation).
        page = CappedPaginator(filtered, 25, number=number).get_page(number)
    else:
        # Walked by name and counted apart, like any other filter.
        page = Paginator(filtered, 25).get_page(number)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "organisations/directory.html",
        {"filter": directory, "page": page, "query": query.urlencode()},
    )


REGISTRATIONS_PER_PAGE = 25


@login_required
def registration_queue(request):
    require(permissions.can_decide_registrations(request.user))
    page = Paginator(selectors.pending_registrations(), REGISTRATIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "organisations/registrations.html", {"pending": page, "page": page})


@login_required
@require_POST
def registration_approve(request, pk):
    organisation = selectors.get_organisation_for_user(request.user, pk)
    require(permissions.can_decide_registrations(request.user))
    try:
        services.organisation_approve(organisation=organisation, by=request.user)
        messages.success(request, _("%(name)s is approved.") % {"name": organisation.name})
    except ValidationError as error:
        service_errors(request, error)
    return redirect("organisations:registrations")


@login_required
@require_POST
def registration_reject(request, pk):
    organisation = selectors.get_organisation_for_user(request.user, pk)
    require(permissions.can_decide_registrations(request.user))
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give a reason, so the applicant knows what to do."))
        return redirect(organisation)
    try:
        services.organisation_reject(
            organisation=organisation, by=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("%(name)s was declined.") % {"name": organisation.name})
    except ValidationError as error:
        service_errors(request, error)
    return redirect("organisations:registrations")


@login_required
def join(request):
    search = JoinSearchForm(request.GET or None)
    results = []
    if search.is_valid():
        results = selectors.joinable_organisations(
            user=request.user, query=search.cleaned_data["q"]
        )
    return render(
        request,
        "organisations/join.html",
        {"search": search, "results": results, "request_form": JoinRequestForm()},
    )


@login_required
@require_POST
def join_request(request, pk):
    organisation = get_visible_or_404(Organisation.objects.approved(), pk=pk)
    form = JoinRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Your message is too long (500 characters at most)."))
        return redirect("organisations:join")
    try:
        services.membership_request(
            user=request.user, organisation=organisation, message=form.cleaned_data["message"]
        )
        messages.success(
            request,
            _("Your request has been sent to the admins of %(name)s.")
            % {"name": organisation.name},
        )
    except ValidationError as error:
        service_errors(request, error)
    return redirect("home")


@login_required
def members(request, pk):
    organisation = selectors.get_organisation_for_user(request.user, pk, action="members")
    return render(
        request,
        "organisations/members.html",
        {
            "organisation": organisation,
            "memberships": selectors.members_of(organisation),
            "roles": Membership.Role.choices,
        },
    )


MEMBER_ACTIONS = {"approve", "decline", "role", "remove"}


@login_required
@require_POST
@sensitive(when=lambda request: request.resolver_match.kwargs.get("action") in ("role", "remove"))
def member_action(request, pk, membership_pk, action):
    if action not in MEMBER_ACTIONS:
        raise Http404
    organisation = selectors.get_organisation_for_user(request.user, pk, action="members")
    membership = get_visible_or_404(
        Membership.objects.filter(organisation=organisation), pk=membership_pk
    )
    try:
        if action == "approve":
            services.membership_approve(membership=membership, by=request.user)
            messages.success(
                request, _("%(person)s is now a member.") % {"person": membership.user}
            )
        elif action == "decline":
            services.membership_decline(membership=membership, by=request.user)
            messages.success(request, _("The request was declined."))
        elif action == "role":
            form = RoleForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Please choose a valid role."))
            else:
                services.membership_change_role(
                    membership=membership, role=form.cleaned_data["role"], by=request.user
                )
                messages.success(request, _("The role has been changed."))
        elif action == "remove":
            services.membership_remove(membership=membership, by=request.user)
            messages.success(request, _("%(person)s was removed.") % {"person": membership.user})
    except ValidationError as error:
        service_errors(request, error)
    return redirect("organisations:members", pk=organisation.pk)


@login_required
@require_POST
def profile_sheet(request, pk):
    organisation = selectors.get_organisation_for_user(request.user, pk)
    document = document_request(
        kind=PROFILE_SHEET, target=organisation, organisation=organisation, by=request.user
    )
    return redirect("document_detail", pk=document.pk)


# --- networks and the contact at the centre -------------------------------------------------


@login_required
def network_join(request, pk):
    """An organisation's admin asks to join a network; centre staff record a membership."""
    organisation = selectors.get_organisation_for_user(request.user, pk, action="networks")
    form = NetworkJoinForm(request.POST or None, user=request.user, organisation=organisation)
    staff = permissions.is_centre_staff(request.user)
    if request.method == "POST" and form.is_valid():
        network = form.cleaned_data["network"]
        try:
            if staff:
                services.network_membership_record(
                    member=organisation, network=network, by=request.user
                )
                done = _("%(member)s is now a member of %(network)s.")
            else:
                services.network_membership_request(
                    member=organisation, network=network, by=request.user
                )
                done = _("Your request has been sent to the admins of %(network)s.")
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, done % {"member": organisation.name, "network": network})
            return redirect(f"{organisation.get_absolute_url()}#networks")
    return render(
        request,
        "organisations/network_join.html",
        {"organisation": organisation, "form": form, "staff": staff},
    )


NETWORK_ACTIONS = {
    "confirm": (
        permissions.can_answer_network_request,
        services.network_membership_confirm,
        gettext_lazy("%(member)s is now a member of %(network)s."),
    ),
    "decline": (
        permissions.can_answer_network_request,
        services.network_membership_decline,
        gettext_lazy("The request of %(member)s was declined."),
    ),
    "end": (
        permissions.can_end_network_membership,
        services.network_membership_end,
        gettext_lazy("%(member)s is no longer a member of %(network)s."),
    ),
}


@login_required
@require_POST
def network_action(request, pk, membership_pk, action):
    if action not in NETWORK_ACTIONS:
        raise Http404
    allowed, service, done = NETWORK_ACTIONS[action]
    membership = selectors.get_network_membership_for_user(request.user, pk, membership_pk)
    require(allowed(request.user, membership))
    try:
        service(membership=membership, by=request.user)
    except ValidationError as error:
        service_errors(request, error)
    else:
        messages.success(
            request, done % {"member": membership.member, "network": membership.network}
        )
    return redirect(reverse("organisations:detail", args=[pk]) + "#networks")


@login_required
def centre_contact(request, pk):
    """A project lead names the organisation's contact at the centre."""
    organisation = selectors.get_organisation_for_user(request.user, pk, action="contact")
    form = CentreContactForm(
        request.POST or None,
        user=request.user,
        initial={"contact": organisation.centre_contact_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.centre_contact_assign(
                organisation=organisation, contact=form.cleaned_data["contact"], by=request.user
            )
        except ValidationError as error:
            form.add_error("contact", error)
        else:
            messages.success(request, _("The contact at the centre has been saved."))
            return redirect(organisation)
    return render(
        request,
        "organisations/centre_contact.html",
        {"organisation": organisation, "form": form},
    )
