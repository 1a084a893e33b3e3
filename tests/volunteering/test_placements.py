from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import OrganisationFactory
from volunteering import rules, services
from volunteering.models import Placement, PlacementStatus, Volunteer

from .factories import PlacementFactory, site_profile
from .test_contingents import placement_data, volunteer_data

START = date(2025, 9, 1)


def check(service="fsj", end=date(2026, 8, 31), hours="39", birth_year=None, start=START):
    return rules.check_placement(
        service_type=service,
        start=start,
        end=end,
        weekly_hours=Decimal(hours),
        birth_year=birth_year,
    )


class TestServiceRules:
    def test_a_twelve_month_full_time_fsj_is_fine(self):
        assert check() == {}

    def test_less_than_six_months_is_refused_with_the_earliest_end(self):
        errors = check(end=date(2026, 1, 31))
        assert "at least 6 months" in errors["end_date"]
        assert "28/02/2026" in errors["end_date"]  # English, day first
        assert check(end=date(2026, 2, 28)) == {}

    def test_more_than_eighteen_months_is_refused_unless_configured(self, settings):
        errors = check(end=date(2027, 3, 31))
        assert "at most 18 months" in errors["end_date"] and "28/02/2027" in errors["end_date"]
        settings.IKMO_VOLUNTEER_RULES = {"fsj": {"max_months": 24}}
        assert check(end=date(2027, 3, 31)) == {}

    def test_the_fsj_is_full_time(self):
        assert "full-time service" in check(hours="30")["weekly_hours"]

    def test_bfd_part_time_needs_the_volunteer_to_be_27(self):
        assert "27 or older" in check("bfd", hours="25")["weekly_hours"]
        assert "27 or older" in check("bfd", hours="25", birth_year=1998)["weekly_hours"]
        assert check("bfd", hours="25", birth_year=1997) == {}

    def test_bfd_part_time_means_more_than_twenty_hours(self):
        assert "20.1" in check("bfd", hours="20", birth_year=1980)["weekly_hours"]
        assert check("bfd", hours="20.1", birth_year=1980) == {}

    def test_no_more_than_forty_hours(self):
        assert "At most 40" in check(hours="45")["weekly_hours"]

    @pytest.mark.parametrize(
        ("end", "required"),
        [(date(2026, 8, 31), 25), (date(2026, 2, 28), 13), (date(2027, 2, 28), 31)],
    )
    def test_required_seminar_days_are_pro_rata_and_one_more_per_month_beyond_twelve(
        self, end, required
    ):
        assert rules.required_seminar_days(service_type="fsj", start=START, end=end) == required

    def test_bfd_volunteers_from_27_need_fewer_seminar_days_by_default(self):
        days = rules.required_seminar_days(
            service_type="bfd", start=START, end=date(2026, 8, 31), birth_year=1980
        )
        assert days == 12

    def test_seminar_days_per_year_are_configurable(self, settings):
        settings.IKMO_VOLUNTEER_RULES = {"fsj": {"seminar_days_per_12_months": 30}}
        assert (
            rules.required_seminar_days(service_type="fsj", start=START, end=date(2026, 8, 31))
            == 30
        )

    def test_progress_warns_when_behind_the_pro_rata_share(self):
        halfway = date(2026, 3, 1)
        behind = rules.seminar_progress(
            service_type="fsj",
            start=START,
            end=date(2026, 8, 31),
            birth_year=None,
            attended=5,
            today=halfway,
        )
        on_track = rules.seminar_progress(
            service_type="fsj",
            start=START,
            end=date(2026, 8, 31),
            birth_year=None,
            attended=10,
            today=halfway,
        )
        assert behind.expected_by_now == 12 and behind.behind
        assert not on_track.behind and on_track.missing == 15


