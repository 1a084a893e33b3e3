"""Every change in the participation check goes through these functions."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ikmo.audit import audit_log, diff, save_with_changes, snapshot
from ikmo.documents import document_request
from ikmo.mail import email_queue
from ikmo.models import GeneratedDocument
from organisations.models import District, Membership, Organisation, User

from .models import (
    ANALYSIS_FLOW,
    RECOMMENDATION_FLOW,
    Analysis,
    AnalysisStatusChange,
    ExchangeMeeting,
    GuidelineQuestion,
    Interview,
    InterviewAnswer,
    InterviewTag,
    OpennessCriterion,
    OpennessRating,
    ParticipationStructure,
    Recommendation,
    RecommendationStatusChange,
)

REPORT_KIND = "participation_report"

# The default interview guideline a new analysis starts with; the team adapts it.
DEFAULT_GUIDELINE = [
    gettext_lazy("Which local bodies, councils or networks does your organisation know?"),
    gettext_lazy("Where does your organisation already take part, and how did that come about?"),
    gettext_lazy("What makes it hard for you or your members to take part?"),
    gettext_lazy("What would your organisation need in order to take part (more)?"),
    gettext_lazy("Which topics would you like to bring into the neighbourhood's bodies?"),
    gettext_lazy("Whom in the administration or at providers do you work with already?"),
]

# Analyses ------------------------------------------------------------------------------------


def _check_period(period_start: date, period_end: date) -> None:
    if period_start and period_end and period_end < period_start:
        raise ValidationError(
            {
                "period_end": ValidationError(
                    _("The period cannot end before it starts."), code="period_order"
                )
            }
        )


@transaction.atomic
def analysis_create(
    *,
    by: User,
    title: str,
    district: District,
    social_space: str,
    period_start: date,
    period_end: date,
    team: Iterable[User] = (),
    summary: str = "",
) -> Analysis:
    """A new analysis starts with the default guideline, and whoever creates it belongs to its
    team."""
    _check_period(period_start, period_end)
    analysis = Analysis(created_by=by)
    save_with_changes(
        analysis,
        {
            "title": title,
            "district": district,
            "social_space": social_space,
            "period_start": period_start,
            "period_end": period_end,
            "team": list(team),
            "summary": summary,
        },
    )
    analysis.team.add(by)
    GuidelineQuestion.objects.bulk_create(
        GuidelineQuestion(analysis=analysis, position=(i + 1) * 10, text=str(text))
        for i, text in enumerate(DEFAULT_GUIDELINE)
    )
    audit_log(actor=by, action="participation_check.analysis.created", target=analysis)
    return analysis


@transaction.atomic
def analysis_update(
    *,
    analysis: Analysis,
    by: User,
    title: str,
    district: District,
    social_space: str,
    period_start: date,
    period_end: date,
    team: Iterable[User] = (),
    summary: str = "",
) -> Analysis:
    _check_period(period_start, period_end)
    # Fresh from the database: a bound ModelForm may have written its values onto the instance.
    analysis = Analysis.objects.select_for_update().get(pk=analysis.pk)
    changes = save_with_changes(
        analysis,
        {
            "title": title,
            "district": district,
            "social_space": social_space,
            "period_start": period_start,
            "period_end": period_end,
            "team": list(team),
            "summary": summary,
        },
    )
    audit_log(
        actor=by, action="participation_check.analysis.updated", target=analysis, changes=changes
    )
    return analysis


def allowed_analysis_transitions(analysis: Analysis) -> list[str]:
    return ANALYSIS_FLOW.targets(analysis.status)


@transaction.atomic
def analysis_transition(
    *, analysis: Analysis, to_status: str, by: User, note: str = ""
) -> Analysis:
    analysis = Analysis.objects.select_for_update().get(pk=analysis.pk)
    if not ANALYSIS_FLOW.allows(analysis.status, to_status):
        raise ValidationError(
            _("An analysis in status “%(status)s” cannot move to “%(target)s”.")
            % {"status": analysis.get_status_display(), "target": ANALYSIS_FLOW.label(to_status)},
            code="transition",
        )
    if to_status == Analysis.Status.PUBLISHED and not analysis.recommendations.exists():
        raise ValidationError(
            _("Write at least one recommendation before publishing the report."),
            code="no_recommendation",
        )
    from_status = analysis.status
    analysis.status = to_status
    if to_status == Analysis.Status.PUBLISHED:
        analysis.published_at = timezone.now()
    elif from_status == Analysis.Status.PUBLISHED:
        analysis.published_at = None
    analysis.save(update_fields=["status", "published_at", "updated_at"])
    AnalysisStatusChange.objects.create(
        analysis=analysis, from_status=from_status, to_status=to_status, note=note[:500], by=by
    )
    audit_log(
        actor=by,
        action="participation_check.analysis.status_changed",
        target=analysis,
        changes={"status": [from_status, to_status]},
    )
    publications = analysis.status_changes.filter(to_status=Analysis.Status.PUBLISHED)
    if to_status == Analysis.Status.PUBLISHED and publications.count() == 1:
        _notify_addressees(analysis)
    return analysis


def _notify_addressees(analysis: Analysis) -> None:
    """On first publication, the admins of every addressed organisation hear of the
    recommendations made to them (published again after a correction: no second mail)."""
    base = getattr(settings, "IKMO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
    report_url = base + reverse("participation_check:report", args=[analysis.pk])
    by_addressee: dict[int, list] = {}
    for recommendation in analysis.recommendations.select_related("addressee"):
        by_addressee.setdefault(recommendation.addressee_id, []).append(recommendation)
    admins = Membership.objects.filter(
        organisation_id__in=by_addressee,
        role=Membership.Role.ADMIN,
        status=Membership.Status.ACTIVE,
        user__is_active=True,
    ).select_related("user", "organisation")
    for membership in admins:
        email_queue(
            to=membership.user.email,
            template="participation_check/email/report_published",
            context={
                "analysis": analysis,
                "organisation": membership.organisation,
                "recommendations": by_addressee[membership.organisation_id],
                "report_url": report_url,
                "recipient": membership.user,
            },
            language=membership.user.preferred_language,
        )


@dataclass(frozen=True)
class GuidelineItem:
    """One row of the guideline editor: an existing question (or None for a new one)."""

    question: GuidelineQuestion | None
    position: int
    text: str
    help_text: str = ""
    delete: bool = False


@transaction.atomic
def guideline_save(*, analysis: Analysis, items: Iterable[GuidelineItem], by: User) -> None:
    for item in items:
        question = item.question
        if question is not None and question.analysis_id != analysis.pk:
            raise ValidationError(
                _("That question belongs to another analysis."), code="foreign_question"
            )
        if item.delete:
            if question is not None:
                question.delete()
            continue
        question = question or GuidelineQuestion(analysis=analysis)
        question.position = item.position
        question.text = item.text
        question.help_text = item.help_text
        question.save()
    audit_log(actor=by, action="participation_check.guideline.updated", target=analysis)


# Inventory -----------------------------------------------------------------------------------


def _check_ratings(ratings: Mapping[str, tuple[int, str]]) -> dict[str, tuple[int, str]]:
    """{criterion: (score, evidence)}; a rating rests on its evidence."""
    cleaned, errors = {}, {}
    for criterion, (score, evidence) in ratings.items():
        if criterion not in OpennessCriterion.values or score not in OpennessRating.Score.values:
            raise ValueError(f"Not a rating: {criterion}={score}")
        evidence = (evidence or "").strip()
        if not evidence:
            errors[f"evidence_{criterion}"] = ValidationError(
                _("Please note the evidence this rating rests on."), code="evidence_required"
            )
        cleaned[criterion] = (score, evidence)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _structure_values(fields: dict) -> dict:
    # Naming member organisations says they are members; keep both facts consistent.
    fields["mo_members"] = list(fields.get("mo_members") or ())
    fields["languages"] = list(fields.get("languages") or ())
    if fields["mo_members"]:
        fields["has_mo_members"] = True
    return fields


@transaction.atomic
def structure_save(
    *,
    analysis: Analysis,
    by: User,
    structure: ParticipationStructure | None = None,
    name: str,
    type: str,
    responsible_body: str = "",
    how_to_join: str = "",
    meeting_frequency: str = "",
    languages: Iterable = (),
    has_mo_members: bool = False,
    mo_members: Iterable[Organisation] = (),
    notes: str = "",
    ratings: Mapping[str, tuple[int, str]] | None = None,
) -> ParticipationStructure:
    """Create (``structure=None``) or update a participation structure with its openness
    ratings, one per rated criterion ({criterion: (score, evidence)}); unrated criteria are
    removed. ``ratings=None`` leaves the ratings as they are."""
    creating = structure is None
    if creating:
        structure = ParticipationStructure(analysis=analysis)
    else:
        structure = ParticipationStructure.objects.select_for_update().get(pk=structure.pk)
        if structure.analysis_id != analysis.pk:
            raise ValueError("The structure belongs to another analysis.")
    new_ratings = _check_ratings(ratings) if ratings is not None else None
    changes = save_with_changes(
        structure,
        _structure_values(
            {
                "name": name,
                "type": type,
                "responsible_body": responsible_body,
                "how_to_join": how_to_join,
                "meeting_frequency": meeting_frequency,
                "languages": languages,
                "has_mo_members": has_mo_members,
                "mo_members": mo_members,
                "notes": notes,
            }
        ),
    )
    if new_ratings is not None:
        old_ratings = {r.criterion: (r.score, r.evidence) for r in structure.ratings.all()}
        structure.ratings.exclude(criterion__in=new_ratings.keys()).delete()
        for criterion, (score, evidence) in new_ratings.items():
            OpennessRating.objects.update_or_create(
                structure=structure,
                criterion=criterion,
                defaults={"score": score, "evidence": evidence},
            )
        if new_ratings != old_ratings:
            changes["ratings"] = {c: s for c, (s, _e) in new_ratings.items()}
    audit_log(
        actor=by,
        action="participation_check.structure.created"
        if creating
        else "participation_check.structure.updated",
        target=structure,
        changes=changes,
    )
    return structure


@transaction.atomic
def structure_delete(*, structure, by: User) -> None:
    audit_log(actor=by, action="participation_check.structure.deleted", target=structure)
    structure.delete()


# Interviews ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TagData:
    kind: str
    category: str
    note: str = ""


INTERVIEW_FIELDS = [
    "organisation",
    "date",
    "interviewer",
    "consent_given",
    "consent_form",
    "consent_date",
    "interviewee",
    "summary",
]


def _check_consent(
    *, consent_given, consent_form, consent_date, interviewee, summary, answers, tags
) -> None:
    """Interview contents are personal data: they need the interviewee's recorded consent."""
    if consent_given:
        errors = {}
        if not consent_form:
            errors["consent_form"] = ValidationError(
                _("Record how consent was given."), code="consent_form_required"
            )
        if not consent_date:
            errors["consent_date"] = ValidationError(
                _("Record when consent was given."), code="consent_date_required"
            )
        elif consent_date > timezone.localdate():
            errors["consent_date"] = ValidationError(
                _("This date lies in the future."), code="future"
            )
        if errors:
            raise ValidationError(errors)
        return
    has_contents = (
        (summary or "").strip()
        or (interviewee or "").strip()
        or any((text or "").strip() for text in answers.values())
        or any(tag.kind or tag.category for tag in (tags or ()))
    )
    if has_contents:
        raise ValidationError(
            _(
                "Without the interviewee's consent no interview contents may be saved. "
                "Record the consent, or leave the answers, notes and tags empty."
            ),
            code="no_consent",
        )


