from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ikmo.audit import audit_log
from ikmo.downloads import file_download
from ikmo.models import GeneratedDocument
from ikmo.subprojects import SubProject

from . import permissions, selectors, services
from .documents import report_context
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


def _errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


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
    if not permissions.is_pc_staff(request.user):
        raise PermissionDenied
    analyses = selectors.analyses_for_user(request.user)
    status = request.GET.get("status", "")
    if status in Analysis.Status.values:
        analyses = analyses.filter(status=status)
    return render(
        request,
        "participation_check/analysis_list.html",
        {"analyses": analyses, "statuses": Analysis.Status.choices, "current_status": status},
    )


@login_required
def analysis_create(request):
    if not permissions.can_create_analysis(request.user):
        raise PermissionDenied
    form = AnalysisForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        analysis = services.analysis_save(form=form, by=request.user)
        messages.success(request, _("The analysis has been created."))
        return redirect(analysis)
    return render(request, "participation_check/analysis_form.html", {"form": form})


@login_required
def analysis_edit(request, pk):
    analysis = selectors.get_analysis_for_user(request.user, pk, action="manage")
    form = AnalysisForm(request.POST or None, instance=analysis)
    if request.method == "POST" and form.is_valid():
        services.analysis_save(form=form, by=request.user)
        messages.success(request, _("The analysis has been saved."))
        return redirect(analysis)
    return render(
        request, "participation_check/analysis_form.html", {"form": form, "analysis": analysis}
    )


