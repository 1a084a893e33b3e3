"""A workshop's title in several languages: a consultant adds English and Arabic on a phone,
readers see their own language, or the German text marked as German."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from ikmo.models import AuditEntry
from qualification.models import Workshop
from tests.qualification.factories import make_workshop

from .helpers import STAFF_TOTP_SECRET, assert_no_horizontal_scroll, log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots" / "journeys"
ARABIC = "تأسيس جمعية خطوة بخطوة"


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)


def test_a_consultant_adds_english_and_arabic_titles_and_readers_see_their_language(
    new_page, consultant
):
    workshop = make_workshop(
        trainer=consultant,
        title="Vereinsgründung Schritt für Schritt",
        starts_in=timedelta(days=40),
    )
    deadline = timezone.localtime(workshop.starts_at) - timedelta(days=3)
    german_deadline = deadline.strftime("%d.%m.%Y")  # as a person in Germany writes it

    page = new_page(phone=True)
    log_in(page, consultant.email, totp_secret=STAFF_TOTP_SECRET)
    page.goto(f"/qualification/workshops/{workshop.pk}/edit/")
    # Optional languages are folded; German is open and required.
    expect(page.locator("#id_title_de")).to_be_visible()
    expect(page.locator("#id_title_en")).to_be_hidden()
    page.locator("details[data-language=en] > summary").click()
    page.fill("#id_title_en", "Founding an association step by step")
    page.locator("details[data-language=ar] > summary").click()
    page.fill("#id_title_ar", ARABIC)
    expect(page.locator("#id_title_ar")).to_have_attribute("dir", "rtl")
    expect(page.locator("#id_title_ar")).to_have_attribute("lang", "ar")
    day, month, year = german_deadline.split(".")  # a native field takes the picked value
    page.fill("#id_registration_deadline", f"{year}-{month}-{day}T18:00")
    # First attempt: the German title emptied by mistake.
    page.fill("#id_title_de", "")
    page.get_by_role("button", name="Speichern").click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Titel (Deutsch)")
    expect(page.locator("#id_title_en")).to_have_value("Founding an association step by step")
    expect(page.locator("#id_title_ar")).to_have_value(ARABIC)
    expect(page.locator("#id_title_en")).to_be_visible()  # a language with text stays open
    assert Workshop.objects.get(pk=workshop.pk).title_en is None

    page.fill("#id_title_de", "Vereinsgründung Schritt für Schritt")
    page.locator("#id_title_de").scroll_into_view_if_needed()
    shot(page, "workshop-languages-form")
    page.get_by_role("button", name="Speichern").dblclick()
    expect(page.locator("h1")).to_have_text("Vereinsgründung Schritt für Schritt")

    saved = Workshop.objects.get(pk=workshop.pk)
    assert (saved.title_de, saved.title_en, saved.title_ar, saved.title_tr) == (
        "Vereinsgründung Schritt für Schritt",
        "Founding an association step by step",
        ARABIC,
        None,
    )
    assert timezone.localtime(saved.registration_deadline).strftime("%d.%m.%Y") == german_deadline
    assert Workshop.objects.count() == 1
    updates = AuditEntry.objects.filter(action="qualification.workshop.updated")
    assert updates.count() == 1  # the double click saved once

    url = saved.get_absolute_url()
    english = new_page(phone=True, language="en")
    english.goto(url)
    heading = english.locator("main h1")
    expect(heading).to_have_text("Founding an association step by step")
    assert heading.get_attribute("lang") is None  # the page's own language

    arabic = new_page(phone=True, language="ar")
    arabic.goto(url)
    expect(arabic.locator("html")).to_have_attribute("dir", "rtl")
    heading = arabic.locator("main h1")
    expect(heading).to_have_text(ARABIC)
    direction = heading.evaluate("el => getComputedStyle(el).direction")
    assert direction == "rtl"
    assert_no_horizontal_scroll(arabic)
    shot(arabic, "workshop-languages-arabic")

    turkish = new_page(phone=True, language="tr")
    turkish.goto(url)
    expect(turkish.locator("html")).to_have_attribute("lang", "tr")
    heading = turkish.locator("main h1")
    expect(heading).to_have_text("Vereinsgründung Schritt für Schritt")
    expect(heading).to_have_attribute("lang", "de")
    expect(heading).to_have_attribute("dir", "ltr")
    assert_no_horizontal_scroll(turkish)
    shot(turkish, "workshop-languages-turkish")