@transaction.atomic
def interview_save(
    *,
    analysis: Analysis,
    by: User,
    interview: Interview | None = None,
    organisation: Organisation,
    date: date,
    interviewer: User | None = None,
    consent_given: bool = False,
    consent_form: str = "",
    consent_date: date | None = None,
    interviewee: str = "",
    summary: str = "",
    answers: Mapping[GuidelineQuestion, str] | None = None,
    tags: Iterable[TagData] | None = None,
) -> Interview:
    """Create (``interview=None``) or update an interview with its answers ({question: text})
    and its tags (the full list; ``None`` leaves them as they are).

    Interview contents are personal data: without the interviewee's recorded consent only the
    appointment itself is stored, and any content is refused.
    """
    answers = dict(answers or {})
    tags = list(tags) if tags is not None else None
    _check_consent(
        consent_given=consent_given,
        consent_form=consent_form,
        consent_date=consent_date,
        interviewee=interviewee,
        summary=summary,
        answers=answers,
        tags=tags,
    )
    for question in answers:
        if question.analysis_id != analysis.pk:
            raise ValidationError(
                _("That question belongs to another analysis."), code="foreign_question"
            )
    creating = interview is None
    if creating:
        interview = Interview(analysis=analysis, created_by=by)
    else:
        interview = Interview.objects.select_for_update().get(pk=interview.pk)
        if interview.analysis_id != analysis.pk:
            raise ValueError("The interview belongs to another analysis.")
    values = {
        "organisation": organisation,
        "date": date,
        "interviewer": interviewer,
        "consent_given": bool(consent_given),
        "consent_form": consent_form if consent_given else "",
        "consent_date": consent_date if consent_given else None,
        "interviewee": interviewee,
        "summary": summary,
    }
    before = {} if creating else snapshot(interview, INTERVIEW_FIELDS)
    save_with_changes(interview, values)
    changed = set(diff(before, snapshot(interview, INTERVIEW_FIELDS)))
    if creating:
        changed = {name for name, value in values.items() if value not in ("", None, False)}
    existing = {a.question_id: a.text for a in interview.answers.all()}
    for question, text in answers.items():
        text = (text or "").strip()
        if text:
            InterviewAnswer.objects.update_or_create(
                interview=interview, question=question, defaults={"text": text}
            )
        else:
            InterviewAnswer.objects.filter(interview=interview, question=question).delete()
        if text != existing.get(question.pk, ""):
            changed.add(f"answer_{question.pk}")
    if tags is not None:
        old_tags = sorted(interview.tags.values_list("kind", "category", "note"))
        new_tags = sorted((t.kind, t.category, t.note) for t in tags)
        if old_tags != new_tags:
            interview.tags.all().delete()
            InterviewTag.objects.bulk_create(
                InterviewTag(interview=interview, kind=t.kind, category=t.category, note=t.note)
                for t in tags
            )
            changed.add("tags")
    # The audit trail names the fields, never their (personal) contents.
    audit_log(
        actor=by,
        action="participation_check.interview.created"
        if creating
        else "participation_check.interview.updated",
        target=interview,
        organisation=interview.organisation,
        changes={"fields": sorted(changed)},
    )
    return interview


