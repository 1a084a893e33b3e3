import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ikmo.models import OutboundEmail
from mentoring import services
from mentoring.models import Event, EventAttendance, EventRegistration, FollowUpTask
from tests.factories import OrganisationFactory, member_of

from .conftest import PERSONAS
from .factories import EventFactory, PartnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(org):
    return EventFactory(invited=[org])


@pytest.fixture
def past_event(org):
    return EventFactory(invited=[org], starts_at=timezone.now() - datetime.timedelta(days=1))


def test_staff_create_an_event_with_invitations(client_for, consultant, org):
    partner = PartnerFactory()
    response = client_for(consultant).post(
        reverse("mentoring:event_create"),
        {
            "kind": Event.Kind.EXPERT_ROUND,
            "title_de": "Fachrunde Gesundheit",
            "starts_at": "2030-05-04T17:00",
            "ends_at": "2030-05-04T19:00",
            "place": "Online",
            "invited_organisations": [org.pk, partner.pk],
        },
    )
    event = Event.objects.get()
    assert response.status_code == 302 and response.url == event.get_absolute_url()
    assert set(event.invited_organisations.all()) == {org, partner}
    assert event.status == Event.Status.PLANNED and event.created_by == consultant


def test_an_event_cannot_end_before_it_starts(client_for, consultant):
    response = client_for(consultant).post(
        reverse("mentoring:event_create"),
        {
            "kind": Event.Kind.NETWORK_EVENT,
            "title_de": "Netzwerktreffen",
            "starts_at": "2030-05-04T17:00",
            "ends_at": "2030-05-04T15:00",
            "place": "Rathaus",
        },
    )
    assert "ends_at" in response.context["form"].errors
    assert b"Netzwerktreffen" in response.content


def test_a_member_of_an_invited_organisation_registers_and_gets_a_confirmation(
    client_for, org_member, org, event
):
    response = client_for(org_member).post(
        reverse("mentoring:event_register", args=[event.pk]), {"organisation": org.pk}
    )
    assert response.status_code == 302
    assert EventRegistration.objects.filter(event=event, person=org_member, organisation=org)
    (email,) = OutboundEmail.objects.all()
    assert email.to == org_member.email and event.title in email.subject


def test_members_of_organisations_not_invited_neither_see_nor_register(
    client_for, other_org_admin, other_org, event
):
    client = client_for(other_org_admin)
    assert client.get(reverse("mentoring:event_detail", args=[event.pk])).status_code == 404
    response = client.post(
        reverse("mentoring:event_register", args=[event.pk]), {"organisation": other_org.pk}
    )
    assert response.status_code == 404
    with pytest.raises(ValidationError):
        services.event_register(event=event, person=other_org_admin, organisation=other_org)
    assert not EventRegistration.objects.exists()


def test_open_events_take_registrations_from_any_member(other_org_admin, other_org):
    event = EventFactory(is_open=True)
    services.event_register(event=event, person=other_org_admin, organisation=other_org)
    assert event.registrations.count() == 1


def test_registration_respects_capacity_and_closes_at_the_start(org, org_member, org_admin):
    event = EventFactory(invited=[org], capacity=1)
    services.event_register(event=event, person=org_member, organisation=org)
    with pytest.raises(ValidationError, match="ausgebucht"):
        services.event_register(event=event, person=org_admin, organisation=org)
    started = EventFactory(invited=[org], starts_at=timezone.now() - datetime.timedelta(hours=1))
    with pytest.raises(ValidationError):
        services.event_register(event=started, person=org_admin, organisation=org)


def test_a_member_can_cancel_their_registration(client_for, org_member, org, event):
    services.event_register(event=event, person=org_member, organisation=org)
    client_for(org_member).post(reverse("mentoring:event_unregister", args=[event.pk]))
    assert not EventRegistration.objects.exists()


