import threading
import time
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from volunteering import selectors, services
from volunteering.models import Contingent, Placement, PlacementStatus, Volunteer

from .factories import PlacementFactory


def volunteer_data(**overrides):
    data = {
        "first_name": "Lina",
        "last_name": "Beispiel",
        "email": "",
        "birth_year": None,
        "migration_background": None,
        "migration_background_consent": False,
        "consent_given_on": date(2025, 6, 1),
        "consent_text_version": "2025-01",
    }
    return {**data, **overrides}


def placement_data(site, **overrides):
    data = {
        "site": site,
        "service_type": "fsj",
        "start_date": date(2025, 9, 1),
        "end_date": date(2026, 8, 31),
        "weekly_hours": Decimal("39"),
        "mentor_name": "Frau Mentorin",
        "mentor_email": "",
    }
    return {**data, **overrides}


@pytest.mark.django_db
class TestContingents:
    def test_places_used_are_computed_from_placements(self, site, contingent, desk_consultant):
        services.placement_create(
            volunteer=volunteer_data(), placement=placement_data(site), by=desk_consultant
        )
        PlacementFactory(site=site, contingent=contingent, status=PlacementStatus.CANCELLED)
        row = selectors.contingents_overview(desk_consultant).get(pk=contingent.pk)
        assert row.used == 1
        assert selectors.places_used(contingent) == 1

    def test_booking_beyond_the_contingent_is_refused_with_a_clear_message(
        self, site, contingent, desk_consultant
    ):
        for _ in range(contingent.places):
            services.placement_create(
                volunteer=volunteer_data(), placement=placement_data(site), by=desk_consultant
            )
        with pytest.raises(ValidationError) as error:
            services.placement_create(
                volunteer=volunteer_data(first_name="Dritte"),
                placement=placement_data(site),
                by=desk_consultant,
            )
        message = error.value.messages[0]
        assert "fully booked (2 of 2 places)" in message and "2025" in message
        assert Placement.objects.count() == 2
        assert not Volunteer.objects.filter(first_name="Dritte").exists()

    def test_a_cancelled_placement_frees_its_place(self, site, contingent, desk_consultant):
        first = services.placement_create(
            volunteer=volunteer_data(), placement=placement_data(site), by=desk_consultant
        )
        services.placement_create(
            volunteer=volunteer_data(), placement=placement_data(site), by=desk_consultant
        )
        services.placement_transition(
            placement=first, to_status=PlacementStatus.CANCELLED, by=desk_consultant
        )
        services.placement_create(
            volunteer=volunteer_data(), placement=placement_data(site), by=desk_consultant
        )
        assert selectors.places_used(contingent) == 2

    def test_the_contingent_of_the_start_year_and_service_is_used(
        self, site, carrier, contingent, desk_consultant
    ):
        with pytest.raises(ValidationError) as error:
            services.placement_create(
                volunteer=volunteer_data(),
                placement=placement_data(site, service_type="bfd"),
                by=desk_consultant,
            )
        assert "no BFD contingent for 2025" in error.value.messages[0]
        bfd = Contingent.objects.create(carrier=carrier, year=2026, service_type="bfd", places=1)
        placement = services.placement_create(
            volunteer=volunteer_data(),
            placement=placement_data(
                site, service_type="bfd", start_date=date(2026, 1, 1), end_date=date(2026, 12, 31)
            ),
            by=desk_consultant,
        )
        assert placement.contingent == bfd and placement.carrier == carrier

    def test_a_contingent_cannot_shrink_below_the_places_booked(
        self, client_for, project_lead, site, contingent, desk_consultant
    ):
        for _ in range(2):
            services.placement_create(
                volunteer=volunteer_data(), placement=placement_data(site), by=desk_consultant
            )
        response = client_for(project_lead).post(
            reverse("volunteering:contingent_edit", args=[contingent.pk]),
            {"places": "1", "note": ""},
        )
        assert response.status_code == 200
        assert "2 places are already booked" in response.content.decode()
        contingent.refresh_from_db()
        assert contingent.places == 2

    def test_project_leads_add_contingents_and_consultants_only_read_them(
        self, client_for, project_lead, desk_consultant, carrier
    ):
        data = {"carrier": carrier.pk, "year": "2027", "service_type": "bfd", "places": "5"}
        assert (
            client_for(desk_consultant).post(reverse("volunteering:contingents"), data).status_code
            == 403
        )
        assert (
            client_for(desk_consultant).get(reverse("volunteering:contingents")).status_code == 200
        )
        assert (
            client_for(project_lead).post(reverse("volunteering:contingents"), data).status_code
            == 302
        )
        assert Contingent.objects.get(year=2027).places == 5

    def test_a_second_contingent_for_the_same_year_and_service_is_refused(
        self, client_for, project_lead, carrier, contingent
    ):
        response = client_for(project_lead).post(
            reverse("volunteering:contingents"),
            {"carrier": carrier.pk, "year": "2025", "service_type": "fsj", "places": "5"},
        )
        assert response.status_code == 200
        assert response.context["form"].errors
        assert Contingent.objects.count() == 1

    def test_the_placement_form_keeps_the_input_when_the_contingent_is_full(
        self, client_for, desk_consultant, site, contingent
    ):
        contingent.places = 0
        contingent.save()
        response = client_for(desk_consultant).post(
            reverse("volunteering:placement_new"),
            {
                "v-first_name": "Mira",
                "v-last_name": "Probe",
                "v-consent_given_on": "2025-06-01",
                "v-consent_text_version": "2025-01",
                "p-site": site.pk,
                "p-service_type": "fsj",
                "p-start_date": "2025-09-01",
                "p-end_date": "2026-08-31",
                "p-weekly_hours": "39",
                "p-mentor_name": "Herr Mentor",
            },
        )
        assert response.status_code == 200
        body = response.content.decode()
        assert "fully booked" in body
        assert 'value="Mira"' in body and 'value="Herr Mentor"' in body
        assert not Placement.objects.exists()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_bookings_of_the_last_place_at_the_same_moment_leave_one_refused(
    monkeypatch, site, carrier, desk_consultant
):
    """Runs on PostgreSQL: the contingent row lock makes the second booking wait and count again.

    Counting is slowed down so that, without the lock, both bookings would see a free place.
    """
    contingent = Contingent.objects.create(carrier=carrier, year=2025, service_type="fsj", places=1)
    count = selectors.places_used

    def slow_count(c):
        used = count(c)
        time.sleep(0.5)
        return used

    monkeypatch.setattr(services.selectors, "places_used", slow_count)
    barrier = threading.Barrier(2)
    results = []

    def book():
        try:
            barrier.wait()
            services.placement_create(
                volunteer=volunteer_data(), placement=placement_data(site), by=desk_consultant
            )
            results.append("booked")
        except ValidationError:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=book) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert sorted(results) == ["booked", "refused"]
    assert Placement.objects.filter(contingent=contingent).count() == 1
