"""The sub-projects' measures, each defined once in its app's `indicators.py` and found
through the contract: values on real records, period boundaries, and the counted-once rule
across sub-projects."""

from datetime import date
from decimal import Decimal

import pytest

from ikmo.subprojects import SubProject
from reporting.figures import compute_figures, organisation_reach
from reporting.registry import DateRange, get_indicator
from tests import factories
from tests.reporting.conftest import berlin

pytestmark = pytest.mark.django_db

YEAR = DateRange(date(2025, 1, 1), date(2025, 12, 31))


def values(*keys, period=YEAR):
    return {key: get_indicator(key).value(period) for key in keys}


def coaching(organisation, day, minutes=90, consultant=None):
    from qualification.models import CoachingSession

    return CoachingSession.objects.create(
        organisation=organisation,
        consultant=consultant or factories.staff(),
        date=day,
        duration_minutes=minutes,
        format=CoachingSession.Format.IN_PERSON,
    )


def workshop_on(when, *, basic=False):
    from qualification.models import Workshop
    from tests.qualification.factories import make_workshop

    workshop = make_workshop(is_basic=basic)
    Workshop.objects.filter(pk=workshop.pk).update(starts_at=when)
    workshop.refresh_from_db()
    return workshop


def approved_application(organisation, when, amount):
    from actionfund.models import Application, Status
    from tests.actionfund.factories import ApplicationFactory

    application = ApplicationFactory(organisation=organisation, created_by=factories.UserFactory())
    Application.objects.filter(pk=application.pk).update(
        status=Status.APPROVED, approved_at=when, approved_amount=Decimal(amount), submitted_at=when
    )
    return application


class TestQualification:
    def test_values_and_boundaries(self):
        from tests.qualification.factories import register

        org = factories.OrganisationFactory()
        inside = workshop_on(berlin(2025, 12, 31, 23, 59, 59), basic=True)
        workshop_on(berlin(2025, 1, 1, 0, 0), basic=False)
        workshop_on(berlin(2026, 1, 1, 0, 0, 0), basic=True)  # one second after the end
        attended = register(inside, factories.UserFactory(), org, attended=True)
        register(inside, factories.UserFactory(), org, attended=False)
        coaching(org, date(2025, 1, 1), minutes=90)
        coaching(org, date(2025, 12, 31), minutes=45)
        coaching(org, date(2026, 1, 1), minutes=600)

        ours = values(
            "workshops_held",
            "basic_workshops",
            "participants",
            "coaching_sessions",
            "coaching_hours",
        )
        assert ours == {
            "workshops_held": 2,
            "basic_workshops": 1,
            "participants": 1,
            "coaching_sessions": 2,
            "coaching_hours": Decimal("2.2"),  # 135 minutes, rounded half to even
        }
        assert list(get_indicator("participants").records(YEAR)) == [attended]


class TestActionFund:
    def test_values_and_boundaries(self):
        a, b = factories.OrganisationFactory(), factories.OrganisationFactory()
        approved_application(a, berlin(2025, 3, 1), "1000.00")
        approved_application(a, berlin(2025, 12, 31, 23, 59, 59), "500.50")
        approved_application(b, berlin(2026, 1, 1), "900.00")
        ours = values(
            "applications_submitted",
            "applications_approved",
            "amount_granted",
            "organisations_funded",
        )
        assert ours == {
            "applications_submitted": 2,
            "applications_approved": 2,
            "amount_granted": Decimal("1500.50"),
            "organisations_funded": 1,
        }


class TestVolunteering:
    def test_values_and_boundaries(self):
        from tests.volunteering.factories import ConsultationFactory, PlacementFactory

        site = factories.OrganisationFactory()
        ConsultationFactory(organisation=site, held_on=date(2025, 5, 5))
        ConsultationFactory(organisation=site, held_on=date(2025, 6, 5))
        ConsultationFactory(held_on=date(2026, 1, 1))
        PlacementFactory(site=site, start_date=date(2025, 9, 1), end_date=date(2026, 8, 31))
        PlacementFactory(site=site, start_date=date(2026, 1, 1), end_date=date(2026, 12, 31))
        ours = values("organisations_advised", "placements", "volunteers")
        assert ours == {"organisations_advised": 1, "placements": 1, "volunteers": 1}

    def test_drill_down_of_volunteers_shows_placements_not_names(self):
        from tests.volunteering.factories import PlacementFactory

        PlacementFactory(start_date=date(2025, 9, 1), volunteer__first_name="Geheimname")
        indicator = get_indicator("volunteers")
        paths = [c.path for c in indicator.display_columns()]
        rows = list(indicator.records(YEAR).values_list(*paths))
        assert rows and "Geheimname" not in str(rows)


