"""Every change in the participation check goes through these functions."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ikmo.audit import audit_log, form_changes
from ikmo.documents import document_request
from ikmo.mail import email_queue
from ikmo.models import GeneratedDocument
from organisations.models import Membership, User

from .models import (
    Analysis,
    AnalysisStatusChange,
    GuidelineQuestion,
    Interview,
    InterviewAnswer,
    OpennessRating,
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

# Analysis workflow: each status lists where it may go. Steps forward in order, one step back
# to correct a mistake; a published report can be withdrawn into the recommendations stage.
S = Analysis.Status
ANALYSIS_TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.PLANNED: (S.INVENTORY,),
    S.INVENTORY: (S.INTERVIEWS, S.PLANNED),
    S.INTERVIEWS: (S.EXCHANGE, S.INVENTORY),
    S.EXCHANGE: (S.RECOMMENDATIONS, S.INTERVIEWS),
    S.RECOMMENDATIONS: (S.PUBLISHED, S.EXCHANGE),
    S.PUBLISHED: (S.RECOMMENDATIONS,),
}

R = Recommendation.Status
RECOMMENDATION_TRANSITIONS: dict[str, tuple[str, ...]] = {
    R.OPEN: (R.ACCEPTED, R.REJECTED),
    R.ACCEPTED: (R.IN_PROGRESS, R.IMPLEMENTED, R.REJECTED),
    R.IN_PROGRESS: (R.IMPLEMENTED, R.REJECTED),
    R.IMPLEMENTED: (R.IN_PROGRESS,),
    R.REJECTED: (R.OPEN,),
}


# Analyses ------------------------------------------------------------------------------------


@transaction.atomic
def analysis_save(*, form, by: User) -> Analysis:
    """Create or update an analysis. A new one starts with the default guideline, and whoever
    creates it belongs to its team."""
    creating = form.instance.pk is None
    changes = {} if creating else form_changes(form)
    analysis = form.save(commit=False)
    if creating:
        analysis.created_by = by
    analysis.save()
    form.save_m2m()
    if creating:
        analysis.team.add(by)
        GuidelineQuestion.objects.bulk_create(
            GuidelineQuestion(analysis=analysis, position=(i + 1) * 10, text=str(text))
            for i, text in enumerate(DEFAULT_GUIDELINE)
        )
    audit_log(
        actor=by,
        action="participation.analysis_created" if creating else "participation.analysis_updated",
        target=analysis,
        changes=changes,
    )
    return analysis


def allowed_analysis_transitions(analysis: Analysis) -> tuple[str, ...]:
    return ANALYSIS_TRANSITIONS.get(analysis.status, ())


@transaction.atomic
def analysis_transition(
    *, analysis: Analysis, to_status: str, by: User, note: str = ""
) -> Analysis:
    analysis = Analysis.objects.select_for_update().get(pk=analysis.pk)
    if to_status not in allowed_analysis_transitions(analysis):
        raise ValidationError(
            _("An analysis in status “%(status)s” cannot move to “%(target)s”.")
            % {"status": analysis.get_status_display(), "target": Analysis.Status(to_status).label}
        )
    if to_status == Analysis.Status.PUBLISHED and not analysis.recommendations.exists():
        raise ValidationError(_("Write at least one recommendation before publishing the report."))
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
        action="participation.analysis_status",
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


@transaction.atomic
def guideline_save(*, analysis: Analysis, formset, by: User) -> None:
    for question in formset.save(commit=False):
        question.analysis = analysis
        question.save()
    for question in formset.deleted_objects:
        question.delete()
    audit_log(actor=by, action="participation.guideline_updated", target=analysis)


# Inventory -----------------------------------------------------------------------------------


@transaction.atomic
def structure_save(*, form, openness_form, analysis: Analysis, by: User):
    """Save a participation structure with its openness ratings (one per rated criterion)."""
    creating = form.instance.pk is None
    changes = {} if creating else form_changes(form)
    structure = form.save(commit=False)
    structure.analysis = analysis
    structure.save()
    form.save_m2m()
    ratings = openness_form.ratings()
    structure.ratings.exclude(criterion__in=ratings.keys()).delete()
    for criterion, (score, evidence) in ratings.items():
        OpennessRating.objects.update_or_create(
            structure=structure,
            criterion=criterion,
            defaults={"score": score, "evidence": evidence},
        )
    if openness_form.has_changed():
        changes["ratings"] = {c: s for c, (s, _e) in ratings.items()}
    audit_log(
        actor=by,
        action="participation.structure_created" if creating else "participation.structure_updated",
        target=structure,
        changes=changes,
    )
    return structure


@transaction.atomic
def structure_delete(*, structure, by: User) -> None:
    audit_log(actor=by, action="participation.structure_deleted", target=structure)
    structure.delete()


# Interviews ----------------------------------------------------------------------------------


def _interview_has_contents(interview: Interview, answers: dict, tags_formset) -> bool:
    if interview.summary.strip() or interview.interviewee.strip():
        return True
    if any(text.strip() for text in answers.values()):
        return True
    if tags_formset is not None:
        for form in tags_formset.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if data and not data.get("DELETE") and (data.get("kind") or data.get("category")):
                return True
    return False


@transaction.atomic
def interview_save(*, form, answers: dict, tags_formset, analysis: Analysis, by: User) -> Interview:
    """Create or update an interview with its answers ({question: text}) and tags.

    Interview contents are personal data: without the interviewee's recorded consent only the
    appointment itself is stored, and any content is refused.
    """
    creating = form.instance.pk is None
    interview = form.save(commit=False)
    interview.analysis = analysis
    if not interview.consent_given:
        if _interview_has_contents(interview, answers, tags_formset):
            raise ValidationError(
                _(
                    "Without the interviewee's consent no interview contents may be saved. "
                    "Record the consent, or leave the answers, notes and tags empty."
                )
            )
        interview.consent_form = ""
        interview.consent_date = None
    if creating:
        interview.created_by = by
    interview.save()
    for question, text in answers.items():
        if question.analysis_id != analysis.pk:
            raise ValidationError(_("That question belongs to another analysis."))
        if text.strip():
            InterviewAnswer.objects.update_or_create(
                interview=interview, question=question, defaults={"text": text.strip()}
            )
        else:
            InterviewAnswer.objects.filter(interview=interview, question=question).delete()
    if tags_formset is not None:
        tags_formset.instance = interview
        tags_formset.save()
    # The audit trail names the fields, never their (personal) contents.
    audit_log(
        actor=by,
        action="participation.interview_created" if creating else "participation.interview_updated",
        target=interview,
        organisation=interview.organisation,
        changes={"fields": sorted(form.changed_data)},
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
        action="participation.interview_consent_withdrawn",
        target=interview,
        organisation=interview.organisation,
    )
    return interview


@transaction.atomic
def interview_delete(*, interview: Interview, by: User) -> None:
    audit_log(
        actor=by,
        action="participation.interview_deleted",
        target=interview,
        organisation=interview.organisation,
    )
    interview.delete()


# Exchange meetings ---------------------------------------------------------------------------


@transaction.atomic
def meeting_save(*, form, analysis: Analysis, by: User):
    creating = form.instance.pk is None
    changes = {} if creating else form_changes(form)
    meeting = form.save(commit=False)
    meeting.analysis = analysis
    meeting.save()
    form.save_m2m()
    audit_log(
        actor=by,
        action="participation.meeting_created" if creating else "participation.meeting_updated",
        target=meeting,
        changes=changes,
    )
    return meeting


# Recommendations -----------------------------------------------------------------------------


@transaction.atomic
def recommendation_save(*, form, analysis: Analysis, by: User) -> Recommendation:
    creating = form.instance.pk is None
    changes = {} if creating else form_changes(form)
    recommendation = form.save(commit=False)
    recommendation.analysis = analysis
    if creating:
        recommendation.created_by = by
        recommendation.status_date = timezone.localdate()
    recommendation.save()
    audit_log(
        actor=by,
        action="participation.recommendation_created"
        if creating
        else "participation.recommendation_updated",
        target=recommendation,
        organisation=recommendation.addressee,
        changes=changes,
    )
    return recommendation


def allowed_recommendation_transitions(recommendation: Recommendation) -> tuple[str, ...]:
    return RECOMMENDATION_TRANSITIONS.get(recommendation.status, ())


@transaction.atomic
def recommendation_transition(
    *, recommendation: Recommendation, to_status: str, on: date, by: User, note: str = ""
) -> Recommendation:
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    if to_status not in allowed_recommendation_transitions(recommendation):
        raise ValidationError(
            _("A recommendation in status “%(status)s” cannot move to “%(target)s”.")
            % {
                "status": recommendation.get_status_display(),
                "target": Recommendation.Status(to_status).label,
            }
        )
    if on > timezone.localdate():
        raise ValidationError(_("The date of a status change cannot lie in the future."))
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
        action="participation.recommendation_status",
        target=recommendation,
        organisation=recommendation.addressee,
        changes={"status": [from_status, to_status], "date": on.isoformat()},
    )
    return recommendation


@transaction.atomic
def recommendation_record_response(*, form, by: User) -> Recommendation:
    changes = form_changes(form)
    recommendation = form.save()
    audit_log(
        actor=by,
        action="participation.recommendation_response",
        target=recommendation,
        organisation=recommendation.addressee,
        changes=changes,
    )
    return recommendation


# Report --------------------------------------------------------------------------------------


def report_pdf_request(*, analysis: Analysis, by: User) -> GeneratedDocument:
    """Queue the report PDF; the Celery worker renders it through ikmo.documents."""
    return document_request(kind=REPORT_KIND, target=analysis, by=by)
