"""A guest without an account registers for a public Fachtag on a phone, and cancels by the
link in the mail; the team records a World Café table after the start. Screenshots:
docs/screenshots/journeys/public-event-*.png and world-cafe-*.png."""

import datetime
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ikmo.models import OutboundEmail
from mentoring.models import EventAgendaItem, EventGuest, EventSpeaker, EventTable
from tests.mentoring.factories import EventFactory

from .helpers import STAFF_TOTP_SECRET, assert_accessible, assert_no_horizontal_scroll, log_in, t

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "journeys"


def test_a_guest_registers_without_an_account_and_cancels_by_the_link(new_page):
    event = EventFactory(
        title="Fachtag Teilhabe (Test)",
        is_public=True,
        is_open=True,
        capacity=100,
        place="Rathaus Mitte, Festsaal",
        starts_at=timezone.now() + datetime.timedelta(days=12),
    )
    speaker = EventSpeaker.objects.create(
        event=event, name="Dr. Aylin Beispiel", role="Kompetenzzentrum", publish=True
    )
    item = EventAgendaItem.objects.create(
        event=event, starts_at=datetime.time(10, 0), title="Begrüßung und Einführung"
    )
    item.speakers.add(speaker)

    page = new_page(phone=True)
    page.goto("/mentoring/public/")
    page.get_by_role("link", name=event.title).click()
    expect(page.get_by_role("heading", name=event.title)).to_be_visible()
    expect(page.get_by_text("Begrüßung und Einführung")).to_be_visible()
    page.get_by_label(t("Your name")).fill("Ayşe Yılmaz")
    page.get_by_label(t("Organisation")).fill("Bezirksamt Beispiel")
    page.get_by_label(t("E-mail address")).fill("ayse@guest.example")
    page.get_by_label(t("Accessibility needs")).fill("Stufenloser Zugang")
    # First without consent: a clear message, and nothing typed is lost.
    page.get_by_role("button", name=t("Register")).click()
    expect(page.get_by_role("alert")).to_contain_text(
        t("Please agree to the processing of your data, or we cannot register you.")
    )
    expect(page.get_by_label(t("Your name"))).to_have_value("Ayşe Yılmaz")
    expect(page.get_by_label(t("E-mail address"))).to_have_value("ayse@guest.example")
    expect(page.get_by_label(t("Accessibility needs"))).to_have_value("Stufenloser Zugang")
    assert not EventGuest.objects.exists()
    assert_no_horizontal_scroll(page)
    page.screenshot(path=str(SHOTS / "public-event-consent-missing-phone.png"), full_page=True)

    # Then with consent, by a double tap: one registration, one mail.
    page.locator("input[name=consent]").check()
    page.get_by_role("button", name=t("Register")).dblclick()
    expect(page.locator(".alert-success")).to_contain_text(
        t("You are registered. We have sent you a confirmation e-mail with a link to cancel.")
    )
    assert_accessible(page)
    page.screenshot(path=str(SHOTS / "public-event-registered-phone.png"), full_page=True)
    guest = EventGuest.objects.get()
    assert guest.name == "Ayşe Yılmaz" and guest.status == EventGuest.Status.REGISTERED
    sent = OutboundEmail.objects.get(to="ayse@guest.example")
    # The public page names nobody who registered.
    assert "Ayşe" not in page.content()

    # The guest follows the link in the mail and cancels.
    link = re.search(r"https?://\S+/mentoring/guests/\S+/cancel/", sent.body).group(0)
    page.goto(link[link.index("/mentoring/") :])
    expect(page.get_by_role("heading", name=t("Cancel registration"))).to_be_visible()
    page.get_by_role("button", name=t("Cancel my registration")).click()
    expect(page.locator(".alert-success")).to_contain_text(
        t("Your registration has been cancelled. Thank you for telling us.")
    )
    page.screenshot(path=str(SHOTS / "public-event-cancelled-phone.png"), full_page=True)
    guest.refresh_from_db()
    assert guest.status == EventGuest.Status.CANCELLED


def test_staff_record_a_world_cafe_table(new_page, consultant):
    event = EventFactory(
        title="Partnerworkshop (Test)", starts_at=timezone.now() - datetime.timedelta(hours=2)
    )
    page = new_page(phone=True)
    log_in(page, consultant.email, totp_secret=STAFF_TOTP_SECRET)
    page.goto(f"/mentoring/events/{event.pk}/")
    section = page.locator("section[aria-labelledby=tables]")
    section.locator("[name=topic]").fill("Zusammenarbeit mit dem Jugendamt")
    section.locator("[name=host]").fill("Tischpatin Beispiel")
    # Without results first: refused, everything typed kept.
    section.get_by_role("button", name=t("Add table")).click()
    section = page.locator("section[aria-labelledby=tables]")
    expect(section.get_by_role("alert")).to_be_visible()
    expect(section.locator("[name=topic]")).to_have_value("Zusammenarbeit mit dem Jugendamt")
    section.locator("[name=summary]").fill(
        "Feste Ansprechperson im Amt; gemeinsamer Infoabend im Herbst."
    )
    section.get_by_role("button", name=t("Add table")).dblclick()
    expect(page.get_by_text("Feste Ansprechperson im Amt")).to_be_visible()
    assert_no_horizontal_scroll(page)
    page.locator("#tables").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "world-cafe-table-phone.png"), full_page=True)
    table = EventTable.objects.get()
    assert table.host == "Tischpatin Beispiel" and table.created_by == consultant
