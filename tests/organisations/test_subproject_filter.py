"""The directory's sub-project filter: organisations that took part in a sub-project, as funder
reporting counts reach (reporting/figures.py), for the centre's staff only."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from devtools import factories as rows
from organisations.filters import OrganisationFilter
from organisations.models import Organisation
from reporting.figures import organisation_reach
from reporting.registry import DateRange
from tests import factories
from tests.api.conftest import token_secret

pytestmark = pytest.mark.django_db

CONSENT = {
    "consent_given": True,
    "consent_date": timezone.localdate(),
    "consent_form": "written",
}


@pytest.fixture
def taking_part(db):
    """One organisation per sub-project, each with the record that makes it take part, and
    one that only registered."""
    made = {
        "qualification": rows.CoachingSessionFactory(
            organisation=factories.OrganisationFactory(name="Coaching e.V.")
        ).organisation,
        "mentoring": rows.EventAttendanceFactory(
            organisation=factories.OrganisationFactory(name="Fachrunde e.V."),
            event=rows.EventFactory(starts_at=timezone.now() - timedelta(days=3)),
            name="Aylin Demir",
        ).organisation,
        "actionfund": rows.ApplicationFactory(
            organisation=factories.OrganisationFactory(name="Antrag e.V."),
            submitted_at=timezone.now() - timedelta(days=30),
        ).organisation,
        "volunteering": rows.ConsultationFactory(
            organisation=factories.OrganisationFactory(name="Freiwillige e.V.")
        ).organisation,
        "participation_check": rows.InterviewFactory(
            organisation=factories.OrganisationFactory(name="Interview e.V."),
            **CONSENT,
        ).organisation,
    }
    factories.OrganisationFactory(name="Nur registriert e.V.")
    return made


def _names(response):
    return {o.name for o in response.context["page"]}


@pytest.mark.parametrize(
    "subproject",
    ["qualification", "mentoring", "actionfund", "volunteering", "participation_check"],
)
def test_the_directory_lists_the_organisations_that_took_part_in_a_sub_project(
    client, consultant, taking_part, subproject
):
    client.force_login(consultant)
    response = client.get(reverse("organisations:directory"), {"subproject": subproject})
    assert response.status_code == 200
    assert _names(response) == {taking_part[subproject].name}


def test_taking_part_is_the_reach_funder_reporting_counts(taking_part):
    """The same organisations, sub-project by sub-project, as the reach list of reporting
    over the whole time (one definition, never two)."""
    ever = DateRange(timezone.localdate() - timedelta(days=3650), timezone.localdate())
    reach = organisation_reach(ever)
    for subproject, organisation in taking_part.items():
        found = OrganisationFilter(
            {"subproject": subproject}, queryset=Organisation.objects.all()
        ).qs
        expected = {e.organisation_id for e in reach if subproject in e.subprojects}
        assert set(found.values_list("pk", flat=True)) == expected == {organisation.pk}


def test_the_sub_project_combines_with_the_district(client, consultant, taking_part):
    mitte = factories.district("Mitte")
    Organisation.objects.filter(pk=taking_part["qualification"].pk).update(district=mitte)
    other = rows.CoachingSessionFactory(
        organisation=factories.OrganisationFactory(name="Woanders e.V.")
    ).organisation
    assert other.district != mitte
    client.force_login(consultant)
    response = client.get(
        reverse("organisations:directory"), {"subproject": "qualification", "district": mitte.pk}
    )
    assert _names(response) == {"Coaching e.V."}


@pytest.mark.parametrize("value", ["nonsense", "x" * 500, "qualification\x00", "1"])
def test_an_unknown_sub_project_is_a_form_error_never_a_5xx(client, consultant, value):
    client.force_login(consultant)
    response = client.get(reverse("organisations:directory"), {"subproject": value})
    assert response.status_code == 200
    assert "subproject" in response.context["filter"].form.errors


def test_staff_see_the_filter_in_the_directory(client, consultant):
    client.force_login(consultant)
    page = client.get(reverse("organisations:directory")).content.decode()
    assert 'name="subproject"' in page


def _api(user) -> Client:
    return Client(headers={"Authorization": f"Bearer {token_secret(user)}"})


def test_members_cannot_filter_their_organisations_by_sub_project_in_the_api(
    org, org_member, taking_part
):
    """A member sees only their own organisations; whether one of them was interviewed by the
    participation-check team is the team's to know, so the filter is not theirs."""
    rows.InterviewFactory(organisation=org, **CONSENT)
    client = _api(org_member)
    url = reverse("api:organisations_organisations-list")
    everything = client.get(url).json()
    filtered = client.get(url, {"subproject": "qualification"}).json()
    assert filtered == everything  # not applied: org took part in participation check only
    assert [o["name"] for o in filtered["results"]] == [org.name]
    assert "subproject" not in OrganisationFilter(None, user=org_member).filters


def test_staff_filter_the_api_by_sub_project(consultant, taking_part):
    client = _api(consultant)
    url = reverse("api:organisations_organisations-list")
    response = client.get(url, {"subproject": "volunteering"})
    assert response.status_code == 200
    assert [o["name"] for o in response.json()["results"]] == ["Freiwillige e.V."]
