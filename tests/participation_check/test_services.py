"""Workflows of the participation check: every change goes through a service and leaves a trace."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from ikmo.audit import is_valid_action
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
    analysis = services.analysis_create(by=pc_consultant, **form.cleaned_data)
    assert list(analysis.team.all()) == [pc_consultant]
    assert analysis.questions.count() == len(services.DEFAULT_GUIDELINE)
    assert analysis.status == Analysis.Status.PLANNED
    assert AuditEntry.objects.filter(action="participation_check.analysis.created").exists()


def test_updating_an_analysis_records_what_changed_from_the_model(analysis, pc_consultant):
    services.analysis_update(
        analysis=analysis,
        by=pc_consultant,
        title="Neuer Titel",
        district=analysis.district,
        social_space=analysis.social_space,
        period_start=analysis.period_start,
        period_end=analysis.period_end,
        team=[pc_consultant],
        summary=analysis.summary,
    )
    entry = AuditEntry.objects.get(action="participation_check.analysis.updated")
    assert entry.changes == {"title": [analysis.title, "Neuer Titel"]}


def test_the_service_refuses_a_period_that_ends_before_it_starts(pc_consultant):
    with pytest.raises(ValidationError) as caught:
        services.analysis_create(
            by=pc_consultant,
            title="X",
            district=factories.district("Neukölln"),
            social_space="Y",
            period_start=datetime.date(2024, 5, 1),
            period_end=datetime.date(2024, 4, 1),
        )
    assert caught.value.error_dict["period_end"][0].code == "period_order"
    assert not Analysis.objects.exists()


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
    assert (
        AuditEntry.objects.filter(action="participation_check.analysis.status_changed").count() == 4
    )


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


def _structure_forms(data, user):
    form = StructureForm(data, prefix="s", user=user)
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
    form, openness = _structure_forms(data, pc_consultant)
    assert form.is_valid(), form.errors
    assert openness.is_valid(), openness.errors
    structure = services.structure_save(
        analysis=analysis, by=pc_consultant, ratings=openness.ratings(), **form.cleaned_data
    )
    assert structure.has_mo_members  # naming member organisations implies it
    assert dict(structure.ratings.values_list("criterion", "score")) == {
        "mo_seats": 2,
        "accessibility": 0,
    }
    # Clearing a criterion removes its rating.
    data.pop("o-score_accessibility")
    data.pop("o-evidence_accessibility")
    form = StructureForm(data, prefix="s", instance=structure, user=pc_consultant)
    openness = OpennessForm(data, prefix="o", structure=structure)
    assert form.is_valid() and openness.is_valid()
    services.structure_save(
        analysis=analysis,
        structure=structure,
        by=pc_consultant,
        ratings=openness.ratings(),
        **form.cleaned_data,
    )
    assert list(structure.ratings.values_list("criterion", flat=True)) == ["mo_seats"]
    entry = AuditEntry.objects.get(action="participation_check.structure.updated")
    assert entry.changes == {"ratings": {"mo_seats": 2}}


def test_the_structure_service_refuses_a_rating_without_evidence(analysis, pc_consultant):
    with pytest.raises(ValidationError) as caught:
        services.structure_save(
            analysis=analysis,
            by=pc_consultant,
            name="Beirat",
            type="advisory_council",
            ratings={"mo_seats": (1, "  ")},
        )
    assert caught.value.error_dict["evidence_mo_seats"][0].code == "evidence_required"
    assert not analysis.structures.exists()


def test_naming_member_organisations_marks_the_structure_as_having_them(
    analysis, pc_consultant, org
):
    structure = services.structure_save(
        analysis=analysis,
        by=pc_consultant,
        name="Beirat",
        type="advisory_council",
        mo_members=[org],
    )
    assert structure.has_mo_members


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
        user=analysis.team.first(),
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


def _save_interview(analysis, by, form, tags, interview=None):
    """What the view does: the forms validate, the service gets their values."""
    return services.interview_save(
        analysis=analysis,
        interview=interview,
        by=by,
        answers=form.answers(),
        tags=[
            services.TagData(f.cleaned_data["kind"], f.cleaned_data["category"])
            for f in tags.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ],
        **{name: form.cleaned_data[name] for name in form.Meta.fields},
    )


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
    interview = _save_interview(analysis, pc_consultant, form, tags)
    assert interview.answers.get().text == "Den Beirat kennen wir nicht."
    assert interview.tags.get().category == "information"
    entry = AuditEntry.objects.get(action="participation_check.interview.created")
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
        _save_interview(analysis, pc_consultant, form, tags)
    assert not Interview.objects.exists()
    assert not InterviewTag.objects.exists()


def test_without_consent_the_service_refuses_answers_and_notes(analysis, pc_consultant, org):
    question = analysis.questions.first()
    appointment = {"organisation": org, "date": datetime.date(2024, 3, 5)}
    for contents in (
        {"summary": "Notizen"},
        {"interviewee": "Vorsitzende"},
        {"answers": {question: "Etwas Persönliches"}},
    ):
        with pytest.raises(ValidationError) as caught:
            services.interview_save(analysis=analysis, by=pc_consultant, **appointment, **contents)
        assert caught.value.code == "no_consent"
    assert not Interview.objects.exists()


def test_the_service_needs_how_and_when_consent_was_given(analysis, pc_consultant, org):
    with pytest.raises(ValidationError) as caught:
        services.interview_save(
            analysis=analysis,
            by=pc_consultant,
            organisation=org,
            date=datetime.date(2024, 3, 5),
            consent_given=True,
            consent_date=timezone.localdate() + datetime.timedelta(days=1),
        )
    assert set(caught.value.error_dict) == {"consent_form", "consent_date"}
    assert not Interview.objects.exists()


def test_an_answer_to_another_analysis_question_is_refused(analysis, pc_consultant, org):
    other = make_analysis(team=[pc_consultant])
    with pytest.raises(ValidationError):
        services.interview_save(
            analysis=analysis,
            by=pc_consultant,
            organisation=org,
            date=datetime.date(2024, 3, 5),
            consent_given=True,
            consent_form="oral",
            consent_date=datetime.date(2024, 3, 5),
            answers={other.questions.first(): "Antwort"},
        )
    assert not Interview.objects.exists()


def test_without_consent_only_the_appointment_is_saved(analysis, pc_consultant, org):
    data = {"i-organisation": org.pk, "i-date": "2024-03-05", **_tag_management(0)}
    form, tags = _interview_forms(analysis, data)
    assert form.is_valid() and tags.is_valid()
    interview = _save_interview(analysis, pc_consultant, form, tags)
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


def test_a_response_needs_the_date_it_arrived(analysis, pc_consultant, administration):
    rec = make_recommendation(analysis, administration)
    with pytest.raises(ValidationError) as caught:
        services.recommendation_record_response(
            recommendation=rec, by=pc_consultant, response="Wir prüfen das."
        )
    assert "response_date" in caught.value.error_dict
    rec.refresh_from_db()
    assert rec.response == ""
    services.recommendation_record_response(
        recommendation=rec,
        by=pc_consultant,
        response="Wir prüfen das.",
        response_date=datetime.date(2024, 6, 1),
    )
    entry = AuditEntry.objects.get(action="participation_check.recommendation.response_recorded")
    assert entry.changes["response"] == ["", "Wir prüfen das."]


def test_every_audit_action_of_the_participation_check_is_well_formed(
    analysis, pc_consultant, administration, org
):
    rec = make_recommendation(analysis, administration)
    services.recommendation_transition(
        recommendation=rec, to_status="accepted", on=timezone.localdate(), by=pc_consultant
    )
    services.meeting_save(
        analysis=analysis, by=pc_consultant, title="Runder Tisch", date=datetime.date(2024, 5, 1)
    )
    services.guideline_save(
        analysis=analysis,
        items=[services.GuidelineItem(question=None, position=99, text="Noch etwas?")],
        by=pc_consultant,
    )
    interview = make_interview(analysis, org)
    services.interview_withdraw_consent(interview=interview, by=pc_consultant)
    services.interview_delete(interview=interview, by=pc_consultant)
    services.analysis_transition(analysis=analysis, to_status="inventory", by=pc_consultant)
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert len(actions) >= 6
    assert all(is_valid_action(action) for action in actions), actions


def test_the_report_counts_interviews_with_consent_and_organisations_once(analysis):
    """The report's "n interviews with m organisations": the interviews with consent, and every
    organisation interviewed once however often (a refusal still counts the organisation)."""
    from participation_check.selectors import report_data

    first, second = factories.OrganisationFactory(), factories.OrganisationFactory()
    make_interview(analysis, first)
    make_interview(analysis, first, date=datetime.date(2024, 4, 1))
    make_interview(analysis, second, consent=False)
    data = report_data(analysis)
    assert (data["interview_count"], data["organisations_interviewed"]) == (2, 2)
