import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from participation_check import services
from reporting.registry import DateRange, get_indicator
from tests import factories

from .conftest import (
    make_analysis,
    make_interview,
    make_meeting,
    make_recommendation,
    publish,
)

pytestmark = pytest.mark.django_db

YEAR = (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))


def period_figures(start, end) -> dict:
    """The participation check's figures as funder reporting computes them."""
    period = DateRange(start, end)
    keys = ("recommendations_made", "organisations_interviewed")
    return {key: get_indicator(key).value(period) for key in keys}


def test_indicators_count_what_was_logged_in_the_period(
    pc_consultant, org, other_org, administration
):
    analysis = make_analysis(team=[pc_consultant], status="recommendations")
    make_recommendation(analysis, administration)
    services.analysis_transition(analysis=analysis, to_status="published", by=pc_consultant)
    analysis.refresh_from_db()
    this_year = (timezone.localdate().replace(month=1, day=1), timezone.localdate())
    make_interview(analysis, org, date=this_year[1])
    make_interview(analysis, org, date=this_year[1])  # the same organisation counts once
    make_interview(analysis, other_org, date=this_year[1], consent=False)  # no consent: not counted
    rec = make_recommendation(analysis, administration)
    for target in ["accepted", "implemented"]:
        rec = services.recommendation_transition(
            recommendation=rec, to_status=target, on=this_year[1], by=pc_consultant
        )
    assert period_figures(*this_year) == {"recommendations_made": 2, "organisations_interviewed": 1}
    assert period_figures(datetime.date(2020, 1, 1), datetime.date(2020, 12, 31)) == {
        "recommendations_made": 0,
        "organisations_interviewed": 0,
    }


def test_the_timeline_shows_the_interview_but_links_it_only_for_the_team(
    client, analysis, org, org_member, pc_consultant, administration
):
    interview = make_interview(analysis, org)
    make_meeting(analysis, [org], title="Runder Tisch Testkiez")
    make_recommendation(analysis, org, text="Nur nach Veröffentlichung sichtbar")
    url = reverse("organisations:timeline", args=[org.pk])
    interview_url = interview.get_absolute_url()

    client.force_login(org_member)
    body = client.get(url).content.decode()
    assert "Testkiez" in body and "Runder Tisch Testkiez" in body
    assert interview_url not in body
    assert "Nur nach Veröffentlichung sichtbar" not in body  # the analysis is a draft
    publish(analysis)
    assert "Nur nach Veröffentlichung sichtbar" in client.get(url).content.decode()

    client.force_login(pc_consultant)
    assert interview_url in client.get(url).content.decode()


def test_other_organisations_timelines_stay_empty(analysis, org, other_org_admin, client):
    make_interview(analysis, org)
    client.force_login(other_org_admin)
    # Org A's timeline is invisible to org B's admin, and org B's own timeline has no PC events.
    assert client.get(reverse("organisations:timeline", args=[org.pk])).status_code == 404
    own = other_org_admin.memberships.get().organisation
    assert (
        "Testkiez"
        not in client.get(reverse("organisations:timeline", args=[own.pk])).content.decode()
    )


def test_navigation_lists_nothing_for_people_outside_the_sub_project(jury_member):
    from participation_check.navigation import items

    assert items(jury_member) == []
    assert items(factories.UserFactory()) == []
