"""An event's programme in the portal: the team adds, changes and removes speakers, agenda
items and info stands on the event page; everyone else cannot."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from ikmo.models import AuditEntry
from mentoring import services
from mentoring.forms import EventAgendaItemForm, TimeOfDayField
from mentoring.models import EventAgendaItem, EventInfoStand, EventSpeaker

from .factories import EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    """The pages' texts are asserted in English (the catalogues' source language)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def _at(hour, minute=0, days=10):
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@pytest.fixture
def fachtag(org):
    """A public one-day event, 9:00 to 17:00, open to all."""
    return EventFactory(
        title="Fachtag Programm",
        is_public=True,
        is_open=True,
        starts_at=_at(9),
        ends_at=_at(17),
    )


def _agenda(**overrides):
    data = {"agenda-starts_at": "9:30", "agenda-ends_at": "10:15", "agenda-title": "Begrüßung"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# Typed times ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed,expected",
    [
        ("9:30", datetime.time(9, 30)),
        ("09:30", datetime.time(9, 30)),
        (" 9.30 Uhr ", datetime.time(9, 30)),
        ("14 Uhr", datetime.time(14, 0)),
        ("0:05", datetime.time(0, 5)),
        ("٩:٣٠", datetime.time(9, 30)),
    ],
)
def test_times_are_read_as_people_type_them(typed, expected):
    assert TimeOfDayField().clean(typed) == expected


@pytest.mark.parametrize("typed", ["25:00", "9:75", "halb zehn", "9:3", "12:00:00:00"])
def test_what_is_no_time_is_refused_with_an_example(typed):
    with pytest.raises(ValidationError) as caught:
        TimeOfDayField().clean(typed)
    assert caught.value.code == "invalid"


# Services -------------------------------------------------------------------------------------


def test_speakers_are_added_changed_and_removed_with_an_audit_trail(fachtag, consultant):
    speaker = services.speaker_save(
        event=fachtag, name="  Dr.  Aylin   Beispiel ", role="Senatsverwaltung", by=consultant
    )
    assert speaker.name == "Dr. Aylin Beispiel" and not speaker.publish
    services.speaker_save(
        event=fachtag,
        speaker=speaker,
        name="Dr. Aylin Beispiel",
        role="Senatsverwaltung",
        publish=True,
        by=consultant,
    )
    speaker.refresh_from_db()
    assert speaker.publish
    updated = AuditEntry.objects.get(action="mentoring.speaker.updated")
    assert updated.changes == {"speaker": speaker.pk, "publish": ["False", "True"]}
    services.speaker_remove(speaker=speaker, by=consultant)
    assert not EventSpeaker.objects.exists()
    assert (
        AuditEntry.objects.filter(
            action__in=["mentoring.speaker.created", "mentoring.speaker.removed"], actor=consultant
        ).count()
        == 2
    )


def test_a_speaker_needs_a_name(fachtag, consultant):
    with pytest.raises(ValidationError) as caught:
        services.speaker_save(event=fachtag, name="   ", by=consultant)
    assert "name" in caught.value.error_dict
    assert not EventSpeaker.objects.exists()


@pytest.mark.parametrize(
    "starts,ends,field,code",
    [
        ((10, 0), (9, 30), "ends_at", "order"),
        ((10, 0), (10, 0), "ends_at", "order"),
        ((8, 0), (9, 30), "starts_at", "before_event"),
        ((17, 0), None, "starts_at", "after_event"),
        ((16, 0), (18, 0), "ends_at", "after_event"),
    ],
)
def test_agenda_times_lie_in_order_within_the_event(fachtag, consultant, starts, ends, field, code):
    with pytest.raises(ValidationError) as caught:
        services.agenda_item_save(
            event=fachtag,
            starts_at=datetime.time(*starts),
            ends_at=datetime.time(*ends) if ends else None,
            title="Punkt",
            by=consultant,
        )
    assert [e.code for e in caught.value.error_dict[field]] == [code]
    assert not EventAgendaItem.objects.exists()


def test_a_multi_day_event_takes_any_time_of_day(consultant):
    event = EventFactory(starts_at=_at(14), ends_at=_at(12, days=11))
    item = services.agenda_item_save(
        event=event,
        starts_at=datetime.time(9),
        ends_at=datetime.time(10),
        title="Zweiter Tag",
        by=consultant,
    )
    assert item.event == event


