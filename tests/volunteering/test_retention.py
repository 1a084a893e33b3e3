from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from ikmo.audit import audit_log
from ikmo.models import AuditEntry
from reporting.registry import DateRange, get_indicator
from volunteering import services, tasks
from volunteering.models import PlacementStatus, Volunteer

from .factories import PlacementFactory, VolunteerFactory

TODAY = date.today()


def finished(site, contingent, *, days_ago, **kwargs):
    end = TODAY - timedelta(days=days_ago)
    return PlacementFactory(
        site=site,
        contingent=contingent,
        status=PlacementStatus.FINISHED,
        start_date=end - timedelta(days=364),
        end_date=end,
        **kwargs,
    )


@pytest.mark.django_db
class TestRetention:
    def test_volunteers_are_anonymised_a_year_after_their_placement_ended(self, site, contingent):
        volunteer = VolunteerFactory(
            first_name="Alt",
            last_name="Person",
            email="alt@example.org",
            birth_year=2001,
            migration_background=True,
            migration_background_consent=True,
        )
        old = finished(site, contingent, days_ago=400, volunteer=volunteer, end_reason="")
        recent = finished(site, contingent, days_ago=100)
        audit_log(actor=None, action="volunteering.volunteer.tested", target=volunteer)

        assert tasks.erase_expired_volunteer_data() == 1

        volunteer.refresh_from_db()
        assert (
            volunteer.first_name,
            volunteer.last_name,
            volunteer.email,
            volunteer.birth_year,
        ) == (
            "",
            "",
            "",
            None,
        )
        assert volunteer.anonymised_at is not None
        assert (
            "Alt" not in AuditEntry.objects.get(action="volunteering.volunteer.tested").object_repr
        )
        recent.volunteer.refresh_from_db()
        assert recent.volunteer.anonymised_at is None
        # The figures stay: the placement still counts, the consented background is kept.
        period = DateRange(old.start_date, old.end_date)
        assert get_indicator("placements").records(period).filter(pk=old.pk).exists()
        assert get_indicator("volunteers").value(period) >= 1
        assert volunteer.migration_background and volunteer.migration_background_consent

    def test_the_retention_period_is_configurable(self, site, contingent, settings):
        settings.IKMO_VOLUNTEER_RETENTION_DAYS = 30
        placement = finished(site, contingent, days_ago=40)
        assert services.volunteer_erase_expired(today=TODAY) == 1
        placement.volunteer.refresh_from_db()
        assert placement.volunteer.anonymised_at

    def test_an_early_end_counts_from_the_last_day_served(self, site, contingent):
        placement = PlacementFactory(
            site=site,
            contingent=contingent,
            status=PlacementStatus.ENDED_EARLY,
            start_date=TODAY - timedelta(days=500),
            ended_on=TODAY - timedelta(days=400),
            end_date=TODAY - timedelta(days=200),
            end_reason="Persönliche Gründe von Frau X",
        )
        assert services.volunteer_erase_expired(today=TODAY) == 1
        placement.refresh_from_db()
        assert placement.end_reason == ""

    def test_volunteers_with_a_running_placement_are_kept(self, site, contingent):
        volunteer = VolunteerFactory()
        finished(site, contingent, days_ago=800, volunteer=volunteer)
        PlacementFactory(
            site=site, contingent=contingent, volunteer=volunteer, status=PlacementStatus.ACTIVE
        )
        assert services.volunteer_erase_expired(today=TODAY) == 0

    def test_the_management_command_reports_and_erases(self, site, contingent):
        finished(site, contingent, days_ago=500)
        out = StringIO()
        call_command("erase_volunteer_data", "--dry-run", stdout=out)
        assert "1 volunteers would be anonymised" in out.getvalue()
        assert Volunteer.objects.filter(anonymised_at__isnull=True).count() == 1
        call_command("erase_volunteer_data", stdout=StringIO())
        assert Volunteer.objects.filter(anonymised_at__isnull=True).count() == 0

    def test_staff_can_erase_a_volunteer_on_request_once_the_placement_is_closed(
        self, client_for, desk_consultant, site, contingent
    ):
        running = PlacementFactory(site=site, contingent=contingent)
        client = client_for(desk_consultant)
        client.post(reverse("volunteering:volunteer_erase", args=[running.pk]))
        running.volunteer.refresh_from_db()
        assert running.volunteer.anonymised_at is None
        closed = finished(site, contingent, days_ago=5)
        client.post(reverse("volunteering:volunteer_erase", args=[closed.pk]))
        closed.volunteer.refresh_from_db()
        assert closed.volunteer.anonymised_at is not None
        page = client.get(reverse("volunteering:placement", args=[closed.pk]))
        assert (
            "Anonymised volunteer" in page.content.decode()
            or "Anonymisiert" in page.content.decode()
        )


@pytest.mark.django_db
def test_indicators_count_advice_recognition_placements_and_volunteers(
    site, other_site, contingent, desk_consultant
):
    from volunteering.models import ServiceProfile

    from .factories import ConsultationFactory

    ConsultationFactory(organisation=site, held_on=date(2025, 3, 1))
    ConsultationFactory(organisation=site, held_on=date(2025, 4, 1))
    ConsultationFactory(organisation=other_site, held_on=date(2024, 4, 1))
    ServiceProfile.objects.filter(organisation=other_site).update(recognised_on=date(2025, 5, 1))
    with_background = VolunteerFactory(migration_background=True, migration_background_consent=True)
    without_consent = VolunteerFactory()
    PlacementFactory(site=site, contingent=contingent, volunteer=with_background)
    PlacementFactory(site=site, contingent=contingent, volunteer=without_consent)
    PlacementFactory(site=site, contingent=contingent, status=PlacementStatus.CANCELLED)
    PlacementFactory(
        site=site, contingent=contingent, start_date=date(2026, 9, 1), end_date=date(2027, 8, 31)
    )
    period = DateRange(date(2025, 1, 1), date(2025, 12, 31))
    keys = ("organisations_advised", "sites_recognised", "placements", "volunteers")
    figures = {key: get_indicator(key).value(period) for key in keys}
    assert figures == {
        "organisations_advised": 1,
        "sites_recognised": 1,
        "placements": 2,
        "volunteers": 2,
    }


@pytest.mark.django_db
def test_desk_staff_export_a_volunteers_data_and_sites_cannot(
    client_for, desk_consultant, org_admin, site, contingent
):
    import json

    placement = PlacementFactory(
        site=site, contingent=contingent, volunteer__first_name="Exportiert"
    )
    response = client_for(desk_consultant).get(
        reverse("volunteering:volunteer_export", args=[placement.pk])
    )
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["volunteer"]["first_name"] == "Exportiert"
    assert data["placements"][0]["reference"] == f"Placement P-{placement.pk}"
    assert AuditEntry.objects.filter(action="volunteering.volunteer.exported").exists()
    assert (
        client_for(org_admin)
        .get(reverse("volunteering:volunteer_export", args=[placement.pk]))
        .status_code
        == 403
    )
