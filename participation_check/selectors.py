"""Reads of the participation check: lists for a person, the one lookup per object, and the
aggregates the report and its charts show."""

from django.db.models import Count, OuterRef, Prefetch, Q, Sum

from ikmo.queries import count_of
from organisations.models import Organisation

from . import permissions
from .models import (
    Analysis,
    ExchangeMeeting,
    GuidelineQuestion,
    Interview,
    InterviewAnswer,
    InterviewTag,
    NeedCategory,
    OpennessCriterion,
    OpennessRating,
    ParticipationStructure,
    Recommendation,
)


def _with_counts(qs):
    # Subqueries: three counted joins would multiply each other's rows (structures ×
    # interviews × recommendations per analysis) before DISTINCT could drop them again.
    mine = {"analysis": OuterRef("pk")}
    return qs.select_related("district").annotate(
        structure_count=count_of(ParticipationStructure.objects.filter(**mine)),
        interview_count=count_of(Interview.objects.filter(**mine)),
        recommendation_count=count_of(Recommendation.objects.filter(**mine)),
    )


def analyses_for_user(user):
    """Every analysis for participation-check staff; published ones for everybody else."""
    return _with_counts(reports_visible_to(user)).prefetch_related("team")


def analyses_in_progress_for_user(user):
    return _with_counts(analyses_visible_to(user).in_progress()).prefetch_related("team")


def published_reports():
    return _with_counts(Analysis.objects.published()).order_by("-published_at", "title")


# What a person may see: look records up here (ikmo.viewtools.get_visible_or_404) -------------


def analyses_visible_to(user):
    """The working area of analyses (drafts included); nothing for anyone but staff."""
    return Analysis.objects.select_related("district").filter(permissions.analyses_visible_q(user))


def reports_visible_to(user):
    """Analyses whose report the person may read: published ones, and drafts for staff."""
    return Analysis.objects.select_related("district").filter(permissions.reports_visible_q(user))


def interviews_visible_to(user):
    """Interview contents are personal data: anyone outside the analysis team, the project
    lead and admins finds none, so not even an interview's existence is revealed."""
    return Interview.objects.select_related(
        "analysis", "analysis__district", "organisation"
    ).filter(permissions.interviews_visible_q(user, prefix="analysis__"))


def analyses_with_interviews_visible_to(user):
    """Analyses whose interviews the person may read (the interview list, a new interview)."""
    return analyses_visible_to(user).filter(permissions.interviews_visible_q(user))


def _children_visible_to(model, user):
    return model.objects.select_related("analysis", "analysis__district").filter(
        permissions.analyses_visible_q(user)
    )


def structures_visible_to(user):
    return _children_visible_to(ParticipationStructure, user)


def meetings_visible_to(user):
    return _children_visible_to(ExchangeMeeting, user)


def recommendations_visible_to(user):
    return _children_visible_to(Recommendation, user)


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
            answer_count=count_of(InterviewAnswer.objects.filter(interview=OuterRef("pk"))),
            need_count=count_of(
                InterviewTag.objects.filter(interview=OuterRef("pk"), kind=InterviewTag.Kind.NEED)
            ),
            barrier_count=count_of(
                InterviewTag.objects.filter(
                    interview=OuterRef("pk"), kind=InterviewTag.Kind.BARRIER
                )
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


def report_data(analysis: Analysis, *, recommendations: bool = True) -> dict:
    """Everything the report (HTML preview and PDF) shows, in a fixed number of queries.
    Without ``recommendations`` they are left to the caller (the HTML preview pages them)."""
    structures = list(structures_of(analysis))
    for structure in structures:
        structure.score = structure_score(structure)
    recommendations = list(recommendations_of(analysis)) if recommendations else None
    interviews = analysis.interviews.aggregate(
        consented=Count("pk", filter=Q(consent_given=True)),
        organisations=Count("organisation", distinct=True),
    )
    return {
        "analysis": analysis,
        "structures": structures,
        "criteria": openness_by_criterion(analysis),
        "needs": needs_by_category(analysis),
        "recommendations": recommendations,
        "meetings": list(meetings_of(analysis)),
        "interview_count": interviews["consented"],
        "organisations_interviewed": interviews["organisations"],
        "team": list(analysis.team.all()),
    }
