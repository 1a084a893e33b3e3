"""Who sees what: a table of roles × actions. Interview contents are personal data and are
visible only to the analysis team, the project lead and admins; everyone else gets 404."""

import pytest
from django.urls import reverse

from .conftest import make_interview, make_recommendation, make_structure, publish

pytestmark = pytest.mark.django_db

SECRETS = ["Vertrauliche Antwort QWERTY", "Vertrauliche Zusammenfassung XYZ", "Vorsitz (fiktiv)"]

# Allowed to read interviews: the team, this sub-project's lead (the `project_lead` fixture
# leads all sub-projects), admins.
INTERVIEW_READERS = ["pc_consultant", "pc_lead", "project_lead", "portal_admin"]
# Everyone else, including centre staff outside the team and the interviewed organisation.
INTERVIEW_OUTSIDERS = [
    "consultant",  # consultant for all sub-projects, but not on this analysis' team
    "pc_outsider",
    "qualification_consultant",
    "qualification_lead",
    "jury_member",
    "org_member",
    "org_admin",
    "other_org_admin",
]
PC_STAFF = ["pc_consultant", "pc_outsider", "pc_lead", "consultant", "project_lead", "portal_admin"]
NOT_PC_STAFF = [
    "qualification_consultant",
    "qualification_lead",
    "jury_member",
    "org_member",
    "org_admin",
    "other_org_admin",
]
MANAGERS = ["pc_consultant", "pc_lead", "project_lead", "portal_admin"]


@pytest.fixture
def world(analysis, org, administration):
    structure = make_structure(analysis)
    interview = make_interview(analysis, org)
    recommendation = make_recommendation(analysis, administration)
    return {
        "analysis": analysis,
        "interview": interview,
        "structure": structure,
        "recommendation": recommendation,
    }


def _interview_urls(world):
    a, i = world["analysis"].pk, world["interview"].pk
    return [
        ("get", reverse("participation_check:interview_list", args=[a])),
        ("get", reverse("participation_check:interview_create", args=[a])),
        ("get", reverse("participation_check:interview_detail", args=[i])),
        ("get", reverse("participation_check:interview_edit", args=[i])),
        ("post", reverse("participation_check:interview_withdraw_consent", args=[i])),
        ("post", reverse("participation_check:interview_delete", args=[i])),
    ]


@pytest.mark.parametrize("persona", INTERVIEW_OUTSIDERS)
def test_interviews_answer_404_to_everyone_outside_the_team(persona, request, client, world):
    client.force_login(request.getfixturevalue(persona))
    for method, url in _interview_urls(world):
        response = getattr(client, method)(url)
        assert response.status_code == 404, (persona, url)
    world["interview"].refresh_from_db()
    assert world["interview"].consent_given  # the POSTs changed nothing


def test_anonymous_visitors_are_sent_to_login_for_interviews(client, world):
    for method, url in _interview_urls(world):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("persona", INTERVIEW_READERS)
def test_the_team_the_lead_and_admins_read_interviews(persona, request, client, world):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(
        reverse("participation_check:interview_detail", args=[world["interview"].pk])
    )
    assert response.status_code == 200
    for secret in SECRETS:
        assert secret in response.content.decode()


@pytest.mark.parametrize("persona", INTERVIEW_OUTSIDERS)
def test_interview_contents_appear_on_no_other_page(persona, request, client, world, org):
    """Analysis pages, the report and the organisation's timeline never show contents."""
    publish(world["analysis"])
    client.force_login(request.getfixturevalue(persona))
    a = world["analysis"].pk
    urls = [
        reverse("participation_check:home"),
        reverse("participation_check:report", args=[a]),
        reverse("participation_check:analysis_detail", args=[a]),
        reverse("participation_check:structure_list", args=[a]),
        reverse("participation_check:recommendation_list", args=[a]),
        reverse("organisations:detail", args=[org.pk]),
        reverse("organisations:timeline", args=[org.pk]),
    ]
    for url in urls:
        body = client.get(url).content.decode()
        for secret in SECRETS:
            assert secret not in body, (persona, url)
        assert (
            reverse("participation_check:interview_detail", args=[world["interview"].pk])
            not in body
        )


