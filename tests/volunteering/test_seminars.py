from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from volunteering import selectors, services
from volunteering.models import Contingent, PlacementStatus, SeminarAttendance

from .factories import PlacementFactory, SeminarFactory


@pytest.mark.django_db
class TestSeminarAttendance:
    def test_attendance_adds_up_to_the_placement_progress(
        self, site, carrier, contingent, desk_consultant
    ):
        placement = PlacementFactory(site=site, contingent=contingent)
        first = SeminarFactory(carrier=carrier, days=5)
        second = SeminarFactory(
            carrier=carrier, start_date=date(2026, 1, 12), end_date=date(2026, 1, 16)
        )
        services.attendance_record(seminar=first, days={placement.pk: 5}, by=desk_consultant)
        services.attendance_record(seminar=second, days={placement.pk: 4}, by=desk_consultant)
        loaded = selectors.placements_visible_to(desk_consultant).get(pk=placement.pk)
        progress = selectors.progress_of(loaded, today=date(2026, 3, 1))
        assert (progress.attended, progress.required, progress.missing) == (9, 25, 16)
        assert not progress.behind

    def test_a_placement_behind_shows_a_warning(
        self, client_for, desk_consultant, site, contingent
    ):
        placement = PlacementFactory(
            site=site,
            contingent=contingent,
            start_date=date(2025, 1, 1),
            end_date=date(2025, 12, 31),
        )
        response = client_for(desk_consultant).get(
            reverse("volunteering:placement", args=[placement.pk])
        )
        assert response.context["progress"].behind
        assert "Seminar days are behind" in response.content.decode()

    def test_days_beyond_the_seminar_or_for_other_carriers_are_refused(
        self, site, carrier, contingent, desk_consultant
    ):
        placement = PlacementFactory(site=site, contingent=contingent)
        seminar = SeminarFactory(carrier=carrier, days=5)
        with pytest.raises(ValidationError):
            services.attendance_record(seminar=seminar, days={placement.pk: 6}, by=desk_consultant)
        foreign = PlacementFactory(
            contingent=Contingent.objects.create(
                carrier=site, year=2025, service_type="fsj", places=1
            )
        )
        with pytest.raises(ValidationError):
            services.attendance_record(seminar=seminar, days={foreign.pk: 1}, by=desk_consultant)
        assert not SeminarAttendance.objects.exists()

    def test_the_seminar_lists_only_placements_of_its_carrier_service_and_dates(
        self, site, carrier, contingent
    ):
        fitting = PlacementFactory(site=site, contingent=contingent)
        PlacementFactory(
            site=site,
            contingent=contingent,
            start_date=date(2026, 9, 1),
            end_date=date(2027, 8, 31),
        )
        PlacementFactory(site=site, contingent=contingent, status=PlacementStatus.CANCELLED)
        bfd_contingent = Contingent.objects.create(
            carrier=carrier, year=2025, service_type="bfd", places=3
        )
        bfd = PlacementFactory(site=site, contingent=bfd_contingent)
        fsj_only = SeminarFactory(carrier=carrier, service_type="fsj")
        both = SeminarFactory(carrier=carrier)
        assert list(selectors.placements_for_seminar(fsj_only)) == [fitting]
        assert set(selectors.placements_for_seminar(both)) == {fitting, bfd}

    def test_staff_record_attendance_on_the_seminar_page(
        self, client_for, desk_consultant, site, carrier, contingent
    ):
        placement = PlacementFactory(site=site, contingent=contingent)
        seminar = SeminarFactory(carrier=carrier, days=5)
        client = client_for(desk_consultant)
        url = reverse("volunteering:seminar", args=[seminar.pk])
        assert client.post(url, {f"days_{placement.pk}": "9"}).status_code == 200
        assert client.post(url, {f"days_{placement.pk}": "4"}).status_code == 302
        assert SeminarAttendance.objects.get().days_attended == 4
        client.post(url, {f"days_{placement.pk}": ""})
        assert not SeminarAttendance.objects.exists()

    def test_attendance_is_recorded_a_page_at_a_time_and_nothing_sent_is_lost(
        self, client_for, desk_consultant, site, carrier, contingent, monkeypatch
    ):
        from volunteering import views

        monkeypatch.setattr(views, "ATTENDANCE_PER_PAGE", 2)
        placements = [
            PlacementFactory(site=site, contingent=contingent, volunteer__last_name=name)
            for name in ("Acar", "Berg", "Cem", "Demir", "Ek")
        ]
        seminar = SeminarFactory(carrier=carrier, days=5)
        client = client_for(desk_consultant)
        url = reverse("volunteering:seminar", args=[seminar.pk])

        def shown(response):
            return [placement for placement, _field in response.context["form"].bound_rows()]

        first = client.get(url)
        assert shown(first) == placements[:2]
        assert "Volunteers 1–2 of 5." in first.content.decode()
        # A wrong number keeps what was typed on the page and saves nothing.
        days = {f"days_{placements[0].pk}": "4", f"days_{placements[1].pk}": "9", "go_to": "2"}
        refused = client.post(url, days)
        assert refused.status_code == 200 and not SeminarAttendance.objects.exists()
        assert 'value="4"' in refused.content.decode() and 'value="9"' in refused.content.decode()
        # Saved, then on to the next page, which shows its own volunteers.
        days[f"days_{placements[1].pk}"] = "3"
        assert client.post(url, days)["Location"] == f"{url}?page=2"
        second = client.get(f"{url}?page=2")
        assert shown(second) == placements[2:4]
        # A page that shifted since it was opened: the rows sent are the rows saved.
        sent = {f"days_{placements[3].pk}": "2", f"days_{placements[4].pk}": "1", "go_to": "x"}
        assert client.post(f"{url}?page=2", sent)["Location"] == f"{url}?page=2"
        saved = dict(SeminarAttendance.objects.values_list("placement_id", "days_attended"))
        expected = {placements[0].pk: 4, placements[1].pk: 3}
        expected.update({placements[3].pk: 2, placements[4].pk: 1})
        assert saved == expected
        # Each page shows the days saved for its own rows, and reads no other page's.
        second = client.get(f"{url}?page=2")
        assert set(second.context["existing"]) == {placements[3].pk}
        assert second.context["form"][f"days_{placements[3].pk}"].value() == 2
        assert client.get(url).context["form"][f"days_{placements[1].pk}"].value() == 3
        # A page number from nowhere stays on the saved page; page 1 has no query.
        assert client.post(url, {f"days_{placements[0].pk}": "5", "go_to": "99"})["Location"] == url
        assert SeminarAttendance.objects.get(placement=placements[0]).days_attended == 5

    def test_seminar_form_refuses_more_days_than_it_runs(
        self, client_for, desk_consultant, carrier
    ):
        response = client_for(desk_consultant).post(
            reverse("volunteering:seminar_new"),
            {
                "title": "Einführung",
                "carrier": carrier.pk,
                "service_type": "",
                "start_date": "2025-10-06",
                "end_date": "2025-10-07",
                "days": "5",
            },
        )
        assert response.status_code == 200
        assert "days" in response.context["form"].errors

    def test_site_members_see_seminar_attendance_read_only_for_their_volunteers(
        self, client_for, org_member, site, other_site, carrier, contingent
    ):
        mine = PlacementFactory(site=site, contingent=contingent)
        PlacementFactory(site=other_site, contingent=contingent, volunteer__first_name="Fremd")
        seminar = SeminarFactory(carrier=carrier)
        # Seminars belong to the carrier; a site's members reach their volunteers' seminars
        # through the placement page.
        client = client_for(org_member)
        assert client.get(reverse("volunteering:seminar", args=[seminar.pk])).status_code == 404
        response = client.get(reverse("volunteering:placement", args=[mine.pk]))
        assert response.status_code == 200 and b"Fremd" not in response.content


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "end", "expected"),
    [
        ("de", date(2026, 3, 2), "Das Seminar dauert 1 Tag;"),
        ("de", date(2026, 3, 4), "Das Seminar dauert 3 Tage;"),
        ("en", date(2026, 3, 2), "The seminar runs 1 day;"),
        ("en", date(2026, 3, 4), "The seminar runs 3 days;"),
    ],
)
def test_too_many_seminar_days_name_the_length_in_singular_or_plural(
    carrier, desk_consultant, language, end, expected
):
    from django.utils import translation

    from volunteering.forms import SeminarForm

    data = {
        "title": "Politische Bildung",
        "carrier": carrier.pk,
        "service_type": "",
        "start_date": "2026-03-02",
        "end_date": end.isoformat(),
        "days": "5",
        "location": "Berlin",
    }
    with translation.override(language):
        form = SeminarForm(data=data, user=desk_consultant)
        assert not form.is_valid()
        assert expected in form.errors["days"][0]


