"""Guests of public events check in by QR code: the code in their confirmation, on their
phone or on their name badge, scanned by the team (ikmo/checkin.py, kind
"mentoring.eventguest")."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from ikmo import checkin
from ikmo.models import AuditEntry, CheckIn, OutboundEmail
from ikmo.qr import qr_svg
from mentoring import documents, services
from mentoring.models import Event, EventGuest

from .factories import public_event

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def _register(event, email="gast@example.org", name="Gast Eins"):
    return services.guest_register(
        event=event, name=name, email=email, consent=True, organisation_name="Bezirksamt Mitte"
    )


def _started(event):
    # Running now, whatever the hour: check-in stays open until the end of its last day.
    now = timezone.now()
    Event.objects.filter(pk=event.pk).update(
        starts_at=now - datetime.timedelta(minutes=5), ends_at=now + datetime.timedelta(hours=2)
    )


def _english_client(client_for, user):
    client = client_for(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_guests_are_a_kind_of_check_in_whose_code_reads_back_to_the_guest():
    guest = _register(public_event())
    assert "mentoring.eventguest" in checkin.checkin_kinds()
    kind, found = checkin.registration_from_token(checkin.personal_token(guest))
    assert kind.key == "mentoring.eventguest" and found == guest
    assert guest.name not in checkin.personal_token(guest)


def test_the_confirmation_carries_the_check_in_link_and_the_waiting_list_mail_does_not():
    event = public_event(capacity=1)
    first = _register(event, email="first@example.org")
    second = _register(event, email="second@example.org", name="Gast Zwei")
    assert checkin.personal_url(first) in OutboundEmail.objects.get(to="first@example.org").body
    waiting = OutboundEmail.objects.get(to="second@example.org")
    assert "/checkin/" not in waiting.body
    services.guest_cancel(guest=first)
    moved_up = OutboundEmail.objects.filter(to="second@example.org").order_by("pk").last()
    assert checkin.personal_url(second) in moved_up.body


def test_the_guest_sees_their_code_without_an_account_and_no_name(client):
    guest = _register(public_event(), name="Gast Geheim")
    response = client.get(checkin.personal_url(guest))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in body and "Your check-in code" in body and "Fachtag Teilhabe" in body
    assert "Gast Geheim" not in body and "Bezirksamt Mitte" not in body
    assert reverse("checkin_confirm", args=[checkin.personal_token(guest)]) not in body


def test_an_account_holders_code_still_asks_to_sign_in(client, org, org_member):
    from mentoring.models import EventRegistration

    event = public_event()
    registration = EventRegistration.objects.create(
        event=event, person=org_member, organisation=org
    )
    response = client.get(checkin.personal_url(registration))
    assert response.status_code == 302 and reverse("account_login") in response.url


def test_staff_scan_the_code_and_check_the_guest_in_once_then_undo(client_for, consultant):
    event = public_event()
    guest = _register(event, name="Gast Eins")
    token = checkin.personal_token(guest)
    client = _english_client(client_for, consultant)

    page = client.get(checkin.personal_url(guest)).content.decode()
    assert "Check in Gast Eins?" in page and "Bezirksamt Mitte" in page
    assert "Check-in opens at" in page  # before the start: no button
    response = client.post(reverse("checkin_confirm", args=[token]), follow=True)
    guest.refresh_from_db()
    assert guest.attended_at is None and not CheckIn.objects.exists()
    assert "Check-in opens at" in response.content.decode()

    _started(event)
    client.post(reverse("checkin_confirm", args=[token]))
    again = client.post(reverse("checkin_confirm", args=[token]), follow=True)  # double tap
    guest.refresh_from_db()
    assert guest.attended_at is not None and guest.attendance_recorded_by == consultant
    record = CheckIn.objects.get()
    assert (record.kind, record.registration_id, record.occasion_id) == (
        "mentoring.eventguest",
        guest.pk,
        event.pk,
    )
    assert "Gast Eins was already checked in." in again.content.decode()
    assert AuditEntry.objects.filter(action="mentoring.guest.attended").count() == 1

    client.post(reverse("checkin_undo", args=[token]))
    guest.refresh_from_db()
    assert guest.attended_at is None and not CheckIn.objects.exists()
    assert AuditEntry.objects.filter(action="mentoring.guest.attendance_removed").count() == 1


@pytest.mark.parametrize("persona", ["org_member", "qualification_consultant"])
def test_others_neither_see_the_guests_name_nor_check_them_in(request, client_for, persona):
    event = public_event()
    guest = _register(event, name="Gast Eins")
    _started(event)
    client = _english_client(client_for, request.getfixturevalue(persona))
    page = client.get(checkin.personal_url(guest)).content.decode()
    assert "Gast Eins" not in page
    response = client.post(reverse("checkin_confirm", args=[checkin.personal_token(guest)]))
    assert response.status_code in (403, 404)
    guest.refresh_from_db()
    assert guest.attended_at is None and not CheckIn.objects.exists()


def test_a_cancelled_guest_or_a_waiting_one_is_not_checked_in(client_for, consultant):
    event = public_event(capacity=1)
    first = _register(event, email="first@example.org")
    services.guest_cancel(guest=first)  # frees the place; nobody waits yet
    _register(event, email="second@example.org", name="Gast Zwei")
    waiting = _register(event, email="third@example.org", name="Gast Drei")
    assert waiting.status == EventGuest.Status.WAITING
    _started(event)
    client = _english_client(client_for, consultant)
    for guest in (first, waiting):
        page = client.get(checkin.personal_url(guest)).content.decode()
        assert "not (or no longer) confirmed" in page
        client.post(reverse("checkin_confirm", args=[checkin.personal_token(guest)]))
    assert not EventGuest.objects.filter(attended_at__isnull=False).exists()
    assert not CheckIn.objects.exists()


def test_the_code_page_links_staff_to_the_guest_list(client_for, consultant):
    event = public_event()
    guest = _register(event)
    page = _english_client(client_for, consultant).get(checkin.personal_url(guest))
    assert reverse("mentoring:guest_list", args=[event.pk]) in page.content.decode()


def test_each_badge_carries_the_guests_own_check_in_code(settings):
    settings.IKMO_SITE_URL = "https://portal.example"
    event = public_event()
    anna = _register(event, email="anna@example.org", name="Anna")
    ben = _register(event, email="ben@example.org", name="Ben")
    context = documents.name_badges_context(event, None)
    badges = {g.pk: g.checkin_qr for sheet in context["sheets"] for g in sheet}
    for guest in (anna, ben):
        expected = qr_svg(
            "https://portal.example" + checkin.personal_url(guest),
            label=gettext("Check-in code"),
            size=80,
        )
        assert badges[guest.pk] == expected
    assert badges[anna.pk] != badges[ben.pk]
