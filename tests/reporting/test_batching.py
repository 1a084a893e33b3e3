"""The batched figures (reporting/batching.py) equal the per-indicator ones, number for number.

compute_figures(batched=False) computes every value, breakdown and monthly series with its
own query: the straightforward reading of each indicator's definition. The batched way must
give the same snapshot for every indicator, value, breakdown cell and month.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db.models import Count, Max, Q, Sum

from devtools.scale import Scale, generate
from ikmo.subprojects import SubProject, subproject_choices
from organisations.models import District, Membership
from reporting.figures import compute_figures, indicator_figures
from reporting.models import FundingPeriod
from reporting.registry import DateRange, Dimension, Reach, all_indicators, within
from tests import factories
from tests.reporting.conftest import berlin, log

pytestmark = pytest.mark.django_db


def snapshot(period, **kwargs):
    figures = compute_figures(period, **kwargs)
    figures.pop("computed_at")
    return figures


def assert_same_figures(period, *, subproject=None):
    batched = snapshot(period, subproject=subproject)
    one_by_one = snapshot(period, subproject=subproject, batched=False)
    # Row by row first, so that a difference names its indicator.
    assert [r["key"] for r in batched["indicators"]] == [r["key"] for r in one_by_one["indicators"]]
    for mine, reference in zip(batched["indicators"], one_by_one["indicators"], strict=True):
        assert mine == reference, mine["key"]
    assert batched == one_by_one
    return batched


@pytest.fixture
def generated(db):
    """Every sub-project's records, spread over the year and its neighbours."""
    generate(Scale.small(40), year=2025)
    return FundingPeriod.objects.get(name="AMIF 2025")


