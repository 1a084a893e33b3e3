"""Personal data in the participation check (see privacy/registry.py).

Interviews hold what people told the team. After the retention period
(IKMO_RETENTION_DAYS["interview"], counted from the interview date) their contents are
removed; the appointment itself (organisation, date, that consent was documented) stays,
as do the tagged needs and barriers, which the findings and the report are built on.
"""

from datetime import timedelta

from django.db.models import Q

from privacy.registry import (
    ERASED_TEXT,
    by_name,
    by_user,
    not_personal,
    register,
    register_retention,
    visible_when,
)

from .models import (
    Analysis,
    AnalysisStatusChange,
    ExchangeMeeting,
    GuidelineQuestion,
    Interview,
    InterviewAnswer,
    InterviewTag,
    OpennessRating,
    ParticipationStructure,
    Recommendation,
    RecommendationStatusChange,
)


# What each person can reach in the portal (an organisation export shows no more).
def _in_visible_analyses(model, path="analysis"):
    """Rows of analyses the person sees: the working area for staff, published reports for
    everyone else."""

    def visible(user):
        from .selectors import analyses_for_user

        return model.objects.filter(**{f"{path}__in": analyses_for_user(user).values("pk")})

    return visible


def _staff_only(model):
    from .permissions import is_pc_staff

    return visible_when(model, is_pc_staff)


def _interviews(model, path="analysis"):
    """Interview contents: the analysis team, the project lead and admins only."""

    def visible(user):
        from .permissions import is_lead, is_pc_staff

        if is_lead(user):
            return model.objects.all()
        if is_pc_staff(user):
            return model.objects.filter(**{f"{path}__team": user})
        return model.objects.none()

    return visible


not_personal(GuidelineQuestion, "the questions of an interview guideline")
not_personal(OpennessRating, "a rating of a municipal body's openness")

register(
    Analysis,
    people=[by_user("created_by", actor=True), by_user("team", actor=True)],
)
register(
    AnalysisStatusChange,
    people=[by_user("by", actor=True)],
    explained={"note": "free text, scrubbed of the person's name on erasure"},
)
register(
    ParticipationStructure,
    organisation="mo_members",
    organisation_export=True,
    visible_to=_in_visible_analyses(ParticipationStructure),
    explained={
        "name": "the name of a municipal body, not a person's",
        "notes": "free text, scrubbed of the person's name on erasure",
    },
)
register(
    Interview,
    people=[
        by_name("interviewee", fields=("interviewee", "summary")),
        by_user("interviewer", actor=True),
        by_user("created_by", actor=True),
    ],
    organisation="organisation",
    organisation_export=True,
    visible_to=_interviews(Interview),
)
register(
    InterviewAnswer,
    people=[by_name("interview__interviewee", fields=("text",))],
    organisation="interview__organisation",
    organisation_export=True,
    visible_to=_interviews(InterviewAnswer, "interview__analysis"),
)
register(
    InterviewTag,
    people=[by_name("interview__interviewee", fields=("note",))],
    organisation="interview__organisation",
    organisation_export=True,
    visible_to=_interviews(InterviewTag, "interview__analysis"),
)
register(
    ExchangeMeeting,
    organisation="participants",
    organisation_export=True,
    visible_to=_staff_only(ExchangeMeeting),
    explained={"notes": "free text, scrubbed of the person's name on erasure"},
)
register(
    Recommendation,
    people=[by_user("created_by", actor=True)],
    organisation="addressee",
    organisation_export=True,
    visible_to=_in_visible_analyses(Recommendation),
)
register(
    RecommendationStatusChange,
    people=[by_user("by", actor=True)],
    organisation="recommendation__addressee",
    organisation_export=True,
    visible_to=_staff_only(RecommendationStatusChange),
    explained={"note": "free text, scrubbed of the person's name on erasure"},
)


def erase_expired_interviews(today, days: int) -> int:
    from privacy.audit import audited_update

    action = "participation_check.interview.retention_anonymised"
    expired = Interview.objects.filter(date__lt=today - timedelta(days=days))
    changed = audited_update(
        expired.filter(~Q(interviewee="") | ~Q(summary="")),
        actor=None,
        action=action,
        interviewee="",
        summary="",
    )
    changed += audited_update(
        InterviewAnswer.objects.filter(interview__in=expired).exclude(text=ERASED_TEXT),
        actor=None,
        action=action,
        text=ERASED_TEXT,
    )
    changed += audited_update(
        InterviewTag.objects.filter(interview__in=expired).exclude(note=""),
        actor=None,
        action=action,
        note="",
    )
    return changed


register_retention(
    "interview",
    erase_expired_interviews,
    "Interview contents (interviewee, summary, answers, notes) after the interview date",
)
