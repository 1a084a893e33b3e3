from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from volunteering.models import Contingent, SeminarAttendance

from .factories import ConsultationFactory, PlacementFactory, SeminarFactory


@pytest.fixture
def world(site, other_site, carrier, contingent):
    """A placement at each site, a seminar with attendance and a consultation."""
    mine = PlacementFactory(site=site, contingent=contingent)
    theirs = PlacementFactory(site=other_site, contingent=contingent)
    seminar = SeminarFactory(carrier=carrier)
    SeminarAttendance.objects.create(seminar=seminar, placement=mine, days_attended=5)
    consultation = ConsultationFactory(organisation=site, next_step="Unterlagen senden")
    return {"mine": mine, "theirs": theirs, "seminar": seminar, "consultation": consultation}


def _pages(world, site):
    return [
        reverse("volunteering:home"),
        reverse("volunteering:organisations"),
        reverse("volunteering:organisation", args=[site.pk]),
        reverse("volunteering:status", args=[site.pk]),
        reverse("volunteering:document_upload", args=[site.pk]),
        reverse("volunteering:consultation_new", args=[site.pk]),
        reverse("volunteering:consultations"),
        reverse("volunteering:consultation_edit", args=[world["consultation"].pk]),
        reverse("volunteering:contingents"),
        reverse("volunteering:contingent_edit", args=[world["mine"].contingent_id]),
        reverse("volunteering:placements"),
        reverse("volunteering:placement_new"),
        reverse("volunteering:placement", args=[world["mine"].pk]),
        reverse("volunteering:placement_edit", args=[world["mine"].pk]),
        reverse("volunteering:seminars"),
        reverse("volunteering:seminar_new"),
        reverse("volunteering:seminar", args=[world["seminar"].pk]),
        reverse("volunteering:seminar_edit", args=[world["seminar"].pk]),
    ]


@pytest.mark.django_db
def test_every_desk_page_renders_for_a_portal_admin(client_for, portal_admin, world, site):
    client = client_for(portal_admin)
    for url in _pages(world, site):
        response = client.get(url)
        assert response.status_code == 200, url


@pytest.mark.django_db
def test_the_home_page_is_public_and_explains_the_desk(client):
    response = client.get(reverse("volunteering:home"))
    assert response.status_code == 200
    assert "FSJ" in response.content.decode()


@pytest.mark.django_db
def test_staff_home_shows_contingents_and_placements_behind(client_for, desk_consultant, world):
    response = client_for(desk_consultant).get(reverse("volunteering:home"))
    assert response.status_code == 200
    assert response.context["staff"] is True
    assert list(response.context["contingents"]) == list(
        Contingent.objects.filter(year=date.today().year)
    )


@pytest.mark.django_db
def test_members_see_their_own_volunteers_on_the_home_page(client_for, org_member, world):
    response = client_for(org_member).get(reverse("volunteering:home"))
    shown = {p.pk for p in response.context["placements"]}
    assert shown == {world["mine"].pk}


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name",
    [
        "volunteering:placements",
        "volunteering:organisations",
        "volunteering:consultations",
        "volunteering:seminars",
        "volunteering:contingents",
        "volunteering:home",
    ],
)
def test_list_pages_use_the_same_number_of_queries_for_2_and_10_rows(
    client_for, portal_admin, carrier, site, url_name
):
    from tests.factories import OrganisationFactory

    from .factories import site_profile

    client = client_for(portal_admin)
    url = reverse(url_name)

    def add_rows(n, year):
        contingent = Contingent.objects.create(
            carrier=carrier, year=year, service_type="bfd", places=50
        )
        for _ in range(n):
            other = OrganisationFactory()
            site_profile(other, carrier)
            PlacementFactory(
                site=other,
                contingent=contingent,
                start_date=date.today(),
                end_date=date(date.today().year + 1, 12, 31),
            )
            placement = other.volunteer_placements.get()
            seminar = SeminarFactory(carrier=carrier)
            SeminarAttendance.objects.create(seminar=seminar, placement=placement, days_attended=1)
            ConsultationFactory(organisation=other, follow_up_on=date.today())

    add_rows(2, 2030)
    client.get(url)  # warm caches (content types, sessions)
    few = _count_queries(client, url)
    add_rows(8, 2031)
    many = _count_queries(client, url)
    assert many == few, f"{url}: {few} queries for 2 rows, {many} for 10"


