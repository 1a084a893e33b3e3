from datetime import date, timedelta

import pytest

from ikmo.models import OutboundEmail
from tests import factories
from volunteering import services, tasks
from volunteering.models import Contingent, PlacementStatus, ReminderSent

from .factories import PlacementFactory


@pytest.fixture
def today():
    return date.today()


@pytest.fixture
def running_contingent(carrier, today):
    return Contingent.objects.create(
        carrier=carrier, year=today.year, service_type="fsj", places=10
    )


def recipients():
    return sorted(OutboundEmail.objects.values_list("to", flat=True))


@pytest.mark.django_db
class TestPlacementEndingReminder:
    def test_the_site_its_mentor_and_the_desk_hear_once_that_a_placement_ends(
        self, site, org_admin, other_org_admin, desk_consultant, running_contingent, today, settings
    ):
        settings.IKMO_VOLUNTEER_DESK_EMAIL = "fwd@centre.example"
        settings.IKMO_VOLUNTEER_SEMINAR_TOLERANCE_DAYS = 100  # only the ending reminder here
        placement = PlacementFactory(
            site=site,
            contingent=running_contingent,
            start_date=today - timedelta(days=330),
            end_date=today + timedelta(days=30),
            mentor_email="mentor@org-a.example",
            volunteer__first_name="Namenlos",
        )
        result = tasks.send_due_reminders()
        assert result["placement_ending"] == 1
        assert recipients() == [
            "admin@org-a.example",
            "desk@centre.example",
            "fwd@centre.example",
            "mentor@org-a.example",
        ]
        assert (
            ReminderSent.objects.filter(placement=placement, kind="placement_ending").count() == 1
        )
        email = OutboundEmail.objects.first()
        assert f"P-{placement.pk}" in email.subject
        assert "Namenlos" not in email.subject + email.body  # mails carry no volunteer names
        assert f"/volunteering/placements/{placement.pk}/" in email.body

        tasks.send_due_reminders()
        assert OutboundEmail.objects.count() == 4

    def test_a_second_claim_of_the_same_reminder_sends_nothing(
        self, site, org_admin, running_contingent, today
    ):
        placement = PlacementFactory(
            site=site,
            contingent=running_contingent,
            start_date=today - timedelta(days=300),
            end_date=today + timedelta(days=10),
        )
        assert services.remind_placement_ending(placement_id=placement.pk) is True
        assert services.remind_placement_ending(placement_id=placement.pk) is False
        assert recipients() == ["admin@org-a.example"]

    def test_placements_far_from_their_end_or_closed_get_no_reminder(
        self, site, org_admin, running_contingent, today
    ):
        PlacementFactory(
            site=site,
            contingent=running_contingent,
            start_date=today,
            end_date=today + timedelta(days=200),
        )
        PlacementFactory(
            site=site,
            contingent=running_contingent,
            status=PlacementStatus.ENDED_EARLY,
            start_date=today - timedelta(days=300),
            end_date=today + timedelta(days=10),
        )
        assert tasks.send_due_reminders()["placement_ending"] == 0
        assert not OutboundEmail.objects.exists()


@pytest.mark.django_db
class TestSeminarDaysReminder:
    def test_site_carrier_and_desk_are_told_once_when_seminar_days_lag(
        self, site, carrier, org_admin, desk_consultant, running_contingent, today
    ):
        factories.member_of(carrier, role="admin", email="admin@carrier.example")
        placement = PlacementFactory(
            site=site,
            contingent=running_contingent,
            start_date=today - timedelta(days=240),
            end_date=today + timedelta(days=120),
        )
        result = tasks.send_due_reminders()
        assert result["seminar_days_missing"] == 1
        assert recipients() == [
            "admin@carrier.example",
            "admin@org-a.example",
            "desk@centre.example",
        ]
        assert ReminderSent.objects.get(kind="seminar_days_missing").placement == placement
        body = OutboundEmail.objects.first().body
        assert "0 seminar days" in body or "0 Seminartage" in body
        tasks.send_due_reminders()
        assert OutboundEmail.objects.count() == 3

    def test_on_track_or_early_placements_get_no_seminar_reminder(
        self, site, org_admin, carrier, running_contingent, today
    ):
        from volunteering.models import SeminarAttendance

        from .factories import SeminarFactory

        early = PlacementFactory(
            site=site,
            contingent=running_contingent,
            start_date=today - timedelta(days=30),
            end_date=today + timedelta(days=330),
        )
        on_track = PlacementFactory(
            site=site,
            contingent=running_contingent,
            start_date=today - timedelta(days=240),
            end_date=today + timedelta(days=120),
        )
        seminar = SeminarFactory(
            carrier=carrier, days=20, start_date=today - timedelta(days=30), end_date=today
        )
        SeminarAttendance.objects.create(seminar=seminar, placement=on_track, days_attended=15)
        assert services.due_seminar_reminders(today) == []
        assert early.pk and not OutboundEmail.objects.exists()
