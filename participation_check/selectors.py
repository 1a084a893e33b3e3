"""Reads of the participation check: lists for a person, the one lookup per object, and the
aggregates the report and its charts show."""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, Sum
from django.http import Http404

from organisations.models import Organisation

from . import permissions
from .models import (
    Analysis,
    ExchangeMeeting,
    GuidelineQuestion,
    Interview,
    InterviewTag,
    NeedCategory,
    OpennessCriterion,
    OpennessRating,
    ParticipationStructure,
    Recommendation,
)


def _with_counts(qs):
    return qs.select_related("district").annotate(
        structure_count=Count("structures", distinct=True),
        interview_count=Count("interviews", distinct=True),
        recommendation_count=Count("recommendations", distinct=True),
    )


def analyses_for_user(user):
    """Every analysis for participation-check staff; published ones for everybody else."""
    qs = Analysis.objects.all()
    if not permissions.is_pc_staff(user):
        qs = qs.published()
    return _with_counts(qs).prefetch_related("team")


def analyses_in_progress_for_user(user):
    if not permissions.is_pc_staff(user):
        return Analysis.objects.none()
    return _with_counts(Analysis.objects.in_progress()).prefetch_related("team")


def published_reports():
    return _with_counts(Analysis.objects.published()).order_by("-published_at", "title")


# The one lookup per object -------------------------------------------------------------------


def _int(pk) -> int:
    try:
        return int(pk)
    except (TypeError, ValueError):
        raise Http404 from None


def get_analysis_for_user(user, pk, *, action: str = "view") -> Analysis:
    """Analyses the person may not see answer 404; visible ones they may not change 403."""
    analysis = Analysis.objects.select_related("district").filter(pk=_int(pk)).first()
    if analysis is None or not permissions.can_view_analysis(user, analysis):
        raise Http404
    if action == "manage" and not permissions.can_manage_analysis(user, analysis):
        raise PermissionDenied
    return analysis


def get_report_for_user(user, pk) -> Analysis:
    """The report of an analysis: published ones for everyone, drafts for staff; else 404."""
    analysis = Analysis.objects.select_related("district").filter(pk=_int(pk)).first()
    if analysis is None or not permissions.can_view_report(user, analysis):
        raise Http404
    return analysis


def get_interview_for_user(user, pk, *, action: str = "view") -> Interview:
    """Interview contents are personal data: anyone outside the analysis team, the project
    lead and admins gets 404, so not even the interview's existence is revealed."""
    interview = (
        Interview.objects.select_related("analysis", "analysis__district", "organisation")
        .filter(pk=_int(pk))
        .first()
    )
    if interview is None or not permissions.can_view_interviews(user, interview.analysis):
        raise Http404
    if action == "manage" and not permissions.can_manage_analysis(user, interview.analysis):
        raise PermissionDenied
    return interview


def _get_child(model, user, pk, action):
    obj = model.objects.select_related("analysis", "analysis__district").filter(pk=_int(pk)).first()
    if obj is None or not permissions.can_view_analysis(user, obj.analysis):
        raise Http404
    if action == "manage" and not permissions.can_manage_analysis(user, obj.analysis):
        raise PermissionDenied
    return obj


def get_structure_for_user(user, pk, *, action: str = "view") -> ParticipationStructure:
    return _get_child(ParticipationStructure, user, pk, action)


def get_meeting_for_user(user, pk, *, action: str = "view") -> ExchangeMeeting:
    return _get_child(ExchangeMeeting, user, pk, action)


def get_recommendation_for_user(user, pk, *, action: str = "view") -> Recommendation:
    return _get_child(Recommendation, user, pk, action)


# Lists inside one analysis -------------------------------------------------------------------


def structures_of(analysis: Analysis):
    return (
        ParticipationStructure.objects.filter(analysis=analysis)
        .annotate(total_score=Sum("ratings__score"), rated_count=Count("ratings"))
        .prefetch_related(
            "languages",
            "mo_members",
            Prefetch("ratings", queryset=OpennessRating.objects.order_by("criterion")),
        )
    )


def questions_of(analysis: Analysis):
    return GuidelineQuestion.objects.filter(analysis=analysis).order_by("position", "pk")


def interviews_of(analysis: Analysis):
    return (
        Interview.objects.filter(analysis=analysis)
        .select_related("organisation", "interviewer")
        .annotate(
            answer_count=Count("answers", distinct=True),
            need_count=Count("tags", filter=Q(tags__kind=InterviewTag.Kind.NEED), distinct=True),
            barrier_count=Count(
                "tags", filter=Q(tags__kind=InterviewTag.Kind.BARRIER), distinct=True
            ),
        )
    )


def meetings_of(analysis: Analysis):
    return ExchangeMeeting.objects.filter(analysis=analysis).prefetch_related("participants")


def recommendations_of(analysis: Analysis):
    return Recommendation.objects.filter(analysis=analysis).select_related("addressee")


def interviewable_organisations():
    return Organisation.objects.approved().filter(
        kind__in=[Organisation.Kind.MIGRANT_ORGANISATION, Organisation.Kind.REFUGEE_INITIATIVE]
    )


# Aggregates for the report -------------------------------------------------------------------


def structure_score(structure) -> dict:
    """Openness of one structure (annotated by `structures_of`) as points and percent of the
    maximum over the criteria that were rated."""
    total = structure.total_score or 0
    maximum = (structure.rated_count or 0) * OpennessRating.MAX_SCORE
    return {
        "total": total,
        "max": maximum,
        "percent": round(100 * total / maximum) if maximum else None,
    }


def openness_by_criterion(analysis: Analysis) -> list[dict]:
    """Average degree of fulfilment per criterion across the structures, in percent."""
    rows = {
        r["criterion"]: r
        for r in OpennessRating.objects.filter(structure__analysis=analysis)
        .values("criterion")
        .annotate(total=Sum("score"), n=Count("pk"))
    }
    result = []
    for criterion in OpennessCriterion:
        row = rows.get(criterion.value)
        n = row["n"] if row else 0
        percent = round(100 * row["total"] / (n * OpennessRating.MAX_SCORE)) if n else None
        result.append({"criterion": criterion.label, "percent": percent, "rated": n})
    return result


def needs_by_category(analysis: Analysis) -> list[dict]:
    """How often each category came up as a need and as a barrier (counts only, no contents)."""
    counts = {
        (r["category"], r["kind"]): r["n"]
        for r in InterviewTag.objects.filter(interview__analysis=analysis)
        .values("category", "kind")
        .annotate(n=Count("interview", distinct=True))
    }
    rows = []
    for category in NeedCategory:
        needs = counts.get((category.value, InterviewTag.Kind.NEED), 0)
        barriers = counts.get((category.value, InterviewTag.Kind.BARRIER), 0)
        if needs or barriers:
            rows.append({"category": category.label, "needs": needs, "barriers": barriers})
    return rows


def report_data(analysis: Analysis) -> dict:
    """Everything the report (HTML preview and PDF) shows, in a fixed number of queries."""
    structures = list(structures_of(analysis))
    for structure in structures:
        structure.score = structure_score(structure)
    recommendations = list(recommendations_of(analysis))
    return {
        "analysis": analysis,
        "structures": structures,
        "criteria": openness_by_criterion(analysis),
        "needs": needs_by_category(analysis),
        "recommendations": recommendations,
        "meetings": list(meetings_of(analysis)),
        "interview_count": analysis.interviews.filter(consent_given=True).count(),
        "organisations_interviewed": analysis.interviews.values("organisation").distinct().count(),
        "team": list(analysis.team.all()),
    }
