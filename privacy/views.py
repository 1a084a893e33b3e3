from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ikmo.reauth import sensitive
from ikmo.viewtools import get_visible_or_404, require, service_errors
from organisations.models import Organisation, User

from . import permissions, selectors, services
from .erasure import erasure_plan, person_erase
from .filters import PeopleFilter
from .forms import DeclineForm, EraseConfirmForm, ErasureAskForm
from .models import DataExport, ErasureRequest
from .registry import Identity


def _admin_only(request):
    # The people pages are the privacy admins' tool: a 403 for everyone else, before any lookup.
    require(permissions.is_privacy_admin(request.user))


# The person ----------------------------------------------------------------------------------


@login_required
def my_data(request):
    user = request.user
    organisations = list(selectors.administered_organisations(user))
    return render(
        request,
        "privacy/my_data.html",
        {
            "consents": selectors.consents_of(user),
            "exports": selectors.person_exports_of(user),
            "organisations": organisations,
            "organisation_exports": selectors.organisation_exports_for(user, organisations),
            "erasure_request": selectors.open_erasure_request(user),
            "erasure_form": ErasureAskForm(),
        },
    )


def _running_export(**subject):
    return DataExport.objects.filter(
        status__in=[DataExport.Status.PENDING, DataExport.Status.RUNNING], **subject
    ).first()


@login_required
@require_POST
@sensitive
def export_person(request, pk=None):
    person = request.user if pk is None else get_object_or_404(User, pk=pk)
    if not permissions.can_request_person_export(request.user, person):
        raise Http404
    export = _running_export(scope=DataExport.Scope.PERSON, person=person)
    if export is None:
        export = services.export_request(by=request.user, person=person)
    return redirect("privacy:export_detail", export.pk)


@login_required
@require_POST
@sensitive
def export_organisation(request, pk):
    organisation = get_object_or_404(Organisation, pk=pk)
    if not permissions.can_request_organisation_export(request.user, organisation):
        raise Http404
    export = _running_export(scope=DataExport.Scope.ORGANISATION, organisation=organisation)
    if export is None:
        export = services.export_request(by=request.user, organisation=organisation)
    return redirect("privacy:export_detail", export.pk)


@login_required
def export_detail(request, pk):
    export = selectors.get_export_for_user(request.user, pk)
    template = "privacy/_export_status.html" if request.htmx else "privacy/export_detail.html"
    return render(request, template, {"export": export})


@login_required
@require_POST
def consent_withdraw(request, pk):
    consent = get_visible_or_404(selectors.consents_withdrawable_by(request.user), pk=pk)
    require(permissions.can_withdraw_consent(request.user, consent))
    services.consent_withdraw(consent=consent, by=request.user)
    messages.success(
        request,
        _("Your consent to “%(purpose)s” has been withdrawn.")
        % {"purpose": consent.get_purpose_display()},
    )
    if consent.person_id == request.user.pk:
        return redirect("privacy:my_data")
    return (
        redirect("privacy:person", consent.person_id)
        if consent.person_id
        else redirect("admin:privacy_consentrecord_changelist")
    )


@login_required
@require_POST
def erasure_ask(request):
    form = ErasureAskForm(request.POST)
    if form.is_valid():
        try:
            services.erasure_request(person=request.user, message=form.cleaned_data["message"])
        except ValidationError as error:
            service_errors(request, error)
        else:
            messages.success(
                request,
                _(
                    "Your request has been sent to the team. They will check it and "
                    "get back to you by e-mail."
                ),
            )
        return redirect("privacy:my_data")
    organisations = list(selectors.administered_organisations(request.user))
    return render(
        request,
        "privacy/my_data.html",
        {
            "consents": selectors.consents_of(request.user),
            "exports": selectors.person_exports_of(request.user),
            "organisations": organisations,
            "organisation_exports": selectors.organisation_exports_for(request.user, organisations),
            "erasure_request": selectors.open_erasure_request(request.user),
            "erasure_form": form,
        },
        status=400,
    )


# Admins --------------------------------------------------------------------------------------


@login_required
def people(request):
    _admin_only(request)
    people = PeopleFilter(request.GET, queryset=selectors.people_for(request.user))
    page = Paginator(people.qs, 25).get_page(request.GET.get("page"))
    query = people.query
    return render(
        request,
        "privacy/people.html",
        {
            "form": people.form,
            "page": page,
            "q": query,
            "query": urlencode({"q": query}) if query else "",
            "requests": selectors.erasure_requests().filter(status=ErasureRequest.Status.REQUESTED),
        },
    )


@login_required
def person(request, pk):
    _admin_only(request)
    subject = get_visible_or_404(selectors.people_for(request.user), pk=pk)
    return render(
        request,
        "privacy/person.html",
        {
            "person": subject,
            "consents": selectors.consents_of(subject),
            "exports": DataExport.objects.filter(person=subject)[:10],
            "requests": selectors.erasure_requests().filter(person=subject),
            "decline_form": DeclineForm(),
        },
    )


@login_required
@sensitive
def erase(request, pk):
    """Confirm, then erase. Re-authentication first: this cannot be undone."""
    _admin_only(request)
    subject = get_visible_or_404(selectors.people_for(request.user), pk=pk)
    if not permissions.can_erase(request.user, subject):
        messages.error(request, _("You cannot erase your own account."))
        return redirect("privacy:person", subject.pk)
    done = (
        selectors.erasure_requests()
        .filter(person=subject, status=ErasureRequest.Status.DONE)
        .first()
    )
    if done is not None:
        return render(request, "privacy/erased.html", {"person": subject, "request_": done})
    plan = erasure_plan(Identity.of_user(subject))
    form = EraseConfirmForm(request.POST or None, person=subject)
    if request.method == "POST" and form.is_valid() and not plan.blockers:
        try:
            done = person_erase(person=subject, by=request.user)
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
        else:
            messages.success(request, _("The person's personal data has been erased."))
            return render(request, "privacy/erased.html", {"person": subject, "request_": done})
    return render(
        request,
        "privacy/erase.html",
        {"person": subject, "plan": plan, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def erasure_decline(request, pk):
    _admin_only(request)
    erasure = get_visible_or_404(selectors.erasure_requests(), pk=pk)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for declining the request."))
        return redirect("privacy:person", erasure.person_id)
    try:
        services.erasure_decline(
            request=erasure, by=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        service_errors(request, error)
    else:
        messages.success(request, _("The request has been declined."))
    return redirect("privacy:person", erasure.person_id)


# Public pages --------------------------------------------------------------------------------


def page(request, slug):
    return render(request, "privacy/page.html", {"page": selectors.site_page(slug)})