def test_staff_mark_registered_people_present_and_add_walk_ins(
    client_for, consultant, org, org_member, past_event
):
    registration = EventRegistration.objects.create(
        event=past_event, person=org_member, organisation=org
    )
    partner = PartnerFactory()
    client = client_for(consultant)
    url = reverse("mentoring:event_attendance_add", args=[past_event.pk])
    client.post(url, {"registrations": [registration.pk]})
    client.post(url, {"registrations": [registration.pk]})  # ticking twice adds nobody twice
    client.post(url, {"organisation": partner.pk, "name": "Frau Amt"})
    rows = sorted(
        (a.organisation_id, a.person_id, a.name)
        for a in EventAttendance.objects.filter(event=past_event)
    )
    assert rows == sorted([(org.pk, org_member.pk, ""), (partner.pk, None, "Frau Amt")])


def test_a_walk_in_needs_a_name(client_for, consultant, org, past_event):
    client_for(consultant).post(
        reverse("mentoring:event_attendance_add", args=[past_event.pk]),
        {"organisation": org.pk, "name": "  "},
    )
    assert not EventAttendance.objects.exists()


def test_a_walk_in_with_errors_comes_back_with_what_was_typed(client_for, consultant, past_event):
    response = client_for(consultant).post(
        reverse("mentoring:event_attendance_add", args=[past_event.pk]),
        {"organisation": "", "name": "Frau Öztürk-Schmidt"},
    )
    assert response.status_code == 400
    form = response.context["attendance_form"]
    assert form.errors["organisation"]
    assert 'value="Frau Öztürk-Schmidt"' in response.content.decode()
    assert not EventAttendance.objects.exists()


def test_attendance_waits_for_the_event_to_start(client_for, consultant, org, org_member, event):
    """Attendance counts in the funder's figures: nobody can attend what has not happened."""
    with pytest.raises(ValidationError, match="noch nicht begonnen"):
        services.attendance_record(event=event, organisation=org, name="Zu früh", by=consultant)
    registration = EventRegistration.objects.create(
        event=event, person=org_member, organisation=org
    )
    client = client_for(consultant)
    url = reverse("mentoring:event_attendance_add", args=[event.pk])
    client.post(url, {"registrations": [registration.pk]})
    response = client.post(url, {"organisation": org.pk, "name": "Zu früh"})
    assert response.status_code == 400
    assert "noch nicht begonnen" in response.content.decode()
    assert not EventAttendance.objects.exists()
    # The page says when recording opens instead of offering the forms.
    page = client.get(event.get_absolute_url()).content.decode()
    assert 'id="attendance-later"' in page
    assert reverse("mentoring:event_attendance_add", args=[event.pk]) not in page


def test_attendance_entered_for_an_event_still_to_come_does_not_count(org, event, past_event):
    from mentoring.indicators import attendances_in
    from reporting.registry import DateRange

    EventAttendance.objects.create(event=event, organisation=org, name="Vorab eingetragen")
    counted = EventAttendance.objects.create(event=past_event, organisation=org, name="Da")
    whole_time = DateRange(
        start=(timezone.now() - datetime.timedelta(days=400)).date(),
        end=(timezone.now() + datetime.timedelta(days=400)).date(),
    )
    assert list(attendances_in(whole_time)) == [counted]


def test_minutes_mark_the_event_held_only_once_it_has_started(consultant, event, past_event):
    with pytest.raises(ValidationError):
        services.event_record_outcome(event=event, minutes="x", by=consultant)
    services.event_record_outcome(event=past_event, minutes="Ergebnis: AG", by=consultant)
    past_event.refresh_from_db()
    assert past_event.status == Event.Status.HELD and past_event.minutes == "Ergebnis: AG"


def test_cancelling_informs_the_registered(consultant, org, org_member, event):
    services.event_register(event=event, person=org_member, organisation=org)
    OutboundEmail.objects.all().delete()
    services.event_cancel(event=event, by=consultant)
    assert event.__class__.objects.get(pk=event.pk).status == Event.Status.CANCELLED
    assert list(OutboundEmail.objects.values_list("to", flat=True)) == [org_member.email]


