from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ikmo.audit import audit_log
from ikmo.downloads import file_download
from ikmo.models import GeneratedDocument
from ikmo.subprojects import SubProject
from ikmo.viewtools import form_errors, get_visible_or_404, paged, require, service_errors

from . import permissions, selectors, services
from .documents import report_context
from .filters import AnalysisFilter, RecommendationFilter, chosen
from .forms import (
    AnalysisForm,
    GuidelineFormSet,
    InterviewForm,
    InterviewTagFormSet,
    MeetingForm,
    OpennessForm,
    RecommendationForm,
    RecommendationResponseForm,
    RecommendationStatusForm,
    StructureForm,
    TransitionForm,
)
from .models import Analysis, OpennessCriterion, Recommendation

# Lists of an analysis are paged: a district analysis can hold hundreds of interviews.
INTERVIEWS_PER_PAGE = 50
RECOMMENDATIONS_PER_PAGE = 50
MEETINGS_PER_PAGE = 20


def _analysis(request, pk, *, manage: bool = False) -> Analysis:
    """The one lookup: analyses the person may not see answer 404; visible ones they may not
    change 403."""
    analysis = get_visible_or_404(selectors.analyses_visible_to(request.user), pk=pk)
    if manage:
        require(permissions.can_manage_analysis(request.user, analysis))
    return analysis


def _child(request, queryset, pk, *, manage: bool = False):
    """A record inside an analysis (structure, meeting, recommendation, interview)."""
    obj = get_visible_or_404(queryset, pk=pk)
    if manage:
        require(permissions.can_manage_analysis(request.user, obj.analysis))
    return obj


def home(request):
    user = request.user
    context = {
        "subproject": SubProject.PARTICIPATION_CHECK,
        "reports": selectors.published_reports()[:12],
        "is_staff": permissions.is_pc_staff(user),
    }
    if context["is_staff"]:
        context["in_progress"] = selectors.analyses_in_progress_for_user(user)
    return render(request, "participation_check/home.html", context)


# Analyses ------------------------------------------------------------------------------------


@login_required
def analysis_list(request):
    require(permissions.is_pc_staff(request.user))
    filterset = AnalysisFilter(request.GET, queryset=selectors.analyses_for_user(request.user))
    return render(
        request,
        "participation_check/analysis_list.html",
        {
            "analyses": filterset.qs,
            "statuses": Analysis.Status.choices,
            "current_status": chosen(filterset, "status"),
        },
    )


@login_required
def analysis_create(request):
    require(permissions.can_create_analysis(request.user))
    form = AnalysisForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            analysis = services.analysis_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The analysis has been created."))
            return redirect(analysis)
    return render(request, "participation_check/analysis_form.html", {"form": form})


