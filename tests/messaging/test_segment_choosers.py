"""The workshop and the event of a message to many are chosen by searching (ikmo/choosers.py):
the page carries only the chosen one, the search offers what the sender may write to, past
ones too, with their date."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import formats, timezone

from devtools import factories as rows
from messaging.models import BulkMessage
from organisations.models import StaffRole
from tests import factories
from tests.conftest import enrol_mfa
from tests.qualification.factories import make_workshop, register

pytestmark = pytest.mark.django_db

WORKSHOP_URL = reverse("messaging:compose", args=["qualification.workshop"])
EVENT_URL = reverse("messaging:compose", args=["mentoring.event"])


def _staff(email, subproject, role=StaffRole.Role.CONSULTANT):
    user = factories.staff(role, subproject=subproject, email=email)
    enrol_mfa(user)
    return user


@pytest.fixture
def trainer(db):
    return _staff("trainerin@centre.example", "qualification")


@pytest.fixture
def mentoring_staff(db):
    return _staff("mentoring@centre.example", "mentoring")


def _search(client, kind, scope, q=""):
    response = client.get(reverse("choose", args=[kind]), {"scope": scope, "q": q})
    return response


def _day(when):
    return formats.date_format(timezone.localtime(when), "SHORT_DATE_FORMAT")


def test_a_trainer_finds_their_own_workshops_by_title_past_ones_too(client, trainer):
    old = make_workshop(trainer=trainer, title="Kassenprüfung", starts_in=timedelta(days=-400))
    make_workshop(trainer=trainer, title="Satzung schreiben", starts_in=timedelta(days=5))
    make_workshop(title="Kassenbuch für Fremde", starts_in=timedelta(days=5))  # not theirs
    client.force_login(trainer)
    response = _search(client, "workshops", "message_workshops", "kasse")
    assert response.status_code == 200
    assert response.json()["results"] == [
        {"value": str(old.pk), "text": "Kassenprüfung", "detail": _day(old.starts_at)}
    ]


def test_the_compose_page_carries_only_the_chosen_workshop(client, trainer):
    for days in range(5):
        make_workshop(trainer=trainer, title=f"Workshop {days}", starts_in=timedelta(days=days))
    client.force_login(trainer)
    page = client.get(WORKSHOP_URL).content.decode()
    assert 'data-chooser-url="/choose/workshops/?scope=message_workshops"' in page
    assert "Workshop 3" not in page  # no list of workshops on the page


def test_a_workshop_older_than_half_a_year_can_be_written_to(client, trainer, org):
    old = make_workshop(trainer=trainer, title="Kassenprüfung", starts_in=timedelta(days=-400))
    register(old, factories.member_of(org, email="teilnehmerin@org.example"), org)
    client.force_login(trainer)
    data = {
        "segment-workshop": old.pk,
        "kind": "service",
        "subject_de": "",  # first attempt: no subject
        "body_de": "Ihre Bescheinigung ist da.",
        "action": "preview",
    }
    response = client.post(WORKSHOP_URL, data)
    assert "subject_de" in response.context["form"].errors
    # The chosen workshop stays chosen, shown with its date.
    label = f"Kassenprüfung ({timezone.localtime(old.starts_at):%d.%m.%Y})"
    assert f'<option value="{old.pk}" selected>{label}</option>' in response.content.decode()
    preview = client.post(WORKSHOP_URL, {**data, "subject_de": "Bescheinigung"})
    assert preview.context["count"] == 1


def test_another_trainers_workshop_cannot_be_chosen_or_searched(client, trainer):
    theirs = make_workshop(title="Fremder Workshop")
    client.force_login(trainer)
    assert _search(client, "workshops", "message_workshops", "Fremder").json()["results"] == []
    response = client.post(
        WORKSHOP_URL,
        {"segment-workshop": theirs.pk, "kind": "service", "subject_de": "S", "body_de": "T"},
    )
    assert "workshop" in response.context["segment_form"].errors
    assert not BulkMessage.objects.exists()


@pytest.mark.parametrize("value", ["abc", "-1", "99999999999999999999", "1 OR 1=1"])
def test_a_mangled_workshop_is_a_form_error_never_a_5xx(client, trainer, value):
    client.force_login(trainer)
    response = client.post(WORKSHOP_URL, {"segment-workshop": value, "kind": "service"})
    assert response.status_code == 200
    assert "workshop" in response.context["segment_form"].errors


def test_mentoring_staff_find_events_by_title_with_their_date(client, mentoring_staff):
    past = rows.EventFactory(
        title="Fachrunde Gesundheit", starts_at=timezone.now() - timedelta(days=300)
    )
    rows.EventFactory(title="Netzwerktreffen Bildung")
    client.force_login(mentoring_staff)
    results = _search(client, "events", "message_events", "gesund").json()["results"]
    assert [r["value"] for r in results] == [str(past.pk)]
    assert results[0]["detail"].startswith(_day(past.starts_at))
    page = client.get(EVENT_URL).content.decode()
    assert 'data-chooser-url="/choose/events/?scope=message_events"' in page
    assert "Netzwerktreffen Bildung" not in page


def test_an_event_older_than_half_a_year_reaches_its_attendees(client, mentoring_staff, org):
    past = rows.EventFactory(title="Fachrunde Alt", starts_at=timezone.now() - timedelta(days=300))
    person = factories.member_of(org, email="dabei@org.example")
    rows.EventAttendanceFactory(event=past, organisation=org, person=person)
    client.force_login(mentoring_staff)
    preview = client.post(
        EVENT_URL,
        {
            "segment-event": past.pk,
            "segment-who": "attended",
            "kind": "service",
            "subject_de": "Danke",
            "body_de": "Danke fürs Kommen.",
            "action": "preview",
        },
    )
    assert preview.status_code == 200
    assert preview.context["count"] == 1


def test_staff_of_another_sub_project_cannot_search_the_events(client, trainer):
    rows.EventFactory(title="Fachrunde Gesundheit")
    client.force_login(trainer)
    assert _search(client, "events", "message_events", "Fach").status_code == 403
