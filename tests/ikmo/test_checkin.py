"""Check-in by QR code (ikmo/checkin.py): the personal code staff scan, the room code people
scan, for workshops and for events, through the apps' own attendance services."""

import datetime
from datetime import timedelta

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from ikmo import checkin
from ikmo.audit import AuditEntry
from ikmo.models import CheckIn
from mentoring.models import Event, EventAttendance, EventRegistration
from organisations.models import StaffRole
from qualification.models import Registration
from tests import factories
from tests.conftest import enrol_mfa
from tests.qualification.factories import make_workshop, register


@pytest.fixture(autouse=True)
def _english(client):
    """The pages' texts are asserted in English (the catalogues' source language)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


pytestmark = pytest.mark.django_db

NOW = timedelta(minutes=-10)  # started ten minutes ago: check-in is open


@pytest.fixture
def trainer(db):
    user = factories.staff(
        StaffRole.Role.CONSULTANT,
        subproject="qualification",
        email="trainerin@centre.example",
        first_name="Tara",
        last_name="Trainerin",
    )
    enrol_mfa(user)
    return user


@pytest.fixture
def other_trainer(db):
    user = factories.staff(
        StaffRole.Role.CONSULTANT, subproject="qualification", email="andere@centre.example"
    )
    enrol_mfa(user)
    return user


@pytest.fixture
def amina(org):
    return factories.member_of(
        org, email="amina@org-a.example", first_name="Amina", last_name="Yilmaz"
    )


@pytest.fixture
def workshop(trainer):
    return make_workshop(trainer=trainer, starts_in=NOW, title="Vereinsfinanzen")


@pytest.fixture
def registration(workshop, amina, org):
    return register(workshop, amina, org)


def _code(registration):
    return reverse("checkin_code", kwargs={"token": checkin.personal_token(registration)})


def _confirm(registration):
    return reverse("checkin_confirm", kwargs={"token": checkin.personal_token(registration)})


def _attendance_entries(registration):
    return AuditEntry.objects.filter(
        action="qualification.registration.attendance_recorded", object_id=str(registration.pk)
    ).count()


# The codes -----------------------------------------------------------------------------------


def test_the_personal_code_names_no_person_and_reads_back_to_its_registration(registration):
    token = checkin.personal_token(registration)
    assert "amina" not in token.lower() and "yilmaz" not in token.lower()
    kind, found = checkin.registration_from_token(token)
    assert (kind.key, found) == ("qualification.registration", registration)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # signature changed
        lambda t: t.replace(t.split(":")[0], "WyJxdWFsaWZpY2F0aW9uLnJlZ2lzdHJhdGlvbiIsOTld"),
        lambda t: "not-a-code",
        lambda t: "",
    ],
)
def test_a_tampered_personal_code_is_refused(registration, tamper):
    with pytest.raises(checkin.InvalidCode):
        checkin.registration_from_token(tamper(checkin.personal_token(registration)))


def test_a_room_code_is_no_personal_code_and_the_other_way_round(registration, workshop):
    kind = checkin.kind_of(registration)
    room = checkin.room_token(kind, workshop, timezone.localdate())
    with pytest.raises(checkin.InvalidCode):
        checkin.registration_from_token(room)
    with pytest.raises(checkin.InvalidCode):
        checkin.occasion_from_room_token(checkin.personal_token(registration))


def test_a_room_code_works_on_its_day_only(registration, workshop):
    kind = checkin.kind_of(registration)
    today = timezone.localdate()
    assert checkin.occasion_from_room_token(checkin.room_token(kind, workshop, today)) == (
        kind,
        workshop,
    )
    yesterday = checkin.room_token(kind, workshop, today - timedelta(days=1))
    with pytest.raises(checkin.ExpiredCode):
        checkin.occasion_from_room_token(yesterday)
    # A code signed long ago has expired even if someone forged its day.
    old = signing.TimestampSigner(salt=checkin.ROOM_SALT)
    token = old.sign_object([kind.key, workshop.pk, today.isoformat()])
    later = timezone.now() + timedelta(days=2)
    with pytest.raises(checkin.ExpiredCode):
        checkin.occasion_from_room_token(token, now=later)


def test_both_apps_offer_a_kind_of_check_in():
    assert set(checkin.checkin_kinds()) >= {
        "qualification.registration",
        "mentoring.eventregistration",
    }


# The personal code, scanned by staff ---------------------------------------------------------


def test_the_person_sees_their_qr_code_and_nothing_to_press(client_for, registration, amina):
    response = client_for(amina).get(_code(registration))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in body and 'role="img"' in body
    assert (
        reverse("checkin_confirm", kwargs={"token": checkin.personal_token(registration)})
        not in body
    )


def test_the_trainer_checks_the_person_in_through_the_attendance_service(
    client_for, registration, trainer
):
    client = client_for(trainer)
    page = client.get(_code(registration)).content.decode()
    assert "Check in Amina Yilmaz?" in page
    response = client.post(_confirm(registration), follow=True)
    registration.refresh_from_db()
    assert registration.attended is True
    assert _attendance_entries(registration) == 1  # written by qualification's service
    row = CheckIn.objects.get()
    assert (row.method, row.checked_in_by, row.occasion_id) == (
        "personal",
        trainer,
        registration.workshop_id,
    )
    assert "Amina Yilmaz is checked in." in response.content.decode()


def test_a_second_scan_and_a_double_click_say_already_checked_in_and_write_nothing(
    client_for, registration, trainer
):
    client = client_for(trainer)
    client.post(_confirm(registration))
    client.post(_confirm(registration))
    response = client.post(_confirm(registration), follow=True)
    assert "Amina Yilmaz was already checked in." in response.content.decode()
    assert _attendance_entries(registration) == 1
    assert CheckIn.objects.count() == 1


def test_the_trainer_of_another_workshop_can_neither_see_nor_check_in(
    client_for, registration, other_trainer
):
    client = client_for(other_trainer)
    page = client.get(_code(registration))
    assert page.status_code == 403
    assert "Amina" not in page.content.decode()
    assert client.post(_confirm(registration)).status_code == 403
    registration.refresh_from_db()
    assert registration.attended is None
    assert not CheckIn.objects.exists()


def test_another_member_opening_the_code_learns_nothing_and_checks_in_nobody(
    client_for, registration, other_org_admin
):
    client = client_for(other_org_admin)
    page = client.get(_code(registration))
    assert page.status_code == 403
    assert "Amina" not in page.content.decode()
    assert client.post(_confirm(registration)).status_code == 403
    registration.refresh_from_db()
    assert registration.attended is None


def test_the_person_cannot_check_themselves_in_with_their_own_code(client_for, registration, amina):
    assert client_for(amina).post(_confirm(registration)).status_code == 403
    registration.refresh_from_db()
    assert registration.attended is None


def test_a_tampered_code_gets_a_clear_page_not_an_error(client_for, trainer):
    response = client_for(trainer).get(reverse("checkin_code", kwargs={"token": "abc:def"}))
    assert response.status_code == 404
    assert "This code is not valid" in response.content.decode()
    response = client_for(trainer).post(reverse("checkin_confirm", kwargs={"token": "abc:def"}))
    assert response.status_code == 404


def test_before_the_start_check_in_is_refused_and_says_when_it_opens(
    client_for, trainer, amina, org
):
    later = make_workshop(trainer=trainer, starts_in=timedelta(hours=2))
    registration = register(later, amina, org)
    client = client_for(trainer)
    assert "Check-in opens at" in client.get(_code(registration)).content.decode()
    response = client.post(_confirm(registration), follow=True)
    assert "Check-in opens at" in response.content.decode()
    registration.refresh_from_db()
    assert registration.attended is None
    assert not CheckIn.objects.exists()


def test_after_the_last_day_check_in_has_closed(client_for, trainer, amina, org):
    past = make_workshop(trainer=trainer, starts_in=timedelta(days=-3))
    registration = register(past, amina, org)
    response = client_for(trainer).post(_confirm(registration), follow=True)
    assert "check-in has closed" in response.content.decode()
    registration.refresh_from_db()
    assert registration.attended is None


def test_a_waitlisted_registration_is_not_checked_in(client_for, trainer, workshop, org):
    waiting = factories.member_of(org, email="wartend@org-a.example")
    registration = register(workshop, waiting, org, status=Registration.Status.WAITLISTED)
    response = client_for(trainer).post(_confirm(registration), follow=True)
    assert "not (or no longer) confirmed" in response.content.decode()
    registration.refresh_from_db()
    assert registration.attended is None


def test_staff_undo_a_scan_of_the_wrong_person(client_for, registration, trainer):
    client = client_for(trainer)
    client.post(_confirm(registration))
    undo = reverse("checkin_undo", kwargs={"token": checkin.personal_token(registration)})
    client.post(undo)
    registration.refresh_from_db()
    assert registration.attended is None
    assert not CheckIn.objects.exists()


def test_the_attendance_list_shows_who_checked_in_by_code(
    client_for, registration, trainer, workshop, org
):
    manual = register(workshop, factories.member_of(org, email="manuell@org-a.example"), org)
    client = client_for(trainer)
    client.post(_confirm(registration))
    client.post(
        reverse("qualification:attendance_set", args=[workshop.pk, manual.pk]),
        {"attended": "yes"},
    )
    page = client.get(reverse("qualification:attendance", args=[workshop.pk])).content.decode()
    row_of = {
        r: page.split(f'id="attendance-{r.pk}"')[1].split("</li>")[0]
        for r in (registration, manual)
    }
    assert "data-by-code" in row_of[registration]
    assert "data-by-code" not in row_of[manual]


def test_my_registrations_offers_the_own_code_only(client_for, registration, amina, workshop, org):
    colleague = factories.member_of(org, email="kollegin@org-a.example")
    other = register(workshop, colleague, org)
    Registration.objects.filter(pk=other.pk).update(registered_by=amina)
    page = client_for(amina).get(reverse("qualification:my_registrations")).content.decode()
    assert _code(registration) in page
    assert _code(other) not in page


# The room code -------------------------------------------------------------------------------


def _room(workshop, day=None):
    kind = checkin.checkin_kinds()["qualification.registration"]
    return checkin.room_scan_url(kind, workshop, day or timezone.localdate())


def test_a_session_past_midnight_has_a_room_code_on_both_days(trainer):
    evening = timezone.make_aware(datetime.datetime(2026, 12, 5, 22, 0))
    workshop = make_workshop(trainer=trainer, starts_in=timedelta(days=3))
    workshop.sessions.update(starts_at=evening, ends_at=evening + timedelta(hours=3))
    kind = checkin.checkin_kinds()["qualification.registration"]
    assert kind.days_of(workshop) == [datetime.date(2026, 12, 5), datetime.date(2026, 12, 6)]


def test_staff_see_the_room_code_of_today(client_for, trainer, other_trainer, workshop):
    url = reverse("qualification:room_code", args=[workshop.pk])
    page = client_for(trainer).get(url).content.decode()
    assert "data-room-qr" in page and "<svg" in page
    assert client_for(other_trainer).get(url).status_code == 403


def test_a_registered_person_scans_the_room_code_and_is_checked_in_once(
    client_for, registration, amina, workshop
):
    client = client_for(amina)
    page = client.get(_room(workshop)).content.decode()
    assert "Yes, check me in" in page
    client.post(_room(workshop))
    response = client.post(_room(workshop), follow=True)
    assert "You are checked in." in response.content.decode()
    registration.refresh_from_db()
    assert registration.attended is True
    assert _attendance_entries(registration) == 1
    assert CheckIn.objects.get().method == "room"


def test_someone_not_registered_is_told_so_and_nothing_is_written(
    client_for, other_org_admin, workshop, registration
):
    client = client_for(other_org_admin)
    response = client.get(_room(workshop))
    assert response.status_code == 403
    assert "You are not registered" in response.content.decode()
    assert client.post(_room(workshop)).status_code == 403
    assert not CheckIn.objects.exists()


def test_the_room_code_of_another_workshop_does_not_check_in(
    client_for, amina, registration, trainer
):
    other = make_workshop(trainer=trainer, starts_in=NOW, title="Ein anderer")
    assert client_for(amina).post(_room(other)).status_code == 403
    registration.refresh_from_db()
    assert registration.attended is None


def test_yesterdays_room_code_has_expired(client_for, amina, registration, workshop):
    response = client_for(amina).post(_room(workshop, timezone.localdate() - timedelta(days=1)))
    assert response.status_code == 410
    registration.refresh_from_db()
    assert registration.attended is None


def test_without_signing_in_the_room_code_leads_to_sign_in_and_back(client, workshop):
    url = _room(workshop)
    response = client.get(url)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"] and "next=" in response["Location"]


# Events of account holders -------------------------------------------------------------------


@pytest.fixture
def event(org):
    event = Event.objects.create(
        kind=Event.Kind.NETWORK_EVENT,
        title="Netzwerktreffen Bildung",
        starts_at=timezone.now() - timedelta(minutes=5),
        ends_at=timezone.now() + timedelta(hours=2),
        place="Rathaus",
        is_open=True,
    )
    return event


@pytest.fixture
def event_registration(event, amina, org):
    return EventRegistration.objects.create(event=event, person=amina, organisation=org)


@pytest.fixture
def mentoring_staff(db):
    user = factories.staff(
        StaffRole.Role.CONSULTANT, subproject="mentoring", email="netz@centre.example"
    )
    enrol_mfa(user)
    return user


def test_event_staff_check_a_person_in_once_through_the_event_attendance(
    client_for, event_registration, mentoring_staff, event
):
    client = client_for(mentoring_staff)
    assert "Check in Amina Yilmaz?" in client.get(_code(event_registration)).content.decode()
    client.post(_confirm(event_registration))
    client.post(_confirm(event_registration))
    attendance = EventAttendance.objects.get(event=event)
    assert (attendance.person, attendance.recorded_by) == (
        event_registration.person,
        mentoring_staff,
    )
    assert AuditEntry.objects.filter(action="mentoring.event.attendance_recorded").count() == 1
    page = client.get(reverse("mentoring:event_detail", args=[event.pk])).content.decode()
    assert "by code" in page


def test_a_qualification_trainer_cannot_check_in_at_an_event(
    client_for, event_registration, trainer
):
    assert client_for(trainer).post(_confirm(event_registration)).status_code == 403
    assert not EventAttendance.objects.exists()


def test_a_person_scans_the_event_room_code(client_for, event_registration, amina, event):
    kind = checkin.checkin_kinds()["mentoring.eventregistration"]
    url = checkin.room_scan_url(kind, event, timezone.localdate())
    client_for(amina).post(url)
    assert EventAttendance.objects.filter(event=event, person=amina).count() == 1


def test_the_event_page_offers_the_person_their_code(client_for, event_registration, amina, event):
    page = client_for(amina).get(reverse("mentoring:event_detail", args=[event.pk]))
    assert _code(event_registration) in page.content.decode()


def test_an_event_not_started_refuses_check_in(client_for, amina, org, mentoring_staff):
    soon = Event.objects.create(
        kind=Event.Kind.EXPERT_ROUND,
        title="Fachrunde später",
        starts_at=timezone.now() + timedelta(hours=1),
        place="Rathaus",
        is_open=True,
    )
    registration = EventRegistration.objects.create(event=soon, person=amina, organisation=org)
    client_for(mentoring_staff).post(_confirm(registration))
    assert not EventAttendance.objects.exists()


def test_the_window_closes_at_the_end_of_the_last_day(registration, workshop):
    kind = checkin.kind_of(registration)
    _opens, closes = checkin.window(kind, workshop)
    assert timezone.localtime(closes).time() == datetime.time.max
    assert checkin.window_state(kind, workshop, now=closes + timedelta(seconds=1)) == "over"


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_code_pages_cost_the_same_however_many_people_registered(
    client_for, registration, trainer, amina, workshop, org
):
    before = (_queries(client_for(trainer), _code(registration)),)
    before += (_queries(client_for(amina), _room(workshop)),)
    for n in range(15):
        register(workshop, factories.member_of(org, email=f"p{n}@org-a.example"), org)
    after = (_queries(client_for(trainer), _code(registration)),)
    after += (_queries(client_for(amina), _room(workshop)),)
    assert after == before
