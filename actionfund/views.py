from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ikmo import uploads
from ikmo.audit import audit_log
from ikmo.content_language import columns
from ikmo.models import GeneratedDocument
from ikmo.subprojects import SubProject
from ikmo.thread_views import thread_context
from ikmo.viewtools import (
    counted_page,
    get_visible_or_404,
    paged,
    paged_list,
    require,
    rows_in_order,
    service_errors,
)
from organisations.models import Organisation, User
from organisations.permissions import can_view_organisation
from organisations.timeline import SHORT_LIMIT as HISTORY_LIMIT
from organisations.timeline import timeline_for

from . import journey, permissions, selectors, services, workflow
from .filters import ApplicationFilter, JuryFilter
from .forms import (
    AttachmentForm,
    BasicsForm,
    BatchDecisionForm,
    BudgetFormSet,
    CallForm,
    CriterionFormSet,
    DecisionForm,
    InvitationAcceptForm,
    InvitationReasonForm,
    JuryAssignForm,
    PaymentForm,
    ProjectForm,
    ProofForm,
    ProofReviewForm,
    ReceiptForm,
    ReturnForm,
    ScoreForm,
    StartForm,
    SubmitForm,
    TransitionForm,
)
from .models import ZERO, Application, Call, ProofOfUse, Status

STEPS = [
    ("basics", gettext_lazy("Basics"), BasicsForm),
    ("project", gettext_lazy("Project"), ProjectForm),
    ("partners", gettext_lazy("Partners"), None),
    ("budget", gettext_lazy("Budget"), None),
    ("attachments", gettext_lazy("Attachments"), None),
    ("preview", gettext_lazy("Check and submit"), None),
]
STEP_KEYS = [key for key, _label, _form in STEPS]


def _visible_application(user, pk) -> Application:
    """The application if this person may see it, else a 404; views then ``require`` the
    predicate of what they do with it (a 403)."""
    return get_visible_or_404(
        selectors.applications_visible_to(user=user).select_related(
            "call", "organisation", "district"
        ),
        pk=pk,
    )


def _visible_call(user, pk) -> Call:
    return get_visible_or_404(selectors.calls_visible_to(user=user), pk=pk)


# --- public -----------------------------------------------------------------------------


def home(request):
    user = request.user
    return render(
        request,
        "actionfund/home.html",
        {
            "subproject": SubProject.ACTIONFUND,
            "open_calls": Call.objects.open_now().order_by("closes_at"),
            "is_fund_staff": permissions.is_fund_staff(user),
            "is_juror": permissions.is_juror(user),
        },
    )


def call_list(request):
    calls = selectors.calls_visible_to(user=request.user).prefetch_related("criteria")
    return render(
        request,
        "actionfund/call_list.html",
        {
            "calls": calls,
            "is_fund_staff": permissions.is_fund_staff(request.user),
            "is_fund_lead": permissions.is_fund_lead(request.user),
        },
    )


def call_detail(request, pk):
    call = _visible_call(request.user, pk)
    organisations = (
        list(selectors.member_organisations(request.user)) if request.user.is_authenticated else []
    )
    approved = [o for o in organisations if o.is_approved]
    drafts = list(selectors.drafts_of(call=call, organisations=organisations))
    with_draft = {d.organisation_id for d in drafts}
    return render(
        request,
        "actionfund/call_detail.html",
        {
            "call": call,
            "criteria": call.criteria.all(),
            "drafts": drafts,
            # "Apply now" only for an approved organisation without a draft here: a pending
            # one is told what to do first, instead of being stopped after "Start".
            "can_apply": call.is_open and any(o.pk not in with_draft for o in approved),
            "pending_organisations": [o for o in organisations if not o.is_approved],
            "has_organisation": bool(organisations),
            "is_fund_staff": permissions.is_fund_staff(request.user),
            "is_fund_lead": permissions.is_fund_lead(request.user),
        },
    )