@pytest.mark.parametrize("persona", PC_STAFF)
def test_participation_check_staff_see_the_working_area(persona, request, client, world):
    client.force_login(request.getfixturevalue(persona))
    a = world["analysis"].pk
    for name in ["analysis_detail", "structure_list", "meeting_list", "recommendation_list"]:
        assert client.get(reverse(f"participation_check:{name}", args=[a])).status_code == 200
    assert client.get(reverse("participation_check:analysis_list")).status_code == 200


@pytest.mark.parametrize("persona", NOT_PC_STAFF)
def test_others_do_not_see_the_working_area_of_an_analysis(persona, request, client, world):
    client.force_login(request.getfixturevalue(persona))
    a = world["analysis"].pk
    for url in [
        reverse("participation_check:analysis_detail", args=[a]),
        reverse("participation_check:analysis_edit", args=[a]),
        reverse("participation_check:structure_list", args=[a]),
        reverse("participation_check:structure_edit", args=[world["structure"].pk]),
        reverse("participation_check:meeting_list", args=[a]),
        reverse("participation_check:recommendation_list", args=[a]),
        reverse("participation_check:recommendation_detail", args=[world["recommendation"].pk]),
        reverse("participation_check:report", args=[a]),  # a draft
    ]:
        assert client.get(url).status_code == 404, (persona, url)
    assert (
        client.post(reverse("participation_check:report_pdf_request", args=[a])).status_code == 404
    )
    assert client.get(reverse("participation_check:analysis_list")).status_code == 403


@pytest.mark.parametrize("persona", ["pc_outsider", "consultant"])
def test_staff_outside_the_team_may_look_but_not_change(persona, request, client, world):
    client.force_login(request.getfixturevalue(persona))
    a = world["analysis"].pk
    assert client.get(reverse("participation_check:analysis_edit", args=[a])).status_code == 403
    response = client.post(
        reverse("participation_check:analysis_transition", args=[a]), {"to_status": "inventory"}
    )
    assert response.status_code == 403
    assert client.get(reverse("participation_check:structure_create", args=[a])).status_code == 403
    assert (
        client.post(
            reverse("participation_check:recommendation_detail", args=[world["recommendation"].pk]),
            {"st-to_status": "accepted", "st-on": "2024-01-01"},
        ).status_code
        == 403
    )
    world["analysis"].refresh_from_db()
    assert world["analysis"].status == "planned"


@pytest.mark.parametrize("persona", MANAGERS)
def test_the_team_and_the_lead_change_the_analysis(persona, request, client, world):
    client.force_login(request.getfixturevalue(persona))
    a = world["analysis"].pk
    assert client.get(reverse("participation_check:analysis_edit", args=[a])).status_code == 200
    response = client.post(
        reverse("participation_check:analysis_transition", args=[a]), {"to_status": "inventory"}
    )
    assert response.status_code == 302
    world["analysis"].refresh_from_db()
    assert world["analysis"].status == "inventory"


def test_drafts_are_404_for_anonymous_visitors_and_published_reports_are_public(client, world):
    url = reverse("participation_check:report", args=[world["analysis"].pk])
    assert client.get(url).status_code == 404
    publish(world["analysis"])
    response = client.get(url)
    assert response.status_code == 200
    assert "Integrationsbeirat Test" in response.content.decode()


def test_published_reports_are_readable_by_members_of_organisations(client, world, org_member):
    publish(world["analysis"])
    client.force_login(org_member)
    url = reverse("participation_check:report", args=[world["analysis"].pk])
    assert client.get(url).status_code == 200
    # The working area stays closed even when the report is published.
    detail = reverse("participation_check:analysis_detail", args=[world["analysis"].pk])
    assert client.get(detail).status_code == 404


def test_unknown_ids_answer_404(client, pc_consultant):
    client.force_login(pc_consultant)
    for name in ["analysis_detail", "interview_detail", "structure_edit", "report"]:
        assert client.get(reverse(f"participation_check:{name}", args=[999999])).status_code == 404


