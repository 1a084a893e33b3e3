"""Workflows of the participation check: every change goes through a service and leaves a trace."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from ikmo.models import AuditEntry
from participation_check import services
from participation_check.forms import (
    AnalysisForm,
    InterviewForm,
    InterviewTagFormSet,
    OpennessForm,
    StructureForm,
)
from participation_check.models import (
    Analysis,
    Interview,
    InterviewAnswer,
    InterviewTag,
    Recommendation,
)
from participation_check.selectors import structure_score, structures_of
from tests import factories

from .conftest import make_analysis, make_interview, make_recommendation, make_structure

pytestmark = pytest.mark.django_db


def test_creating_an_analysis_puts_the_creator_on_the_team_and_seeds_the_guideline(
    pc_consultant,
):
    form = AnalysisForm(
        {
            "title": "Teilhabecheck Rollberg",
            "district": factories.district("Neukölln").pk,
            "social_space": "Rollberg",
            "period_start": "2024-01-01",
            "period_end": "2024-12-31",
        }
    )
    assert form.is_valid(), form.errors
    analysis = services.analysis_save(form=form, by=pc_consultant)
    assert list(analysis.team.all()) == [pc_consultant]
    assert analysis.questions.count() == len(services.DEFAULT_GUIDELINE)
    assert analysis.status == Analysis.Status.PLANNED
    assert AuditEntry.objects.filter(action="participation.analysis_created").exists()


def test_an_analysis_period_cannot_end_before_it_starts():
    form = AnalysisForm(
        {
            "title": "X",
            "district": factories.district("Neukölln").pk,
            "social_space": "Y",
            "period_start": "2024-05-01",
            "period_end": "2024-04-01",
        }
    )
    assert not form.is_valid()
    assert "period_end" in form.errors


def test_the_analysis_moves_through_its_stages_and_keeps_a_history(analysis, pc_consultant):
    for target in ["inventory", "interviews", "exchange", "recommendations"]:
        analysis = services.analysis_transition(
            analysis=analysis, to_status=target, by=pc_consultant, note=f"to {target}"
        )
    assert analysis.status == "recommendations"
    history = list(analysis.status_changes.order_by("at", "pk").values_list("to_status", flat=True))
    assert history == ["inventory", "interviews", "exchange", "recommendations"]
    assert AuditEntry.objects.filter(action="participation.analysis_status").count() == 4


def test_stages_cannot_be_skipped(analysis, pc_consultant):
    with pytest.raises(ValidationError):
        services.analysis_transition(analysis=analysis, to_status="published", by=pc_consultant)
    analysis.refresh_from_db()
    assert analysis.status == "planned"
    assert not analysis.status_changes.exists()


def test_publishing_needs_a_recommendation_and_sets_the_date(pc_consultant, administration):
    analysis = make_analysis(team=[pc_consultant], status="recommendations")
    with pytest.raises(ValidationError):
        services.analysis_transition(analysis=analysis, to_status="published", by=pc_consultant)
    make_recommendation(analysis, administration)
    analysis = services.analysis_transition(
        analysis=analysis, to_status="published", by=pc_consultant
    )
    assert analysis.is_published and analysis.published_at is not None
    analysis = services.analysis_transition(
        analysis=analysis, to_status="recommendations", by=pc_consultant
    )
    assert analysis.published_at is None


def test_the_openness_score_is_the_sum_of_the_rated_criteria(analysis):
    make_structure(analysis, scores=(2, 1, 0))
    structure = structures_of(analysis).get()
    assert structure_score(structure) == {"total": 3, "max": 6, "percent": 50}


def test_an_unrated_structure_has_no_percentage(analysis):
    make_structure(analysis, scores=())
    assert structure_score(structures_of(analysis).get())["percent"] is None


def _structure_forms(data):
    form = StructureForm(data, prefix="s")
    openness = OpennessForm(data, prefix="o")
    return form, openness


def test_structure_service_saves_ratings_with_evidence(analysis, pc_consultant, org):
    data = {
        "s-name": "Quartiersrat",
        "s-type": "neighbourhood_management",
        "s-responsible_body": "QM-Team",
        "s-mo_members": [org.pk],
        "o-score_mo_seats": "2",
        "o-evidence_mo_seats": "Geschäftsordnung: zwei Sitze für MO",
        "o-score_accessibility": "0",
        "o-evidence_accessibility": "Sitzungsraum im 3. OG ohne Aufzug",
    }
    form, openness = _structure_forms(data)
    assert form.is_valid(), form.errors
    assert openness.is_valid(), openness.errors
    structure = services.structure_save(
        form=form, openness_form=openness, analysis=analysis, by=pc_consultant
    )
    assert structure.has_mo_members  # naming member organisations implies it
    assert dict(structure.ratings.values_list("criterion", "score")) == {
        "mo_seats": 2,
        "accessibility": 0,
    }
    # Clearing a criterion removes its rating.
    data.pop("o-score_accessibility")
    data.pop("o-evidence_accessibility")
    form = StructureForm(data, prefix="s", instance=structure)
    openness = OpennessForm(data, prefix="o", structure=structure)
    assert form.is_valid() and openness.is_valid()
    services.structure_save(form=form, openness_form=openness, analysis=analysis, by=pc_consultant)
    assert list(structure.ratings.values_list("criterion", flat=True)) == ["mo_seats"]


def test_a_rating_needs_its_evidence_and_evidence_needs_a_score():
    openness = OpennessForm(
        {"o-score_mo_seats": "1", "o-evidence_meeting_times": "abends"}, prefix="o"
    )
    assert not openness.is_valid()
    assert "evidence_mo_seats" in openness.errors
    assert "score_meeting_times" in openness.errors


# Interviews and consent ----------------------------------------------------------------------


def _interview_forms(analysis, data, instance=None):
    form = InterviewForm(
        data,
        instance=instance,
        analysis=analysis,
        questions=analysis.questions.all(),
        prefix="i",
    )
    tags = InterviewTagFormSet(data, instance=instance, prefix="t")
    return form, tags


def _tag_management(total=1):
    return {
        "t-TOTAL_FORMS": str(total),
        "t-INITIAL_FORMS": "0",
        "t-MIN_NUM_FORMS": "0",
        "t-MAX_NUM_FORMS": "1000",
    }


def test_an_interview_with_consent_saves_answers_and_tags(analysis, pc_consultant, org):
    question = analysis.questions.first()
    data = {
        "i-organisation": org.pk,
        "i-date": "2024-03-05",
        "i-consent_given": "on",
        "i-consent_form": "oral",
        "i-consent_date": "2024-03-05",
        "i-interviewee": "Kassenwartin",
        f"i-answer_{question.pk}": "Den Beirat kennen wir nicht.",
        **_tag_management(),
        "t-0-kind": "barrier",
        "t-0-category": "information",
    }
    form, tags = _interview_forms(analysis, data)
    assert form.is_valid(), form.errors
    assert tags.is_valid(), tags.errors
    interview = services.interview_save(
        form=form, answers=form.answers(), tags_formset=tags, analysis=analysis, by=pc_consultant
    )
    assert interview.answers.get().text == "Den Beirat kennen wir nicht."
    assert interview.tags.get().category == "information"
    entry = AuditEntry.objects.get(action="participation.interview_created")
    assert "Beirat" not in str(entry.changes)  # the trail never copies contents


def test_without_consent_the_form_refuses_contents(analysis, org):
    question = analysis.questions.first()
    data = {
        "i-organisation": org.pk,
        "i-date": "2024-03-05",
        f"i-answer_{question.pk}": "Etwas Persönliches",
        "i-summary": "Notizen",
        **_tag_management(0),
    }
    form, _tags = _interview_forms(analysis, data)
    assert not form.is_valid()
    assert f"answer_{question.pk}" in form.errors
    assert "summary" in form.errors
    assert not Interview.objects.exists()


def test_without_consent_the_service_refuses_tags(analysis, pc_consultant, org):
    data = {
        "i-organisation": org.pk,
        "i-date": "2024-03-05",
        **_tag_management(),
        "t-0-kind": "need",
        "t-0-category": "language",
    }
    form, tags = _interview_forms(analysis, data)
    assert form.is_valid() and tags.is_valid()
    with pytest.raises(ValidationError):
        services.interview_save(
            form=form,
            answers=form.answers(),
            tags_formset=tags,
            analysis=analysis,
            by=pc_consultant,
        )
    assert not Interview.objects.exists()
    assert not InterviewTag.objects.exists()


def test_without_consent_only_the_appointment_is_saved(analysis, pc_consultant, org):
    data = {"i-organisation": org.pk, "i-date": "2024-03-05", **_tag_management(0)}
    form, tags = _interview_forms(analysis, data)
    assert form.is_valid() and tags.is_valid()
    interview = services.interview_save(
        form=form, answers=form.answers(), tags_formset=tags, analysis=analysis, by=pc_consultant
    )
    assert not interview.consent_given and interview.summary == ""


def test_consent_needs_its_form_and_date(analysis, org):
    data = {"i-organisation": org.pk, "i-date": "2024-03-05", "i-consent_given": "on"}
    form, _tags = _interview_forms(analysis, data)
    assert not form.is_valid()
    assert {"consent_form", "consent_date"} <= set(form.errors)


def test_the_database_refuses_contents_without_consent(analysis, org):
    with pytest.raises(IntegrityError), transaction.atomic():
        Interview.objects.create(
            analysis=analysis,
            organisation=org,
            date=datetime.date(2024, 1, 1),
            consent_given=False,
            summary="Etwas",
        )


def test_withdrawn_consent_deletes_all_contents(analysis, pc_consultant, org):
    interview = make_interview(analysis, org)
    services.interview_withdraw_consent(interview=interview, by=pc_consultant)
    interview.refresh_from_db()
    assert not interview.consent_given
    assert interview.summary == "" and interview.interviewee == ""
    assert not InterviewAnswer.objects.filter(interview=interview).exists()
    assert not InterviewTag.objects.filter(interview=interview).exists()


# Recommendations -----------------------------------------------------------------------------


def test_recommendation_follow_up_runs_through_its_statuses_with_dates(
    analysis, pc_consultant, administration
):
    rec = make_recommendation(analysis, administration)
    day = datetime.date(2024, 9, 1)
    for target in ["accepted", "in_progress", "implemented"]:
        rec = services.recommendation_transition(
            recommendation=rec, to_status=target, on=day, by=pc_consultant
        )
        day += datetime.timedelta(days=30)
    assert rec.status == Recommendation.Status.IMPLEMENTED
    assert rec.status_date == datetime.date(2024, 10, 31)
    history = list(
        rec.status_changes.order_by("date").values_list("from_status", "to_status", "date")
    )
    assert history == [
        ("open", "accepted", datetime.date(2024, 9, 1)),
        ("accepted", "in_progress", datetime.date(2024, 10, 1)),
        ("in_progress", "implemented", datetime.date(2024, 10, 31)),
    ]


def test_a_recommendation_can_be_rejected_but_not_implemented_while_open(
    analysis, pc_consultant, administration
):
    rec = make_recommendation(analysis, administration)
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        services.recommendation_transition(
            recommendation=rec, to_status="implemented", on=today, by=pc_consultant
        )
    rec = services.recommendation_transition(
        recommendation=rec, to_status="rejected", on=today, by=pc_consultant
    )
    assert rec.status == "rejected"


def test_status_dates_cannot_lie_in_the_future(analysis, pc_consultant, administration):
    rec = make_recommendation(analysis, administration)
    with pytest.raises(ValidationError):
        services.recommendation_transition(
            recommendation=rec,
            to_status="accepted",
            on=timezone.localdate() + datetime.timedelta(days=1),
            by=pc_consultant,
        )


def test_publishing_tells_the_addressed_organisations_once(
    pc_consultant, administration, org, django_capture_on_commit_callbacks, mailoutbox
):
    office_admin = factories.member_of(
        administration, role="admin", email="buero@bezirksamt.example", preferred_language="de"
    )
    factories.member_of(administration, email="kollegin@bezirksamt.example")  # not an admin
    analysis = make_analysis(team=[pc_consultant], status="recommendations")
    make_recommendation(analysis, administration, text="Abends tagen.")
    with django_capture_on_commit_callbacks(execute=True):
        services.analysis_transition(analysis=analysis, to_status="published", by=pc_consultant)
    assert [m.to for m in mailoutbox] == [[office_admin.email]]
    assert mailoutbox[0].subject.startswith("Empfehlungen für Ihre Organisation")  # in German
    assert "Abends tagen." in mailoutbox[0].body
    assert f"/participation-check/reports/{analysis.pk}/" in mailoutbox[0].body
    # Withdrawn for a correction and published again: no second e-mail.
    with django_capture_on_commit_callbacks(execute=True):
        services.analysis_transition(
            analysis=analysis, to_status="recommendations", by=pc_consultant
        )
        services.analysis_transition(analysis=analysis, to_status="published", by=pc_consultant)
    assert len(mailoutbox) == 1