@login_required
def call_edit(request, pk=None):
    """Create (pk None) or edit a call with its criteria; project leads of the fund only."""
    require(permissions.is_fund_lead(request.user))
    call = _visible_call(request.user, pk) if pk else Call(year=timezone.now().year)
    data = request.POST if request.method == "POST" else None
    form = CallForm(data, instance=call, initial={"allowed_legal_forms": call.allowed_legal_forms})
    criteria = CriterionFormSet(data, instance=call, prefix="criteria")
    if request.method == "POST" and form.is_valid() and criteria.is_valid():
        try:
            call = services.call_save(
                call=call,
                values=form.call_values(),
                translations=form.translations(),
                criteria=_criteria_inputs(criteria),
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The call is saved."))
            return redirect(call)
    return render(
        request, "actionfund/call_form.html", {"call": call, "form": form, "criteria": criteria}
    )


def _criteria_inputs(formset) -> list:
    """The criteria to keep, as typed: every filled form not ticked "remove"."""
    kept = []
    for form in formset.forms:
        if formset._should_delete_form(form) or not (form.instance.pk or form.has_changed()):
            continue
        data = form.cleaned_data
        kept.append(
            services.CriterionInput(
                title=data["title_de"],
                description=data.get("description_de") or "",
                translations=form.translations(),
                weight=data["weight"],
                position=data["position"],
                pk=form.instance.pk,
            )
        )
    return kept


@login_required
def application_start(request, pk):
    call = _visible_call(request.user, pk)
    organisations = selectors.member_organisations(request.user)
    if not organisations.exists():
        messages.info(request, _("Please register your organisation or join it first."))
        return redirect("organisations:register")
    approved = organisations.filter(status=Organisation.Status.APPROVED)
    if not approved.exists():
        messages.info(
            request,
            _(
                "Your organisation's registration is still being checked by the IKMO team. "
                "You can apply as soon as it is approved."
            ),
        )
        return redirect(call)
    form = StartForm(request.POST or None, organisations=approved)
    if request.method == "POST" and form.is_valid():
        try:
            application, created = services.application_start_or_continue(
                call=call, organisation=form.cleaned_data["organisation"], by=request.user
            )
        except ValidationError as error:
            service_errors(request, error)
        else:
            if created:
                messages.success(request, _("Your draft is saved. You can continue at any time."))
            else:
                messages.info(
                    request,
                    _("Your organisation already has a draft for this call. Continue it here."),
                )
            return redirect("actionfund:application_edit", application.pk, "basics")
    return render(request, "actionfund/application_start.html", {"call": call, "form": form})


# --- lists ------------------------------------------------------------------------------


@login_required
def application_list(request):
    user = request.user
    today = timezone.localdate()
    if not permissions.is_fund_staff(user):
        applications = list(
            selectors.with_list_data(
                Application.objects.filter(organisation__in=selectors.member_organisations(user))
            ).order_by("-created_at")
        )
        _mark_overdue_proofs(applications, today)
        return render(request, "actionfund/my_applications.html", {"applications": applications})
    base = selectors.with_list_data(selectors.applications_visible_to(user=user))
    filtered = ApplicationFilter(request.GET or None, queryset=base)
    paginator = Paginator(filtered.qs.order_by(*selectors.STAFF_LIST_ORDER), 25)
    page = paginator.get_page(request.GET.get("page"))
    _mark_overdue_proofs(page, today)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "actionfund/application_list.html",
        {
            "filter": filtered,
            "page": page,
            "query": query.urlencode(),
        },
    )


def _mark_overdue_proofs(applications, today) -> None:
    """Set `proof_overdue_since` (the passed due date, or None) on each application of a
    list; the row's call is loaded with it, so this costs no query per row."""
    for application in applications:
        overdue = journey.proof_overdue(application, today=today)
        application.proof_overdue_since = journey.proof_due(application) if overdue else None


JURY_PER_PAGE = 25


@login_required
def jury_list(request):
    require(permissions.is_juror(request.user))
    filters = JuryFilter(
        request.GET or None, queryset=selectors.assignments_for_juror(request.user)
    )
    # The page's ids and the count of all in one query, then only the columns the list shows
    # of those rows (an application row carries its whole draft).
    page = counted_page(filters.qs, JURY_PER_PAGE, request.GET.get("page"), ids=True)
    page.object_list = rows_in_order(
        filters.qs.only(
            *("title", "status", "call__year", "organisation__name"), *columns("call__title")
        ),
        page.object_list,
    )
    listing = paged_list(request, page)
    return render(
        request,
        "actionfund/jury_list.html",
        {"filter": filters, "page": listing.page, "query": listing.query},
    )


@login_required
def transition_table(request):
    require(permissions.is_fund_staff(request.user))
    return render(
        request, "actionfund/transitions.html", {"rows": workflow.table_rows(), "statuses": Status}
    )


# --- one application --------------------------------------------------------------------


@login_required
def application_detail(request, pk):
    application = _visible_application(request.user, pk)
    return render(
        request, "actionfund/application_detail.html", _detail_context(request, application)
    )


def _lead_targets(application):
    return workflow.lead_targets(application.status)


def _detail_context(request, application, *, transition_form=None):
    """What the application page shows; a form sent back with errors replaces the empty one."""
    user = request.user
    is_lead = permissions.can_manage_application(user, application)
    # Sums and dates come from the rows the page lists anyway, not from queries of their own.
    summary = _summary(application)
    total, ceiling = summary["total"], summary["ceiling"]
    context = {
        "application": application,
        "history": selectors.history_of(application),
        **summary,
        "attachments": application.attachments.all(),
        "invitations": selectors.invitations_of(application),
        "ceiling_warning": selectors.ceiling_warning(application, total=total, ceiling=ceiling)
        if permissions.is_fund_staff(user)
        else None,
        # The same finding in the applicant's words (as their e-mail said it).
        "applicant_ceiling_notice": selectors.ceiling_warning(
            application, total=total, ceiling=ceiling
        )
        if permissions.is_applicant(user, application) and not permissions.is_fund_staff(user)
        else None,
        "can_edit": permissions.can_edit_application(user, application),
        "is_applicant": permissions.is_applicant(user, application),
        "is_lead": is_lead,
        "can_score": permissions.can_score(user, application),
        "can_submit_proof": permissions.can_submit_proof(user, application),
        "can_view_agreement": permissions.can_view_agreement(user, application),
        "withdrawable": workflow.applicant_may(application.status, Status.WITHDRAWN),
        # The conversation is the applicant's and the fund staff's alone, not the jury's.
        "thread": thread_context(request, application)
        if permissions.can_read_messages(user, application)
        else None,
    }
    payments = None
    if context["can_view_agreement"] and application.is_committed:
        payments = list(application.payments.all())
        context["documents"] = GeneratedDocument.objects.filter(
            kind=services.AGREEMENT_KIND, object_id=str(application.pk)
        )[:5]
        context["payments"] = payments
        context["returns"] = application.returns.all()
        context["paid"] = sum((payment.amount for payment in payments), ZERO)
        context["proof"] = selectors.proof_of(application, details=True)
    if application.status != Status.DRAFT:
        first_payment = (
            selectors.first_payment_date(application)
            if payments is None
            else min((payment.paid_on for payment in payments), default=None)
        )
        context["journey"] = journey.steps(application, first_payment=first_payment)
        context["proof_due"] = journey.proof_due(application)
        context["proof_overdue"] = journey.proof_overdue(application)
    if permissions.can_see_scores(user, application):
        criteria, by_juror = selectors.scores_by_juror(application)
        context.update(criteria=criteria, scores_by_juror=by_juror)
        context["average"] = selectors.mean_score([row["exact"] for row in by_juror])
    # Loaded once the page is shown (application_history): the page doesn't wait for it.
    context["centre_history"] = permissions.can_see_history_with_centre(user, application)
    if is_lead:
        targets = _lead_targets(application)
        context["transition_form"] = transition_form or (
            TransitionForm(targets=targets) if targets else None
        )
        if application.status in (Status.SUBMITTED, Status.IN_REVIEW):
            context["decision_form"] = _decision_form(application)
            assignments = list(application.jury_assignments.select_related("juror"))
            context["assignments"] = assignments
            context["jury_form"] = JuryAssignForm(
                jurors=selectors.jurors().exclude(pk__in=[a.juror_id for a in assignments])
            )
        if application.status in (
            Status.AGREEMENT_SIGNED,
            Status.PAID,
            Status.PROOF_DUE,
            Status.PROOF_SUBMITTED,
        ):
            context["payment_form"] = PaymentForm()
            context["return_form"] = ReturnForm()
        if application.status == Status.PROOF_SUBMITTED:
            context["proof_review_form"] = ProofReviewForm()
    return context


