from datetime import date, timedelta
from decimal import Decimal

import pytest

from ikmo.subprojects import SubProject
from organisations.models import District, Organisation
from reporting.figures import (
    Status,
    compute_figures,
    elapsed_fraction,
    organisation_reach,
    reached_organisations,
    status_for,
)
from reporting.models import PlanValue
from reporting.registry import DateRange, Reach, all_indicators, get_indicator
from tests import factories
from tests.reporting.conftest import berlin, log

pytestmark = pytest.mark.django_db


def registered_at(organisation, when):
    Organisation.objects.filter(pk=organisation.pk).update(created_at=when)


class TestPeriodBoundaries:
    def test_first_instant_and_last_second_count_one_second_after_the_end_does_not(self, period):
        inside = [
            factories.OrganisationFactory(name="Erster Tag e.V."),
            factories.OrganisationFactory(name="Letzte Sekunde e.V."),
        ]
        registered_at(inside[0], berlin(2025, 1, 1, 0, 0, 0))
        registered_at(inside[1], berlin(2025, 12, 31, 23, 59, 59))
        before = factories.OrganisationFactory(name="Zu früh e.V.")
        registered_at(before, berlin(2024, 12, 31, 23, 59, 59))
        after = factories.OrganisationFactory(name="Zu spät e.V.")
        registered_at(after, berlin(2026, 1, 1, 0, 0, 0))  # one second after the end

        indicator = get_indicator("organisations_registered")
        assert indicator.value(period) == 2
        assert set(indicator.records(period).values_list("name", flat=True)) == {
            "Erster Tag e.V.",
            "Letzte Sekunde e.V.",
        }

    def test_days_are_berlin_days_not_utc_days(self, period):
        # 00:30 in Berlin on 1 January is still 31 December in UTC.
        org = factories.OrganisationFactory()
        registered_at(org, berlin(2025, 1, 1, 0, 30))
        assert get_indicator("organisations_registered").value(period) == 1
        assert (
            get_indicator("organisations_registered").value(
                DateRange(date(2024, 12, 1), date(2024, 12, 31))
            )
            == 0
        )

    def test_date_fields_include_both_end_days(self, stand_in, period):
        stand_in("talks", SubProject.MENTORING)
        org = factories.OrganisationFactory()
        for when in (berlin(2025, 1, 1), berlin(2025, 12, 31, 23, 59, 59), berlin(2026, 1, 1)):
            log("talks", org, when)
        assert get_indicator("talks").value(period) == 2


class TestOrganisationMeasures:
    def test_approved_counts_decisions_in_the_period_only(self, period):
        approved = factories.OrganisationFactory(decided_at=berlin(2025, 3, 1))
        factories.OrganisationFactory(decided_at=berlin(2024, 3, 1))  # decided before
        factories.OrganisationFactory(
            status=Organisation.Status.REJECTED, decided_at=berlin(2025, 3, 1)
        )
        factories.OrganisationFactory(status=Organisation.Status.PENDING)
        indicator = get_indicator("organisations_approved")
        assert indicator.value(period) == 1
        assert list(indicator.records(period)) == [approved]