@pytest.mark.parametrize("persona", INTERVIEW_READERS + INTERVIEW_OUTSIDERS)
def test_the_predicates_and_the_selectors_filters_say_the_same(persona, request, world):
    """The lookups filter with `..._q(user)`; the predicates answer for one record. Both agree
    for every persona, so what a page shows and what a lookup finds cannot drift apart."""
    from participation_check import permissions, selectors

    user = request.getfixturevalue(persona)
    analysis, interview = world["analysis"], world["interview"]
    assert selectors.analyses_visible_to(user).filter(pk=analysis.pk).exists() == (
        permissions.can_view_analysis(user, analysis)
    )
    assert selectors.interviews_visible_to(user).filter(pk=interview.pk).exists() == (
        permissions.can_view_interviews(user, analysis)
    )
    assert selectors.analyses_with_interviews_visible_to(user).filter(pk=analysis.pk).exists() == (
        permissions.can_view_interviews(user, analysis)
    )
    assert selectors.reports_visible_to(user).filter(pk=analysis.pk).exists() == (
        permissions.can_view_analysis(user, analysis)  # a draft: the working area's rule
    )
    publish(analysis)
    assert selectors.reports_visible_to(user).filter(pk=analysis.pk).exists()


def test_bad_filter_values_are_ignored_not_an_error(client, pc_consultant, world):
    client.force_login(pc_consultant)
    for url in (
        reverse("participation_check:analysis_list"),
        reverse("participation_check:recommendation_list", args=[world["analysis"].pk]),
    ):
        response = client.get(url + "?status=nonsense")
        assert response.status_code == 200
        assert response.context["current_status"] == ""


def test_the_status_filter_still_filters(client, pc_consultant, world):
    client.force_login(pc_consultant)
    url = reverse("participation_check:recommendation_list", args=[world["analysis"].pk])
    assert list(client.get(url + "?status=open").context["recommendations"].page) == [
        world["recommendation"]
    ]
    assert not client.get(url + "?status=implemented").context["recommendations"].count


def test_interviews_and_recommendations_are_paged_and_keep_the_filter(
    client, pc_consultant, world, monkeypatch
):
    from participation_check import views
    from participation_check.models import Recommendation

    monkeypatch.setattr(views, "RECOMMENDATIONS_PER_PAGE", 1)
    monkeypatch.setattr(views, "INTERVIEWS_PER_PAGE", 1)
    analysis = world["analysis"]
    extra = Recommendation.objects.get(pk=world["recommendation"].pk)
    extra.pk = None
    extra.text = "Zweite Empfehlung"
    extra.save()
    client.force_login(pc_consultant)
    url = reverse("participation_check:recommendation_list", args=[analysis.pk])
    first = client.get(url + "?status=open")
    second = client.get(url + "?status=open&page=2")
    listed = [*first.context["recommendations"].page, *second.context["recommendations"].page]
    assert len(listed) == 2 and set(listed) == {world["recommendation"], extra}
    assert first.context["recommendations"].count == 2
    # The next-page link keeps the filter.
    assert "status=open&amp;page=2" in first.content.decode()
    interviews = client.get(
        reverse("participation_check:interview_list", args=[analysis.pk])
    ).context["interviews"]
    assert len(interviews.page.object_list) == 1 and interviews.count >= 1


def test_the_analysis_page_counts_each_part_and_hides_the_interview_count_from_outsiders(
    client, pc_consultant, pc_outsider, world, other_org
):
    make_interview(world["analysis"], other_org)
    url = reverse("participation_check:analysis_detail", args=[world["analysis"].pk])
    client.force_login(pc_consultant)
    context = client.get(url).context
    counts = [context[k] for k in ("structure_count", "interview_count", "recommendation_count")]
    assert counts == [1, 2, 1] and context["meeting_count"] == 0
    # Participation-check staff outside the team see the analysis, not how many were asked.
    client.force_login(pc_outsider)
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["interview_count"] is None
    assert response.context["structure_count"] == 1