@pytest.mark.django_db
class TestPlacementServices:
    def test_a_placement_records_the_volunteer_minimally_with_consent(
        self, site, contingent, desk_consultant
    ):
        placement = services.placement_create(
            volunteer=volunteer_data(
                migration_background=True, migration_background_consent=True, birth_year=2006
            ),
            placement=placement_data(site),
            by=desk_consultant,
        )
        volunteer = placement.volunteer
        assert (volunteer.consent_given_on, volunteer.consent_text_version) == (
            date(2025, 6, 1),
            "2025-01",
        )
        assert volunteer.migration_background is True
        assert placement.status == PlacementStatus.PLANNED
        assert placement.contingent == contingent

    def test_without_consent_no_migration_background_is_stored(
        self, site, contingent, desk_consultant
    ):
        placement = services.placement_create(
            volunteer=volunteer_data(migration_background=True, migration_background_consent=False),
            placement=placement_data(site),
            by=desk_consultant,
        )
        assert placement.volunteer.migration_background is None

    def test_the_database_refuses_a_background_without_consent(self, db):
        from django.db import IntegrityError

        with pytest.raises(IntegrityError):
            Volunteer.objects.create(
                first_name="X",
                consent_given_on=date(2025, 1, 1),
                consent_text_version="1",
                migration_background=False,
                migration_background_consent=False,
            )

    def test_only_recognised_sites_can_take_volunteers(self, org, contingent, desk_consultant):
        with pytest.raises(ValidationError) as error:
            services.placement_create(
                volunteer=volunteer_data(), placement=placement_data(org), by=desk_consultant
            )
        assert "not a recognised placement site" in str(error.value)

    def test_a_site_recognised_for_bfd_only_cannot_take_fsj(
        self, carrier, contingent, desk_consultant
    ):
        bfd_site = OrganisationFactory()
        site_profile(bfd_site, carrier, offers_fsj=False)
        with pytest.raises(ValidationError) as error:
            services.placement_create(
                volunteer=volunteer_data(), placement=placement_data(bfd_site), by=desk_consultant
            )
        assert "recognised for BFD only" in str(error.value)

    def test_rule_violations_come_back_per_field(self, site, contingent, desk_consultant):
        with pytest.raises(ValidationError) as error:
            services.placement_create(
                volunteer=volunteer_data(),
                placement=placement_data(
                    site, end_date=date(2025, 12, 31), weekly_hours=Decimal("20")
                ),
                by=desk_consultant,
            )
        assert set(error.value.error_dict) == {"end_date", "weekly_hours"}
        assert not Placement.objects.exists()

    def test_status_runs_planned_active_finished(self, site, contingent, desk_consultant):
        today = date.today()
        placement = PlacementFactory(
            site=site,
            contingent=contingent,
            status=PlacementStatus.PLANNED,
            start_date=today,
            end_date=today + timedelta(days=365),
        )
        services.placement_transition(
            placement=placement, to_status=PlacementStatus.ACTIVE, by=desk_consultant
        )
        services.placement_transition(
            placement=placement, to_status=PlacementStatus.FINISHED, by=desk_consultant
        )
        placement.refresh_from_db()
        assert placement.status == PlacementStatus.FINISHED
        with pytest.raises(ValidationError):
            services.placement_transition(
                placement=placement, to_status=PlacementStatus.ACTIVE, by=desk_consultant
            )

    def test_a_placement_cannot_be_activated_months_before_its_start(
        self, site, contingent, desk_consultant
    ):
        placement = PlacementFactory(
            site=site,
            contingent=contingent,
            status=PlacementStatus.PLANNED,
            start_date=date.today() + timedelta(days=60),
            end_date=date.today() + timedelta(days=400),
        )
        with pytest.raises(ValidationError):
            services.placement_transition(
                placement=placement, to_status=PlacementStatus.ACTIVE, by=desk_consultant
            )

    def test_ending_early_needs_the_last_day_and_a_reason(self, site, contingent, desk_consultant):
        placement = PlacementFactory(site=site, contingent=contingent)
        with pytest.raises(ValidationError) as error:
            services.placement_transition(
                placement=placement, to_status=PlacementStatus.ENDED_EARLY, by=desk_consultant
            )
        assert set(error.value.error_dict) == {"ended_on", "reason"}
        with pytest.raises(ValidationError):
            services.placement_transition(
                placement=placement,
                to_status=PlacementStatus.ENDED_EARLY,
                by=desk_consultant,
                ended_on=date(2027, 1, 1),
                reason="Umzug",
            )
        services.placement_transition(
            placement=placement,
            to_status=PlacementStatus.ENDED_EARLY,
            by=desk_consultant,
            ended_on=date(2026, 1, 31),
            reason="Umzug",
        )
        placement.refresh_from_db()
        assert placement.effective_end == date(2026, 1, 31)

    def test_editing_cannot_move_the_place_into_another_year(
        self, site, contingent, desk_consultant
    ):
        placement = services.placement_create(
            volunteer=volunteer_data(), placement=placement_data(site), by=desk_consultant
        )
        data = {k: v for k, v in placement_data(site).items() if k not in ("site", "service_type")}
        with pytest.raises(ValidationError) as error:
            services.placement_update(
                placement=placement,
                volunteer=volunteer_data(),
                data={**data, "start_date": date(2026, 1, 5), "end_date": date(2026, 12, 31)},
                by=desk_consultant,
            )
        assert "start_date" in error.value.error_dict
        updated = services.placement_update(
            placement=placement,
            volunteer=volunteer_data(last_name="Neu"),
            data={**data, "end_date": date(2026, 6, 30), "mentor_name": "Neue Mentorin"},
            by=desk_consultant,
        )
        assert (updated.end_date, updated.mentor_name, updated.volunteer.last_name) == (
            date(2026, 6, 30),
            "Neue Mentorin",
            "Neu",
        )

    def test_the_audit_trail_of_a_placement_does_not_name_the_volunteer(
        self, site, contingent, desk_consultant
    ):
        from ikmo.models import AuditEntry

        services.placement_create(
            volunteer=volunteer_data(first_name="Unverwechselbar"),
            placement=placement_data(site),
            by=desk_consultant,
        )
        entries = AuditEntry.objects.filter(action__startswith="volunteering.placement")
        assert entries and all(
            "Unverwechselbar" not in (e.object_repr + str(e.changes)) for e in entries
        )


