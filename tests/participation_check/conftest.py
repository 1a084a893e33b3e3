"""Fixtures for the participation check. Fictional data only."""

import datetime

import pytest
from django.utils import timezone

from organisations.models import Organisation, StaffRole
from participation_check.models import (
    Analysis,
    ExchangeMeeting,
    Interview,
    InterviewAnswer,
    InterviewTag,
    OpennessRating,
    ParticipationStructure,
    Recommendation,
)
from participation_check.services import DEFAULT_GUIDELINE
from tests import factories
from tests.conftest import enrol_mfa

PC = "participation_check"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Generated PDFs go to a temporary directory, never into the working tree."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private-media")},
        },
    }


def _staff(role, email, subproject=""):
    user = factories.staff(role, subproject=subproject, email=email)
    enrol_mfa(user)
    return user


@pytest.fixture
def pc_consultant(db):
    """A participation-check consultant on the analysis team."""
    return _staff(StaffRole.Role.CONSULTANT, "analyst@centre.example", PC)


@pytest.fixture
def pc_outsider(db):
    """A participation-check consultant who is NOT on the analysis team."""
    return _staff(StaffRole.Role.CONSULTANT, "colleague@centre.example", PC)


@pytest.fixture
def pc_lead(db):
    return _staff(StaffRole.Role.PROJECT_LEAD, "pc-lead@centre.example", PC)


@pytest.fixture
def qualification_consultant(db):
    return _staff(StaffRole.Role.CONSULTANT, "trainer@centre.example", "qualification")


@pytest.fixture
def qualification_lead(db):
    return _staff(StaffRole.Role.PROJECT_LEAD, "q-lead@centre.example", "qualification")


@pytest.fixture
def administration(db):
    return factories.OrganisationFactory(
        name="Bezirksamt Test – Integrationsbüro",
        kind=Organisation.Kind.PUBLIC_ADMINISTRATION,
        legal_form=Organisation.LegalForm.PUBLIC_BODY,
    )


def make_analysis(team=(), status=Analysis.Status.PLANNED, **kwargs) -> Analysis:
    analysis = Analysis.objects.create(
        title=kwargs.pop("title", "Teilhabecheck Testkiez"),
        district=factories.district("Neukölln"),
        social_space=kwargs.pop("social_space", "Testkiez"),
        period_start=kwargs.pop("period_start", datetime.date(2024, 1, 1)),
        period_end=kwargs.pop("period_end", datetime.date(2024, 12, 31)),
        status=status,
        **kwargs,
    )
    analysis.team.set(team)
    for i, text in enumerate(DEFAULT_GUIDELINE[:3]):
        analysis.questions.create(position=i, text=str(text))
    return analysis


@pytest.fixture
def analysis(pc_consultant):
    return make_analysis(team=[pc_consultant])


def make_structure(analysis, name="Integrationsbeirat Test", scores=(2, 1)):
    structure = ParticipationStructure.objects.create(
        analysis=analysis,
        name=name,
        type=ParticipationStructure.Type.INTEGRATION_COUNCIL,
        responsible_body="Bezirksamt",
    )
    criteria = ["multilingual_information", "mo_seats", "meeting_times", "accessibility"]
    for criterion, score in zip(criteria, scores, strict=False):
        OpennessRating.objects.create(
            structure=structure, criterion=criterion, score=score, evidence="Satzung §3"
        )
    return structure


def make_interview(analysis, organisation, *, consent=True, date=None) -> Interview:
    interview = Interview.objects.create(
        analysis=analysis,
        organisation=organisation,
        date=date or datetime.date(2024, 3, 1),
        consent_given=consent,
        consent_form=Interview.ConsentForm.WRITTEN if consent else "",
        consent_date=datetime.date(2024, 3, 1) if consent else None,
        interviewee="Vorsitz (fiktiv)" if consent else "",
        summary="Vertrauliche Zusammenfassung XYZ" if consent else "",
    )
    if consent:
        question = analysis.questions.first()
        InterviewAnswer.objects.create(
            interview=interview, question=question, text="Vertrauliche Antwort QWERTY"
        )
        InterviewTag.objects.create(
            interview=interview, kind=InterviewTag.Kind.BARRIER, category="language"
        )
        InterviewTag.objects.create(
            interview=interview, kind=InterviewTag.Kind.NEED, category="information"
        )
    return interview


def make_recommendation(analysis, addressee, **kwargs) -> Recommendation:
    return Recommendation.objects.create(
        analysis=analysis,
        finding=kwargs.pop("finding", "Einladungen nur auf Deutsch."),
        text=kwargs.pop("text", "Einladungen mehrsprachig verschicken."),
        addressee=addressee,
        **kwargs,
    )


def make_meeting(analysis, participants=(), **kwargs) -> ExchangeMeeting:
    meeting = ExchangeMeeting.objects.create(
        analysis=analysis,
        title=kwargs.pop("title", "Austausch mit dem Bezirksamt"),
        date=kwargs.pop("date", datetime.date(2024, 6, 1)),
        notes=kwargs.pop("notes", "Protokoll"),
    )
    meeting.participants.set(participants)
    return meeting


def publish(analysis) -> Analysis:
    analysis.status = Analysis.Status.PUBLISHED
    analysis.published_at = timezone.now()
    analysis.save()
    return analysis