def _summary(application) -> dict:
    """What an application's summary (_summary.html) shows: the budget lines with their
    total, the partners with the ceiling they make; the sums from the rows it lists."""
    lines = list(application.budget_lines.all())
    partners = list(application.partners.order_by("name"))
    return {
        "lines": lines,
        "total": sum((line.amount for line in lines), ZERO),
        "partners": partners,
        "ceiling": selectors.ceiling_for(application, partners=partners),
    }


def _decision_form(application, data=None):
    return DecisionForm(
        data,
        initial={
            "decision": "approve",
            "amount": application.requested_amount,
            "due_date": services.default_due_date(application),
            "message": application.call.decision_approved_template,
        },
    )


def _step_context(application, step, **extra):
    index = STEP_KEYS.index(step)
    return {
        "application": application,
        "step": step,
        "steps": [(key, label) for key, label, _form in STEPS],
        "step_index": index,
        "step_number": index + 1,
        "step_count": len(STEPS),
        "previous_step": STEP_KEYS[index - 1] if index > 0 else None,
        "next_step": STEP_KEYS[index + 1] if index + 1 < len(STEPS) else None,
        **extra,
    }


def _after_save(request, application, step):
    action = request.POST.get("action", "save")
    index = STEP_KEYS.index(step)
    if action == "next" and index + 1 < len(STEPS):
        return redirect("actionfund:application_edit", application.pk, STEP_KEYS[index + 1])
    if action == "back" and index > 0:
        return redirect("actionfund:application_edit", application.pk, STEP_KEYS[index - 1])
    messages.success(request, _("Your draft is saved."))
    return redirect("actionfund:application_edit", application.pk, step)


STEP_FORMS = {key: form for key, _label, form in STEPS if form is not None}
# Steps whose typing is saved in the background (files are sent with the step's buttons).
AUTOSAVE_STEPS = (*STEP_FORMS, "budget")


def _raw(bound_field):
    value = bound_field.value()
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return "" if value is None else str(value)


def _save_step(user, application, step, data, *, strict):
    """Validate one step; save whatever is valid, keep the rest as typed in the draft.

    Returns the form to show (with its errors) and whether everything was valid.
    """
    form_class = STEP_FORMS[step]
    form = form_class(data, instance=application, strict=strict)
    if form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.fields}
        services.application_save_step(
            application=application, step=step, values=values, unsaved={}, by=user
        )
        return form, True
    # "Next" failed: the same data checked as a draft says what can be stored already
    # (a missing field is fine for a draft, an impossible date is not).
    lenient = form_class(data, instance=Application.objects.get(pk=application.pk), strict=False)
    lenient.is_valid()
    values = {
        name: lenient.cleaned_data[name]
        for name in lenient.fields
        if name in lenient.cleaned_data and name not in lenient.errors
    }
    unsaved = {
        name: _raw(lenient[name])
        for name in lenient.fields
        if name in lenient.errors and name != "partners"
    }
    try:
        services.application_save_step(
            application=application, step=step, values=values, unsaved=unsaved, by=user
        )
    except ValidationError as error:
        # A valid entry that contradicts a stored one (a start after the stored end): kept
        # as typed as well, like the entries that are not valid yet.
        refused = set(getattr(error, "error_dict", {})) & set(values)
        if not refused:
            raise
        for name in refused:
            values.pop(name)
            unsaved[name] = _raw(lenient[name])
        services.application_save_step(
            application=application, step=step, values=values, unsaved=unsaved, by=user
        )
    return form, False


def _step_form_for_display(application, step):
    """The step's form as stored: with entries not valid yet bound again, so their
    errors show on any device until they are corrected."""
    form_class = STEP_FORMS[step]
    unsaved = (application.draft_data or {}).get(step)
    if not unsaved:
        return form_class(instance=application)
    stored = form_class(instance=application)
    data = QueryDict(mutable=True)
    for name in stored.fields:
        value = unsaved.get(name, _raw(stored[name]))
        if isinstance(value, list):
            data.setlist(name, value)
        else:
            data[name] = value
    form = form_class(data, instance=application, strict=False)
    form.is_valid()
    application.refresh_from_db()  # validation wrote into the instance; the page shows the draft
    return form


