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


def _german_empty_then_saved(page, *, german, english, save, label="Titel (Deutsch)"):
    """The first save with the German title emptied: refused, the English title kept; then
    the German title typed and saved with a double tap."""
    page.fill("#id_title_de", "")
    page.get_by_role("button", name=save).click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text(label)
    expect(page.locator("#id_title_en")).to_have_value(english)
    expect(page.locator("#id_title_en")).to_be_visible()
    assert_no_horizontal_scroll(page)
    page.fill("#id_title_de", german)
    page.get_by_role("button", name=save).dblclick()


def _readers_see_their_language(new_page, url, *, german, english, reader=None):
    """An English reader sees the English title; a Turkish one the German title, marked as
    German in the heading and the breadcrumb."""
    from .helpers import log_in_by_cookie

    pages = {}
    for language in ("en", "tr"):
        page = new_page(phone=True, language=language)
        if reader is not None:
            log_in_by_cookie(page, reader)
        page.goto(url)
        pages[language] = page
    heading = pages["en"].locator("main h1")
    expect(heading).to_contain_text(english)
    assert "lang" not in (heading.inner_html() + str(heading.get_attribute("lang") or ""))
    expect(pages["en"].locator(".breadcrumb-item.active")).to_have_text(english)
    turkish = pages["tr"]
    expect(turkish.locator("html")).to_have_attribute("lang", "tr")
    title = turkish.locator("main h1 [lang=de], main h1[lang=de]")
    expect(title).to_have_text(german)
    crumb = turkish.locator(".breadcrumb-item.active")
    expect(crumb).to_have_text(german)
    expect(crumb).to_have_attribute("lang", "de")
    assert_no_horizontal_scroll(turkish)
    return turkish


def test_a_mentoring_consultant_creates_an_event_in_two_languages_on_a_phone(new_page, org_member):
    from mentoring.models import Event
    from organisations.models import StaffRole
    from tests import factories
    from tests.conftest import enrol_mfa

    consultant = factories.staff(
        StaffRole.Role.CONSULTANT, subproject="mentoring", email="netzwerk@centre.example"
    )
    enrol_mfa(consultant)
    german, english = "Fachrunde Gesundheit im Kiez", "Expert round: health in the neighbourhood"

    page = new_page(phone=True)
    log_in(page, consultant.email, totp_secret=STAFF_TOTP_SECRET)
    page.goto("/mentoring/events/new/")
    page.select_option("#id_kind", "expert_round")
    page.locator("details[data-language=en] > summary").click()
    page.fill("#id_title_en", english)
    # "31.12.2026, 18:00": the native field takes the picked value (see type_date).
    page.fill("#id_starts_at", "2026-12-31T18:00")
    page.fill("#id_place", "Nachbarschaftshaus Urbanstraße")
    page.check("#id_is_open")
    _german_empty_then_saved(
        page, german=german, english=english, save="Speichern", label="Thema (Deutsch)"
    )
    expect(page.locator("main h1")).to_have_text(german)
    shot(page, "event-languages-saved")

    event = Event.objects.get()  # one event for the double tap
    assert (event.title_de, event.title_en, event.title_ar, event.title_tr) == (
        german,
        english,
        None,
        None,
    )
    assert timezone.localtime(event.starts_at).strftime("%d.%m.%Y %H:%M") == "31.12.2026 18:00"
    assert AuditEntry.objects.filter(action="mentoring.event.created").count() == 1

    turkish = _readers_see_their_language(
        new_page, event.get_absolute_url(), german=german, english=english, reader=org_member
    )
    shot(turkish, "event-languages-turkish")


def test_a_fund_lead_keeps_a_call_in_two_languages_on_a_phone(new_page, project_lead):
    from decimal import Decimal

    from actionfund.models import Call
    from tests.actionfund.factories import CallFactory

    from .test_applicant_journey import type_date

    call = CallFactory(title="Kaleidoskop Berlin 2027", max_cooperation=Decimal("3000.00"))
    german, english = "Kaleidoskop Berlin 2027", "Kaleidoscope Berlin 2027"

    page = new_page(phone=True)
    log_in(page, project_lead.email, totp_secret=STAFF_TOTP_SECRET)
    page.goto(f"/action-fund/calls/{call.pk}/edit/")
    page.locator("details[data-language=en]:has(#id_title_en) > summary").click()
    page.fill("#id_title_en", english)
    type_date(page, "#id_decision_expected_on", "31.12.2026")
    page.fill("#id_max_single", "1.200,50")
    _german_empty_then_saved(page, german=german, english=english, save="Aufruf speichern")
    expect(page.locator(".alert-success")).to_be_visible()
    shot(page, "call-languages-saved")

    saved = Call.objects.get()
    assert (saved.title_de, saved.title_en, saved.title_tr) == (german, english, None)
    assert saved.max_single == Decimal("1200.50")
    assert saved.decision_expected_on.strftime("%d.%m.%Y") == "31.12.2026"
    assert AuditEntry.objects.filter(action="actionfund.call.updated").count() == 1

    turkish = _readers_see_their_language(
        new_page, saved.get_absolute_url(), german=german, english=english
    )
    shot(turkish, "call-languages-turkish")