class TestCountedOnce:
    def test_an_organisation_in_two_subprojects_counts_once(self, stand_in, period):
        stand_in("coached", SubProject.QUALIFICATION)
        stand_in("tandems", SubProject.MENTORING)
        both = factories.OrganisationFactory(name="Beide e.V.")
        only_one = factories.OrganisationFactory(name="Eins e.V.")
        log("coached", both, berlin(2025, 2, 1))
        log("coached", both, berlin(2025, 3, 1))  # two records, still one organisation
        log("tandems", both, berlin(2025, 4, 1))
        log("tandems", only_one, berlin(2025, 4, 1))

        supported = get_indicator("organisations_supported")
        assert supported.value(period) == 2
        assert set(supported.records(period)) == {both, only_one}

        figures = compute_figures(period)
        row = next(r for r in figures["indicators"] if r["key"] == "organisations_supported")
        assert row["actual"] == 2
        shares = {c["key"]: c["value"] for c in row["breakdowns"]["subproject"]}
        assert shares["qualification"] == 1
        assert shares["mentoring"] == 2
        # The shares add up to more than the total: that is the point of the rule.
        assert sum(shares.values()) == 3

    def test_records_outside_the_period_do_not_make_an_organisation_supported(
        self, stand_in, period
    ):
        stand_in("coached", SubProject.QUALIFICATION)
        org = factories.OrganisationFactory()
        log("coached", org, berlin(2026, 1, 1, 0, 0, 0))
        assert get_indicator("organisations_supported").value(period) == 0

    def test_reached_includes_supported_but_supported_excludes_mere_contact(self, stand_in, period):
        stand_in("coached", SubProject.QUALIFICATION)
        stand_in("interviews", SubProject.PARTICIPATION_CHECK, reach=Reach.REACHED)
        supported = factories.OrganisationFactory()
        contacted = factories.OrganisationFactory()
        log("coached", supported, berlin(2025, 5, 1))
        log("interviews", supported, berlin(2025, 5, 2))
        log("interviews", contacted, berlin(2025, 5, 2))
        assert get_indicator("organisations_supported").value(period) == 1
        assert get_indicator("organisations_reached").value(period) == 2

    def test_breakdowns_by_district_and_kind_add_up_and_drill_down_to_the_same_records(
        self, stand_in, period
    ):
        stand_in("coached", SubProject.QUALIFICATION)
        mitte = District.objects.get(name="Mitte")
        a = factories.OrganisationFactory(district=mitte)
        b = factories.OrganisationFactory(kind=Organisation.Kind.REFUGEE_INITIATIVE)
        c = factories.OrganisationFactory(district=None)
        for org in (a, b, c):
            log("coached", org, berlin(2025, 6, 1))
        figures = compute_figures(period)
        row = next(r for r in figures["indicators"] if r["key"] == "coached")
        districts = {cell["key"]: cell for cell in row["breakdowns"]["district"]}
        assert districts[str(mitte.pk)] == {"key": str(mitte.pk), "label": "Mitte", "value": 1}
        neukoelln = District.objects.get(name="Neukölln")
        assert districts[str(neukoelln.pk)]["value"] == 1
        assert districts["none"]["value"] == 1
        assert districts["none"]["label"] == "Kein Bezirk angegeben"
        assert sum(c["value"] for c in row["breakdowns"]["kind"]) == row["actual"] == 3

        indicator = get_indicator("coached")
        assert list(
            indicator.filtered_records(period, district=str(mitte.pk)).values_list(
                "organisation", flat=True
            )
        ) == [a.pk]
        assert list(
            indicator.filtered_records(period, district="none").values_list(
                "organisation", flat=True
            )
        ) == [c.pk]
        assert list(
            indicator.filtered_records(period, kind="refugee_initiative").values_list(
                "organisation", flat=True
            )
        ) == [b.pk]


class TestPlanAndStatus:
    def test_plan_percentage_and_status_in_the_figures(self, stand_in, period):
        stand_in("coached", SubProject.QUALIFICATION)
        for _ in range(3):
            log("coached", factories.OrganisationFactory(), berlin(2025, 2, 1))
        PlanValue.objects.create(period=period, indicator_key="coached", value=Decimal(4))
        figures = compute_figures(period, today=date(2026, 2, 1))
        row = next(r for r in figures["indicators"] if r["key"] == "coached")
        assert (row["plan"], row["actual"], row["percent"]) == (4, 3, 75.0)
        assert row["status"] == Status.MISSED
        assert row["status_label"]  # the colour always comes with words

    @pytest.mark.parametrize(
        ("actual", "plan", "elapsed", "expected"),
        [
            (67, 33, 1.0, Status.REACHED),
            (40, 40, 0.5, Status.REACHED),
            (20, 40, 0.5, Status.ON_TRACK),
            (18, 40, 0.5, Status.ON_TRACK),  # within 10 % of the pace
            (17, 40, 0.5, Status.BEHIND),
            (39, 40, 1.0, Status.MISSED),
            (5, None, 0.5, Status.NO_PLAN),
        ],
    )
    def test_status_rules(self, actual, plan, elapsed, expected):
        assert status_for(actual, plan, elapsed=elapsed) == expected

    def test_elapsed_fraction(self, period):
        assert elapsed_fraction(period, date(2024, 6, 1)) == 0
        assert elapsed_fraction(period, date(2025, 12, 31)) == 1
        assert elapsed_fraction(period, date(2025, 1, 1)) == pytest.approx(1 / 365)