@pytest.mark.django_db
def test_placements_behind_stop_after_the_limit_and_match_the_full_list(
    monkeypatch, site, contingent, carrier
):
    """The desk home asks for ten; batches are read until that many are found."""
    seminar = SeminarFactory(carrier=carrier)
    placements = []
    for month in range(1, 8):
        placement = PlacementFactory(
            site=site,
            contingent=contingent,
            start_date=date(2025, 1, 1),
            end_date=date(2026, month, 28),
        )
        placements.append(placement)
    # Two of them are on track: enough days attended for a year's share.
    for placement in (placements[1], placements[4]):
        SeminarAttendance.objects.create(seminar=seminar, placement=placement, days_attended=25)
    PlacementFactory(site=site, contingent=contingent, status=PlacementStatus.PLANNED)
    today = date(2026, 1, 15)
    monkeypatch.setattr(selectors, "BEHIND_BATCH", 2)

    everything = selectors.placements_behind(today=today)
    expected = [placements[i].pk for i in (0, 2, 3, 5, 6)]
    assert [p.pk for p in everything] == expected
    assert all(p.progress.behind for p in everything)
    assert [p.pk for p in selectors.placements_behind(today=today, limit=3)] == expected[:3]
    assert [p.pk for p in selectors.placements_behind(today=today, limit=10)] == expected
    with_days = selectors.placements_behind(today=today, limit=1)[0]
    assert with_days.seminar_days == 0 and with_days.progress.attended == 0
