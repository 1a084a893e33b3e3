"""The public directory, its detail pages and the competence map (no account needed), the
organisation admins' choice of what is shown, and members' contact requests."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ikmo.viewtools import CappedPaginator, form_errors, require, service_errors

from . import permissions, selectors, services
from .competence_map import cells, view_box
from .filters import PublicDirectoryFilter
from .forms import ContactRequestForm, PublicProfileForm
from .models import PublicProfile
from .services import PublicListingChoice

PER_PAGE = 20


@require_GET
def public_directory(request):
    directory = PublicDirectoryFilter(
        request.GET or None, queryset=selectors.listed_organisations()
    )
    number = request.GET.get("page")
    if directory.is_valid() and directory.form.cleaned_data.get("q"):
        # A search: counted up to a cap ("more than 1,000"), not through every match.
        page = CappedPaginator(directory.qs, PER_PAGE, number=number).get_page(number)
    else:
        page = Paginator(directory.qs, PER_PAGE).get_page(number)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "organisations/public_directory.html",
        {"filter": directory, "page": page, "query": query.urlencode()},
    )


@require_GET
def public_map(request):
    districts = selectors.district_counts()
    return render(
        request,
        "organisations/public_map.html",
        {"districts": districts, "cells": cells(districts), "view_box": view_box()},
    )


@require_GET
def public_detail(request, pk):
    organisation = selectors.get_listed_organisation(pk)
    return _public_detail(request, organisation)


def _public_detail(request, organisation, *, form=None, status=200):
    user = request.user
    if form is None and permissions.can_ask_for_contact(user, organisation):
        form = ContactRequestForm(
            organisations=permissions.contact_organisations_of(user).exclude(pk=organisation.pk)
        )
    return render(
        request,
        "organisations/public_detail.html",
        {"organisation": organisation, "profile": organisation.public_profile, "form": form},
        status=status,
    )


@login_required
@require_POST
def public_contact(request, pk):
    organisation = selectors.get_listed_organisation(pk)
    require(permissions.can_ask_for_contact(request.user, organisation))
    form = ContactRequestForm(
        request.POST,
        organisations=permissions.contact_organisations_of(request.user).exclude(
            pk=organisation.pk
        ),
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.contact_request_send(
                organisation=organisation,
                from_organisation=data["from_organisation"],
                by=request.user,
                message=data["message"],
                share_email=data["share_email"],
                form_token=data["token"],
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(
                request,
                _("Your message has been sent. The admins of %(name)s decide whether to answer.")
                % {"name": organisation.name},
            )
            return redirect("organisations:public_detail", pk=organisation.pk)
    return _public_detail(request, organisation, form=form)


@login_required
def public_profile(request, pk):
    organisation = selectors.get_organisation_for_user(request.user, pk, action="public_profile")
    profile = selectors.public_profile_of(organisation)
    listed = bool(profile and profile.consent_id and profile.consent.withdrawn_at is None)
    if profile is None:
        # A first draft from the organisation's profile; nothing is shown until agreed.
        profile = PublicProfile(
            organisation=organisation,
            contact_email=organisation.email,
            contact_phone=organisation.phone,
            contact_website=organisation.website,
        )
    form = PublicProfileForm(request.POST or None, instance=profile, needs_consent=not listed)
    if request.method == "POST" and organisation.is_approved and form.is_valid():
        try:
            services.public_profile_save(
                organisation=organisation,
                choice=PublicListingChoice.from_values(form.cleaned_data),
                agreed=form.cleaned_data.get("agreed", False),
                by=request.user,
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(
                request,
                _("Saved. %(name)s is listed in the public directory.")
                % {"name": organisation.name},
            )
            return redirect("organisations:public_profile", pk=organisation.pk)
    return render(
        request,
        "organisations/public_profile.html",
        {
            "organisation": organisation,
            "form": form,
            "listed": listed,
            "consent": profile.consent if listed else None,
            "text_version": services.PUBLIC_LISTING_TEXT_VERSION,
        },
    )


@login_required
@require_POST
def public_listing_withdraw(request, pk):
    organisation = selectors.get_organisation_for_user(request.user, pk, action="public_profile")
    try:
        services.public_listing_withdraw(organisation=organisation, by=request.user)
    except ValidationError as error:
        service_errors(request, error)
    else:
        messages.success(
            request,
            _("%(name)s is no longer listed publicly.") % {"name": organisation.name},
        )
    return redirect("organisations:public_profile", pk=organisation.pk)