@login_required
def analysis_edit(request, pk):
    analysis = _analysis(request, pk, manage=True)
    form = AnalysisForm(request.POST or None, instance=analysis)
    if request.method == "POST" and form.is_valid():
        try:
            services.analysis_update(analysis=analysis, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The analysis has been saved."))
            return redirect(analysis)
    return render(
        request, "participation_check/analysis_form.html", {"form": form, "analysis": analysis}
    )


@login_required
def analysis_detail(request, pk):
    user = request.user
    analysis = _analysis(request, pk)
    can_manage = permissions.can_manage_analysis(user, analysis)
    can_interviews = permissions.can_view_interviews(user, analysis)
    context = {
        "analysis": analysis,
        "team": analysis.team.all(),
        "history": analysis.status_changes.select_related("by")[:20],
        "can_manage": can_manage,
        "can_view_interviews": can_interviews,
        # The page shows how many there are; the lists have pages of their own.
        "structure_count": analysis.structures.count(),
        "meeting_count": analysis.meetings.count(),
        "recommendation_count": analysis.recommendations.count(),
        "interview_count": analysis.interviews.count() if can_interviews else None,
        "transition_form": TransitionForm(allowed=services.allowed_analysis_transitions(analysis))
        if can_manage
        else None,
        "documents": GeneratedDocument.objects.filter(
            kind=services.REPORT_KIND, object_id=str(analysis.pk)
        )[:5]
        if can_manage
        else (),
    }
    return render(request, "participation_check/analysis_detail.html", context)


@login_required
@require_POST
def analysis_transition(request, pk):
    analysis = _analysis(request, pk, manage=True)
    form = TransitionForm(request.POST, allowed=services.allowed_analysis_transitions(analysis))
    if form.is_valid():
        try:
            analysis = services.analysis_transition(
                analysis=analysis,
                to_status=form.cleaned_data["to_status"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
            messages.success(
                request,
                _("The analysis is now in status “%(status)s”.")
                % {"status": analysis.get_status_display()},
            )
        except ValidationError as error:
            service_errors(request, error)
    else:
        messages.error(request, _("Please choose one of the offered statuses."))
    return redirect(analysis)


def _guideline_items(formset) -> list:
    items = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data:
            continue  # an untouched empty row
        if form in formset.deleted_forms:
            # A row marked for deletion is not validated further: only its question counts.
            if data.get("id") is not None:
                items.append(
                    services.GuidelineItem(question=data["id"], position=0, text="", delete=True)
                )
            continue
        items.append(
            services.GuidelineItem(
                question=data.get("id"),
                position=data["position"],
                text=data["text"],
                help_text=data.get("help_text", ""),
            )
        )
    return items


@login_required
def guideline_edit(request, pk):
    analysis = _analysis(request, pk, manage=True)
    formset = GuidelineFormSet(
        request.POST or None, queryset=selectors.questions_of(analysis), prefix="q"
    )
    if request.method == "POST" and formset.is_valid():
        services.guideline_save(analysis=analysis, items=_guideline_items(formset), by=request.user)
        messages.success(request, _("The interview guideline has been saved."))
        return redirect(analysis)
    return render(
        request,
        "participation_check/guideline_form.html",
        {"analysis": analysis, "formset": formset},
    )


# Inventory -----------------------------------------------------------------------------------


@login_required
def structure_list(request, pk):
    analysis = _analysis(request, pk)
    structures = list(selectors.structures_of(analysis))
    for structure in structures:
        structure.score = selectors.structure_score(structure)
    return render(
        request,
        "participation_check/structure_list.html",
        {
            "analysis": analysis,
            "structures": structures,
            "can_manage": permissions.can_manage_analysis(request.user, analysis),
        },
    )


def _structure_form(request, analysis, structure=None):
    form = StructureForm(request.POST or None, instance=structure, prefix="s", user=request.user)
    openness = OpennessForm(request.POST or None, structure=structure, prefix="o")
    if request.method == "POST" and form.is_valid() and openness.is_valid():
        try:
            services.structure_save(
                analysis=analysis,
                structure=structure,
                by=request.user,
                ratings=openness.ratings(),
                **form.cleaned_data,
            )
        except ValidationError as error:
            form_errors((form, openness), error)
        else:
            messages.success(request, _("The participation structure has been saved."))
            return redirect("participation_check:structure_list", analysis.pk)
    return render(
        request,
        "participation_check/structure_form.html",
        {
            "analysis": analysis,
            "form": form,
            "openness": openness,
            "structure": structure,
            "has_errors": bool(form.errors or openness.errors),
        },
    )


@login_required
def structure_create(request, pk):
    analysis = _analysis(request, pk, manage=True)
    return _structure_form(request, analysis)


@login_required
def structure_edit(request, pk):
    structure = _child(request, selectors.structures_visible_to(request.user), pk, manage=True)
    return _structure_form(request, structure.analysis, structure)


@login_required
@require_POST
def structure_delete(request, pk):
    structure = _child(request, selectors.structures_visible_to(request.user), pk, manage=True)
    analysis = structure.analysis
    services.structure_delete(structure=structure, by=request.user)
    messages.success(request, _("The participation structure has been deleted."))
    return redirect("participation_check:structure_list", analysis.pk)


# Interviews ----------------------------------------------------------------------------------


def _analysis_with_interviews(request, pk) -> Analysis:
    # Interview lists are personal data like the interviews themselves: 404, not 403.
    return get_visible_or_404(selectors.analyses_with_interviews_visible_to(request.user), pk=pk)


def _interview(request, pk, *, manage: bool = False):
    return _child(request, selectors.interviews_visible_to(request.user), pk, manage=manage)


@login_required
def interview_list(request, pk):
    analysis = _analysis_with_interviews(request, pk)
    return render(
        request,
        "participation_check/interview_list.html",
        {
            "analysis": analysis,
            "interviews": paged(
                request,
                selectors.interviews_of(analysis),
                per_page=INTERVIEWS_PER_PAGE,
                ids_first=True,
            ),
            "can_manage": permissions.can_manage_analysis(request.user, analysis),
        },
    )


def _interview_form(request, analysis, interview=None):
    questions = selectors.questions_of(analysis)
    form = InterviewForm(
        request.POST or None,
        instance=interview,
        analysis=analysis,
        questions=questions,
        prefix="i",
        initial=None if interview else {"interviewer": request.user.pk},
        user=request.user,
    )
    tags = InterviewTagFormSet(request.POST or None, instance=interview, prefix="t")
    if request.method == "POST" and form.is_valid() and tags.is_valid():
        try:
            saved = services.interview_save(
                analysis=analysis,
                interview=interview,
                by=request.user,
                answers=form.answers(),
                tags=_tags(tags),
                **{name: form.cleaned_data[name] for name in form.Meta.fields},
            )
        except ValidationError as error:
            form_errors((form,), error)
        else:
            messages.success(request, _("The interview has been saved."))
            return redirect(saved)
    return render(
        request,
        "participation_check/interview_form.html",
        {
            "analysis": analysis,
            "form": form,
            "tags": tags,
            "interview": interview,
            "has_errors": bool(form.errors or any(tags.errors) or tags.non_form_errors()),
        },
    )


def _tags(formset) -> list:
    """The tags the formset keeps: filled rows not marked for deletion."""
    return [
        services.TagData(
            kind=form.cleaned_data["kind"],
            category=form.cleaned_data["category"],
            note=form.cleaned_data.get("note", ""),
        )
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


@login_required
def interview_create(request, pk):
    analysis = _analysis_with_interviews(request, pk)
    require(permissions.can_manage_analysis(request.user, analysis))
    return _interview_form(request, analysis)


@login_required
def interview_edit(request, pk):
    interview = _interview(request, pk, manage=True)
    return _interview_form(request, interview.analysis, interview)


@login_required
def interview_detail(request, pk):
    interview = _interview(request, pk)
    services.interview_viewed(interview=interview, by=request.user)
    return render(
        request,
        "participation_check/interview_detail.html",
        {
            "interview": interview,
            "analysis": interview.analysis,
            "answers": interview.answers.select_related("question"),
            "tags": interview.tags.all(),
            "can_manage": permissions.can_manage_analysis(request.user, interview.analysis),
        },
    )


@login_required
@require_POST
def interview_withdraw_consent(request, pk):
    interview = _interview(request, pk, manage=True)
    services.interview_withdraw_consent(interview=interview, by=request.user)
    messages.success(request, _("Consent withdrawn: all contents of the interview were deleted."))
    return redirect(interview)


@login_required
@require_POST
def interview_delete(request, pk):
    interview = _interview(request, pk, manage=True)
    analysis = interview.analysis
    services.interview_delete(interview=interview, by=request.user)
    messages.success(request, _("The interview has been deleted."))
    return redirect("participation_check:interview_list", analysis.pk)


# Exchange meetings ---------------------------------------------------------------------------


@login_required
def meeting_list(request, pk):
    analysis = _analysis(request, pk)
    return render(
        request,
        "participation_check/meeting_list.html",
        {
            "analysis": analysis,
            "meetings": paged(request, selectors.meetings_of(analysis), per_page=MEETINGS_PER_PAGE),
            "can_manage": permissions.can_manage_analysis(request.user, analysis),
        },
    )


def _meeting_form(request, analysis, meeting=None):
    form = MeetingForm(request.POST or None, instance=meeting, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.meeting_save(
            analysis=analysis, meeting=meeting, by=request.user, **form.cleaned_data
        )
        messages.success(request, _("The exchange meeting has been saved."))
        return redirect("participation_check:meeting_list", analysis.pk)
    return render(
        request,
        "participation_check/meeting_form.html",
        {"analysis": analysis, "form": form, "meeting": meeting},
    )


@login_required
def meeting_create(request, pk):
    analysis = _analysis(request, pk, manage=True)
    return _meeting_form(request, analysis)


@login_required
def meeting_edit(request, pk):
    meeting = _child(request, selectors.meetings_visible_to(request.user), pk, manage=True)
    return _meeting_form(request, meeting.analysis, meeting)


# Recommendations -----------------------------------------------------------------------------


@login_required
def recommendation_list(request, pk):
    analysis = _analysis(request, pk)
    filterset = RecommendationFilter(request.GET, queryset=selectors.recommendations_of(analysis))
    return render(
        request,
        "participation_check/recommendation_list.html",
        {
            "analysis": analysis,
            "recommendations": paged(request, filterset.qs, per_page=RECOMMENDATIONS_PER_PAGE),
            "statuses": Recommendation.Status.choices,
            "current_status": chosen(filterset, "status"),
            "can_manage": permissions.can_manage_analysis(request.user, analysis),
        },
    )


def _recommendation_form(request, analysis, recommendation=None):
    form = RecommendationForm(request.POST or None, instance=recommendation, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = services.recommendation_save(
            analysis=analysis, recommendation=recommendation, by=request.user, **form.cleaned_data
        )
        messages.success(request, _("The recommendation has been saved."))
        return redirect(saved)
    return render(
        request,
        "participation_check/recommendation_form.html",
        {"analysis": analysis, "form": form, "recommendation": recommendation},
    )


@login_required
def recommendation_create(request, pk):
    analysis = _analysis(request, pk, manage=True)
    return _recommendation_form(request, analysis)


def _recommendation(request, pk, *, manage: bool = False):
    return _child(request, selectors.recommendations_visible_to(request.user), pk, manage=manage)


@login_required
def recommendation_edit(request, pk):
    recommendation = _recommendation(request, pk, manage=True)
    return _recommendation_form(request, recommendation.analysis, recommendation)


@login_required
def recommendation_detail(request, pk):
    user = request.user
    recommendation = _recommendation(request, pk)
    can_manage = permissions.can_manage_analysis(user, recommendation.analysis)
    allowed = services.allowed_recommendation_transitions(recommendation)
    status_form = RecommendationStatusForm(allowed=allowed, prefix="st")
    response_form = RecommendationResponseForm(instance=recommendation, prefix="r")
    if request.method == "POST":
        require(can_manage)
        if "st-to_status" in request.POST:
            status_form = RecommendationStatusForm(request.POST, allowed=allowed, prefix="st")
            if status_form.is_valid():
                try:
                    services.recommendation_transition(
                        recommendation=recommendation,
                        to_status=status_form.cleaned_data["to_status"],
                        on=status_form.cleaned_data["on"],
                        note=status_form.cleaned_data["note"],
                        by=user,
                    )
                except ValidationError as error:
                    form_errors(status_form, error)
                else:
                    messages.success(request, _("The follow-up status has been recorded."))
                    return redirect(recommendation)
        else:
            response_form = RecommendationResponseForm(
                request.POST, instance=recommendation, prefix="r"
            )
            if response_form.is_valid():
                try:
                    services.recommendation_record_response(
                        recommendation=recommendation, by=user, **response_form.cleaned_data
                    )
                except ValidationError as error:
                    form_errors((response_form,), error)
                else:
                    messages.success(request, _("The response has been saved."))
                    return redirect(recommendation)
    return render(
        request,
        "participation_check/recommendation_detail.html",
        {
            "recommendation": recommendation,
            "analysis": recommendation.analysis,
            "history": recommendation.status_changes.select_related("by"),
            "can_manage": can_manage,
            "status_form": status_form if allowed else None,
            "response_form": response_form,
        },
    )


# Report --------------------------------------------------------------------------------------


RECOMMENDATIONS_PER_PAGE = 25


def report(request, pk):
    """The HTML preview of the report; published reports are public, drafts for staff only."""
    analysis = get_visible_or_404(selectors.reports_visible_to(request.user), pk=pk)
    context = report_context(analysis, recommendations=False)
    # The PDF lists every recommendation; the page shows them a page at a time.
    context["recommendations"] = paged(
        request,
        selectors.recommendations_of(analysis),
        per_page=RECOMMENDATIONS_PER_PAGE,
        param="recommendations",
    )
    context["chart_data"] = {
        "openness": {
            "labels": [s.name for s in context["structures"]],
            "values": [s.score["percent"] for s in context["structures"]],
        },
        "criteria": {
            "labels": [str(row["criterion"]) for row in context["criteria"]],
            "values": [row["percent"] for row in context["criteria"]],
        },
        "needs": {
            "labels": [str(row["category"]) for row in context["needs"]],
            "needs": [row["needs"] for row in context["needs"]],
            "barriers": [row["barriers"] for row in context["needs"]],
        },
        "text": {
            "needs": _("Needs"),
            "barriers": _("Barriers"),
            "percent": _("Fulfilment in percent"),
        },
    }
    context["can_manage"] = permissions.can_manage_analysis(request.user, analysis)
    context["criteria_enum"] = OpennessCriterion
    context["published_pdf"] = _latest_pdf(analysis, request.user)
    return render(request, "participation_check/report.html", context)


def _latest_pdf(analysis, user):
    """The newest finished PDF; beyond staff only one rendered after publication, so a
    draft's PDF never reaches the public."""
    documents = GeneratedDocument.objects.filter(
        kind=services.REPORT_KIND,
        object_id=str(analysis.pk),
        status=GeneratedDocument.Status.DONE,
    ).exclude(file="")
    if not permissions.can_view_analysis(user, analysis):
        if not analysis.is_published or analysis.published_at is None:
            return None
        documents = documents.filter(finished_at__gte=analysis.published_at)
    return documents.order_by("-finished_at", "-pk").first()


@login_required
@require_POST
def report_pdf_request(request, pk):
    analysis = _analysis(request, pk, manage=True)
    document = services.report_pdf_request(analysis=analysis, by=request.user)
    return redirect("document_detail", document.pk)


def report_pdf_download(request, pk):
    """The newest PDF of a published report, for everyone who may read the report."""
    analysis = get_visible_or_404(selectors.reports_visible_to(request.user), pk=pk)
    document = _latest_pdf(analysis, request.user)
    if document is None:
        raise Http404
    audit_log(actor=request.user, action="participation_check.report.downloaded", target=document)
    return file_download(
        document.file, filename=f"teilhabecheck-{analysis.pk}.pdf", content_type="application/pdf"
    )