def test_agenda_speakers_are_only_this_events(fachtag, consultant):
    other = EventFactory()
    stranger = EventSpeaker.objects.create(event=other, name="Fremde Rednerin")
    own = EventSpeaker.objects.create(event=fachtag, name="Eigene Rednerin")
    with pytest.raises(ValidationError) as caught:
        services.agenda_item_save(
            event=fachtag,
            starts_at=datetime.time(10),
            title="Podium",
            speakers=[own, stranger],
            by=consultant,
        )
    assert caught.value.error_dict["speakers"][0].code == "other_event"
    item = services.agenda_item_save(
        event=fachtag, starts_at=datetime.time(10), title="Podium", speakers=[own], by=consultant
    )
    assert list(item.speakers.all()) == [own]
    services.agenda_item_save(
        event=fachtag,
        item=item,
        starts_at=datetime.time(10),
        ends_at=datetime.time(11),
        title="Podium",
        speakers=[],
        by=consultant,
    )
    entry = AuditEntry.objects.get(action="mentoring.agenda_item.updated")
    assert entry.changes["speakers"] == [[str(own.pk)], []]
    assert entry.changes["ends_at"] == [None, "11:00:00"]


def test_an_entry_of_another_event_cannot_be_changed_through_this_one(fachtag, consultant):
    other = EventFactory()
    stand = EventInfoStand.objects.create(event=other, organisation_name="Verein Fremd")
    with pytest.raises(ValidationError):
        services.info_stand_save(
            event=fachtag, stand=stand, organisation_name="Übernommen", by=consultant
        )
    stand.refresh_from_db()
    assert stand.organisation_name == "Verein Fremd"


def test_the_agenda_form_offers_this_events_speakers_only(fachtag):
    own = EventSpeaker.objects.create(event=fachtag, name="Eigene Rednerin")
    EventSpeaker.objects.create(event=EventFactory(), name="Fremde Rednerin")
    form = EventAgendaItemForm(event=fachtag)
    assert list(form.fields["speakers"].queryset) == [own]


# Views ----------------------------------------------------------------------------------------


