"""Who may see and do what, as a table of personas x actions.

Personas: the applicant organisation's admin and member, another organisation's admin,
a logged-in person without any organisation, a juror assigned and one not assigned,
a consultant (read-only staff), the fund's project lead, and a lead of another sub-project.
"""

import pytest
from django.urls import reverse

from actionfund import services
from actionfund.models import Status
from ikmo.documents import document_request
from tests.conftest import enrol_mfa

from .factories import draft, in_review, paid

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(
    call,
    org,
    org_admin,
    org_member,
    other_org_admin,
    outsider,
    jury_member,
    second_juror,
    consultant,
    fund_lead,
    other_lead,
    tmp_path,
    settings,
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    application = in_review(organisation=org, by=org_admin, lead=fund_lead, call=call)
    services.jury_assign(application=application, jurors=[jury_member], by=fund_lead)
    from django.core.files.uploadedfile import SimpleUploadedFile

    # Attachments are added while drafting; put one on directly for the download checks.
    from actionfund.models import Attachment

    attachment = Attachment(
        application=application, original_name="a.pdf", content_type="application/pdf", size=9
    )
    attachment.file.save("a.pdf", SimpleUploadedFile("a.pdf", b"%PDF-1.4\n"), save=False)
    attachment.save()
    return {
        "application": application,
        "attachment": attachment,
        "persons": {
            "applicant_admin": org_admin,
            "applicant_member": org_member,
            "other_org": other_org_admin,
            "outsider": outsider,
            "juror_assigned": jury_member,
            "juror_other": second_juror,
            "consultant": consultant,
            "fund_lead": fund_lead,
            "other_lead": other_lead,
        },
    }


# person -> expected status code for GET of the application page
VIEW = {
    "applicant_admin": 200,
    "applicant_member": 200,
    "other_org": 404,
    "outsider": 404,
    "juror_assigned": 200,
    "juror_other": 404,
    "consultant": 200,
    "fund_lead": 200,
    "other_lead": 404,
}


@pytest.mark.parametrize("person,expected", VIEW.items())
def test_application_page(world, client_for, person, expected):
    client = client_for(world["persons"][person])
    assert client.get(world["application"].get_absolute_url()).status_code == expected


@pytest.mark.parametrize("person,expected", VIEW.items())
def test_attachment_download(world, client_for, person, expected):
    client = client_for(world["persons"][person])
    url = reverse(
        "actionfund:attachment_download", args=[world["application"].pk, world["attachment"].pk]
    )
    assert client.get(url).status_code == expected


def test_attachments_of_another_application_are_not_reachable_through_mine(
    world, client_for, other_org, other_org_admin
):
    mine = draft(organisation=other_org, by=other_org_admin)
    url = reverse("actionfund:attachment_download", args=[mine.pk, world["attachment"].pk])
    assert client_for(other_org_admin).get(url).status_code == 404


@pytest.mark.parametrize(
    "person,expected",
    {
        "applicant_admin": 302,
        "applicant_member": 302,
        "other_org": 404,
        "outsider": 404,
        "juror_assigned": 403,
        "consultant": 403,
        "fund_lead": 403,
        "other_lead": 404,
    }.items(),
)
def test_transition_page_is_for_fund_leads_only(world, client_for, person, expected):
    """The generic status form: applicants get 403 (visible, not allowed) or nothing changes."""
    client = client_for(world["persons"][person])
    url = reverse("actionfund:application_transition", args=[world["application"].pk])
    response = client.post(url, {"to_status": Status.REJECTED, "note": "x"})
    world["application"].refresh_from_db()
    assert world["application"].status == Status.IN_REVIEW
    if person.startswith("applicant"):
        assert response.status_code == 403
    elif person == "fund_lead":
        # rejected is a decision with its own form, so the generic form refuses it, on the
        # same page with the note kept
        assert response.status_code == 400
    else:
        assert response.status_code in (403, 404)


def test_fund_lead_can_use_the_generic_status_form(world, client_for):
    client = client_for(world["persons"]["fund_lead"])
    url = reverse("actionfund:application_transition", args=[world["application"].pk])
    client.post(url, {"to_status": Status.INFO_REQUESTED, "note": "Bitte ergänzen"})
    world["application"].refresh_from_db()
    assert world["application"].status == Status.INFO_REQUESTED


@pytest.mark.parametrize(
    "person", ["applicant_admin", "applicant_member", "juror_assigned", "consultant"]
)
def test_only_fund_leads_decide(world, client_for, person):
    url = reverse("actionfund:application_decide", args=[world["application"].pk])
    response = client_for(world["persons"][person]).post(
        url, {"decision": "approve", "amount": "10", "message": "x", "confirm": "1"}
    )
    assert response.status_code == 403
    world["application"].refresh_from_db()
    assert world["application"].status == Status.IN_REVIEW


@pytest.mark.parametrize(
    "person,expected",
    {
        "juror_assigned": 200,
        "juror_other": 404,
        "applicant_admin": 403,
        "fund_lead": 403,
        "other_org": 404,
    }.items(),
)
def test_scoring_page(world, client_for, person, expected):
    url = reverse("actionfund:application_score", args=[world["application"].pk])
    assert client_for(world["persons"][person]).get(url).status_code == expected


def test_jurors_never_see_drafts_even_if_assigned(world, client_for, org, org_admin, jury_member):
    from actionfund.models import JuryAssignment

    application = draft(organisation=org, by=org_admin)
    JuryAssignment.objects.create(application=application, juror=jury_member)
    assert client_for(jury_member).get(application.get_absolute_url()).status_code == 404


def test_applicants_never_see_scores(world, client_for, jury_member):
    criterion = world["application"].call.criteria.first()
    services.scores_save(
        application=world["application"], juror=jury_member, values={criterion.pk: (4, "geheim")}
    )
    page = client_for(world["persons"]["applicant_admin"]).get(
        world["application"].get_absolute_url()
    )
    assert "geheim" not in page.content.decode()
    assert "scores_by_juror" not in page.context
    page = client_for(world["persons"]["fund_lead"]).get(world["application"].get_absolute_url())
    assert "geheim" in page.content.decode()


@pytest.mark.parametrize(
    "person,expected",
    {
        "applicant_admin": 200,
        "applicant_member": 200,
        "other_org": 404,
        "outsider": 404,
        "juror_assigned": 404,
        "consultant": 200,
        "fund_lead": 200,
        "other_lead": 404,
    }.items(),
)
def test_funding_agreement_pdf_is_for_the_organisation_and_staff(
    world, client_for, person, expected, org, org_admin, fund_lead
):
    application = paid(organisation=org, by=org_admin, lead=fund_lead)
    document = document_request(
        kind=services.AGREEMENT_KIND, target=application, organisation=org, by=fund_lead
    )
    client = client_for(world["persons"][person])
    assert client.get(reverse("document_detail", args=[document.pk])).status_code == expected
    request_url = reverse("actionfund:agreement_request", args=[application.pk])
    assert client.post(request_url).status_code == (302 if expected == 200 else 404)


@pytest.mark.parametrize("name", ["actionfund:call_ranking", "actionfund:call_ledger"])
@pytest.mark.parametrize("person", ["applicant_admin", "juror_assigned", "other_lead", "outsider"])
def test_money_and_ranking_pages_are_staff_only(world, client_for, name, person):
    url = reverse(name, args=[world["application"].call_id])
    assert client_for(world["persons"][person]).get(url).status_code == 403


@pytest.mark.parametrize("person", ["applicant_admin", "juror_assigned", "other_lead", "outsider"])
def test_export_is_staff_only(world, client_for, person):
    response = client_for(world["persons"][person]).post(
        reverse("exports:create", args=["actionfund.applications"]), {"format": "csv"}
    )
    assert response.status_code == 404


def test_staff_list_is_not_shown_to_applicants_and_lists_only_their_own(
    world, client_for, other_org_admin, other_org
):
    mine = draft(organisation=other_org, by=other_org_admin)
    response = client_for(other_org_admin).get(reverse("actionfund:application_list"))
    assert list(response.context["applications"]) == [mine]


def test_anonymous_people_are_sent_to_sign_in(world, client):
    response = client.get(world["application"].get_absolute_url())
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_mfa_is_required_for_the_lead(world, client_for, db):
    from tests import factories

    lead = factories.staff("project_lead", subproject="actionfund")
    response = client_for(lead).get(world["application"].get_absolute_url())
    assert response.status_code == 302  # sent to enrol a second factor first
    enrol_mfa(lead)
    assert client_for(lead).get(world["application"].get_absolute_url()).status_code == 200


def test_jurors_do_not_see_each_others_scores(world, client_for, second_juror, fund_lead):
    application = world["application"]
    services.jury_assign(application=application, jurors=[second_juror], by=fund_lead)
    criterion = application.call.criteria.first()
    services.scores_save(
        application=application, juror=second_juror, values={criterion.pk: (1, "schwach")}
    )
    juror = client_for(world["persons"]["juror_assigned"])
    assert "schwach" not in juror.get(application.get_absolute_url()).content.decode()
    score_page = juror.get(reverse("actionfund:application_score", args=[application.pk]))
    assert "schwach" not in score_page.content.decode()


# --- the draft endpoints: background save and partner search --------------------------

# person -> expected status for the endpoints that work on organisation A's draft
DRAFT_ENDPOINTS = {
    "applicant_admin": 200,
    "applicant_member": 200,
    "other_org": 404,
    "outsider": 404,
    "juror_assigned": 404,  # jurors never see drafts
    "consultant": 403,
    "fund_lead": 403,
    "other_lead": 404,
}


@pytest.fixture
def org_a_draft(world, org, org_admin):
    # A call of its own: organisation A has one open draft per call.
    return draft(organisation=org, by=org_admin, title="Geheimes Kiezfest")


@pytest.mark.parametrize("person,expected", DRAFT_ENDPOINTS.items())
def test_only_the_organisation_autosaves_its_draft(
    world, org_a_draft, client_for, person, expected
):
    url = reverse("actionfund:application_autosave", args=[org_a_draft.pk, "basics"])
    response = client_for(world["persons"][person]).post(
        url, {"title": "Übernommen", "summary": "", "district": ""}
    )
    assert response.status_code == expected
    org_a_draft.refresh_from_db()
    if expected == 200:
        assert response.json()["saved"] is True
        assert org_a_draft.title == "Übernommen"
    else:
        assert org_a_draft.title == "Geheimes Kiezfest"
        assert "Geheimes Kiezfest" not in response.content.decode()


@pytest.mark.parametrize("person,expected", DRAFT_ENDPOINTS.items())
def test_only_the_organisation_searches_partners_for_its_draft(
    world, org_a_draft, other_org, client_for, person, expected
):
    url = reverse("actionfund:partner_search", args=[org_a_draft.pk])
    response = client_for(world["persons"][person]).get(url, {"partner_q": "Sonnenblume"})
    assert response.status_code == expected
    if expected == 200:
        assert other_org.name in response.content.decode()


def test_a_submitted_application_takes_no_background_saves(world, client_for, org_admin):
    application = world["application"]  # in review
    title = application.title
    url = reverse("actionfund:application_autosave", args=[application.pk, "basics"])
    response = client_for(org_admin).post(url, {"title": "Nachträglich"})
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.title == title


def test_partner_search_lists_approved_organisations_only_and_never_the_applicant(
    world, org_a_draft, org, client_for, org_admin
):
    from organisations.models import Organisation
    from tests import factories

    factories.OrganisationFactory(name="Sonnenblume Wartend", status=Organisation.Status.PENDING)
    url = reverse("actionfund:partner_search", args=[org_a_draft.pk])
    client = client_for(org_admin)
    page = client.get(url, {"partner_q": "Sonnenblume"}).content.decode()
    assert "Sonnenblume Test e.V." in page
    assert "Sonnenblume Wartend" not in page
    assert org.name not in client.get(url, {"partner_q": "Brückenbau"}).content.decode()


def test_each_visible_application_is_listed_once_without_distinct(
    world, org, org_member, other_org, fund_lead
):
    """The member filter is a semi-join, so neither a juror (whose assignments are ORed in)
    nor a member of several organisations gets an application twice, with no DISTINCT for
    PostgreSQL to plan over the application's many columns."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from actionfund import selectors
    from organisations.models import Membership

    application = world["application"]
    juror = world["persons"]["juror_assigned"]
    # The juror is also a member of the applicant organisation, which has other members.
    Membership.objects.create(user=juror, organisation=org, status=Membership.Status.ACTIVE)
    Membership.objects.create(
        user=org_member, organisation=other_org, status=Membership.Status.ACTIVE
    )
    theirs = in_review(organisation=other_org, by=org_member, lead=fund_lead)
    for person, expected in ((juror, [application]), (org_member, [application, theirs])):
        with CaptureQueriesContext(connection) as queries:
            listed = list(selectors.applications_visible_to(user=person).order_by("pk"))
        assert listed == expected
        assert "DISTINCT" not in queries[-1]["sql"]
        with CaptureQueriesContext(connection) as queries:
            mine = list(selectors.applications_of_member(user=person).order_by("pk"))
        assert mine == expected
        assert "DISTINCT" not in queries[-1]["sql"]