class TestActivityAndReach:
    def test_activity_per_month_by_subproject(self, stand_in, period):
        stand_in("coached", SubProject.QUALIFICATION)
        org = factories.OrganisationFactory()
        log("coached", org, berlin(2025, 1, 31, 23, 0))
        log("coached", org, berlin(2025, 3, 1, 0, 30))
        figures = compute_figures(period)
        series = {s["subproject"]: s["values"] for s in figures["activity"]["series"]}
        assert series["qualification"][:3] == [1, 0, 1]
        assert len(figures["activity"]["months"]) == 12

    def test_reach_lists_subprojects_and_first_and_last_contact(self, stand_in, period):
        stand_in("coached", SubProject.QUALIFICATION)
        stand_in("tandems", SubProject.MENTORING)
        org = factories.OrganisationFactory(name="Brücke e.V.")
        log("coached", org, berlin(2025, 2, 1))
        log("coached", org, berlin(2025, 9, 30))
        log("tandems", org, berlin(2025, 1, 15))
        log("tandems", factories.OrganisationFactory(), berlin(2025, 1, 15))
        entries = organisation_reach(period)
        entry = next(e for e in entries if e.organisation_id == org.pk)
        assert entry.subprojects == {"qualification", "mentoring"}
        assert entry.first_contact == date(2025, 1, 15)
        assert entry.last_contact == date(2025, 9, 30)
        assert len(entries) == 2

    def test_reach_pages_in_the_database_with_the_same_rows(self, stand_in, period):
        stand_in("coached", SubProject.QUALIFICATION)
        stand_in("tandems", SubProject.MENTORING)
        names = ["zeta", "Alpha", "beta", "Gamma", "delta"]
        orgs = [factories.OrganisationFactory(name=name) for name in names]
        for i, org in enumerate(orgs):
            log("coached", org, berlin(2025, 2, 1) + timedelta(days=i))
        log("tandems", orgs[0], berlin(2025, 1, 15))
        factories.OrganisationFactory(name="Aaron unreached")
        everything = organisation_reach(period)
        ordered = list(reached_organisations(period).values_list("pk", flat=True))
        assert ordered == [e.organisation_id for e in everything]
        assert [e.name for e in everything] == ["Alpha", "beta", "delta", "Gamma", "zeta"]
        # A page: only its organisations, in the page's order, with the same contents.
        page = organisation_reach(period, organisation_ids=ordered[3:5])
        assert [e.organisation_id for e in page] == ordered[3:5]
        assert page[1].subprojects == {"qualification", "mentoring"}
        assert page[1].first_contact == date(2025, 1, 15)
        assert page[1] == everything[4]
        # One sub-project narrows the list as it narrows the full computation.
        mentoring = list(reached_organisations(period, subproject="mentoring"))
        assert mentoring == [orgs[0]]

    def test_reach_uses_a_fixed_number_of_queries(
        self, stand_in, period, django_assert_max_num_queries
    ):
        stand_in("coached", SubProject.QUALIFICATION)
        for i in range(30):
            log("coached", factories.OrganisationFactory(), berlin(2025, 2, 1) + timedelta(days=i))
        contributing = [i for i in all_indicators() if i.reach and i.subproject]
        with_extra_ids = [i for i in contributing if i.organisation_ids_fn]
        # One grouped query per contributing indicator (two where records involve further
        # organisations, like a tandem's mentor) and one for the names.
        with django_assert_max_num_queries(len(contributing) + len(with_extra_ids) + 1):
            assert len(organisation_reach(period)) == 30