@login_required
def application_edit(request, pk, step):
    if step not in STEP_KEYS:
        raise Http404
    application = _visible_application(request.user, pk)
    require(permissions.can_edit_application(request.user, application))
    action = request.POST.get("action", "save")
    strict = action == "next"
    if step == "budget":
        return _edit_budget(request, application, strict)
    if step == "attachments":
        return _edit_attachments(request, application)
    if step == "partners":
        return _edit_partners(request, application)
    if step == "preview":
        return _preview(request, application)
    if request.method == "POST":
        form, ok = _save_step(request.user, application, step, request.POST, strict=strict)
        if ok and action != "search":
            return _after_save(request, application, step)
        application.refresh_from_db()
        if not ok:
            messages.warning(
                request,
                _(
                    "We saved what you entered. Please correct the marked fields before "
                    "you continue."
                ),
            )
    else:
        form = _step_form_for_display(application, step)
    return render(
        request,
        "actionfund/application_step.html",
        _step_context(application, step, form=form),
    )


def _partner_query(request) -> str:
    return request.GET.get("partner_q", "").replace("\x00", "").strip()[:100]


def _edit_partners(request, application):
    """The partner step: the invitations sent, and a search to invite more. Inviting is its
    own button (``partner_invite``); the step's buttons only move on."""
    if request.method == "POST":
        return _after_save(request, application, "partners")
    query = _partner_query(request)
    return render(
        request,
        "actionfund/application_partners.html",
        _step_context(
            application,
            "partners",
            invitations=selectors.invitations_of(application),
            partner_query=query,
            partner_results=selectors.partner_candidates(application=application, query=query)
            if query
            else None,
        ),
    )


@login_required
def partner_search(request, pk):
    """Matching organisations, each with its "Invite" button, loaded while the applicant
    types (the step's plain "Search" button does the same without JavaScript)."""
    application = _visible_application(request.user, pk)
    require(permissions.can_invite_partners(request.user, application))
    query = _partner_query(request)
    return render(
        request,
        "actionfund/_partner_results.html",
        {
            "application": application,
            "partner_query": query,
            "partner_results": selectors.partner_candidates(application=application, query=query),
        },
    )


@login_required
@require_POST
def partner_invite(request, pk):
    application = _visible_application(request.user, pk)
    require(permissions.can_invite_partners(request.user, application))
    organisation_id = request.POST.get("organisation", "")
    organisation = (
        Organisation.objects.approved().filter(pk=organisation_id).first()
        if organisation_id.isdigit() and len(organisation_id) < 12
        else None
    )
    if organisation is None:
        messages.error(request, _("Please choose an organisation from the search results."))
        return redirect("actionfund:application_edit", application.pk, "partners")
    try:
        services.partner_invite(application=application, organisation=organisation, by=request.user)
    except ValidationError as error:
        service_errors(request, error)
    else:
        messages.success(
            request,
            _("%(organisation)s is invited. Its admins have been sent an e-mail.")
            % {"organisation": organisation.name},
        )
    return redirect("actionfund:application_edit", application.pk, "partners")


@login_required
@require_POST
def partner_invitation_withdraw(request, pk, invitation_pk):
    """The applicant takes back an invitation that was not answered yet."""
    application = _visible_application(request.user, pk)
    invitation = get_object_or_404(
        application.partner_invitations.select_related("organisation"), pk=invitation_pk
    )
    invitation.application = application
    require(permissions.is_applicant(request.user, application))
    try:
        services.partner_invitation_withdraw(invitation=invitation, by=request.user)
    except ValidationError as error:
        service_errors(request, error)
    else:
        messages.success(
            request,
            _("The invitation to %(organisation)s was withdrawn.")
            % {"organisation": invitation.organisation.name},
        )
    if application.is_editable:
        return redirect("actionfund:application_edit", application.pk, "partners")
    return redirect(application)


def _save_budget(user, application, data, *, strict, background=False):
    """Save the valid lines; keep lines not valid yet as typed in the draft.

    A background save never removes a line ticked "remove": the person may still untick
    it, and the page still carries its id. Only the step's buttons remove lines.
    Returns the formset to show and whether everything was valid."""
    ceiling = selectors.ceiling_for(application)
    formset = BudgetFormSet(
        data, instance=application, ceiling=ceiling, strict=strict, prefix="lines"
    )
    valid = formset.is_valid()
    stored = {line.pk: line for line in application.budget_lines.all()}
    lines, unsaved = [], []
    for form in formset.forms:
        if formset._should_delete_form(form):
            line = stored.get(form.instance.pk)
            if background and line is not None:
                lines.append(
                    services.BudgetLineInput(
                        category=line.category,
                        description=line.description,
                        amount=line.amount,
                        pk=line.pk,
                    )
                )
            continue  # otherwise the service removes a stored line that is not kept
        if form.is_valid():
            if not (form.instance.pk or form.has_changed()):
                continue  # the empty line at the end
            data_ = form.cleaned_data
            lines.append(
                services.BudgetLineInput(
                    category=data_["category"],
                    description=data_["description"],
                    amount=data_["amount"],
                    pk=form.instance.pk,
                )
            )
        else:
            row = {name: _raw(form[name]) for name in ("category", "description", "amount")}
            if form.instance.pk:
                row["id"] = str(form.instance.pk)
            unsaved.append(row)
    services.application_save_budget(application=application, lines=lines, unsaved=unsaved, by=user)
    return formset, valid


