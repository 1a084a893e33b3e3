"""The analyst's pages: forms keep what was typed, services do the work, lists stay cheap."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ikmo.models import GeneratedDocument
from participation_check.models import (
    Analysis,
    ExchangeMeeting,
    Interview,
    ParticipationStructure,
    Recommendation,
)
from tests import factories

from .conftest import (
    make_analysis,
    make_interview,
    make_meeting,
    make_recommendation,
    make_structure,
    publish,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst(client, pc_consultant):
    client.force_login(pc_consultant)
    return client


def test_an_analyst_creates_an_analysis(analyst, pc_consultant):
    response = analyst.post(
        reverse("participation_check:analysis_create"),
        {
            "title": "Teilhabecheck Soldiner Kiez",
            "district": factories.district("Mitte").pk,
            "social_space": "Soldiner Kiez",
            "period_start": "2024-02-01",
            "period_end": "2024-11-30",
            "team": [pc_consultant.pk],
        },
    )
    analysis = Analysis.objects.get()
    assert response.status_code == 302 and response["Location"] == analysis.get_absolute_url()
    assert analysis.questions.exists()


def test_a_bad_period_is_explained_and_the_input_kept(analyst):
    response = analyst.post(
        reverse("participation_check:analysis_create"),
        {
            "title": "Mein Titel bleibt",
            "district": factories.district("Mitte").pk,
            "social_space": "Kiez",
            "period_start": "2024-05-01",
            "period_end": "2024-01-01",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Mein Titel bleibt" in body
    assert "data-error-summary" in body
    assert not Analysis.objects.exists()


def test_moving_the_status_from_the_detail_page(analyst, analysis):
    url = reverse("participation_check:analysis_transition", args=[analysis.pk])
    analyst.post(url, {"to_status": "inventory", "note": "Start der Bestandsaufnahme"})
    analysis.refresh_from_db()
    assert analysis.status == "inventory"
    page = analyst.get(analysis.get_absolute_url()).content.decode()
    assert "Start der Bestandsaufnahme" in page
    # A status the workflow does not offer is refused with a message.
    response = analyst.post(url, {"to_status": "published"}, follow=True)
    analysis.refresh_from_db()
    assert analysis.status == "inventory"
    assert list(response.context["messages"])


def test_recording_a_structure_with_an_openness_rating(analyst, analysis):
    response = analyst.post(
        reverse("participation_check:structure_create", args=[analysis.pk]),
        {
            "s-name": "Bezirkselternausschuss",
            "s-type": "parents_council",
            "s-responsible_body": "Schulamt",
            "s-meeting_frequency": "monthly",
            "o-score_multilingual_information": "1",
            "o-evidence_multilingual_information": "Flyer auf Deutsch und Türkisch",
        },
    )
    assert response.status_code == 302
    structure = ParticipationStructure.objects.get()
    assert structure.ratings.get().score == 1
    listing = analyst.get(reverse("participation_check:structure_list", args=[analysis.pk]))
    assert "1/2" in listing.content.decode()


def test_a_rating_without_evidence_is_explained_and_nothing_is_lost(analyst, analysis):
    response = analyst.post(
        reverse("participation_check:structure_create", args=[analysis.pk]),
        {
            "s-name": "Jugendparlament Testkiez",
            "s-type": "youth_body",
            "s-responsible_body": "Jugendamt",
            "o-score_mo_seats": "2",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Jugendparlament Testkiez" in body
    assert "data-error-summary" in body
    assert not ParticipationStructure.objects.exists()


def test_an_interview_without_consent_keeps_the_typed_answers_but_saves_nothing(
    analyst, analysis, org
):
    question = analysis.questions.first()
    response = analyst.post(
        reverse("participation_check:interview_create", args=[analysis.pk]),
        {
            "i-organisation": org.pk,
            "i-date": "2024-03-05",
            f"i-answer_{question.pk}": "Antwort, die nicht verloren gehen darf",
            "t-TOTAL_FORMS": "0",
            "t-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "Antwort, die nicht verloren gehen darf" in response.content.decode()
    assert not Interview.objects.exists()


def test_an_interview_with_consent_is_saved_with_tags(analyst, analysis, org):
    question = analysis.questions.first()
    response = analyst.post(
        reverse("participation_check:interview_create", args=[analysis.pk]),
        {
            "i-organisation": org.pk,
            "i-date": "2024-03-05",
            "i-consent_given": "on",
            "i-consent_form": "written",
            "i-consent_date": "2024-03-05",
            f"i-answer_{question.pk}": "Wir kennen den Beirat nicht.",
            "t-TOTAL_FORMS": "2",
            "t-INITIAL_FORMS": "0",
            "t-0-kind": "barrier",
            "t-0-category": "language",
            "t-0-note": "Nur deutschsprachige Einladungen",
        },
    )
    interview = Interview.objects.get()
    assert response.status_code == 302 and response["Location"] == interview.get_absolute_url()
    assert interview.tags.count() == 1 and interview.answers.count() == 1


def test_withdrawing_consent_from_the_interview_page(analyst, analysis, org):
    interview = make_interview(analysis, org)
    analyst.post(reverse("participation_check:interview_withdraw_consent", args=[interview.pk]))
    interview.refresh_from_db()
    assert not interview.consent_given and not interview.answers.exists()


def test_editing_the_guideline(analyst, analysis):
    questions = list(analysis.questions.all())
    data = {
        "q-TOTAL_FORMS": str(len(questions) + 1),
        "q-INITIAL_FORMS": str(len(questions)),
    }
    for i, q in enumerate(questions):
        data.update({f"q-{i}-id": q.pk, f"q-{i}-position": q.position, f"q-{i}-text": q.text})
    data[f"q-{len(questions) - 1}-DELETE"] = "on"
    data.update({f"q-{len(questions)}-position": "99", f"q-{len(questions)}-text": "Neue Frage?"})
    response = analyst.post(reverse("participation_check:guideline_edit", args=[analysis.pk]), data)
    assert response.status_code == 302
    texts = list(analysis.questions.values_list("text", flat=True))
    assert texts[-1] == "Neue Frage?"
    assert len(texts) == len(questions)


def test_a_guideline_row_marked_for_deletion_needs_no_valid_text(analyst, analysis):
    first = analysis.questions.order_by("position", "pk").first()
    data = {
        "q-TOTAL_FORMS": "1",
        "q-INITIAL_FORMS": "1",
        "q-0-id": first.pk,
        "q-0-position": first.position,
        "q-0-text": "",
        "q-0-DELETE": "on",
    }
    response = analyst.post(reverse("participation_check:guideline_edit", args=[analysis.pk]), data)
    assert response.status_code == 302
    assert not analysis.questions.filter(pk=first.pk).exists()


def test_recording_a_meeting_with_participating_organisations(analyst, analysis, administration):
    response = analyst.post(
        reverse("participation_check:meeting_create", args=[analysis.pk]),
        {
            "title": "Runder Tisch",
            "date": "2024-06-01",
            "participants": [administration.pk],
            "notes": "Ergebnisse",
        },
    )
    assert response.status_code == 302
    assert list(ExchangeMeeting.objects.get().participants.all()) == [administration]


def test_a_recommendation_is_written_followed_up_and_answered(analyst, analysis, administration):
    analyst.post(
        reverse("participation_check:recommendation_create", args=[analysis.pk]),
        {
            "finding": "Sitzungen um 14 Uhr",
            "text": "Sitzungen abends anbieten",
            "addressee": administration.pk,
            "priority": "1",
        },
    )
    rec = Recommendation.objects.get()
    url = rec.get_absolute_url()
    analyst.post(url, {"st-to_status": "accepted", "st-on": "2024-07-01", "st-note": "Zusage"})
    analyst.post(
        url,
        {"r-response": "Wir prüfen Abendtermine.", "r-response_date": "2024-07-02"},
    )
    rec.refresh_from_db()
    assert rec.status == "accepted" and rec.status_date == datetime.date(2024, 7, 1)
    assert rec.response == "Wir prüfen Abendtermine."
    page = analyst.get(url).content.decode()
    assert "Zusage" in page


def test_a_response_without_a_date_is_explained(analyst, analysis, administration):
    rec = make_recommendation(analysis, administration)
    response = analyst.post(rec.get_absolute_url(), {"r-response": "Antwort ohne Datum"})
    assert response.status_code == 200
    assert "Antwort ohne Datum" in response.content.decode()
    rec.refresh_from_db()
    assert rec.response == ""


# Home page -----------------------------------------------------------------------------------


def test_the_home_page_shows_published_reports_to_everyone(client, pc_consultant, administration):
    published = publish(make_analysis(title="Veröffentlichter Bericht"))
    make_recommendation(published, administration)
    make_analysis(title="Entwurf in Arbeit", team=[pc_consultant])
    body = client.get(reverse("participation_check:home")).content.decode()
    assert "Veröffentlichter Bericht" in body
    assert "Entwurf in Arbeit" not in body


def test_the_home_page_shows_staff_their_analyses_in_progress(analyst, pc_consultant):
    make_analysis(title="Entwurf in Arbeit", team=[pc_consultant])
    body = analyst.get(reverse("participation_check:home")).content.decode()
    assert "Entwurf in Arbeit" in body


def test_the_navigation_links_the_analyses_for_staff_only(client, pc_consultant, org_member):
    client.force_login(pc_consultant)
    link = reverse("participation_check:analysis_list")
    assert link in client.get(reverse("home")).content.decode()
    client.force_login(org_member)
    assert link not in client.get(reverse("home")).content.decode()


# Query counts --------------------------------------------------------------------------------


def _fill(analysis, n, org, administration):
    for i in range(n):
        structure = make_structure(analysis, name=f"Gremium {analysis.pk}-{i}", scores=(2, 1, 0))
        structure.languages.set(structure.languages.model.objects.all()[:2])
        structure.mo_members.set([org])
        interviewee = factories.OrganisationFactory()
        make_interview(analysis, interviewee)
        make_recommendation(analysis, administration)
        make_meeting(analysis, [administration, org])


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "name",
    [
        "analysis_detail",
        "structure_list",
        "interview_list",
        "meeting_list",
        "recommendation_list",
        "report",
    ],
)
def test_pages_of_an_analysis_do_not_grow_with_rows(
    analyst, pc_consultant, org, administration, name
):
    small = make_analysis(team=[pc_consultant])
    large = make_analysis(team=[pc_consultant], title="Groß")
    _fill(small, 2, org, administration)
    _fill(large, 10, org, administration)
    few = _count(analyst, reverse(f"participation_check:{name}", args=[small.pk]))
    many = _count(analyst, reverse(f"participation_check:{name}", args=[large.pk]))
    assert many == few


@pytest.mark.parametrize("name", ["home", "analysis_list"])
def test_lists_of_analyses_do_not_grow_with_rows(analyst, pc_consultant, administration, name):
    def add(n):
        for i in range(n):
            a = make_analysis(team=[pc_consultant], title=f"A{i}")
            make_recommendation(a, administration)
            if i % 2:
                publish(a)

    add(2)
    few = _count(analyst, reverse(f"participation_check:{name}"))
    add(8)
    many = _count(analyst, reverse(f"participation_check:{name}"))
    assert many == few


# Report --------------------------------------------------------------------------------------


def test_the_report_preview_passes_chart_data_without_inline_scripts(
    analyst, analysis, org, administration
):
    _fill(analysis, 2, org, administration)
    body = analyst.get(reverse("participation_check:report", args=[analysis.pk])).content.decode()
    assert 'id="pc-chart-data" type="application/json"' in body
    assert "js/participation_check.js" in body
    for chunk in body.split("<script")[1:]:
        tag = chunk.split(">", 1)[0]
        assert "src=" in tag or 'type="application/json"' in tag


def test_the_report_pdf_is_rendered_by_the_worker_and_downloadable_once_published(
    client,
    analyst,
    analysis,
    org,
    administration,
    pc_consultant,
    django_capture_on_commit_callbacks,
):
    _fill(analysis, 2, org, administration)
    with django_capture_on_commit_callbacks(execute=True):
        response = analyst.post(
            reverse("participation_check:report_pdf_request", args=[analysis.pk])
        )
    document = GeneratedDocument.objects.get()
    assert response["Location"] == reverse("document_detail", args=[document.pk])
    assert document.status == GeneratedDocument.Status.DONE  # Celery runs eagerly in tests
    pdf = document.file.open("rb").read()
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000
    pdf_url = reverse("participation_check:report_pdf", args=[analysis.pk])
    assert analyst.get(pdf_url).status_code == 200  # staff may read the draft's PDF
    client.logout()
    assert client.get(pdf_url).status_code == 404  # the public may not

    # After publication, a PDF rendered before it is still not public; a fresh one is.
    publish(analysis)
    assert client.get(pdf_url).status_code == 404
    client.force_login(pc_consultant)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("participation_check:report_pdf_request", args=[analysis.pk]))
    client.logout()
    response = client.get(pdf_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_the_pdf_template_draws_its_charts_as_inline_svg(analysis, org, administration):
    from django.template.loader import render_to_string

    from participation_check.documents import report_context

    _fill(analysis, 3, org, administration)
    html = render_to_string("participation_check/pdf/report.html", report_context(analysis))
    assert html.count("<svg") == 3
    assert "<script" not in html
    assert "Vertrauliche Antwort" not in html  # interview contents never reach the report
    assert "Gremium" in html and "Einladungen mehrsprachig verschicken." in html


def test_a_draft_pdf_stays_closed_behind_the_generic_document_links(
    client, analyst, analysis, org_member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        analyst.post(reverse("participation_check:report_pdf_request", args=[analysis.pk]))
    document = GeneratedDocument.objects.get()
    publish(analysis)
    client.force_login(org_member)
    assert client.get(reverse("document_detail", args=[document.pk])).status_code == 404
    assert client.get(reverse("document_download", args=[document.pk])).status_code == 404


def test_admins_find_every_participation_check_model_in_the_admin(
    client, analysis, org, administration
):
    from tests.conftest import enrol_mfa

    superuser = factories.UserFactory(is_staff=True, is_superuser=True)
    enrol_mfa(superuser)
    make_structure(analysis)
    make_interview(analysis, org)
    make_meeting(analysis, [administration])
    make_recommendation(analysis, administration)
    client.force_login(superuser)
    for model in [
        "analysis",
        "analysisstatuschange",
        "participationstructure",
        "opennessrating",
        "guidelinequestion",
        "interview",
        "interviewanswer",
        "interviewtag",
        "exchangemeeting",
        "recommendation",
        "recommendationstatuschange",
    ]:
        url = reverse(f"admin:participation_check_{model}_changelist")
        assert client.get(url).status_code == 200, url
        assert client.get(url + "?q=Test").status_code == 200, url
    detail = reverse("admin:participation_check_analysis_change", args=[analysis.pk])
    assert client.get(detail).status_code == 200


def test_the_meetings_are_paged_newest_first_with_their_participants(
    analyst, analysis, administration, monkeypatch
):
    from participation_check import views

    monkeypatch.setattr(views, "MEETINGS_PER_PAGE", 2)
    for day in (1, 2, 3):
        make_meeting(
            analysis, [administration], title=f"Runde {day}", date=datetime.date(2024, 6, day)
        )
    url = reverse("participation_check:meeting_list", args=[analysis.pk])
    first, second = analyst.get(url), analyst.get(url + "?page=2")
    assert [m.title for m in first.context["meetings"].page] == ["Runde 3", "Runde 2"]
    assert [m.title for m in second.context["meetings"].page] == ["Runde 1"]
    assert first.context["meetings"].count == 3
    assert 'href="?page=2"' in first.content.decode()
    assert administration.name in second.content.decode()


def test_the_report_page_shows_the_recommendations_a_page_at_a_time_and_the_pdf_all(
    analyst, analysis, administration, monkeypatch
):
    from django.template.loader import render_to_string

    from participation_check import views
    from participation_check.documents import report_context

    monkeypatch.setattr(views, "RECOMMENDATIONS_PER_PAGE", 2)
    for number in (1, 2, 3):
        make_recommendation(analysis, administration, text=f"Empfehlung {number}")
    url = reverse("participation_check:report", args=[analysis.pk])
    first, second = analyst.get(url), analyst.get(url + "?recommendations=2")
    assert [r.text for r in first.context["recommendations"].page] == [
        "Empfehlung 1",
        "Empfehlung 2",
    ]
    assert [r.text for r in second.context["recommendations"].page] == ["Empfehlung 3"]
    html = second.content.decode()
    # Numbered across the pages, counted in all, the rest one link away, the PDF complete.
    assert "<tr><td>3</td>" in html and "<tr><td>1</td>" not in html
    assert first.context["recommendations"].count == 3
    assert 'href="?recommendations=2#recs"' in first.content.decode()
    assert "Das PDF des Berichts enthält alle Empfehlungen." in html
    pdf = render_to_string("participation_check/pdf/report.html", report_context(analysis))
    assert all(f"Empfehlung {number}" in pdf for number in (1, 2, 3))