@pytest.mark.django_db
def test_navigation_offers_desk_links_to_staff_and_volunteers_to_members(
    desk_consultant, org_member, workshop_trainer
):
    from volunteering import navigation

    assert [url for _, url in navigation.items(desk_consultant)] == [
        reverse("volunteering:placements"),
        reverse("volunteering:organisations"),
    ]
    assert [url for _, url in navigation.items(org_member)] == [reverse("volunteering:home")]
    assert navigation.items(workshop_trainer) == []


@pytest.mark.django_db
def test_overview_cards_show_ending_placements_to_staff_and_running_ones_to_sites(
    desk_consultant, org_member, other_org_admin, site, contingent
):
    from datetime import timedelta

    from volunteering import dashboard

    today = date.today()
    placement = PlacementFactory(
        site=site,
        contingent=contingent,
        start_date=today - timedelta(days=300),
        end_date=today + timedelta(days=20),
    )
    [staff_card] = dashboard.cards(desk_consultant)
    assert [link.url for link in staff_card.links] == [placement.get_absolute_url()]
    [member_card] = dashboard.cards(org_member)
    assert member_card.count == 1
    assert dashboard.cards(other_org_admin) == []


@pytest.mark.django_db
def test_the_ending_soon_card_counts_every_placement_and_lists_the_first_five(
    desk_consultant, site, contingent
):
    """The card's number is how many placements end in the weeks ahead, not how many it
    lists (it said 5 for any number from five on)."""
    from datetime import timedelta

    from volunteering import dashboard, rules

    today = date.today()
    notice = rules.ending_notice_days()
    begun = today - timedelta(days=300)
    ends = [today + timedelta(days=d) for d in (9, 2, 7, 0, notice, 4, 1)]
    placements = [
        PlacementFactory(site=site, contingent=contingent, start_date=begun, end_date=end)
        for end in ends
    ]
    # Not counted: ended yesterday, ending after the notice period, cancelled.
    for end, status in [(-1, "active"), (notice + 1, "active"), (3, "cancelled")]:
        PlacementFactory(
            site=site,
            contingent=contingent,
            start_date=begun,
            end_date=today + timedelta(days=end),
            status=status,
        )
    [card] = dashboard.cards(desk_consultant)
    assert card.count == 7
    first = sorted(placements, key=lambda p: (p.end_date, p.pk))[: dashboard.ENDING_ON_CARD]
    assert [link.url for link in card.links] == [p.get_absolute_url() for p in first]


@pytest.mark.django_db
def test_every_model_has_a_working_admin_list_and_search(client_for, portal_admin, world):
    from django.contrib import admin

    from volunteering import models

    portal_admin.is_superuser = True
    portal_admin.save(update_fields=["is_superuser"])
    client = client_for(portal_admin)
    registered = [m for m in admin.site._registry if m._meta.app_label == "volunteering"]
    assert {m.__name__ for m in registered} == {
        "ServiceProfile",
        "StatusChange",
        "RecognitionDocument",
        "Consultation",
        "Contingent",
        "Volunteer",
        "Placement",
        "Seminar",
        "SeminarAttendance",
        "ReminderSent",
    }
    for model in registered:
        url = reverse(f"admin:volunteering_{model._meta.model_name}_changelist")
        assert client.get(url, {"q": "Test"}).status_code == 200, url
    assert models.Placement.objects.exists()