def _budget_formset_for_display(application, *, strict=False):
    """The budget as stored, plus the lines not valid yet, bound so their errors show.

    Built from the database (not from the request): lines stored a moment ago carry
    their new ids, so sending the page again cannot add them twice."""
    ceiling = selectors.ceiling_for(application)
    unsaved = (application.draft_data or {}).get("budget") or []
    if not unsaved and not strict:
        return BudgetFormSet(instance=application, ceiling=ceiling, prefix="lines")
    lines = list(application.budget_lines.all())
    by_id = {row.get("id"): row for row in unsaved if row.get("id")}
    rows = []
    for line in lines:
        row = by_id.get(str(line.pk)) or {
            "category": line.category,
            "description": line.description,
            "amount": formats.localize_input(line.amount),
        }
        rows.append({**row, "id": str(line.pk)})
    # A formset lists stored lines first: new lines not valid yet follow them.
    rows += [row for row in unsaved if not row.get("id")]
    data = {
        "lines-TOTAL_FORMS": str(len(rows) + 1),
        "lines-INITIAL_FORMS": str(len(lines)),
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"lines-{index}-{name}"] = value
    formset = BudgetFormSet(
        data, instance=application, ceiling=ceiling, strict=strict, prefix="lines"
    )
    formset.is_valid()
    return formset


def _edit_budget(request, application, strict):
    ceiling = selectors.ceiling_for(application)
    if request.method == "POST":
        _formset, ok = _save_budget(request.user, application, request.POST, strict=strict)
        application.refresh_from_db()
        if ok:
            total = selectors.budget_total(application)
            if total > ceiling:
                messages.warning(
                    request,
                    _(
                        "The total is above the ceiling of %(ceiling)s EUR. Please lower it before you submit."
                    )
                    % {"ceiling": ceiling},
                )
            return _after_save(request, application, "budget")
        messages.warning(
            request,
            _(
                "We saved the complete lines. Please correct the marked entries before "
                "you continue."
            ),
        )
        formset = _budget_formset_for_display(application, strict=strict)
    else:
        formset = _budget_formset_for_display(application)
    return render(
        request,
        "actionfund/application_budget.html",
        _step_context(
            application,
            "budget",
            formset=formset,
            ceiling=ceiling,
            is_cooperation=application.partners.exists(),
            has_invitations=application.partner_invitations.exists(),
        ),
    )


@login_required
@require_POST
def application_autosave(request, pk, step):
    """Background save of a step while the person types (see static/js/draft-save.js).

    Saves like "Save draft": what is valid goes into the fields, the rest is kept as typed.
    """
    if step not in AUTOSAVE_STEPS:
        raise Http404
    application = _visible_application(request.user, pk)
    require(permissions.can_edit_application(request.user, application))
    try:
        if step == "budget":
            _formset, ok = _save_budget(
                request.user, application, request.POST, strict=False, background=True
            )
        else:
            _form, ok = _save_step(request.user, application, step, request.POST, strict=False)
    except ValidationError as error:
        return JsonResponse({"saved": False, "message": " ".join(error.messages)}, status=409)
    now = timezone.localtime()
    return JsonResponse(
        {
            "saved": True,
            "complete": ok,
            "time": formats.time_format(now, "TIME_FORMAT"),
            "message": _("Saved at %(time)s") % {"time": formats.time_format(now, "H:i")},
        }
    )


def _edit_attachments(request, application):
    """Files travel with the step's own buttons: a file chosen and then "Save and
    continue" is uploaded (and checked) first, or the step stays with the reason."""
    form = AttachmentForm()
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if not request.FILES.get("file") and action != "upload":
            return _after_save(request, application, "attachments")
        form = AttachmentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                attachment = services.attachment_add(
                    application=application,
                    upload=form.cleaned_data["file"],
                    description=form.cleaned_data["description"],
                    by=request.user,
                )
            except ValidationError as error:
                form.add_error("file", error)
            else:
                messages.success(
                    request,
                    _("The file “%(name)s” was added.") % {"name": attachment.original_name},
                )
                if action == "upload":
                    return redirect("actionfund:application_edit", application.pk, "attachments")
                return _after_save(request, application, "attachments")
        if action != "upload":
            messages.error(
                request,
                _("The file could not be saved, so you are still on this step. %(reason)s")
                % {"reason": " ".join(e for errors in form.errors.values() for e in errors)},
            )
    return render(
        request,
        "actionfund/application_attachments.html",
        _step_context(
            application, "attachments", form=form, attachments=application.attachments.all()
        ),
    )


def _preview(request, application, submit_form=None):
    return render(
        request,
        "actionfund/application_preview.html",
        _step_context(
            application,
            "preview",
            problems=services.submission_problems(application),
            **_summary(application),
            invitations=selectors.invitations_of(application),
            attachments=application.attachments.all(),
            submit_form=submit_form or SubmitForm(initial={"token": application.submission_token}),
        ),
    )


@login_required
@require_POST
def application_submit(request, pk):
    user = request.user
    application = _visible_application(user, pk)
    require(permissions.is_applicant(user, application))
    form = SubmitForm(request.POST)
    if not form.is_valid():
        if not application.is_editable:
            return redirect(application)
        return _preview(request, application, submit_form=form)
    try:
        services.application_submit(
            application=application, token=form.cleaned_data["token"], by=user
        )
    except ValidationError as error:
        if getattr(error, "code", None) == "already_submitted":
            messages.info(request, _("This application has already been submitted."))
            return redirect(application)
        service_errors(request, error)
        return redirect("actionfund:application_edit", application.pk, "preview")
    messages.success(
        request,
        _(
            "Thank you! Your application has been submitted. We have sent you a confirmation e-mail."
        ),
    )
    return redirect(application)