class TestOnGeneratedData:
    def test_the_years_figures_are_the_same_computed_either_way(self, generated):
        figures = assert_same_figures(generated)
        # Not a comparison of zeros: nearly every indicator has records in the year.
        assert sum(1 for row in figures["indicators"] if row["actual"]) >= 20
        assert any(row["breakdowns"] for row in figures["indicators"])
        assert sum(sum(s["values"]) for s in figures["activity"]["series"]) > 0

    @pytest.mark.parametrize(
        ("start", "end"),
        [
            (date(2025, 3, 1), date(2025, 3, 31)),  # one month
            (date(2024, 11, 15), date(2025, 2, 14)),  # across the turn of the year
            (date(2025, 6, 1), date(2025, 6, 1)),  # one day
            (date(2030, 1, 1), date(2030, 12, 31)),  # nothing recorded
        ],
    )
    def test_other_periods_too(self, generated, start, end):
        assert_same_figures(DateRange(start, end))

    @pytest.mark.parametrize("subproject", [key for key, _label in subproject_choices()])
    def test_each_subprojects_figures_too(self, generated, subproject):
        assert_same_figures(generated, subproject=subproject)

    @pytest.mark.parametrize("subproject", [None, *(key for key, _label in subproject_choices())])
    def test_one_indicator_on_its_own_is_its_row_of_the_snapshot(self, generated, subproject):
        # The breakdowns of an opened dashboard card are computed for that indicator alone.
        rows = snapshot(generated, subproject=subproject)["indicators"]
        assert any(row["breakdowns"] for row in rows)
        for row in rows:
            assert indicator_figures(generated, row["key"], subproject=subproject) == row
        assert indicator_figures(generated, "no_such_indicator", subproject=subproject) is None

    def test_one_indicator_on_its_own_computes_no_monthly_series(self, generated):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        key = "coaching_sessions"
        indicator = next(i for i in all_indicators() if i.key == key)
        assert indicator.activity and indicator.date_field  # the dashboard draws its months
        with CaptureQueriesContext(connection) as queries:
            indicator_figures(generated, key)
        assert queries.captured_queries
        assert not [q for q in queries.captured_queries if 'AS "month"' in q["sql"]]
        with CaptureQueriesContext(connection) as queries:
            compute_figures(generated)
        assert [q for q in queries.captured_queries if 'AS "month"' in q["sql"]]

    def test_without_breakdowns(self, generated):
        assert snapshot(generated, with_breakdowns=False) == snapshot(
            generated, with_breakdowns=False, batched=False
        )

    def test_far_fewer_queries(self, generated, django_assert_max_num_queries):
        per_indicator = sum(
            1 + len(i.breakdowns) + (1 if i.activity else 0) for i in all_indicators()
        )
        with django_assert_max_num_queries(per_indicator // 2):
            compute_figures(generated)


class TestMeasuresOfEveryShape:
    """Stand-in indicators over memberships, one per kind of measure the batching treats
    differently: added up across cells, counted per organisation, or left to its own query."""

    @pytest.fixture
    def records(self, period):
        mitte = District.objects.get(name="Mitte")
        orgs = [
            factories.OrganisationFactory(district=mitte),
            factories.OrganisationFactory(district=None),
            factories.OrganisationFactory(kind="refugee_initiative"),
        ]
        for n, org in enumerate(orgs * 3):
            membership = log("shapes", org, berlin(2025, 1 + n % 12, 28, 23, 30))
            if n == 4:  # one administrator among them
                Membership.objects.filter(pk=membership.pk).update(role="admin")
        log("shapes", orgs[0], berlin(2026, 1, 1))  # outside the period
        return orgs

    def test_every_shape_of_measure(self, extra_indicator, period, records):
        def memberships(period):
            return within(Membership.objects.filter(message="shapes"), "decided_at", period)

        common = {
            "subproject": SubProject.MENTORING,
            "records": memberships,
            "date_field": "decided_at",
            "breakdowns": (Dimension.DISTRICT, Dimension.KIND),
            "activity": True,
        }
        extra_indicator(key="shapes_count", label="count", reach=Reach.SUPPORTED, **common)
        extra_indicator(
            key="shapes_organisations",
            label="organisations",
            measure=lambda: Count("organisation", distinct=True),
            reach=Reach.REACHED,
            **common,
        )
        extra_indicator(
            key="shapes_people",
            label="people (not additive)",
            measure=lambda: Count("user", distinct=True),
            **common,
        )
        extra_indicator(
            key="shapes_hours",
            label="hours",
            unit="hours",
            measure=lambda: Sum("organisation_id"),
            scale=Decimal(1) / Decimal(60),
            **common,
        )
        extra_indicator(
            key="shapes_latest",
            label="a maximum (left to its own query)",
            measure=lambda: Max("organisation_id"),
            **common,
        )
        extra_indicator(
            key="shapes_refugee_initiatives",
            label="a condition across a relation (a query of its own)",
            condition=Q(organisation__kind="refugee_initiative"),
            **common,
        )
        extra_indicator(
            key="shapes_admins",
            label="a condition on the records (counted with the others)",
            condition=Q(role="admin"),
            **common,
        )
        extra_indicator(
            key="shapes_own_value",
            label="its own value function",
            value_fn=lambda period: 7,
            **common,
        )
        figures = assert_same_figures(period)
        rows = {row["key"]: row for row in figures["indicators"]}
        assert rows["shapes_count"]["actual"] == 9
        assert rows["shapes_organisations"]["actual"] == 3
        assert {c["key"] for c in rows["shapes_count"]["breakdowns"]["district"]} >= {"none"}
        assert rows["organisations_supported"]["actual"] == 3
        assert rows["shapes_refugee_initiatives"]["actual"] == 3
        assert rows["shapes_admins"]["actual"] == 1
        assert_same_figures(period, subproject=SubProject.MENTORING)
        assert_same_figures(DateRange(date(2025, 1, 1), date(2025, 1, 31) + timedelta(days=1)))

    def test_one_set_of_organisations_with_several_records_each(
        self, extra_indicator, period, records
    ):
        # A sub-project whose only set of organisations is this one: each organisation has
        # two records and still counts once.
        for org in records:
            log("lone", org, berlin(2025, 5, 1))
            log("lone", org, berlin(2025, 6, 1))
        extra_indicator(
            key="lone_organisations",
            label="organisations",
            subproject="lone",
            records=lambda period: within(
                Membership.objects.filter(message="lone"), "decided_at", period
            ),
            measure=lambda: Count("organisation", distinct=True),
            date_field="decided_at",
            reach=Reach.SUPPORTED,
        )
        figures = assert_same_figures(period, subproject="lone")
        rows = {row["key"]: row for row in figures["indicators"]}
        assert rows["lone_organisations"]["actual"] == 3
        assert rows["organisations_supported"]["actual"] == 3