@login_required
def analysis_detail(request, pk):
    user = request.user
    analysis = selectors.get_analysis_for_user(user, pk)
    can_manage = permissions.can_manage_analysis(user, analysis)
    can_interviews = permissions.can_view_interviews(user, analysis)
    context = {
        "analysis": analysis,
        "team": analysis.team.all(),
        "history": analysis.status_changes.select_related("by")[:20],
        "can_manage": can_manage,
        "can_view_interviews": can_interviews,
        "structures": selectors.structures_of(analysis),
        "meetings": selectors.meetings_of(analysis),
        "recommendations": selectors.recommendations_of(analysis),
        "interviews": selectors.interviews_of(analysis) if can_interviews else None,
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
    analysis = selectors.get_analysis_for_user(request.user, pk, action="manage")
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
            _errors(request, error)
    else:
        messages.error(request, _("Please choose one of the offered statuses."))
    return redirect(analysis)


@login_required
def guideline_edit(request, pk):
    analysis = selectors.get_analysis_for_user(request.user, pk, action="manage")
    formset = GuidelineFormSet(
        request.POST or None, queryset=selectors.questions_of(analysis), prefix="q"
    )
    if request.method == "POST" and formset.is_valid():
        services.guideline_save(analysis=analysis, formset=formset, by=request.user)
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
    analysis = selectors.get_analysis_for_user(request.user, pk)
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
    form = StructureForm(request.POST or None, instance=structure, prefix="s")
    openness = OpennessForm(request.POST or None, structure=structure, prefix="o")
    if request.method == "POST" and form.is_valid() and openness.is_valid():
        services.structure_save(
            form=form, openness_form=openness, analysis=analysis, by=request.user
        )
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
    analysis = selectors.get_analysis_for_user(request.user, pk, action="manage")
    return _structure_form(request, analysis)


@login_required
def structure_edit(request, pk):
    structure = selectors.get_structure_for_user(request.user, pk, action="manage")
    return _structure_form(request, structure.analysis, structure)


@login_required
@require_POST
def structure_delete(request, pk):
    structure = selectors.get_structure_for_user(request.user, pk, action="manage")
    analysis = structure.analysis
    services.structure_delete(structure=structure, by=request.user)
    messages.success(request, _("The participation structure has been deleted."))
    return redirect("participation_check:structure_list", analysis.pk)


# Interviews ----------------------------------------------------------------------------------


def _require_interview_access(user, analysis):
    # Interview lists are personal data like the interviews themselves: 404, not 403.
    if not permissions.can_view_interviews(user, analysis):
        raise Http404


@login_required
def interview_list(request, pk):
    analysis = selectors.get_analysis_for_user(request.user, pk)
    _require_interview_access(request.user, analysis)
    return render(
        request,
        "participation_check/interview_list.html",
        {
            "analysis": analysis,
            "interviews": selectors.interviews_of(analysis),
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
    )
    tags = InterviewTagFormSet(request.POST or None, instance=interview, prefix="t")
    if request.method == "POST" and form.is_valid() and tags.is_valid():
        try:
            saved = services.interview_save(
                form=form,
                answers=form.answers(),
                tags_formset=tags,
                analysis=analysis,
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
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


@login_required
def interview_create(request, pk):
    analysis = selectors.get_analysis_for_user(request.user, pk)
    _require_interview_access(request.user, analysis)
    if not permissions.can_manage_analysis(request.user, analysis):
        raise PermissionDenied
    return _interview_form(request, analysis)


@login_required
def interview_edit(request, pk):
    interview = selectors.get_interview_for_user(request.user, pk, action="manage")
    return _interview_form(request, interview.analysis, interview)


@login_required
def interview_detail(request, pk):
    interview = selectors.get_interview_for_user(request.user, pk)
    audit_log(
        actor=request.user,
        action="participation.interview_viewed",
        target=interview,
        organisation=interview.organisation,
    )
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
    interview = selectors.get_interview_for_user(request.user, pk, action="manage")
    services.interview_withdraw_consent(interview=interview, by=request.user)
    messages.success(request, _("Consent withdrawn: all contents of the interview were deleted."))
    return redirect(interview)


@login_required
@require_POST
def interview_delete(request, pk):
    interview = selectors.get_interview_for_user(request.user, pk, action="manage")
    analysis = interview.analysis
    services.interview_delete(interview=interview, by=request.user)
    messages.success(request, _("The interview has been deleted."))
    return redirect("participation_check:interview_list", analysis.pk)


# Exchange meetings ---------------------------------------------------------------------------


@login_required
def meeting_list(request, pk):
    analysis = selectors.get_analysis_for_user(request.user, pk)
    return render(
        request,
        "participation_check/meeting_list.html",
        {
            "analysis": analysis,
            "meetings": selectors.meetings_of(analysis),
            "can_manage": permissions.can_manage_analysis(request.user, analysis),
        },
    )


def _meeting_form(request, analysis, meeting=None):
    form = MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        services.meeting_save(form=form, analysis=analysis, by=request.user)
        messages.success(request, _("The exchange meeting has been saved."))
        return redirect("participation_check:meeting_list", analysis.pk)
    return render(
        request,
        "participation_check/meeting_form.html",
        {"analysis": analysis, "form": form, "meeting": meeting},
    )


@login_required
def meeting_create(request, pk):
    analysis = selectors.get_analysis_for_user(request.user, pk, action="manage")
    return _meeting_form(request, analysis)


@login_required
def meeting_edit(request, pk):
    meeting = selectors.get_meeting_for_user(request.user, pk, action="manage")
    return _meeting_form(request, meeting.analysis, meeting)


# Recommendations -----------------------------------------------------------------------------


@login_required
def recommendation_list(request, pk):
    analysis = selectors.get_analysis_for_user(request.user, pk)
    recommendations = selectors.recommendations_of(analysis)
    status = request.GET.get("status", "")
    if status in Recommendation.Status.values:
        recommendations = recommendations.filter(status=status)
    return render(
        request,
        "participation_check/recommendation_list.html",
        {
            "analysis": analysis,
            "recommendations": recommendations,
            "statuses": Recommendation.Status.choices,
            "current_status": status,
            "can_manage": permissions.can_manage_analysis(request.user, analysis),
        },
    )


def _recommendation_form(request, analysis, recommendation=None):
    form = RecommendationForm(request.POST or None, instance=recommendation)
    if request.method == "POST" and form.is_valid():
        saved = services.recommendation_save(form=form, analysis=analysis, by=request.user)
        messages.success(request, _("The recommendation has been saved."))
        return redirect(saved)
    return render(
        request,
        "participation_check/recommendation_form.html",
        {"analysis": analysis, "form": form, "recommendation": recommendation},
    )


@login_required
def recommendation_create(request, pk):
    analysis = selectors.get_analysis_for_user(request.user, pk, action="manage")
    return _recommendation_form(request, analysis)


@login_required
def recommendation_edit(request, pk):
    recommendation = selectors.get_recommendation_for_user(request.user, pk, action="manage")
    return _recommendation_form(request, recommendation.analysis, recommendation)


@login_required
def recommendation_detail(request, pk):
    user = request.user
    recommendation = selectors.get_recommendation_for_user(user, pk)
    can_manage = permissions.can_manage_analysis(user, recommendation.analysis)
    allowed = services.allowed_recommendation_transitions(recommendation)
    status_form = RecommendationStatusForm(allowed=allowed, prefix="st")
    response_form = RecommendationResponseForm(instance=recommendation, prefix="r")
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
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
                    status_form.add_error(None, error)
                else:
                    messages.success(request, _("The follow-up status has been recorded."))
                    return redirect(recommendation)
        else:
            response_form = RecommendationResponseForm(
                request.POST, instance=recommendation, prefix="r"
            )
            if response_form.is_valid():
                services.recommendation_record_response(form=response_form, by=user)
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


def report(request, pk):
    """The HTML preview of the report; published reports are public, drafts for staff only."""
    analysis = selectors.get_report_for_user(request.user, pk)
    context = report_context(analysis)
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
    analysis = selectors.get_analysis_for_user(request.user, pk, action="manage")
    document = services.report_pdf_request(analysis=analysis, by=request.user)
    return redirect("document_detail", document.pk)


def report_pdf_download(request, pk):
    """The newest PDF of a published report, for everyone who may read the report."""
    analysis = selectors.get_report_for_user(request.user, pk)
    document = _latest_pdf(analysis, request.user)
    if document is None:
        raise Http404
    audit_log(actor=request.user, action="participation_check.report.downloaded", target=document)
    return file_download(
        document.file, filename=f"teilhabecheck-{analysis.pk}.pdf", content_type="application/pdf"
    )