@login_required
@require_POST
def application_withdraw(request, pk):
    application = _visible_application(request.user, pk)
    try:
        services.application_transition(
            application=application,
            to_status=Status.WITHDRAWN,
            by=request.user,
            # Read without a form: NUL bytes would reach PostgreSQL as a server error.
            note=request.POST.get("note", "").replace("\x00", "")[:4000],
        )
    except ValidationError as error:
        service_errors(request, error)
    else:
        messages.success(request, _("The application was withdrawn."))
    return redirect(application)


@login_required
@require_POST
def application_transition(request, pk):
    application = _visible_application(request.user, pk)
    require(permissions.can_manage_application(request.user, application))
    form = TransitionForm(request.POST, targets=_lead_targets(application))
    if not form.is_valid():
        # The page again with the note as typed and the error at the field, not a redirect
        # that would lose the note.
        messages.error(request, _("Please choose a valid next status."))
        context = _detail_context(request, application, transition_form=form)
        return render(request, "actionfund/application_detail.html", context, status=400)
    try:
        services.application_transition(
            application=application,
            to_status=form.cleaned_data["to_status"],
            by=request.user,
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        service_errors(request, error)
    else:
        messages.success(request, _("The status was changed."))
    return redirect(application)


@login_required
def application_decide(request, pk):
    application = _visible_application(request.user, pk)
    require(permissions.can_manage_application(request.user, application))
    form = _decision_form(application, request.POST or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        approve = data["decision"] == "approve"
        try:
            preview = services.render_decision_message(
                template_text=data["message"],
                application=application,
                amount=data["amount"] if approve else None,
                due_date=(data["due_date"] or services.default_due_date(application))
                if approve
                else None,
            )
            if "confirm" in request.POST:
                services.application_decide(
                    application=application,
                    approve=approve,
                    by=request.user,
                    amount=data["amount"] if approve else None,
                    due_date=data["due_date"],
                    message=preview,
                )
                messages.success(request, _("The decision is saved and the applicant informed."))
                return redirect(application)
        except ValidationError as error:
            form.add_error(None, error)
            preview = None
    return render(
        request,
        "actionfund/decision.html",
        {"application": application, "form": form, "preview": preview},
    )


@login_required
@require_POST
def jury_assign(request, pk):
    application = _visible_application(request.user, pk)
    require(permissions.can_manage_application(request.user, application))
    form = JuryAssignForm(request.POST, jurors=selectors.jurors())
    if form.is_valid():
        try:
            services.jury_assign(
                application=application, jurors=form.cleaned_data["jurors"], by=request.user
            )
        except ValidationError as error:
            service_errors(request, error)
        else:
            messages.success(request, _("The jury members were assigned."))
    else:
        messages.error(request, _("Please choose at least one jury member."))
    return redirect(application)


@login_required
@require_POST
def jury_unassign(request, pk, user_pk):
    application = _visible_application(request.user, pk)
    require(permissions.can_manage_application(request.user, application))
    juror = get_object_or_404(User, pk=user_pk)
    services.jury_unassign(application=application, juror=juror, by=request.user)
    messages.success(request, _("The assignment was removed."))
    return redirect(application)


@login_required
def application_score(request, pk):
    application = _visible_application(request.user, pk)
    require(permissions.can_score(request.user, application))
    existing = {s.criterion_id: s for s in application.scores.filter(juror=request.user)}
    form = ScoreForm(
        request.POST or None,
        criteria=application.call.criteria.all(),
        max_score=application.call.max_score,
        existing=existing,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.scores_save(application=application, juror=request.user, values=form.values())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your scores are saved."))
            return redirect("actionfund:jury_list")
    return render(
        request,
        "actionfund/score.html",
        {
            "application": application,
            "form": form,
            **_summary(application),
            "attachments": application.attachments.all(),
        },
    )


@login_required
def application_history(request, pk):
    """The applicant organisation's history with the centre beside an application, for the
    fund's staff and the assigned jurors: loaded into the application and scoring pages once
    they are shown (htmx), or a page of its own without JavaScript. The entries are each app's
    timeline provider's, filtered for the viewer (organisations/timeline.py); they link to
    their records only for someone who may open the organisation's page (a juror may not)."""
    application = _visible_application(request.user, pk)
    require(permissions.can_see_history_with_centre(request.user, application))
    organisation = application.organisation
    context = {
        "application": application,
        "events": timeline_for(organisation=organisation, user=request.user, limit=HISTORY_LIMIT),
        "limit": HISTORY_LIMIT,
        "links": can_view_organisation(request.user, organisation),
        "details": True,
    }
    template = (
        "organisations/_timeline.html" if request.htmx else "actionfund/application_history.html"
    )
    return render(request, template, context)


# --- files ------------------------------------------------------------------------------


def _file_response(request, stored, application, action, prefix):
    audit_log(
        actor=request.user,
        action=action,
        target=application,
        organisation=application.organisation,
        changes={"file": stored.original_name},
    )
    # Never the uploader's name or extension: a generated name with the detected type.
    return uploads.file_response(
        stored.file, prefix=prefix, pk=stored.pk, content_type=stored.content_type
    )


@login_required
def attachment_download(request, pk, attachment_pk):
    application = selectors.get_application_for_user(request.user, pk)
    if not permissions.can_download_attachments(request.user, application):
        raise Http404
    attachment = get_object_or_404(application.attachments, pk=attachment_pk)
    return _file_response(
        request, attachment, application, "actionfund.attachment.downloaded", "attachment"
    )


@login_required
@require_POST
def attachment_delete(request, pk, attachment_pk):
    application = _visible_application(request.user, pk)
    require(permissions.can_edit_application(request.user, application))
    attachment = get_object_or_404(application.attachments, pk=attachment_pk)
    services.attachment_delete(attachment=attachment, by=request.user)
    messages.success(request, _("The file was removed."))
    return redirect("actionfund:application_edit", application.pk, "attachments")


@login_required
def receipt_download(request, pk, receipt_pk):
    application = selectors.get_application_for_user(request.user, pk)
    if not permissions.can_view_agreement(request.user, application):
        raise Http404
    proof = get_object_or_404(ProofOfUse, application=application)
    receipt = get_object_or_404(proof.receipts, pk=receipt_pk)
    return _file_response(request, receipt, application, "actionfund.receipt.downloaded", "receipt")


@login_required
@require_POST
def agreement_request(request, pk):
    application = _visible_application(request.user, pk)
    if not permissions.can_view_agreement(request.user, application):
        raise Http404
    try:
        document = services.agreement_request(application=application, by=request.user)
    except ValidationError as error:
        service_errors(request, error)
        return redirect(application)
    return redirect("document_detail", document.pk)


# --- money ------------------------------------------------------------------------------


@login_required
@require_POST
def payment_add(request, pk):
    application = _visible_application(request.user, pk)
    require(permissions.can_manage_application(request.user, application))
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            services.payment_record(application=application, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            service_errors(request, error)
        else:
            messages.success(request, _("The payment was recorded."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(application)


@login_required
@require_POST
def return_add(request, pk):
    application = _visible_application(request.user, pk)
    require(permissions.can_manage_application(request.user, application))
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.return_record(application=application, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            service_errors(request, error)
        else:
            messages.success(request, _("The repayment was recorded."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(application)


RANKING_PER_PAGE = 50
LEDGER_PER_PAGE = 50


@login_required
def call_ranking(request, pk):
    call = _visible_call(request.user, pk)
    require(permissions.is_fund_lead(request.user))
    form = BatchDecisionForm(request.POST or None)
    previews = []
    if request.method == "POST" and form.is_valid():
        choice = {
            "call": call,
            "application_ids": [int(v) for v in request.POST.getlist("selected") if v.isdigit()],
            "approve": form.cleaned_data["decision"] == "approve",
            "template_text": form.cleaned_data["message"],
        }
        try:
            previews = services.batch_decision_previews(**choice)
        except ValidationError as error:
            form.add_error("message", error)
        else:
            if not previews:
                messages.error(request, _("Please select at least one application."))
            elif "confirm" in request.POST:
                try:
                    result = services.applications_decide_batch(**choice, by=request.user)
                except ValidationError as error:
                    service_errors(request, error)
                else:
                    for application, reasons in result.refused:
                        for message in reasons:
                            messages.error(request, f"{application.reference}: {message}")
                    if result.decided:
                        messages.success(
                            request,
                            _("%(count)s decisions saved and sent.")
                            % {"count": len(result.decided)},
                        )
                return redirect("actionfund:call_ranking", call.pk)
    # The whole call is ranked; a page of it is shown (and decided on) at a time.
    page = Paginator(selectors.ranking(call), RANKING_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "actionfund/ranking.html",
        {
            "call": call,
            "applications": page.object_list,
            "page": page,
            "ledger": selectors.call_ledger(call),
            "criteria": call.criteria.all(),
            "form": form,
            "previews": previews,
            "selected_ids": {a.pk for a, _text in previews},
            "decidable": set(services.DECIDABLE),
        },
    )


@login_required
def call_ledger(request, pk):
    call = _visible_call(request.user, pk)
    require(permissions.is_fund_staff(request.user))
    page = Paginator(selectors.ledger_rows(call), LEDGER_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "actionfund/ledger.html",
        {"call": call, "ledger": selectors.call_ledger(call), "rows": page, "page": page},
    )


# --- proof of use -----------------------------------------------------------------------


@login_required
def proof_edit(request, pk):
    application = _visible_application(request.user, pk)
    require(permissions.can_submit_proof(request.user, application))
    proof = selectors.proof_of(application)
    lines = list(application.budget_lines.all())
    existing = {s.budget_line_id: s.amount for s in proof.spending.all()} if proof else {}
    form = ProofForm(
        request.POST or None,
        lines=lines,
        existing=existing,
        initial={"report": proof.report if proof else ""},
    )
    # One form: a receipt chosen goes up with whichever button is pressed, never dropped.
    has_file = request.method == "POST" and "file" in request.FILES
    receipt_form = ReceiptForm(request.POST, request.FILES) if has_file else ReceiptForm()
    receipt_form.fields["file"].required = False  # optional here: the report saves without one
    if request.method == "POST" and form.is_valid() and (not has_file or receipt_form.is_valid()):
        try:
            services.proof_save(
                application=application,
                report=form.cleaned_data["report"],
                spending=form.spending(),
                by=request.user,
            )
            if has_file:
                services.receipt_add(
                    application=application,
                    upload=receipt_form.cleaned_data["file"],
                    by=request.user,
                )
            if request.POST.get("action") == "submit":
                services.proof_submit(application=application, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if request.POST.get("action") == "submit":
                messages.success(request, _("Thank you! Your proof of use has been submitted."))
                return redirect(application)
            if has_file:
                messages.success(request, _("The receipt was added."))
            messages.success(request, _("Your proof of use is saved as a draft."))
            return redirect("actionfund:proof_edit", application.pk)
    proof = selectors.proof_of(application)
    return render(
        request,
        "actionfund/proof.html",
        {
            "application": application,
            "proof": proof,
            "form": form,
            "receipt_form": receipt_form,
            "receipts": proof.receipts.all() if proof else [],
            "proof_due": journey.proof_due(application),
            "proof_overdue": journey.proof_overdue(application),
        },
    )


@login_required
@require_POST
def receipt_add(request, pk):
    application = _visible_application(request.user, pk)
    require(permissions.can_submit_proof(request.user, application))
    form = ReceiptForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.receipt_add(
                application=application, upload=form.cleaned_data["file"], by=request.user
            )
        except ValidationError as error:
            service_errors(request, error)
        else:
            messages.success(request, _("The receipt was added."))
    else:
        for error in form.errors.get("file", []):
            messages.error(request, error)
    return redirect("actionfund:proof_edit", application.pk)


@login_required
@require_POST
def proof_review(request, pk):
    application = _visible_application(request.user, pk)
    require(permissions.can_manage_application(request.user, application))
    form = ProofReviewForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(application)
    try:
        services.proof_decide(
            application=application,
            accept=form.cleaned_data["decision"] == "accept",
            note=form.cleaned_data["note"],
            by=request.user,
        )
    except ValidationError as error:
        service_errors(request, error)
    else:
        messages.success(request, _("The review is saved and the applicant informed."))
    return redirect(application)


# --- partner organisations: their side -------------------------------------------------


@login_required
def invitation_list(request):
    """The invitations of the person's organisations to be partners of an application."""
    invitations = selectors.invitations_for_member(user=request.user)
    listing = paged(request, invitations, per_page=25)
    return render(
        request,
        "actionfund/invitation_list.html",
        {"page": listing.page, "query": listing.query},
    )


def _invitation_context(request, invitation, **forms):
    user = request.user
    application = invitation.application
    can_answer = permissions.can_answer_invitation(user, invitation)
    can_withdraw = permissions.can_withdraw_consent(user, invitation)
    context = {
        "invitation": invitation,
        "application": application,
        "can_answer": can_answer,
        "can_withdraw": can_withdraw,
        "accept_form": forms.get("accept_form")
        or InvitationAcceptForm(partner_name=invitation.organisation.name),
        "consent_text": services.consent_text(invitation),
        "decline_form": forms.get("decline_form") or InvitationReasonForm(prefix="decline"),
        "withdraw_form": forms.get("withdraw_form") or InvitationReasonForm(prefix="withdraw"),
    }
    # The application itself only while the invitation is open or accepted: read-only, and
    # without notes, scores, history notes or files (see permissions.can_see_shared_application).
    if permissions.can_see_shared_application(user, invitation):
        context.update(
            shared=True,
            **_summary(application),
            # The partners asked and not (yet) saying no: others' refusals are not theirs.
            invitations=selectors.invitations_of(application).filter(
                status__in=[invitation.Status.INVITED, invitation.Status.ACCEPTED]
            ),
        )
    return context


@login_required
def invitation_detail(request, pk):
    """The partner's page of one invitation: the application read-only, and the answer."""
    invitation = selectors.get_invitation_for_user(request.user, pk)
    form = None
    if request.method == "POST":
        # The service decides what the state allows (a second click finds it accepted).
        require(permissions.is_partner_admin(request.user, invitation))
        form = InvitationAcceptForm(request.POST, partner_name=invitation.organisation.name)
        # Checked by the service too; the form keeps the page as it was if not ticked.
        consent = form.is_valid() and form.cleaned_data["consent"]
        if consent:
            try:
                services.partner_invitation_accept(
                    invitation=invitation, consent=True, by=request.user
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Thank you! %(organisation)s is now a partner of this application.")
                    % {"organisation": invitation.organisation.name},
                )
                return redirect(invitation)
    return render(
        request,
        "actionfund/invitation_detail.html",
        _invitation_context(request, invitation, accept_form=form),
        status=400 if form is not None else 200,
    )


def _partner_answer(request, pk, *, prefix: str, answer, done: str):
    """A partner admin's answer with an optional reason: declining (``prefix`` "decline") or
    withdrawing consent ("withdraw"); ``answer`` is the service, ``done`` the message."""
    invitation = selectors.get_invitation_for_user(request.user, pk)
    require(permissions.is_partner_admin(request.user, invitation))
    form = InvitationReasonForm(request.POST, prefix=prefix)
    if not form.is_valid():
        return render(
            request,
            "actionfund/invitation_detail.html",
            _invitation_context(request, invitation, **{f"{prefix}_form": form}),
            status=400,
        )
    try:
        answer(invitation=invitation, reason=form.cleaned_data["reason"], by=request.user)
    except ValidationError as error:
        service_errors(request, error)
    else:
        messages.success(request, done)
    return redirect(invitation)


@login_required
@require_POST
def invitation_decline(request, pk):
    return _partner_answer(
        request,
        pk,
        prefix="decline",
        answer=services.partner_invitation_decline,
        done=_("You declined the invitation. The applicant is informed."),
    )


@login_required
@require_POST
def invitation_withdraw(request, pk):
    """The partner withdraws its consent before the decision."""
    return _partner_answer(
        request,
        pk,
        prefix="withdraw",
        answer=services.partner_consent_withdraw,
        done=_("Your consent is withdrawn. The applicant and the team are informed."),
    )
