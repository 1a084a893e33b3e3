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
        t(
            "You are registered. We have sent you a confirmation e-mail with your check-in "
            "code and a link to cancel."
        )
    )
    assert_accessible(page)
    page.screenshot(path=str(SHOTS / "public-event-registered-phone.png"), full_page=True)
    guest = EventGuest.objects.get()
    assert guest.name == "Ayşe Yılmaz" and guest.status == EventGuest.Status.REGISTERED
    sent = OutboundEmail.objects.get(to="ayse@guest.example")
    # The public page names nobody who registered.
    assert "Ayşe" not in page.content()

    # The guest opens the check-in code of the mail, signed out: the QR code, no name.
    code_link = re.search(r"https?://\S+(/checkin/\S+/)", sent.body).group(1)
    page.goto(code_link)
    expect(page.get_by_role("heading", name=t("Your check-in code"))).to_be_visible()
    expect(page.locator("[data-checkin-qr] svg")).to_be_visible()
    assert "Ayşe" not in page.content()
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
    page.screenshot(path=str(SHOTS / "public-event-guest-code-phone.png"), full_page=True)

    # The guest follows the link in the mail and cancels.
    link = re.search(r"https?://\S+/mentoring/guests/\S+/cancel/", sent.body).group(0)
    page.goto(link[link.index("/mentoring/") :])
    expect(page.get_by_role("heading", name=t("Cancel registration"))).to_be_visible()
    expect(page.get_by_role("link", name=t("Show my check-in code"))).to_have_attribute(
        "href", code_link
    )
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


def test_staff_scan_a_guests_code_at_the_door_and_check_them_in_once(new_page, consultant):
    """The guest shows the code of their confirmation (or their badge); a team member's phone
    opens it and checks the guest in with one big button. A double tap checks in once."""
    from ikmo.checkin import personal_url
    from ikmo.models import CheckIn
    from mentoring import services

    event = EventFactory(
        title="Fachtag Teilhabe (Test)",
        is_public=True,
        is_open=True,
        starts_at=timezone.now() + datetime.timedelta(days=3),
    )
    guest = services.guest_register(
        event=event,
        name="Jonas Gast",
        email="jonas@guest.example",
        consent=True,
        organisation_name="Bezirksamt Beispiel",
    )
    page = new_page(phone=True)
    log_in(page, consultant.email, totp_secret=STAFF_TOTP_SECRET)
    page.goto(personal_url(guest))
    # Before the start: the page says when check-in opens, and offers no button.
    expect(
        page.get_by_role("heading", name=t("Check in %(name)s?") % {"name": "Jonas Gast"})
    ).to_be_visible()
    expect(page.get_by_role("button", name=t("Check in"), exact=True)).to_have_count(0)

    type(event).objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - datetime.timedelta(minutes=5),
        ends_at=timezone.now() + datetime.timedelta(hours=2),
    )
    page.reload()
    expect(page.get_by_text("Bezirksamt Beispiel")).to_be_visible()
    page.get_by_role("button", name=t("Check in"), exact=True).dblclick()
    expect(page.locator("[data-checked-in]")).to_be_visible()
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
    page.screenshot(path=str(SHOTS / "public-event-guest-checked-in-phone.png"), full_page=True)
    guest.refresh_from_db()
    assert guest.attended_at is not None and guest.attendance_recorded_by == consultant
    assert (
        CheckIn.objects.filter(kind="mentoring.eventguest", registration_id=guest.pk).count() == 1
    )

    # The guest list shows the guest as present.
    page.get_by_role("link", name=t("Attendance list")).click()
    expect(page.locator(f"#guest-{guest.pk}")).to_contain_text("Jonas Gast")


def test_the_public_event_pages_read_right_to_left_in_arabic(new_page):
    event = EventFactory(
        title="Fachtag Teilhabe (Test)",
        is_public=True,
        is_open=True,
        capacity=50,
        place="Rathaus Mitte, Festsaal",
        starts_at=timezone.now() + datetime.timedelta(days=12),
    )
    EventAgendaItem.objects.create(
        event=event, starts_at=datetime.time(10, 0), title="Begrüßung und Einführung"
    )
    page = new_page(phone=True, language="ar")
    page.goto("/mentoring/public/")
    html = page.locator("html")
    expect(html).to_have_attribute("dir", "rtl")
    expect(html).to_have_attribute("lang", "ar")
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
    page.get_by_role("link", name=event.title).click()
    expect(page.get_by_role("heading", name=event.title)).to_be_visible()
    expect(html).to_have_attribute("dir", "rtl")
    # The form reads from the right: a label starts right of its field's start.
    label = page.get_by_label(t("Your name", "ar"))
    expect(label).to_be_visible()
    box = label.bounding_box()
    viewport = page.viewport_size["width"]
    assert box["x"] + box["width"] > viewport - 40  # the field ends at the right margin
    # An invalid first attempt in Arabic: the message in Arabic, nothing typed lost.
    label.fill("ليلى مثال")
    page.get_by_label(t("E-mail address", "ar")).fill("layla@guest.example")
    page.get_by_role("button", name=t("Register", "ar")).click()
    expect(page.get_by_role("alert")).to_contain_text(
        t("Please agree to the processing of your data, or we cannot register you.", "ar")
    )
    expect(page.get_by_label(t("Your name", "ar"))).to_have_value("ليلى مثال")
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
    page.screenshot(path=str(SHOTS / "public-event-arabic-phone.png"), full_page=True)
    assert not EventGuest.objects.exists()
