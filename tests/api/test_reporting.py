"""Funder reporting in the API: the periods, and a period's indicators as the dashboard
computes them; for project leads and admins only."""

from datetime import date

import pytest

from organisations.models import StaffRole
from reporting.figures import compute_figures
from reporting.models import FundingPeriod, PlanValue
from tests import factories
from tests.conftest import enrol_mfa

pytestmark = pytest.mark.django_db

PERIODS = "/api/v1/reporting/periods/"


@pytest.fixture
def period(db):
    period = FundingPeriod.objects.create(
        name="AMIF 2025", funder="amif", start=date(2025, 1, 1), end=date(2025, 12, 31)
    )
    PlanValue.objects.create(period=period, indicator_key="organisations_reached", value=40)
    return period


@pytest.fixture
def fund_lead(db):
    user = factories.staff(
        StaffRole.Role.PROJECT_LEAD, subproject="actionfund", email="lead@fund.example"
    )
    enrol_mfa(user)
    return user


def test_leads_list_the_periods_with_their_counts(api_as, period, fund_lead):
    FundingPeriod.objects.create(
        name="Senat 2024", funder="senate", start=date(2024, 1, 1), end=date(2024, 12, 31)
    )
    response = api_as(fund_lead).get(PERIODS)
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["name"] for r in rows] == ["AMIF 2025", "Senat 2024"]
    assert rows[0]["plan_count"] == 1 and rows[0]["report_count"] == 0
    filtered = api_as(fund_lead).get(PERIODS, {"funder": "senate"}).json()["results"]
    assert [r["name"] for r in filtered] == ["Senat 2024"]
    assert api_as(fund_lead).get(PERIODS, {"funder": "x"}).status_code == 400


def test_nobody_else_sees_reporting(api_as, period, consultant, org_admin, jury_member):
    for person in (consultant, org_admin, jury_member):
        client = api_as(person)
        for url in (PERIODS, f"{PERIODS}{period.pk}/", f"{PERIODS}{period.pk}/indicators/"):
            response = client.get(url)
            assert response.status_code == 403, (person, url)
            assert "AMIF" not in response.content.decode()
    assert api_as(None).get(PERIODS).status_code == 401


def test_the_indicators_are_the_dashboards(api_as, period, fund_lead, org):
    response = api_as(fund_lead).get(f"{PERIODS}{period.pk}/indicators/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["period"]["name"] == "AMIF 2025"
    expected = compute_figures(period)
    assert [r["key"] for r in body["indicators"]] == [r["key"] for r in expected["indicators"]]
    reached = next(r for r in body["indicators"] if r["key"] == "organisations_reached")
    wanted = next(r for r in expected["indicators"] if r["key"] == "organisations_reached")
    assert reached["plan"] == 40
    assert (reached["actual"], reached["status"]) == (wanted["actual"], wanted["status"])


def test_the_indicators_of_one_sub_project(api_as, period, fund_lead):
    client = api_as(fund_lead)
    response = client.get(f"{PERIODS}{period.pk}/indicators/", {"subproject": "actionfund"})
    assert response.status_code == 200
    subprojects = {r["subproject"] for r in response.json()["indicators"]}
    assert subprojects <= {"actionfund", ""}
    assert "actionfund" in subprojects
    bad = client.get(f"{PERIODS}{period.pk}/indicators/", {"subproject": "nope"})
    assert bad.status_code == 400
    assert "subproject" in bad.json()["errors"]
    assert client.get(f"{PERIODS}99999999999/indicators/").status_code == 404