@pytest.mark.django_db
class TestPlacementViews:
    def test_staff_plan_a_placement_through_the_form(
        self, client_for, desk_consultant, site, contingent
    ):
        response = client_for(desk_consultant).post(
            reverse("volunteering:placement_new"),
            {
                "v-first_name": "Mira",
                "v-last_name": "Probe",
                "v-birth_year": "2005",
                "v-consent_given_on": "2025-06-01",
                "v-consent_text_version": "2025-01",
                "v-migration_background_consent": "on",
                "v-migration_background": "yes",
                "p-site": site.pk,
                "p-service_type": "fsj",
                "p-start_date": "2025-09-01",
                "p-end_date": "2026-08-31",
                "p-weekly_hours": "39",
                "p-mentor_name": "Herr Mentor",
            },
        )
        placement = Placement.objects.get()
        assert response.status_code == 302 and response["Location"] == placement.get_absolute_url()
        assert placement.volunteer.migration_background is True

    def test_the_form_explains_the_rules_and_keeps_the_input(
        self, client_for, desk_consultant, site, contingent
    ):
        response = client_for(desk_consultant).post(
            reverse("volunteering:placement_new"),
            {
                "v-first_name": "Mira",
                "v-consent_given_on": "2025-06-01",
                "v-consent_text_version": "2025-01",
                "v-migration_background": "no",
                "p-site": site.pk,
                "p-service_type": "bfd",
                "p-start_date": "2025-09-01",
                "p-end_date": "2025-12-31",
                "p-weekly_hours": "25",
                "p-mentor_name": "Herr Mentor",
            },
        )
        assert response.status_code == 200
        body = response.content.decode()
        assert "only be recorded with the volunteer" in body
        assert not Placement.objects.exists()
        # Once the volunteer form is fine, the service's rule messages are shown per field.
        response = client_for(desk_consultant).post(
            reverse("volunteering:placement_new"),
            {
                "v-first_name": "Mira",
                "v-consent_given_on": "2025-06-01",
                "v-consent_text_version": "2025-01",
                "p-site": site.pk,
                "p-service_type": "fsj",
                "p-start_date": "2025-09-01",
                "p-end_date": "2025-12-31",
                "p-weekly_hours": "30",
                "p-mentor_name": "Herr Mentor",
            },
        )
        form = response.context["form"]
        assert "at least 6 months" in form.errors["end_date"][0]
        assert "full-time" in form.errors["weekly_hours"][0]
        assert 'value="Herr Mentor"' in response.content.decode()

    def test_status_buttons_move_the_placement(self, client_for, desk_consultant, site, contingent):
        placement = PlacementFactory(site=site, contingent=contingent)
        response = client_for(desk_consultant).post(
            reverse("volunteering:placement_transition", args=[placement.pk]),
            {"status": "ended_early", "ended_on": "2026-01-31", "reason": "Ausbildung gefunden"},
        )
        assert response.status_code == 302
        placement.refresh_from_db()
        assert (
            placement.status == PlacementStatus.ENDED_EARLY
            and placement.end_reason == "Ausbildung gefunden"
        )
