"""Mentoring's endpoints: events and tandems, as their lists and pages show them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from mentoring.models import Event, EventRegistration, Tandem
from tests import factories

pytestmark = pytest.mark.django_db

EVENTS = reverse("api:mentoring_events-list")
TANDEMS = reverse("api:mentoring_tandems-list")


def event(title, *, days=7, is_open=True, invited=()):
    created = Event.objects.create(
        kind=Event.Kind.NETWORK_EVENT,
        title=title,
        starts_at=timezone.now() + datetime.timedelta(days=days),
        place="Rathaus",
        is_open=is_open,
    )
    created.invited_organisations.set(invited)
    return created


def titles(response):
    return [r["title"] for r in response.json()["results"]]


def test_members_see_open_events_and_those_they_are_invited_to(org, other_org, org_member, api_as):
    event("Offen")
    event("Für uns", is_open=False, invited=[org], days=8)
    closed = event("Für andere", is_open=False, invited=[other_org], days=9)
    event("Vorbei", days=-3)
    client = api_as(org_member)
    assert titles(client.get(EVENTS)) == ["Offen", "Für uns"]
    assert titles(client.get(EVENTS, {"show": "past"})) == ["Vorbei"]
    assert client.get(reverse("api:mentoring_events-detail", args=[closed.pk])).status_code == 404
    assert client.get(EVENTS, {"show": "soon"}).status_code == 400


def test_only_the_team_gets_the_counts_and_the_caller_sees_their_registration(
    org, org_member, consultant, api_as
):
    open_event = event("Offen")
    EventRegistration.objects.create(event=open_event, person=org_member, organisation=org)
    mine = api_as(org_member).get(EVENTS).json()["results"][0]
    assert mine["is_registered"] is True
    assert mine["registration_count"] is None and mine["attendance_count"] is None
    team = api_as(consultant).get(EVENTS).json()["results"][0]
    assert team["registration_count"] == 1 and team["attendance_count"] == 0
    assert team["is_registered"] is False


def test_the_event_list_costs_the_same_for_many_rows(
    org_member, api_as, django_assert_max_num_queries
):
    for i in range(12):
        event(f"E{i}", days=i + 1)
    client = api_as(org_member)
    with django_assert_max_num_queries(8):
        response = client.get(EVENTS)
    assert response.json()["count"] == 12


def test_members_see_the_tandems_of_their_organisations_only(
    org, other_org, org_member, consultant, api_as, django_assert_max_num_queries
):
    mentor = factories.OrganisationFactory(stage="established")
    ours = Tandem.objects.create(mentor=mentor, mentee=org, status=Tandem.Status.ACTIVE)
    theirs = Tandem.objects.create(mentor=mentor, mentee=other_org, status=Tandem.Status.PROPOSED)
    client = api_as(org_member)
    rows = client.get(TANDEMS).json()["results"]
    assert [r["id"] for r in rows] == [ours.pk]
    assert rows[0]["mentee"] == {"id": org.pk, "name": org.name}
    assert client.get(reverse("api:mentoring_tandems-detail", args=[theirs.pk])).status_code == 404
    team = api_as(consultant)
    with django_assert_max_num_queries(8):
        assert team.get(TANDEMS).json()["count"] == 2
    assert team.get(TANDEMS, {"status": "proposed"}).json()["count"] == 1
    assert team.get(TANDEMS, {"status": "x"}).status_code == 400