@transaction.atomic
def interview_withdraw_consent(*, interview: Interview, by: User) -> Interview:
    """The interviewee withdrew consent: delete every content, keep only that it took place."""
    interview.answers.all().delete()
    interview.tags.all().delete()
    interview.summary = ""
    interview.interviewee = ""
    interview.consent_given = False
    interview.consent_form = ""
    interview.consent_date = None
    interview.save()
    audit_log(
        actor=by,
        action="participation_check.interview.consent_withdrawn",
        target=interview,
        organisation=interview.organisation,
    )
    return interview


@transaction.atomic
def interview_delete(*, interview: Interview, by: User) -> None:
    audit_log(
        actor=by,
        action="participation_check.interview.deleted",
        target=interview,
        organisation=interview.organisation,
    )
    interview.delete()


def interview_viewed(*, interview: Interview, by: User) -> None:
    """Reading interview contents is logged: they are personal data."""
    audit_log(
        actor=by,
        action="participation_check.interview.viewed",
        target=interview,
        organisation=interview.organisation,
    )


# Exchange meetings ---------------------------------------------------------------------------


@transaction.atomic
def meeting_save(
    *,
    analysis: Analysis,
    by: User,
    meeting: ExchangeMeeting | None = None,
    title: str,
    date: date,
    location: str = "",
    participants: Iterable[Organisation] = (),
    notes: str = "",
) -> ExchangeMeeting:
    """Create (``meeting=None``) or update an exchange meeting."""
    creating = meeting is None
    if creating:
        meeting = ExchangeMeeting(analysis=analysis)
    else:
        meeting = ExchangeMeeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.analysis_id != analysis.pk:
            raise ValueError("The meeting belongs to another analysis.")
    changes = save_with_changes(
        meeting,
        {
            "title": title,
            "date": date,
            "location": location,
            "participants": list(participants),
            "notes": notes,
        },
    )
    audit_log(
        actor=by,
        action="participation_check.meeting.created"
        if creating
        else "participation_check.meeting.updated",
        target=meeting,
        changes=changes,
    )
    return meeting


