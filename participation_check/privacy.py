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
)
register(
    InterviewAnswer,
    people=[by_name("interview__interviewee", fields=("text",))],
    organisation="interview__organisation",
)
register(
    InterviewTag,
    people=[by_name("interview__interviewee", fields=("note",))],
    organisation="interview__organisation",
)
register(
    ExchangeMeeting,
    organisation="participants",
    explained={"notes": "free text, scrubbed of the person's name on erasure"},
)
register(
    Recommendation,
    people=[by_user("created_by", actor=True)],
    organisation="addressee",
)
register(
    RecommendationStatusChange,
    people=[by_user("by", actor=True)],
    organisation="recommendation__addressee",
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
