"""Outcome indicators and the support pathway: computed from the records where the portal
sees them, from staff-recorded outcomes where it does not."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from actionfund.models import Application
from devtools import factories
from mentoring.models import Tandem
from organisations.models import Outcome
from participation_check.models import Recommendation
from qualification.models import Registration
from reporting import charts, pathway
from reporting.exports import figures_xlsx_bytes
from reporting.figures import compute_figures, split_levels
from reporting.registry import Level, all_indicators, get_indicator
from volunteering.models import SiteStatus

from .conftest import berlin

OUTCOME_KEYS = {
    "outcome_associations_founded",
    "outcome_outside_funding",
    "outcome_outside_funding_amount",
    "outcome_new_mentors",
    "outcome_new_placement_sites",
    "outcome_recommendations_implemented",
    "outcome_organisations_implementing",
}


def value(key, period):
    return get_indicator(key).value(period)


def approved(org, when):
    return factories.ApplicationFactory(
        organisation=org,
        status=Application.Status.APPROVED,
        approved_at=when,
        approved_amount=Decimal("1000"),
    )


def attended(org, when):
    """A confirmed registration of ``org``, attended, in a workshop held at ``when``."""
    registration = factories.RegistrationFactory(
        organisation=org, status=Registration.Status.CONFIRMED, attended=True
    )
    registration.workshop.starts_at = when
    registration.workshop.save(update_fields=["starts_at"])
    return registration


def test_every_outcome_indicator_is_registered_as_an_outcome(db):
    levels = {i.key: i.level for i in all_indicators()}
    assert set(levels) >= OUTCOME_KEYS
    assert {k for k, level in levels.items() if level == Level.OUTCOME} == OUTCOME_KEYS


def test_associations_founded_counts_each_organisation_once_in_the_period(period):
    org, other = factories.OrganisationFactory.create_batch(2)
    kind = Outcome.Kind.FOUNDED_ASSOCIATION
    factories.OutcomeFactory(organisation=org, kind=kind, date=date(2025, 3, 1))
    factories.OutcomeFactory(organisation=org, kind=kind, date=date(2025, 9, 1))
    factories.OutcomeFactory(organisation=other, kind=kind, date=date(2024, 12, 31))
    factories.OutcomeFactory(organisation=other, date=date(2025, 5, 1))  # outside funding
    assert value("outcome_associations_founded", period) == 1


def test_outside_funding_counts_only_after_an_action_fund_project(period):
    funded, unfunded, later = factories.OrganisationFactory.create_batch(3)
    approved(funded, berlin(2025, 2, 1, 10))
    approved(later, berlin(2025, 8, 1, 10))  # approved after its outside funding
    factories.OutcomeFactory(organisation=funded, date=date(2025, 6, 1), amount=Decimal("5000"))
    factories.OutcomeFactory(organisation=funded, date=date(2025, 7, 1), amount=Decimal("250.5"))
    factories.OutcomeFactory(organisation=unfunded, date=date(2025, 6, 1))
    factories.OutcomeFactory(organisation=later, date=date(2025, 6, 1))
    assert value("outcome_outside_funding", period) == 1
    assert value("outcome_outside_funding_amount", period) == Decimal("5250.50")


def test_a_withdrawn_project_does_not_open_the_way_to_outside_funding(period):
    org = factories.OrganisationFactory()
    application = approved(org, berlin(2025, 2, 1, 10))
    application.status = Application.Status.WITHDRAWN
    application.save(update_fields=["status"])
    factories.OutcomeFactory(organisation=org, date=date(2025, 6, 1))
    assert value("outcome_outside_funding", period) == 0


def test_new_mentors_are_migrant_organisations_mentoring_for_the_first_time(period):
    veteran, newcomer, partner = (
        factories.OrganisationFactory(),
        factories.OrganisationFactory(),
        factories.PartnerFactory(),
    )
    active = Tandem.Status.ACTIVE
    factories.TandemFactory(mentor=veteran, status=active, activated_at=berlin(2024, 5, 1, 12))
    factories.TandemFactory(mentor=veteran, status=active, activated_at=berlin(2025, 5, 1, 12))
    factories.TandemFactory(mentor=newcomer, status=active, activated_at=berlin(2025, 4, 1, 12))
    factories.TandemFactory(mentor=newcomer, status=active, activated_at=berlin(2025, 6, 1, 12))
    factories.TandemFactory(mentor=partner, status=active, activated_at=berlin(2025, 4, 1, 12))
    records = get_indicator("outcome_new_mentors").records(period)
    assert value("outcome_new_mentors", period) == 1
    assert set(records.values_list("mentor", flat=True)) == {newcomer.pk}


def test_new_placement_sites_are_migrant_organisations_recognised_in_the_period(period):
    mo, partner, earlier = (
        factories.OrganisationFactory(),
        factories.PartnerFactory(),
        factories.OrganisationFactory(),
    )
    for org, on in (
        (mo, date(2025, 4, 1)),
        (partner, date(2025, 4, 1)),
        (earlier, date(2024, 4, 1)),
    ):
        factories.ServiceProfileFactory(
            organisation=org, status=SiteStatus.RECOGNISED, recognised_on=on
        )
    assert value("outcome_new_placement_sites", period) == 1
    assert value("sites_recognised", period) == 2


def test_recommendations_implemented_and_their_organisations(period):
    addressee = factories.PartnerFactory()
    done = Recommendation.Status.IMPLEMENTED
    for on in (date(2025, 2, 1), date(2025, 3, 1)):
        factories.RecommendationFactory(addressee=addressee, status=done, status_date=on)
    factories.RecommendationFactory(status=done, status_date=date(2024, 12, 1))
    factories.RecommendationFactory(
        status=Recommendation.Status.ACCEPTED, status_date=date(2025, 2, 1)
    )
    assert value("outcome_recommendations_implemented", period) == 2
    assert value("outcome_organisations_implementing", period) == 1


def test_figures_mark_outcomes_and_batched_equals_per_indicator(period):
    org = factories.OrganisationFactory()
    approved(org, berlin(2025, 2, 1, 10))
    factories.OutcomeFactory(organisation=org, date=date(2025, 6, 1))
    batched = compute_figures(period, today=date(2025, 12, 31), with_breakdowns=False)
    single = compute_figures(period, today=date(2025, 12, 31), with_breakdowns=False, batched=False)
    rows = {r["key"]: r for r in batched["indicators"]}
    assert rows["outcome_outside_funding"]["level"] == "outcome"
    assert rows["outcome_outside_funding"]["actual"] == 1
    assert rows["applications_approved"]["level"] == "output"
    assert [(r["key"], r["actual"]) for r in batched["indicators"]] == [
        (r["key"], r["actual"]) for r in single["indicators"]
    ]
    outputs, outcomes = split_levels(batched["indicators"])
    assert {r["key"] for r in outcomes} == OUTCOME_KEYS
    assert "applications_approved" in {r["key"] for r in outputs}


def test_rows_frozen_before_levels_existed_are_outputs():
    outputs, outcomes = split_levels([{"key": "old"}, {"key": "new", "level": "outcome"}])
    assert [r["key"] for r in outputs] == ["old"]
    assert [r["key"] for r in outcomes] == ["new"]


# --- the pathway ------------------------------------------------------------------------------


@pytest.fixture
def pathway_world(period):
    """Four organisations that went one, two, three and four steps; one coached only."""
    one, two, three, four, coached_only = factories.OrganisationFactory.create_batch(5)
    for org in (one, two, three, four):
        attended(org, berlin(2025, 3, 1, 10))
    for org in (two, three, four, coached_only):
        factories.CoachingSessionFactory(organisation=org, date=date(2025, 4, 1))
    for org in (three, four):
        approved(org, berlin(2025, 5, 1, 10))
    factories.OutcomeFactory(organisation=four, date=date(2025, 9, 1))
    # Outside the period: counts nowhere.
    factories.CoachingSessionFactory(organisation=one, date=date(2024, 4, 1))
    return {"one": one, "two": two, "three": three, "four": four, "coached": coached_only}


def test_pathway_counts_each_step_of_those_who_took_the_steps_before(period, pathway_world):
    steps = pathway.pathway(period)
    assert [s["key"] for s in steps] == ["qualification", "coaching", "fund", "outside_funding"]
    assert [s["pathway"] for s in steps] == [4, 3, 2, 1]
    assert [s["total"] for s in steps] == [4, 4, 2, 1]
    assert [s["percent"] for s in steps] == [100.0, 75.0, 50.0, 25.0]


def test_pathway_organisations_of_a_step(period, pathway_world):
    names = set(pathway.step_organisations(period, "coaching").values_list("pk", flat=True))
    assert names == {pathway_world[k].pk for k in ("two", "three", "four")}
    every = set(
        pathway.step_organisations(period, "coaching", cumulative=False).values_list(
            "pk", flat=True
        )
    )
    assert pathway_world["coached"].pk in every
    with pytest.raises(KeyError):
        pathway.step_organisations(period, "nonsense")


def test_pathway_of_an_empty_period_has_no_percentages(period):
    steps = pathway.pathway(period)
    assert all(s["pathway"] == 0 and s["percent"] is None for s in steps)
    assert charts.pathway(steps) == ""


def test_pathway_is_one_query(period, pathway_world, django_assert_num_queries):
    with django_assert_num_queries(1):
        pathway.pathway(period)


@translation.override("en")
def test_pathway_is_frozen_with_the_figures_and_exported(period, pathway_world):
    snapshot = compute_figures(period, today=date(2025, 12, 31))
    assert [s["pathway"] for s in snapshot["pathway"]] == [4, 3, 2, 1]
    assert compute_figures(period, subproject="qualification")["pathway"] == []
    chart = charts.pathway(snapshot["pathway"])
    # The chart's text alternative reads out every step.
    assert (
        "Support pathway: Took part in a workshop 4 (100.0 %); Received coaching 3 (75.0 %)"
        in chart
    )
    wb = load_workbook(BytesIO(figures_xlsx_bytes(snapshot)))
    sheet = wb["Support pathway"]
    assert [c.value for c in sheet[2]][:4] == ["Took part in a workshop", 4, 1.0, 4]
    assert sheet["C3"].number_format == "0.0%"
    plan = wb["Plan vs actual"]
    header = [c.value for c in plan[1]]
    level_column = header.index("Output or outcome")
    kinds = {row[0].value: row[level_column].value for row in plan.iter_rows(min_row=2)}
    assert kinds["Organisations that won outside funding after an action-fund project"] == "Outcome"
    assert kinds["Action fund projects approved"] == "Output"


# --- the pathway page ---------------------------------------------------------------------------


def test_pathway_page_shows_steps_and_the_organisations_of_a_step(
    client_for, project_lead, period, pathway_world
):
    client = client_for(project_lead)
    url = reverse("reporting:pathway")
    response = client.get(url, {"period": period.pk})
    assert response.status_code == 200
    assert [s["pathway"] for s in response.context["steps"]] == [4, 3, 2, 1]
    assert response.content.count(b'<progress class="pathway-bar') == 4
    response = client.get(url, {"period": period.pk, "step": "fund"})
    names = {o.name for o in response.context["page_obj"]}
    assert names == {pathway_world["three"].name, pathway_world["four"].name}
    assert pathway_world["two"].name not in response.content.decode()


@pytest.mark.parametrize("step", ["nonsense", "", "fund\x00", "9" * 30])
def test_pathway_page_ignores_unknown_steps(client_for, project_lead, period, step):
    response = client_for(project_lead).get(
        reverse("reporting:pathway"), {"period": period.pk, "step": step, "page": "x"}
    )
    assert response.status_code == 200
    assert response.context["chosen"] is None


def test_pathway_page_is_for_reporting_staff_only(client_for, consultant, org_admin, period):
    url = reverse("reporting:pathway")
    assert client_for(consultant).get(url).status_code == 403
    assert client_for(org_admin).get(url).status_code == 403


def test_pathway_page_query_count_does_not_grow(
    client_for, project_lead, period, pathway_world, django_assert_max_num_queries
):
    client = client_for(project_lead)
    url = reverse("reporting:pathway")
    client.get(url, {"period": period.pk, "step": "qualification"})
    with django_assert_max_num_queries(20) as few:
        client.get(url, {"period": period.pk, "step": "qualification"})
    for _ in range(30):
        attended(factories.OrganisationFactory(), berlin(2025, 3, 2, 10))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url, {"period": period.pk, "step": "qualification"})
