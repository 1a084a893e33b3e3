"""The team puts together a Fachtag's programme on a phone: a speaker, then an agenda item,
first with "until" before "from" (refused, nothing typed lost), then with German times and a
double tap (one item). Screenshot: docs/screenshots/journeys/event-programme-phone.png."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mentoring.models import EventAgendaItem, EventSpeaker
from tests.mentoring.factories import EventFactory

from .helpers import STAFF_TOTP_SECRET, assert_accessible, assert_no_horizontal_scroll, log_in, t

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "journeys"


def _at(hour: int) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=14)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def test_staff_build_the_programme_of_a_fachtag_on_a_phone(new_page, consultant):
    event = EventFactory(
        title="Fachtag Teilhabe (Programm)",
        is_public=True,
        is_open=True,
        starts_at=_at(9),
        ends_at=_at(17),
    )
    page = new_page(phone=True)
    assert page.viewport_size == {"width": 390, "height": 844}
    log_in(page, consultant.email, totp_secret=STAFF_TOTP_SECRET)
    page.goto(f"/mentoring/events/{event.pk}/")
    section = page.locator("section[aria-labelledby=programme]")
    expect(section.get_by_role("heading", name=t("Programme"))).to_be_visible()

    # A speaker who agreed to be named in public.
    speaker_form = section.locator("form:has([name='speaker-name'])")
    speaker_form.locator("[name='speaker-name']").fill("Dr. Aylin Beispiel")
    speaker_form.locator("[name='speaker-role']").fill("Kompetenzzentrum IKMO")
    speaker_form.locator("[name='speaker-publish']").check()
    speaker_form.get_by_role("button", name=t("Add speaker")).click()
    expect(page.locator(".alert-success")).to_contain_text(t("The speaker has been added."))
    speaker = EventSpeaker.objects.get()
    assert (speaker.event_id, speaker.name, speaker.publish) == (
        event.pk,
        "Dr. Aylin Beispiel",
        True,
    )

    # An agenda item, first with "until" before "from": refused, everything typed kept.
    agenda = page.locator("section[aria-labelledby=programme] form:has([name='agenda-title'])")
    agenda.locator("[name='agenda-starts_at']").fill("10:00")
    agenda.locator("[name='agenda-ends_at']").fill("9:30")
    agenda.locator("[name='agenda-title']").fill("Begrüßung und Einführung")
    agenda.locator(f"[name='agenda-speakers'][value='{speaker.pk}']").check()
    agenda.get_by_role("button", name=t("Add to the programme")).dblclick()
    agenda = page.locator("section[aria-labelledby=programme] form:has([name='agenda-title'])")
    expect(agenda.get_by_role("alert")).to_contain_text(t("“Until” must be after “from”."))
    expect(agenda.locator("[name='agenda-starts_at']")).to_have_value("10:00")
    expect(agenda.locator("[name='agenda-ends_at']")).to_have_value("9:30")
    expect(agenda.locator("[name='agenda-title']")).to_have_value("Begrüßung und Einführung")
    expect(agenda.locator(f"[name='agenda-speakers'][value='{speaker.pk}']")).to_be_checked()
    assert not EventAgendaItem.objects.exists()
    assert_no_horizontal_scroll(page)

    # Corrected the German way ("9:30", "10.15 Uhr"), sent by an impatient double tap.
    agenda.locator("[name='agenda-starts_at']").fill("9:30")
    agenda.locator("[name='agenda-ends_at']").fill("10.15 Uhr")
    agenda.get_by_role("button", name=t("Add to the programme")).dblclick()
    expect(page.locator(".alert-success")).to_contain_text(
        t("The item has been added to the programme.")
    )
    item = EventAgendaItem.objects.get()
    assert (item.event_id, item.starts_at, item.ends_at, item.title) == (
        event.pk,
        datetime.time(9, 30),
        datetime.time(10, 15),
        "Begrüßung und Einführung",
    )
    assert list(item.speakers.all()) == [speaker]
    section = page.locator("section[aria-labelledby=programme]")
    expect(section.get_by_text("09:30–10:15")).to_be_visible()
    # The saved item does not come back into the form from a draft.
    expect(section.locator("[name='agenda-title']")).to_have_value("")

    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    section.scroll_into_view_if_needed()
    section.screenshot(path=str(SHOTS / "event-programme-phone.png"))
