"""Public events: pages for everyone, guests without an account, the team's guest list."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ikmo.models import GeneratedDocument, OutboundEmail
from mentoring import services
from mentoring.indicators import guests_attended_in
from mentoring.models import (
    Event,
    EventAgendaItem,
    EventAttendance,
    EventGuest,
    EventInfoStand,
    EventSpeaker,
    EventTable,
)
from tests.ikmo.conftest import pdf_text

from .factories import EventFactory, public_event


@pytest.fixture(autouse=True)
def _english(client):
    """The pages' texts are asserted in English (the catalogues' source language)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


pytestmark = pytest.mark.django_db


def _register(event, email="guest@example.org", name="Gast Eins", **kw):
    return services.guest_register(
        event=event,
        name=name,
        email=email,
        consent=True,
        organisation_name=kw.pop("organisation_name", "Nachbarschaftsverein"),
        **kw,
    )


def _form(**overrides):
    data = {
        "name": "Ayşe Gast",
        "organisation_name": "Bezirksamt Beispiel",
        "email": "ayse@example.org",
        "accessibility_needs": "",
        "consent": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def fachtag():
    event = public_event(capacity=2)
    speaker = EventSpeaker.objects.create(
        event=event, name="Dr. Redner Öffentlich", role="Senatsverwaltung", publish=True
    )
    EventSpeaker.objects.create(event=event, name="Geheime Rednerin", publish=False)
    item = EventAgendaItem.objects.create(
        event=event, starts_at=datetime.time(10, 0), title="Begrüßung"
    )
    item.speakers.set(event.speakers.all())
    EventInfoStand.objects.create(event=event, organisation_name="Verein Stand", topic="Bildung")
    return event, speaker


# The public page ------------------------------------------------------------------------------


def test_the_public_page_shows_programme_and_published_speakers_but_no_guests(client, fachtag):
    event, _speaker = fachtag
    _register(event, name="Privat Gastname", email="privat@example.org")
    response = client.get(reverse("mentoring:public_event_detail", args=[event.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Begrüßung" in body and "Dr. Redner Öffentlich" in body and "Senatsverwaltung" in body
    assert "Verein Stand" in body and "Bildung" in body
    assert "1 place left" in body
    assert '<meta name="description"' in body
    for private in ("Privat Gastname", "privat@example.org", "Geheime Rednerin"):
        assert private not in body


def test_events_that_are_not_public_have_no_public_page(client):
    event = EventFactory(is_public=False)
    response = client.get(reverse("mentoring:public_event_detail", args=[event.pk]))
    assert response.status_code == 404
    assert event.title not in client.get(reverse("mentoring:public_event_list")).content.decode()


def test_the_public_list_shows_upcoming_public_events_only(client):
    coming = public_event(title="Kommender Fachtag")
    public_event(title="Vergangener Fachtag", starts_at=timezone.now() - datetime.timedelta(days=2))
    EventFactory(title="Interne Fachrunde", is_public=False)
    body = client.get(reverse("mentoring:public_event_list")).content.decode()
    assert coming.title in body
    assert "Vergangener Fachtag" not in body and "Interne Fachrunde" not in body


def test_the_public_page_is_shown_in_the_readers_language(client):
    event = public_event(title="Fachtag Deutsch", title_en="Specialist day English")
    url = reverse("mentoring:public_event_detail", args=[event.pk])
    assert "Specialist day English" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_the_public_page_needs_a_fixed_number_of_queries(client, fachtag):
    event, _speaker = fachtag
    url = reverse("mentoring:public_event_detail", args=[event.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(5):
        speaker = EventSpeaker.objects.create(event=event, name=f"Rednerin {n}", publish=True)
        item = EventAgendaItem.objects.create(
            event=event, starts_at=datetime.time(11, n), title=f"Punkt {n}"
        )
        item.speakers.add(speaker)
        EventInfoStand.objects.create(event=event, organisation_name=f"Stand {n}")
        _register(event, email=f"g{n}@example.org")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few) <= 12


def test_a_public_event_has_a_calendar_file_for_everyone(client):
    event = public_event(title="Fachtag; mit Kalender")
    response = client.get(reverse("mentoring:event_ics", args=[event.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert f"UID:mentoring-event-{event.pk}@" in body and "SUMMARY:Fachtag\\; mit Kalender" in body


def test_the_calendar_file_of_an_internal_event_follows_the_event_page(client, client_for, org):
    event = EventFactory(is_public=False, invited=[org])
    url = reverse("mentoring:event_ics", args=[event.pk])
    assert client.get(url).status_code == 302  # to the sign-in
    from tests.factories import OrganisationFactory, member_of

    assert client_for(member_of(org)).get(url).status_code == 200
    outsider = member_of(OrganisationFactory(name="Fremder Verein e.V."))
    assert client_for(outsider).get(url).status_code == 404


# Registration ---------------------------------------------------------------------------------


def test_a_guest_registers_with_consent_and_gets_a_confirmation_with_a_cancel_link(client):
    event = public_event()
    response = client.post(
        reverse("mentoring:public_event_detail", args=[event.pk]),
        _form(accessibility_needs="Rollstuhl"),
    )
    assert response.status_code == 302
    guest = EventGuest.objects.get()
    assert guest.status == EventGuest.Status.REGISTERED
    assert guest.consent_version == services.GUEST_CONSENT_VERSION
    assert guest.consented_at is not None and guest.accessibility_needs == "Rollstuhl"
    sent = OutboundEmail.objects.get(to="ayse@example.org")
    token = services.guest_token(guest)
    assert reverse("mentoring:guest_cancel", args=[token]) in sent.body
    assert event.title in sent.subject


def test_without_consent_nothing_is_stored_and_everything_typed_is_kept(client):
    event = public_event()
    response = client.post(
        reverse("mentoring:public_event_detail", args=[event.pk]),
        _form(consent=None, name="Kein Konsens"),
        HTTP_ACCEPT_LANGUAGE="de",
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert not EventGuest.objects.exists() and not OutboundEmail.objects.exists()
    assert 'value="Kein Konsens"' in body and 'value="ayse@example.org"' in body
    assert "Verarbeitung" in body or "processing" in body


def test_the_service_refuses_a_registration_without_consent():
    with pytest.raises(ValidationError):
        services.guest_register(
            event=public_event(), name="A", email="a@example.org", consent=False
        )


def test_one_address_registers_once_per_event_whatever_its_case(client):
    event = public_event()
    url = reverse("mentoring:public_event_detail", args=[event.pk])
    client.post(url, _form())
    response = client.post(url, _form(email="AYSE@example.org"))
    assert response.status_code == 400
    assert "already registered" in response.content.decode()
    assert EventGuest.objects.count() == 1
    # ... and a cancelled registration frees the address for a new one.
    services.guest_cancel(guest=EventGuest.objects.get())
    assert client.post(url, _form()).status_code == 302
    assert EventGuest.objects.count() == 2


def test_registration_is_closed_once_the_event_has_started(client):
    event = public_event(starts_at=timezone.now() - datetime.timedelta(minutes=5))
    response = client.post(reverse("mentoring:public_event_detail", args=[event.pk]), _form())
    assert response.status_code == 400 and not EventGuest.objects.exists()


def test_a_full_event_puts_guests_on_the_waiting_list_and_a_cancellation_moves_them_up():
    event = public_event(capacity=1)
    first = _register(event, email="first@example.org")
    second = _register(event, email="second@example.org")
    assert first.status == "registered" and second.status == "waiting"
    assert "Warteliste" in OutboundEmail.objects.get(to="second@example.org").body  # German
    services.guest_cancel(guest=first)
    second.refresh_from_db()
    assert second.status == "registered" and second.moved_up_at is not None
    moved = OutboundEmail.objects.filter(to="second@example.org").order_by("pk").last()
    assert "Warteliste nach" in moved.body  # German: moved up from the waiting list
    assert reverse("mentoring:guest_cancel", args=[services.guest_token(second)]) in moved.body


def test_members_and_guests_share_the_places(org):
    from tests.factories import member_of

    event = public_event(capacity=1, invited=[org])
    member = member_of(org)
    services.event_register(event=event, person=member, organisation=org)
    assert _register(event).status == "waiting"


def test_too_many_registrations_from_one_address_are_refused(client, monkeypatch):
    from mentoring import views

    monkeypatch.setattr(views, "GUEST_REGISTRATION_RATE", "2/h/ip")
    event = public_event()
    url = reverse("mentoring:public_event_detail", args=[event.pk])
    for n in range(2):
        assert client.post(url, _form(email=f"g{n}@example.org")).status_code == 302
    response = client.post(url, _form(email="third@example.org"))
    assert response.status_code == 429
    assert EventGuest.objects.count() == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_guests_racing_for_the_last_place_get_one_place_and_one_waiting_spot():
    event = public_event(capacity=1)
    barrier = threading.Barrier(2)
    statuses, errors = [], []

    def attempt(n):
        try:
            barrier.wait(timeout=10)
            statuses.append(_register(event, email=f"race{n}@example.org").status)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(statuses) == ["registered", "waiting"]


# Cancelling -----------------------------------------------------------------------------------


def test_the_cancel_link_asks_first_and_cancels_on_the_button(client):
    event = public_event()
    guest = _register(event)
    url = reverse("mentoring:guest_cancel", args=[services.guest_token(guest)])
    assert client.get(url).status_code == 200
    guest.refresh_from_db()
    assert guest.status == "registered"  # opening the link changes nothing
    assert client.post(url).status_code == 302
    guest.refresh_from_db()
    assert guest.status == "cancelled" and guest.cancelled_at is not None


def test_a_tampered_cancel_link_is_a_clear_400(client):
    guest = _register(public_event())
    token = services.guest_token(guest)
    for bad in (token[:-2] + "xx", "nonsense", token.replace(":", "x", 1)):
        response = client.post(reverse("mentoring:guest_cancel", args=[bad]))
        assert response.status_code == 400
        assert "not valid" in response.content.decode()
    guest.refresh_from_db()
    assert guest.status == "registered"


# Attendance -----------------------------------------------------------------------------------


def test_guest_attendance_is_refused_before_the_start_and_recorded_once_after(consultant):
    event = public_event()
    guest = _register(event)
    with pytest.raises(ValidationError) as refused:
        services.guest_attendance_record(guest=guest, by=consultant)
    assert refused.value.code == "not_started"
    Event.objects.filter(pk=event.pk).update(starts_at=timezone.now() - datetime.timedelta(hours=1))
    services.guest_attendance_record(guest=guest, by=consultant)
    guest.refresh_from_db()
    assert guest.attended_at is not None and guest.attendance_recorded_by == consultant
    with pytest.raises(ValidationError) as again:
        services.guest_attendance_record(guest=guest, by=consultant)
    assert again.value.code == "duplicate"


def test_a_guest_on_the_waiting_list_cannot_be_marked_present(consultant):
    event = public_event(capacity=1)
    _register(event, email="a@example.org")
    waiting = _register(event, email="b@example.org")
    Event.objects.filter(pk=event.pk).update(starts_at=timezone.now() - datetime.timedelta(hours=1))
    with pytest.raises(ValidationError):
        services.guest_attendance_record(guest=waiting, by=consultant)


def test_staff_see_the_guest_list_with_counts_and_mark_guests_present(client_for, consultant):
    event = public_event(capacity=1, starts_at=timezone.now() + datetime.timedelta(days=1))
    guest = _register(event, name="Anwesende Person")
    _register(event, email="w@example.org", name="Wartende Person")
    Event.objects.filter(pk=event.pk).update(starts_at=timezone.now() - datetime.timedelta(hours=1))
    client = client_for(consultant)
    page = client.get(reverse("mentoring:guest_list", args=[event.pk])).content.decode()
    assert "Anwesende Person" in page and "Wartende Person" in page
    assert "Registered: 1" in page and "Waiting: 1" in page and "Present: 0" in page
    response = client.post(reverse("mentoring:guest_attended", args=[event.pk, guest.pk]))
    assert response.status_code == 302
    page = client.get(reverse("mentoring:guest_list", args=[event.pk])).content.decode()
    assert "Present: 1" in page


def test_the_guest_list_needs_a_fixed_number_of_queries(client_for, consultant):
    event = public_event()
    client = client_for(consultant)
    url = reverse("mentoring:guest_list", args=[event.pk])
    _register(event, email="one@example.org")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(8):
        _register(event, email=f"more{n}@example.org")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


@pytest.mark.parametrize("persona", ["anonymous", "org_member", "qualification_consultant"])
def test_nobody_outside_the_mentoring_team_sees_the_guest_list(
    persona, request, client, client_for
):
    event = public_event()
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    response = (client_for(user) if user else client).get(
        reverse("mentoring:guest_list", args=[event.pk])
    )
    assert response.status_code in (302, 404)


# PDFs -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind,key", [("list", "mentoring_guest_list"), ("badges", "mentoring_name_badges")]
)
def test_guest_list_and_name_badges_are_pdfs_with_the_names(
    kind, key, client_for, consultant, django_capture_on_commit_callbacks
):
    event = public_event()
    _register(event, name="Badge Person", organisation_name="Verein Namensschild")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(consultant).post(
            reverse("mentoring:guest_documents", args=[event.pk, kind])
        )
    document = GeneratedDocument.objects.get(kind=key)
    assert response.status_code == 302 and response.url == reverse(
        "document_detail", args=[document.pk]
    )
    document.refresh_from_db()
    assert document.status == "done", document.error
    data = document.file.open("rb").read()
    assert data[:4] == b"%PDF"
    text = pdf_text(data)
    if text is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    # The table may wrap a name over two lines: each word is there.
    for word in ("Badge", "Person", "Verein", "Namensschild"):
        assert word in text


def test_an_unknown_document_kind_is_a_404(client_for, consultant):
    event = public_event()
    url = reverse("mentoring:guest_documents", args=[event.pk, "everything"])
    assert client_for(consultant).post(url).status_code == 404


# World Café -----------------------------------------------------------------------------------


def test_world_cafe_tables_are_recorded_after_the_start_and_shown_with_the_outcome(
    client_for, consultant
):
    event = EventFactory(starts_at=timezone.now() - datetime.timedelta(hours=2))
    client = client_for(consultant)
    url = reverse("mentoring:event_table_add", args=[event.pk])
    response = client.post(
        url, {"topic": "Ehrenamt stärken", "host": "Tischpatin A", "summary": ""}
    )
    assert response.status_code == 400 and not EventTable.objects.exists()
    assert 'value="Ehrenamt stärken"' in response.content.decode()
    response = client.post(
        url, {"topic": "Ehrenamt stärken", "host": "Tischpatin A", "summary": "Mehr Schulungen"}
    )
    assert response.status_code == 302
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Ehrenamt stärken" in page and "Mehr Schulungen" in page


def test_no_world_cafe_results_before_the_event():
    event = EventFactory(starts_at=timezone.now() + datetime.timedelta(days=2))
    with pytest.raises(ValidationError):
        services.event_table_add(event=event, topic="T", summary="S", by=None)


# Reach ----------------------------------------------------------------------------------------


def test_guests_present_count_as_reach_but_people_with_an_account_only_once(consultant, org):
    from types import SimpleNamespace

    from tests.factories import member_of

    event = public_event(capacity=None)
    member = member_of(org, email="auch-gast@example.org")
    guest_only = _register(event, email="nur-gast@example.org")
    both = _register(event, email="AUCH-GAST@example.org")
    never = _register(event, email="nicht-da@example.org")
    Event.objects.filter(pk=event.pk).update(starts_at=timezone.now() - datetime.timedelta(hours=1))
    for guest in (guest_only, both):
        services.guest_attendance_record(guest=guest, by=consultant)
    EventAttendance.objects.create(event=event, organisation=org, person=member)
    today = timezone.localdate()
    period = SimpleNamespace(start=today - datetime.timedelta(days=1), end=today)
    assert set(guests_attended_in(period)) == {guest_only}
    assert never not in guests_attended_in(period)


# Privacy --------------------------------------------------------------------------------------


def test_retention_anonymises_guests_of_past_events_and_keeps_the_count(consultant):
    from privacy.retention import apply_retention

    event = public_event()
    guest = _register(event, name="Alte Person", email="alt@example.org")
    _register(event, name="Zweite Person", email="zwei@example.org")
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - datetime.timedelta(days=400)
    )
    services.guest_attendance_record(guest=guest, by=consultant)
    done = apply_retention(today=timezone.localdate())
    assert done["event_guest"] == 2
    guest.refresh_from_db()
    assert guest.name == "[erased]" and "alt@" not in guest.email and guest.attended_at
    assert apply_retention(today=timezone.localdate()).get("event_guest") == 0


# The event report -----------------------------------------------------------------------------


def test_the_event_report_is_a_pdf_with_who_came_programme_minutes_and_tables(
    client_for, consultant, org, django_capture_on_commit_callbacks
):
    event = public_event(title="Fachtag Bericht")
    speaker = EventSpeaker.objects.create(event=event, name="Referentin Beispiel", publish=True)
    item = EventAgendaItem.objects.create(
        event=event, starts_at=datetime.time(10, 0), title="Begrüßung"
    )
    item.speakers.add(speaker)
    EventInfoStand.objects.create(event=event, organisation_name="Standverein", topic="Beratung")
    guest = _register(event, name="Gast Vertraulich")
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=2),
        minutes="Ergebnis: gemeinsamer Infoabend",
    )
    event.refresh_from_db()
    services.attendance_record(
        event=event, organisation=org, name="Teilnehmerin Intern", by=consultant
    )
    services.guest_attendance_record(guest=guest, by=consultant)
    services.event_table_add(
        event=event, topic="Tisch Jugendamt", summary="Feste Ansprechperson", by=consultant
    )

    client = client_for(consultant)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get(reverse("mentoring:event_detail", args=[event.pk])).content.decode()
    assert reverse("mentoring:event_report", args=[event.pk]) in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mentoring:event_report", args=[event.pk]))
    document = GeneratedDocument.objects.get(kind="mentoring_event_report")
    assert response.url == reverse("document_detail", args=[document.pk])
    document.refresh_from_db()
    assert document.status == "done", document.error
    text = pdf_text(document.file.open("rb").read())
    assert text is not None, "pdftotext (poppler-utils) is needed"
    for expected in (
        "Fachtag Bericht",
        "Begrüßung",
        "Referentin Beispiel",
        "Standverein",
        "gemeinsamer Infoabend",
        "Tisch Jugendamt",
        "Feste Ansprechperson",
        org.name.split()[0],
    ):
        assert expected in text, expected
    # Counts and organisations, never a person's name.
    assert "Gast Vertraulich" not in text and "Teilnehmerin Intern" not in text


@pytest.mark.parametrize("persona", ["org_member", "qualification_consultant"])
def test_only_the_mentoring_team_asks_for_an_event_report(persona, request, client_for):
    event = public_event()
    user = request.getfixturevalue(persona)
    response = client_for(user).post(reverse("mentoring:event_report", args=[event.pk]))
    assert response.status_code in (403, 404)
    assert not GeneratedDocument.objects.exists()