# Recommendations -----------------------------------------------------------------------------


@transaction.atomic
def recommendation_save(
    *,
    analysis: Analysis,
    by: User,
    recommendation: Recommendation | None = None,
    finding: str = "",
    text: str,
    addressee: Organisation,
    priority: int,
    follow_up_on: date | None = None,
) -> Recommendation:
    """Create (``recommendation=None``) or update a recommendation."""
    creating = recommendation is None
    if creating:
        recommendation = Recommendation(
            analysis=analysis, created_by=by, status_date=timezone.localdate()
        )
    else:
        recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
        if recommendation.analysis_id != analysis.pk:
            raise ValueError("The recommendation belongs to another analysis.")
    changes = save_with_changes(
        recommendation,
        {
            "finding": finding,
            "text": text,
            "addressee": addressee,
            "priority": priority,
            "follow_up_on": follow_up_on,
        },
    )
    audit_log(
        actor=by,
        action="participation_check.recommendation.created"
        if creating
        else "participation_check.recommendation.updated",
        target=recommendation,
        organisation=recommendation.addressee,
        changes=changes,
    )
    return recommendation


def allowed_recommendation_transitions(recommendation: Recommendation) -> list[str]:
    return RECOMMENDATION_FLOW.targets(recommendation.status)


@transaction.atomic
def recommendation_transition(
    *, recommendation: Recommendation, to_status: str, on: date, by: User, note: str = ""
) -> Recommendation:
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    if not RECOMMENDATION_FLOW.allows(recommendation.status, to_status):
        raise ValidationError(
            _("A recommendation in status “%(status)s” cannot move to “%(target)s”.")
            % {
                "status": recommendation.get_status_display(),
                "target": RECOMMENDATION_FLOW.label(to_status),
            },
            code="transition",
        )
    if on > timezone.localdate():
        raise ValidationError(
            _("The date of a status change cannot lie in the future."), code="future"
        )
    from_status = recommendation.status
    recommendation.status = to_status
    recommendation.status_date = on
    recommendation.save(update_fields=["status", "status_date", "updated_at"])
    RecommendationStatusChange.objects.create(
        recommendation=recommendation,
        from_status=from_status,
        to_status=to_status,
        date=on,
        note=note[:500],
        by=by,
    )
    audit_log(
        actor=by,
        action="participation_check.recommendation.status_changed",
        target=recommendation,
        organisation=recommendation.addressee,
        changes={"status": [from_status, to_status], "date": on.isoformat()},
    )
    return recommendation


@transaction.atomic
def recommendation_record_response(
    *,
    recommendation: Recommendation,
    by: User,
    response: str = "",
    response_date: date | None = None,
    follow_up_on: date | None = None,
) -> Recommendation:
    """The addressee's answer to a recommendation, and when to follow it up."""
    if (response or "").strip() and not response_date:
        raise ValidationError(
            {
                "response_date": ValidationError(
                    _("When did the response arrive?"), code="response_date_required"
                )
            }
        )
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    changes = save_with_changes(
        recommendation,
        {"response": response, "response_date": response_date, "follow_up_on": follow_up_on},
    )
    audit_log(
        actor=by,
        action="participation_check.recommendation.response_recorded",
        target=recommendation,
        organisation=recommendation.addressee,
        changes=changes,
    )
    return recommendation


# Report --------------------------------------------------------------------------------------


def report_pdf_request(*, analysis: Analysis, by: User) -> GeneratedDocument:
    """Queue the report PDF; the Celery worker renders it through ikmo.documents."""
    return document_request(kind=REPORT_KIND, target=analysis, by=by)