def test_follow_up_tasks_are_assigned_and_ticked_off(client_for, consultant, project_lead, event):
    client = client_for(consultant)
    client.post(
        reverse("mentoring:task_add", args=[event.pk]),
        {"title": "Protokoll verschicken", "assignee": project_lead.pk, "due_on": "2030-01-10"},
    )
    task = FollowUpTask.objects.get()
    assert task.assignee == project_lead and task.due_on == datetime.date(2030, 1, 10)
    assert list(OutboundEmail.objects.values_list("to", flat=True)) == [project_lead.email]
    client.post(reverse("mentoring:task_toggle", args=[event.pk, task.pk]))
    task.refresh_from_db()
    assert task.is_done and task.done_by == consultant


@pytest.mark.parametrize("name", PERSONAS)
def test_attendance_lists_are_staff_only(client, persona, name, org, org_member, past_event):
    EventAttendance.objects.create(
        event=past_event, organisation=org, person=org_member, recorded_by=None
    )
    EventAttendance.objects.create(event=past_event, organisation=org, name="Geheimer Name")
    user = persona(name)
    if user:
        client.force_login(user)
    response = client.get(reverse("mentoring:event_detail", args=[past_event.pk]))
    staff = name in ("consultant", "project_lead", "portal_admin")
    invited_member = name in ("org_member", "org_admin")
    if name == "anonymous":
        assert response.status_code == 302
    elif staff or invited_member:
        assert response.status_code == 200
        assert (b"Geheimer Name" in response.content) is staff
    else:
        assert response.status_code == 404
    # Changing the list is for staff only, too.
    before = EventAttendance.objects.count()
    client.post(
        reverse("mentoring:event_attendance_add", args=[past_event.pk]),
        {"organisation": org.pk, "name": "Eingeschleust"},
    )
    assert EventAttendance.objects.count() == before + (1 if staff else 0)


def test_event_list_shows_members_only_their_events(client_for, org_member, org, other_org):
    mine = EventFactory(invited=[org], title="Für uns")
    EventFactory(invited=[other_org], title="Für andere")
    open_one = EventFactory(is_open=True, title="Für alle")
    response = client_for(org_member).get(reverse("mentoring:event_list"))
    assert {e.pk for e in response.context["page"]} == {mine.pk, open_one.pk}


def test_event_pages_do_not_grow_queries_with_rows(client_for, consultant, org):
    client = client_for(consultant)

    def fill(n):
        for _ in range(n):
            event = EventFactory(invited=[org, OrganisationFactory()])
            person = member_of(org)
            EventRegistration.objects.create(event=event, person=person, organisation=org)

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    fill(2)
    target = Event.objects.first()
    list_few = count(reverse("mentoring:event_list"))
    detail_few = count(reverse("mentoring:event_detail", args=[target.pk]))
    fill(8)
    for _ in range(6):
        person = member_of(org)
        EventRegistration.objects.create(event=target, person=person, organisation=org)
        EventAttendance.objects.create(event=target, organisation=org, person=person)
        target.invited_organisations.add(OrganisationFactory())
        FollowUpTask.objects.create(event=target, title="t", assignee=consultant)
    assert count(reverse("mentoring:event_list")) == list_few
    assert count(reverse("mentoring:event_detail", args=[target.pk])) == detail_few


def test_a_task_with_errors_comes_back_with_what_was_typed(client_for, consultant, event):
    response = client_for(consultant).post(
        reverse("mentoring:task_add", args=[event.pk]),
        {"title": "", "due_on": "2030-01-10", "assignee": consultant.pk},
    )
    assert response.status_code == 400
    form = response.context["task_form"]
    assert form.errors and form["due_on"].value() == "2030-01-10"
    assert not FollowUpTask.objects.exists()


def test_minutes_with_errors_come_back_with_what_was_typed(client_for, consultant, past_event):
    too_long = "Ergebnis " * 2300
    response = client_for(consultant).post(
        reverse("mentoring:event_outcome", args=[past_event.pk]), {"minutes": too_long}
    )
    assert response.status_code == 400
    assert response.context["outcome_form"]["minutes"].value() == too_long
