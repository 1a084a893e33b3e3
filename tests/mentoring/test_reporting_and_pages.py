import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from ikmo.dashboard import cards_for
from mentoring import navigation, services
from mentoring.models import Event, EventAttendance, Tandem
from organisations.models import Organisation
from organisations.timeline import timeline_for
from reporting.registry import DateRange, get_indicator
from tests.factories import OrganisationFactory

from .factories import CooperationContactFactory, EventFactory, PartnerFactory

pytestmark = pytest.mark.django_db

START, END = datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)
PERIOD = DateRange(START, END)
KEYS = [
    "networked_administrations",
    "networked_organisations",
    "cooperation_contacts",
    "expert_rounds_held",
    "network_events_held",
    "event_attendances",
    "tandems_active",
    "tandems_completed",
]


def period_figures(period=PERIOD) -> dict:
    """Mentoring's figures as funder reporting computes them (mentoring/indicators.py)."""
    return {key: get_indicator(key).value(period) for key in KEYS}


def records(key, period=PERIOD):
    return get_indicator(key).records(period)


def at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(18)))


def test_networked_partners_are_counted_once_from_contacts_and_attendance():
    youth_office, health_service, later = PartnerFactory(), PartnerFactory(), PartnerFactory()
    mo_a, mo_b = OrganisationFactory(), OrganisationFactory()
    # Two contacts and an event with the same office: still one networked body.
    CooperationContactFactory(
        organisation=mo_a, partner=youth_office, contact_date=datetime.date(2026, 2, 1)
    )
    CooperationContactFactory(
        organisation=mo_b, partner=youth_office, contact_date=datetime.date(2026, 3, 1)
    )
    round_ = EventFactory(starts_at=at(datetime.date(2026, 4, 1)), status=Event.Status.HELD)
    EventAttendance.objects.create(event=round_, organisation=youth_office, name="Frau A")
    EventAttendance.objects.create(event=round_, organisation=health_service, name="Herr B")
    EventAttendance.objects.create(event=round_, organisation=mo_b, name="Frau C")
    # Outside the period, and a cancelled event: not counted.
    CooperationContactFactory(partner=later, contact_date=datetime.date(2026, 8, 1))
    cancelled = EventFactory(starts_at=at(datetime.date(2026, 5, 1)), status="cancelled")
    EventAttendance.objects.create(event=cancelled, organisation=later, name="Frau D")
    EventFactory(starts_at=at(datetime.date(2026, 5, 2)), kind=Event.Kind.NETWORK_EVENT)

    figures = period_figures()
    assert figures["networked_administrations"] == 2
    assert set(records("networked_administrations")) == {youth_office, health_service}
    assert figures["networked_organisations"] == 2  # mo_a by contact, mo_b by both
    assert figures["expert_rounds_held"] == 1
    assert figures["network_events_held"] == 0  # planned, never held
    assert figures["event_attendances"] == 3
    assert figures["cooperation_contacts"] == 2


def test_a_status_change_in_the_period_counts_an_older_contact(consultant):
    partner = PartnerFactory()
    contact = CooperationContactFactory(partner=partner, contact_date=datetime.date(2025, 5, 1))
    assert period_figures()["networked_administrations"] == 0
    services.contact_change_status(contact=contact, to_status="meeting_held", by=consultant)
    today = timezone.localdate()
    assert records("networked_administrations", DateRange(today, today)).get() == partner


def test_tandems_active_and_completed_in_a_period():
    def tandem(status, activated, ended=None):
        return Tandem.objects.create(
            mentor=OrganisationFactory(stage=Organisation.Stage.ESTABLISHED),
            mentee=OrganisationFactory(),
            status=status,
            activated_at=at(activated) if activated else None,
            ended_on=ended,
        )

    running = tandem("active", datetime.date(2025, 11, 1))
    done = tandem("completed", datetime.date(2026, 1, 10), datetime.date(2026, 5, 1))
    tandem("completed", datetime.date(2025, 1, 10), datetime.date(2025, 12, 1))  # before
    tandem("active", datetime.date(2026, 8, 1))  # after
    tandem("proposed", None)
    early = tandem("ended_early", datetime.date(2026, 2, 1), datetime.date(2026, 3, 1))
    assert set(records("tandems_active")) == {running, done, early}
    figures = period_figures()
    assert figures["tandems_active"] == 3 and figures["tandems_completed"] == 1
    # Organisations in tandems count as networked MO.
    assert figures["networked_organisations"] == 6


def test_the_timeline_shows_contacts_to_staff_only_and_tandems_to_members(
    active_tandem, org, org_member, consultant, project_lead
):
    CooperationContactFactory(organisation=org, partner=PartnerFactory(name="Jugendamt X"))
    past = EventFactory(starts_at=timezone.now() - datetime.timedelta(days=2), title="Fachrunde Y")
    EventAttendance.objects.create(event=past, organisation=org, person=org_member)

    staff_titles = [e.title for e in timeline_for(organisation=org, user=consultant)]
    member_titles = [e.title for e in timeline_for(organisation=org, user=org_member)]
    assert any("Jugendamt X" in t for t in staff_titles)
    assert not any("Jugendamt X" in t for t in member_titles)
    assert any("Fachrunde Y" in t for t in member_titles)
    assert any("Sonnenblume" in t for t in member_titles)  # the tandem partner


def test_timeline_queries_do_not_grow(org, consultant):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as ctx:
            list(timeline_for(organisation=org, user=consultant))
        return len(ctx)

    def fill(n):
        for _ in range(n):
            CooperationContactFactory(organisation=org)
            event = EventFactory()
            EventAttendance.objects.create(event=event, organisation=org, name="x")
            Tandem.objects.create(mentor=OrganisationFactory(), mentee=org, status="active")

    fill(2)
    count()  # warm per-person caches (roles, memberships)
    few = count()
    fill(6)
    assert count() == few


def test_navigation_and_dashboard_per_role(
    consultant, org_member, jury_member, active_tandem, qualification_consultant
):
    assert reverse("mentoring:contact_list") in [url for _, url in navigation.items(consultant)]
    member_links = [url for _, url in navigation.items(org_member)]
    assert reverse("mentoring:home") in member_links
    assert reverse("mentoring:contact_list") not in member_links
    assert navigation.items(jury_member) == []
    assert reverse("mentoring:contact_list") not in [
        url for _, url in navigation.items(qualification_consultant)
    ]
    member_cards = [c for c in cards_for(org_member) if c.subproject == "mentoring"]
    assert member_cards and member_cards[0].links[0].url == active_tandem.get_absolute_url()


@pytest.mark.parametrize("name", ["anonymous", "org_admin", "other_org_admin", "consultant"])
def test_the_home_page_fits_each_role(client, persona, name, offer, open_request):
    user = persona(name)
    if user:
        client.force_login(user)
    response = client.get(reverse("mentoring:home"))
    assert response.status_code == 200
    text = response.content.decode()
    if name == "org_admin":  # established, already offering
        assert reverse("mentoring:offer_edit", args=[offer.organisation_id]) in text
    elif name == "other_org_admin":  # start-up, already asking
        assert reverse("mentoring:request_edit", args=[open_request.organisation_id]) in text
    elif name == "consultant":
        assert reverse("mentoring:match_list") in text
    else:
        assert reverse("account_signup") in text


def test_pages_speak_german_by_default(client_for, consultant, open_request, offer):
    response = client_for(consultant).get(reverse("mentoring:match", args=[open_request.pk]))
    text = response.content.decode()
    assert "Vorgeschlagene Mentor-Organisationen" in text
    assert "Arbeitet im selben Feld: Bildung" in text