def test_staff_add_a_speaker_on_the_event_page(client_for, consultant, fachtag):
    client = client_for(consultant)
    url = reverse("mentoring:event_speaker_add", args=[fachtag.pk])
    response = client.post(url, {"speaker-name": "", "speaker-role": "Bezirksamt"})
    assert response.status_code == 400 and not EventSpeaker.objects.exists()
    body = response.content.decode()
    assert 'value="Bezirksamt"' in body and "Please correct the following" in body
    response = client.post(
        url,
        {"speaker-name": "Frau Beispiel", "speaker-role": "Bezirksamt", "speaker-publish": "on"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{fachtag.get_absolute_url()}#programme-speaker"
    speaker = EventSpeaker.objects.get()
    assert (speaker.event, speaker.name, speaker.publish) == (fachtag, "Frau Beispiel", True)
    page = client.get(fachtag.get_absolute_url()).content.decode()
    assert "Frau Beispiel" in page and "Named in the public programme" in page


def test_an_agenda_item_in_the_wrong_order_comes_back_with_everything_typed(
    client_for, consultant, fachtag
):
    speaker = EventSpeaker.objects.create(event=fachtag, name="Dr. Aylin Beispiel")
    client = client_for(consultant)
    url = reverse("mentoring:event_agenda_add", args=[fachtag.pk])
    data = _agenda(**{"agenda-starts_at": "10:00", "agenda-ends_at": "9:30"})
    response = client.post(url, {**data, "agenda-speakers": [speaker.pk]})
    assert response.status_code == 400 and not EventAgendaItem.objects.exists()
    body = response.content.decode()
    assert "“Until” must be after “from”." in body
    assert 'value="10:00"' in body and 'value="9:30"' in body and 'value="Begrüßung"' in body
    assert f'value="{speaker.pk}"' in body and "checked" in body
    response = client.post(
        url, {**_agenda(**{"agenda-ends_at": "10.15 Uhr"}), "agenda-speakers": [speaker.pk]}
    )
    assert response.status_code == 302
    item = EventAgendaItem.objects.get()
    assert (item.starts_at, item.ends_at, item.title) == (
        datetime.time(9, 30),
        datetime.time(10, 15),
        "Begrüßung",
    )
    assert list(item.speakers.all()) == [speaker]
    page = client.get(fachtag.get_absolute_url()).content.decode()
    assert "09:30–10:15" in page and "Dr. Aylin Beispiel" in page


@pytest.mark.parametrize("bad", ["not-a-number", "99999999999999999999999"])
def test_nonsense_times_and_ids_are_a_400_not_a_500(client_for, consultant, fachtag, bad):
    client = client_for(consultant)
    url = reverse("mentoring:event_agenda_add", args=[fachtag.pk])
    response = client.post(url, {**_agenda(**{"agenda-starts_at": bad}), "agenda-speakers": bad})
    assert response.status_code == 400
    assert "Please enter a time such as 9:30 or 14:00." in response.content.decode()
    assert not EventAgendaItem.objects.exists()


def test_a_forged_speaker_of_another_event_is_refused_clearly(client_for, consultant, fachtag):
    EventSpeaker.objects.create(event=fachtag, name="Eigene Rednerin")
    stranger = EventSpeaker.objects.create(event=EventFactory(), name="Fremde Rednerin")
    client = client_for(consultant)
    url = reverse("mentoring:event_agenda_add", args=[fachtag.pk])
    response = client.post(url, {**_agenda(), "agenda-speakers": [stranger.pk]})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Please choose only speakers of this event." in body
    assert "Fremde Rednerin" not in body
    assert not EventAgendaItem.objects.exists()


def test_entries_are_changed_on_their_own_page(client_for, consultant, fachtag):
    stand = EventInfoStand.objects.create(event=fachtag, organisation_name="Verein Alt")
    client = client_for(consultant)
    url = reverse("mentoring:event_stand_edit", args=[fachtag.pk, stand.pk])
    response = client.get(url)
    assert response.status_code == 200 and 'value="Verein Alt"' in response.content.decode()
    response = client.post(url, {"stand-organisation_name": "", "stand-topic": "Bildung"})
    assert response.status_code == 400 and 'value="Bildung"' in response.content.decode()
    response = client.post(url, {"stand-organisation_name": "Verein Neu", "stand-topic": "Bildung"})
    assert response.status_code == 302
    assert response["Location"].endswith("#programme-stand")
    stand.refresh_from_db()
    assert (stand.organisation_name, stand.topic) == ("Verein Neu", "Bildung")
    entry = AuditEntry.objects.get(action="mentoring.info_stand.updated")
    assert entry.changes["organisation_name"] == ["Verein Alt", "Verein Neu"]

    item = EventAgendaItem.objects.create(event=fachtag, starts_at=datetime.time(9), title="Alt")
    url = reverse("mentoring:event_agenda_edit", args=[fachtag.pk, item.pk])
    assert 'value="09:00"' in client.get(url).content.decode()
    response = client.post(url, _agenda(**{"agenda-ends_at": "8:00", "agenda-title": "Neu"}))
    assert response.status_code == 400 and 'value="Neu"' in response.content.decode()
    item.refresh_from_db()
    assert item.title == "Alt"


def test_removing_asks_first_and_takes_a_post(client_for, consultant, fachtag):
    speaker = EventSpeaker.objects.create(event=fachtag, name="Rednerin Weg")
    item = EventAgendaItem.objects.create(
        event=fachtag, starts_at=datetime.time(10), title="Podium"
    )
    item.speakers.add(speaker)
    stand = EventInfoStand.objects.create(event=fachtag, organisation_name="Stand Weg")
    client = client_for(consultant)
    page = client.get(fachtag.get_absolute_url()).content.decode()
    assert page.count("data-confirm=") >= 4  # cancel event + three removals
    speaker_url = reverse("mentoring:event_speaker_remove", args=[fachtag.pk, speaker.pk])
    assert client.get(speaker_url).status_code == 405
    assert client.post(speaker_url).status_code == 302
    assert not EventSpeaker.objects.exists()
    assert EventAgendaItem.objects.get().speakers.count() == 0
    client.post(reverse("mentoring:event_agenda_remove", args=[fachtag.pk, item.pk]))
    client.post(reverse("mentoring:event_stand_remove", args=[fachtag.pk, stand.pk]))
    assert not EventAgendaItem.objects.exists() and not EventInfoStand.objects.exists()
    assert AuditEntry.objects.filter(action__endswith=".removed").count() == 3


def test_an_entry_is_found_only_through_its_own_event(client_for, consultant, fachtag):
    other = EventFactory()
    speaker = EventSpeaker.objects.create(event=other, name="Fremde Rednerin")
    client = client_for(consultant)
    for name in ("mentoring:event_speaker_edit", "mentoring:event_speaker_remove"):
        url = reverse(name, args=[fachtag.pk, speaker.pk])
        assert client.post(url, {"speaker-name": "Übernommen"}).status_code == 404
    speaker.refresh_from_db()
    assert speaker.name == "Fremde Rednerin"


# Who may -------------------------------------------------------------------------------------


def _routes(event, speaker, item, stand):
    return [
        ("mentoring:event_speaker_add", [event.pk], {"speaker-name": "Eindringling"}),
        ("mentoring:event_speaker_edit", [event.pk, speaker.pk], {"speaker-name": "Eindringling"}),
        ("mentoring:event_speaker_remove", [event.pk, speaker.pk], {}),
        ("mentoring:event_agenda_add", [event.pk], _agenda(**{"agenda-title": "Eindringling"})),
        ("mentoring:event_agenda_edit", [event.pk, item.pk], _agenda()),
        ("mentoring:event_agenda_remove", [event.pk, item.pk], {}),
        ("mentoring:event_stand_add", [event.pk], {"stand-organisation_name": "Eindringling"}),
        ("mentoring:event_stand_edit", [event.pk, stand.pk], {"stand-organisation_name": "X"}),
        ("mentoring:event_stand_remove", [event.pk, stand.pk], {}),
    ]


@pytest.mark.parametrize(
    "persona", ["anonymous", "org_member", "org_admin", "qualification_consultant", "jury_member"]
)
def test_only_the_events_team_may_touch_the_programme(client, persona, request, fachtag, org):
    fachtag.invited_organisations.add(org)
    speaker = EventSpeaker.objects.create(event=fachtag, name="Geheime Rednerin")
    item = EventAgendaItem.objects.create(event=fachtag, starts_at=datetime.time(10), title="P")
    stand = EventInfoStand.objects.create(event=fachtag, organisation_name="Stand")
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    for name, args, data in _routes(fachtag, speaker, item, stand):
        url = reverse(name, args=args)
        response = client.post(url, data)
        if persona == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        else:
            assert response.status_code == 404, (name, response.status_code)
        if name.endswith("_edit"):
            assert client.get(url).status_code in (302, 404)
    assert EventSpeaker.objects.count() == 1 and EventInfoStand.objects.count() == 1
    assert EventAgendaItem.objects.get().title == "P"
    assert not EventSpeaker.objects.filter(name="Eindringling").exists()
    if persona == "org_member":
        page = client.get(fachtag.get_absolute_url()).content.decode()
        assert "Geheime Rednerin" not in page and "speaker-name" not in page


@pytest.mark.parametrize("persona", ["consultant", "project_lead", "portal_admin"])
def test_the_centres_mentoring_team_may(client, persona, request, fachtag):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(
        reverse("mentoring:event_stand_add", args=[fachtag.pk]),
        {"stand-organisation_name": "Verein Stand", "stand-topic": ""},
    )
    assert response.status_code == 302
    assert EventInfoStand.objects.get().organisation_name == "Verein Stand"


def test_the_public_page_names_only_speakers_who_agreed(client_for, consultant, fachtag):
    client = client_for(consultant)
    url = reverse("mentoring:event_speaker_add", args=[fachtag.pk])
    client.post(url, {"speaker-name": "Öffentliche Rednerin", "speaker-publish": "on"})
    client.post(url, {"speaker-name": "Stille Rednerin"})
    speakers = list(EventSpeaker.objects.order_by("name"))
    client.post(
        reverse("mentoring:event_agenda_add", args=[fachtag.pk]),
        {**_agenda(), "agenda-speakers": [s.pk for s in speakers]},
    )
    team_page = client.get(fachtag.get_absolute_url()).content.decode()
    assert "Stille Rednerin" in team_page and "Not named in public" in team_page
    client.logout()
    public = client.get(reverse("mentoring:public_event_detail", args=[fachtag.pk]))
    body = public.content.decode()
    assert "Öffentliche Rednerin" in body and "Begrüßung" in body
    assert "Stille Rednerin" not in body
