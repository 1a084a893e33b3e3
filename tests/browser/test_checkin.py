"""Check-in by QR code on phones (ikmo/checkin.py): the participant shows their code, the
trainer scans it (opens its URL) and checks them in; a participant scans the room code.

Screenshots: docs/screenshots/journeys/checkin-*.png."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from ikmo import checkin
from ikmo.audit import AuditEntry
from ikmo.models import CheckIn
from tests.factories import DEFAULT_PASSWORD
from tests.qualification.factories import make_workshop, register

from .helpers import (
    STAFF_TOTP_SECRET,
    assert_accessible,
    assert_no_horizontal_scroll,
    log_in,
    t,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "journeys"


def _big_enough(locator):
    box = locator.bounding_box()
    assert box["height"] >= 48 and box["width"] >= 300, f"tap target too small: {box}"


def test_participant_shows_the_code_and_the_trainer_checks_them_in_with_a_double_tap(
    new_page, org, org_member, consultant
):
    workshop = make_workshop(
        trainer=consultant, starts_in=timedelta(minutes=-5), title="Buchhaltung kompakt"
    )
    registration = register(workshop, org_member, org)

    # The participant opens "My registrations" and their code.
    person = new_page(phone=True)
    log_in(person, org_member.email)
    person.goto(reverse("qualification:my_registrations"))
    person.locator("[data-checkin-link]").first.click()
    qr = person.locator("[data-checkin-qr] svg")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box["width"] >= 200, f"the code is too small to scan: {box}"
    assert_no_horizontal_scroll(person)
    assert_accessible(person)
    person.screenshot(path=str(SHOTS / "checkin-personal-code-phone.png"), full_page=True)
    code_url = person.url

    # The trainer's phone camera opens the code's URL: sign-in with the second factor first.
    trainer = new_page(phone=True)
    log_in(trainer, consultant.email, totp_secret=STAFF_TOTP_SECRET)
    trainer.goto(code_url)
    name = org_member.get_full_name()
    expect(trainer.locator("h1")).to_contain_text(name)
    button = trainer.get_by_role("button", name=t("Check in"), exact=True)
    _big_enough(button)
    assert_no_horizontal_scroll(trainer)
    trainer.screenshot(path=str(SHOTS / "checkin-staff-confirm-phone.png"), full_page=True)
    button.dblclick()
    expect(trainer.locator("[data-checked-in]")).to_be_visible()
    assert_accessible(trainer)
    trainer.screenshot(path=str(SHOTS / "checkin-staff-done-phone.png"), full_page=True)

    registration.refresh_from_db()
    assert registration.attended is True
    assert CheckIn.objects.filter(registration_id=registration.pk).count() == 1
    assert (
        AuditEntry.objects.filter(
            action="qualification.registration.attendance_recorded",
            object_id=str(registration.pk),
        ).count()
        == 1
    )

    # A second scan says so, and the manual list shows who came by code.
    trainer.goto(code_url)
    expect(trainer.locator("[data-checked-in]")).to_be_visible()
    expect(trainer.get_by_role("button", name=t("Check in"), exact=True)).to_have_count(0)
    trainer.get_by_role("link", name=t("Attendance list")).click()
    expect(trainer.locator(f"#attendance-{registration.pk} [data-by-code]")).to_be_visible()


def test_participant_scans_the_room_code_signs_in_and_is_checked_in(
    new_page, org, org_member, consultant
):
    workshop = make_workshop(
        trainer=consultant, starts_in=timedelta(minutes=-5), title="Vereinsrecht"
    )
    registration = register(workshop, org_member, org)

    # The trainer opens the room code from the attendance page.
    trainer = new_page(phone=True)
    log_in(trainer, consultant.email, totp_secret=STAFF_TOTP_SECRET)
    trainer.goto(reverse("qualification:attendance", args=[workshop.pk]))
    trainer.get_by_role("link", name=t("Room code for checking in")).click()
    expect(trainer.locator("[data-room-qr] svg")).to_be_visible()
    assert_no_horizontal_scroll(trainer)
    trainer.screenshot(path=str(SHOTS / "checkin-room-code-phone.png"), full_page=True)

    # The participant's camera opens the room code's URL, not yet signed in.
    kind = checkin.checkin_kinds()["qualification.registration"]
    room_url = checkin.room_scan_url(kind, workshop, timezone.localdate())
    person = new_page(phone=True)
    person.goto(room_url)
    assert "/accounts/login/" in person.url
    person.fill("input[name=login]", org_member.email)
    person.fill("input[name=password]", DEFAULT_PASSWORD)
    person.click("form.allauth-form-login button[type=submit]")
    person.wait_for_url(lambda url: "/accounts/login/" not in url)
    assert person.url.endswith(room_url)

    button = person.get_by_role("button", name=t("Yes, check me in"))
    _big_enough(button)
    person.screenshot(path=str(SHOTS / "checkin-room-scan-phone.png"), full_page=True)
    button.dblclick()
    expect(person.get_by_role("heading", name=t("You are checked in."))).to_be_visible()
    assert_no_horizontal_scroll(person)
    assert_accessible(person)
    person.screenshot(path=str(SHOTS / "checkin-room-done-phone.png"), full_page=True)

    registration.refresh_from_db()
    assert registration.attended is True
    assert CheckIn.objects.get().method == CheckIn.Method.ROOM


def test_the_check_in_pages_read_right_to_left_in_arabic(new_page, org, org_member, consultant):
    workshop = make_workshop(trainer=consultant, starts_in=timedelta(minutes=-5))
    registration = register(workshop, org_member, org)
    person = new_page(phone=True, language="ar")
    log_in(person, org_member.email)
    person.goto(checkin.personal_url(registration))
    assert person.locator("html").get_attribute("dir") == "rtl"
    expect(person.locator("[data-checkin-qr] svg")).to_be_visible()
    assert_no_horizontal_scroll(person)
    person.screenshot(path=str(SHOTS / "checkin-personal-code-arabic-phone.png"), full_page=True)
