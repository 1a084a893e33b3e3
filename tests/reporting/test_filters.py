"""The reporting lists' filters (reporting/filters.py): valid values filter, junk never 500s."""

import pytest
from django.urls import reverse

from ikmo.subprojects import SubProject
from organisations.models import District
from tests import factories
from tests.reporting.conftest import berlin, log

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_districts(stand_in):
    stand_in("coached", SubProject.QUALIFICATION)
    mitte = District.objects.get(name="Mitte")
    log(
        "coached",
        factories.OrganisationFactory(name="In Mitte e.V.", district=mitte),
        berlin(2025, 3, 1),
    )
    log("coached", factories.OrganisationFactory(name="Anderswo e.V."), berlin(2025, 3, 1))
    return mitte


@pytest.mark.parametrize("kind", ["mo", "refugee_initiative"])
def test_records_filter_by_kind(client_for, project_lead, period, two_districts, kind):
    response = client_for(project_lead).get(
        reverse("reporting:records", args=["coached"]) + f"?period={period.pk}&kind={kind}"
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "junk", ["district=abc", "district=99999999999999999999", "kind=club", "share=nowhere"]
)
def test_a_breakdown_cell_that_cannot_exist_is_not_found(
    client_for, project_lead, period, two_districts, junk
):
    url = reverse("reporting:records", args=["coached"]) + f"?period={period.pk}&{junk}"
    assert client_for(project_lead).get(url).status_code == 404
    csv = reverse("reporting:records_csv", args=["coached"]) + f"?period={period.pk}&{junk}"
    assert client_for(project_lead).get(csv).status_code in (302, 404)


def test_reach_filters_by_district_and_ignores_junk(
    client_for, project_lead, period, two_districts
):
    client = client_for(project_lead)
    url = reverse("reporting:reach") + f"?period={period.pk}"
    page = client.get(f"{url}&district={two_districts.pk}").content.decode()
    assert "In Mitte e.V." in page and "Anderswo e.V." not in page
    for junk in ("abc", "99999999999999999999", "-1"):
        response = client.get(f"{url}&district={junk}")
        assert response.status_code == 200
        page = response.content.decode()
        assert "In Mitte e.V." in page and "Anderswo e.V." in page