class TestParticipationCheck:
    def test_values_and_boundaries(self, db):
        from participation_check.models import Interview, Recommendation
        from tests.participation_check.conftest import (
            make_analysis,
            make_interview,
            make_recommendation,
        )

        analysis = make_analysis()
        administration = factories.OrganisationFactory(kind="administration")
        org = factories.OrganisationFactory()
        make_interview(analysis, org, date=date(2025, 2, 1))
        make_interview(analysis, org, date=date(2025, 3, 1))
        make_interview(
            analysis, factories.OrganisationFactory(), date=date(2025, 3, 1), consent=False
        )
        kept = make_recommendation(analysis, administration)
        late = make_recommendation(analysis, administration)
        Recommendation.objects.filter(pk=kept.pk).update(
            created_at=berlin(2025, 12, 31, 23, 59, 59)
        )
        Recommendation.objects.filter(pk=late.pk).update(created_at=berlin(2026, 1, 1))
        ours = values("recommendations_made", "organisations_interviewed")
        assert ours == {"recommendations_made": 1, "organisations_interviewed": 1}
        assert Interview.objects.count() == 3


class TestMentoring:
    def test_values_and_boundaries(self):
        from mentoring.models import Event, EventAttendance, Tandem
        from tests.mentoring.factories import (
            CooperationContactFactory,
            EventFactory,
            PartnerFactory,
        )

        office, service = PartnerFactory(), PartnerFactory()
        mo = factories.OrganisationFactory()
        CooperationContactFactory(organisation=mo, partner=office, contact_date=date(2025, 1, 1))
        CooperationContactFactory(organisation=mo, partner=office, contact_date=date(2026, 1, 1))
        held = EventFactory(starts_at=berlin(2025, 12, 31, 18), status=Event.Status.HELD)
        EventAttendance.objects.create(event=held, organisation=service, name="Frau A")
        EventAttendance.objects.create(event=held, organisation=office, name="Herr B")
        mentor = factories.OrganisationFactory(stage="established")
        Tandem.objects.create(
            mentor=mentor, mentee=mo, status="active", activated_at=berlin(2025, 3, 1)
        )
        ours = values(
            "networked_administrations",
            "networked_organisations",
            "cooperation_contacts",
            "event_attendances",
            "tandems_active",
            "tandems_completed",
        )
        assert ours == {
            "networked_administrations": 2,  # the office once, despite three contacts
            "networked_organisations": 2,  # the mentee and its mentor
            "cooperation_contacts": 1,  # the one of 2026 is after the period
            "event_attendances": 2,
            "tandems_active": 1,
            "tandems_completed": 0,
        }
        # Both tandem partners count as supported; the office was only reached.
        supported = set(get_indicator("organisations_supported").records(YEAR))
        assert supported == {mentor, mo}
        assert office in set(get_indicator("organisations_reached").records(YEAR))
        # The reach view lists exactly the organisations reached, the mentor included.
        reach = {entry.organisation_id for entry in organisation_reach(YEAR)}
        assert reach == {o.pk for o in get_indicator("organisations_reached").records(YEAR)}
        assert mentor.pk in reach


class TestCountedOnceAcrossSubprojects:
    def test_an_organisation_coached_and_funded_counts_once(self):
        both = factories.OrganisationFactory(name="Zweifach e.V.")
        coached_only = factories.OrganisationFactory(name="Nur Coaching e.V.")
        coaching(both, date(2025, 4, 1))
        coaching(both, date(2025, 5, 1))
        coaching(coached_only, date(2025, 4, 1))
        approved_application(both, berlin(2025, 6, 1), "800.00")
        approved_application(coached_only, berlin(2026, 1, 1), "800.00")  # after the period

        assert get_indicator("organisations_supported").value(YEAR) == 2
        figures = compute_figures(YEAR)
        row = next(r for r in figures["indicators"] if r["key"] == "organisations_supported")
        shares = {c["key"]: c["value"] for c in row["breakdowns"]["subproject"]}
        assert shares[SubProject.QUALIFICATION] == 2
        assert shares[SubProject.ACTIONFUND] == 1
        assert row["actual"] == 2
