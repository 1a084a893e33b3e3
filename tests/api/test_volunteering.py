"""The desk's placements in the API: the placement list's selector and filter, the seminar
days as the list computes them, and a fixed number of queries."""

from datetime import date

import pytest
from django.utils import timezone

from organisations.models import StaffRole
from tests import factories
from tests.conftest import enrol_mfa
from tests.volunteering.factories import PlacementFactory, VolunteerFactory
from volunteering import selectors

pytestmark = pytest.mark.django_db

PLACEMENTS = "/api/v1/volunteering/placements/"


def ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def desk(db):
    user = factories.staff(
        StaffRole.Role.CONSULTANT, subproject="volunteering", email="desk@centre.example"
    )
    enrol_mfa(user)
    return user


@pytest.fixture
def placements(org, other_org):
    at_org = PlacementFactory(
        site=org,
        volunteer=VolunteerFactory(first_name="Amal", email="amal@example.org"),
        start_date=date(2025, 9, 1),
    )
    elsewhere = PlacementFactory(site=other_org, status="planned", start_date=date(2025, 10, 1))
    return at_org, elsewhere


def test_the_desk_sees_every_placement_members_only_their_sites(
    api_as, desk, placements, org_member, other_org_admin, consultant
):
    at_org, elsewhere = placements
    assert ids(api_as(desk).get(PLACEMENTS)) == [elsewhere.pk, at_org.pk]  # newest first
    member = api_as(org_member)
    assert ids(member.get(PLACEMENTS)) == [at_org.pk]
    assert member.get(f"{PLACEMENTS}{elsewhere.pk}/").status_code == 404
    assert ids(api_as(other_org_admin).get(PLACEMENTS)) == [elsewhere.pk]
    row = member.get(f"{PLACEMENTS}{at_org.pk}/").json()
    assert row["volunteer"] == "Amal Testperson"
    assert row["site_name"] == at_org.site.name
    assert "amal@example.org" not in str(row)  # no contact data of the volunteer


def test_staff_of_another_sub_project_see_no_placements(api_as, placements, db):
    trainer = factories.staff(
        StaffRole.Role.CONSULTANT, subproject="qualification", email="trainer@centre.example"
    )
    enrol_mfa(trainer)
    assert ids(api_as(trainer).get(PLACEMENTS)) == []


def test_the_status_filter_and_the_ordering_are_the_pages(api_as, desk, placements):
    at_org, elsewhere = placements
    client = api_as(desk)
    assert ids(client.get(PLACEMENTS, {"status": "planned"})) == [elsewhere.pk]
    assert ids(client.get(PLACEMENTS, {"ordering": "start_date"})) == [at_org.pk, elsewhere.pk]
    for bad in ({"status": "bogus"}, {"status": "\x00"}):
        response = client.get(PLACEMENTS, bad)
        assert response.status_code == 400
        assert "status" in response.json()["errors"]
    # A placement found by its id is shown whatever the list's filter says.
    assert client.get(f"{PLACEMENTS}{at_org.pk}/", {"status": "planned"}).status_code == 200


def test_seminar_days_are_counted_as_on_the_list(api_as, desk, placements):
    at_org, _elsewhere = placements
    expected = selectors.progress_of(
        selectors.placements_visible_to(desk).get(pk=at_org.pk), today=timezone.localdate()
    )
    shown = api_as(desk).get(f"{PLACEMENTS}{at_org.pk}/").json()["seminar_days"]
    assert shown["required"] == expected.required
    assert shown["attended"] == expected.attended == 0
    assert shown["behind"] == expected.behind


def test_the_list_reads_a_fixed_number_of_queries(
    api_as, desk, placements, django_assert_max_num_queries
):
    client = api_as(desk)
    with django_assert_max_num_queries(10) as few:
        assert len(ids(client.get(PLACEMENTS))) == 2
    for _n in range(10):
        PlacementFactory()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(ids(client.get(PLACEMENTS))) == 12


def test_placements_are_read_only(api_as, desk, placements):
    client = api_as(desk, scope="write")
    response = client.post(PLACEMENTS, data="{}", content_type="application/json")
    assert response.status_code == 405
    assert set(response.json()) == {"detail", "code"}
