"""Choosers of organisations and people (ikmo/choosers.py, static/js/chooser.js) in the
browser: a consultant on a phone logs a coaching session with an organisation found by
typing part of its name; a browser draft keeps the chosen organisation with its name; in
Arabic the chooser reads right to left.

Screenshots: docs/screenshots/journeys/chooser-*.png."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from devtools.factories import PartnerFactory
from organisations.models import Organisation
from qualification.models import CoachingCase, CoachingSession
from tests import factories

from .helpers import (
    assert_no_horizontal_scroll,
    axe_violations,
    choose,
    log_in_by_cookie,
    open_phone_menu,
)
from .test_language_journey import switch_language

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "journeys"
TARGET = "Interkultureller Nachbarschaftsverein Kreuzberg e.V."


@pytest.fixture
def registry(db):
    """More organisations than one page of suggestions, two of them alike."""
    for number in range(30):
        factories.OrganisationFactory(name=f"Nachbarschaftshilfe {number:02d} e.V.")
    factories.OrganisationFactory(name="Nachbarschaftsverein Wedding e.V.")
    factories.OrganisationFactory(name="Verein in Gründung e.V.", status="pending")
    return factories.OrganisationFactory(name=TARGET, district=factories.district("Mitte"))


def start_form(page):
    return page.locator("form[action$='/coaching/start/']")


def test_consultant_on_a_phone_finds_an_organisation_by_typing_and_logs_one_session(
    new_page, registry, consultant
):
    page = new_page(phone=True)
    log_in_by_cookie(page, consultant)
    page.goto(reverse("qualification:coaching"))
    # The page carries the chosen organisation only (none yet), never the registry.
    expect(start_form(page).locator("select[name=organisation] option")).to_have_count(1)
    combobox = page.get_by_role("combobox", name="Organisation")
    expect(combobox).to_have_attribute("aria-required", "true")

    # First attempt: nothing chosen. The portal says so, in German.
    start_form(page).get_by_role("button", name="Fortfahren").click()
    expect(page.locator(".messages .alert-danger")).to_have_text(
        "Bitte wählen Sie eine Organisation."
    )

    # Type part of the name: the list shows what the portal found, with the district.
    combobox = page.get_by_role("combobox", name="Organisation")
    combobox.click()
    combobox.press_sequentially("kreuzb", delay=40)
    suggestion = page.get_by_role("option", name=TARGET)
    expect(suggestion).to_be_visible()
    expect(suggestion).to_contain_text("Mitte")
    # (Only the chooser's list: the log's filter below has options of its own.)
    expect(start_form(page).get_by_role("listbox").get_by_role("option")).to_have_count(1)
    assert_no_horizontal_scroll(page)
    page.screenshot(path=str(SHOTS / "chooser-phone-suggestions.png"))
    suggestion.click()
    expect(start_form(page).locator(".ts-control")).to_contain_text(TARGET)
    assert not axe_violations(page)
    page.screenshot(path=str(SHOTS / "chooser-phone-chosen.png"))
    start_form(page).get_by_role("button", name="Fortfahren").click()

    # The session form: one try without the next step (kept: nothing typed is lost), then
    # a double tap on the real button.
    organisation = Organisation.objects.get(name=TARGET)
    expect(page).to_have_url(reverse("qualification:coaching_create", args=[organisation.pk]))
    expect(page.locator("main")).to_contain_text(TARGET)
    page.get_by_label("Dauer (Minuten)", exact=False).first.fill("45")
    page.get_by_label("Format", exact=False).first.select_option("phone")
    follow_up = timezone.localdate() + timedelta(days=14)
    page.get_by_label("Nachverfolgung am", exact=False).first.fill(follow_up.isoformat())
    page.get_by_label("Ergebnis", exact=False).first.fill("Satzung besprochen")
    page.locator("main form[method=post] button[type=submit]").click()
    expect(page.locator("#id_next_step")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Ergebnis", exact=False).first).to_have_value("Satzung besprochen")
    expect(page.get_by_label("Dauer (Minuten)", exact=False).first).to_have_value("45")
    page.get_by_label("Nächster Schritt", exact=False).first.fill("Kassenprüfung vorbereiten")
    page.locator("main form[method=post] button[type=submit]").dblclick()
    expect(page.get_by_text("Der Coaching-Termin wurde erfasst.")).to_be_visible()

    assert CoachingSession.objects.count() == 1
    session = CoachingSession.objects.get()
    assert session.organisation == organisation and session.consultant == consultant
    assert session.outcome == "Satzung besprochen" and session.duration_minutes == 45
    assert session.follow_up_date == follow_up
    assert CoachingCase.objects.filter(organisation=organisation).count() == 1
    assert CoachingCase.objects.count() == 1


def test_a_draft_keeps_the_chosen_organisation_with_its_name(new_page, registry, consultant):
    partner = PartnerFactory(name="Bezirksamt Friedrichshain-Kreuzberg")
    page = new_page()
    log_in_by_cookie(page, consultant)
    page.goto(reverse("mentoring:contact_create"))
    choose(page, "Migrant*innenorganisation", "Kreuzberg", TARGET)
    choose(page, "Partnerorganisation", "Friedrichs", partner.name)
    page.get_by_label("Ansprechperson", exact=False).first.fill("Frau Beispiel, Jugendamt")
    page.wait_for_function(
        """() => Object.keys(localStorage).some(key => key.startsWith('ikmo-draft:')
                 && localStorage.getItem(key).includes('Frau Beispiel'))"""
    )

    # The page is closed and opened again: what was chosen comes back, with its name.
    page.goto(reverse("mentoring:contact_create"))
    expect(page.locator("[data-autosave-note]")).to_be_visible()
    form = page.locator("main form[method=post]")
    organisation = Organisation.objects.get(name=TARGET)
    expect(form.locator("select[name=organisation]")).to_have_value(str(organisation.pk))
    expect(form.locator("select[name=partner]")).to_have_value(str(partner.pk))
    expect(form.locator(".ts-wrapper").first).to_contain_text(TARGET)
    expect(form.locator(".ts-wrapper").nth(1)).to_contain_text(partner.name)
    expect(page.get_by_label("Ansprechperson", exact=False).first).to_have_value(
        "Frau Beispiel, Jugendamt"
    )


def test_in_arabic_the_chooser_reads_right_to_left(new_page, registry, consultant):
    page = new_page(phone=True, language="ar")
    log_in_by_cookie(page, consultant)
    page.goto(reverse("home"))
    open_phone_menu(page)
    switch_language(page, "ar")
    page.goto(reverse("qualification:coaching"))
    wrapper = start_form(page).locator(".ts-wrapper")
    expect(wrapper).to_have_class(re.compile(r"\brtl\b"))
    combobox = start_form(page).get_by_role("combobox")
    combobox.click()
    # The list first shows what it preloads on focus (the registry's first names); wait for
    # the answer to what was typed: Wedding (its name starts so) before the target.
    combobox.press_sequentially("Nachbarschaftsverein", delay=40)
    options = page.locator(".ts-dropdown [role=option]")
    expect(options).to_have_count(2)
    expect(options.nth(1)).to_contain_text(TARGET)
    direction = page.evaluate(
        """() => {
            const list = document.querySelector('.ts-dropdown');
            const option = list.querySelector('[role=option]');
            const control = document.querySelector('.ts-control');
            const box = control.getBoundingClientRect();
            const text = option.querySelector('bdi').getBoundingClientRect();
            return {list: getComputedStyle(list).direction, right: box.right - text.right,
                    left: text.left - box.left};
        }"""
    )
    assert direction["list"] == "rtl"
    assert direction["right"] < direction["left"], direction  # the names start on the right
    assert_no_horizontal_scroll(page)
    page.screenshot(path=str(SHOTS / "chooser-arabic-phone.png"))

    # Chosen: the name sits on the right, clear of the arrow on the left.
    page.get_by_role("option", name=TARGET).click()
    page.locator("h1").click()
    chosen = page.evaluate(
        """() => {
            const wrapper = document.querySelector('.ts-wrapper').getBoundingClientRect();
            const name = document.querySelector('.ts-control .item').getBoundingClientRect();
            return {free_left: name.left - wrapper.left, free_right: wrapper.right - name.right};
        }"""
    )
    page.screenshot(path=str(SHOTS / "chooser-arabic-chosen.png"))
    assert chosen["free_left"] >= 32 and chosen["free_right"] < 24, chosen


def test_while_a_search_is_on_its_way_no_earlier_name_can_be_tapped(new_page, registry, consultant):
    """On a slow connection the list must not keep showing the names it preloaded (or found
    for earlier letters) while the answer to what was typed is still on its way: a tap on
    one of them would choose an organisation the person did not look for."""
    page = new_page(phone=True)
    log_in_by_cookie(page, consultant)
    held = []

    def hold_searches(route):
        # The preload (nothing typed yet) goes through; answers to typed words wait.
        if re.search(r"[?&]q=[^&]", route.request.url):
            held.append(route)
        else:
            route.continue_()

    page.route(re.compile(r".*/choose/organisations/.*"), hold_searches)
    page.goto(reverse("qualification:coaching"))
    combobox = page.get_by_role("combobox", name="Organisation")
    combobox.click()
    listbox = start_form(page).get_by_role("listbox")
    preloaded = listbox.get_by_role("option")
    expect(preloaded.first).to_contain_text(TARGET)  # the first names, by name
    expect(preloaded.nth(1)).to_contain_text("Nachbarschaftshilfe 00")
    first_names = preloaded.all_inner_texts()

    combobox.press_sequentially("Wedding", delay=40)
    page.wait_for_function("() => document.querySelector('.ts-wrapper.loading') !== null")
    page.wait_for_timeout(700)  # the search throttle (300 ms) has passed: the request waits
    assert held, "the search was not sent"
    # Nothing stale to tap: no option at all, and the list says it is searching.
    expect(listbox.get_by_role("option")).to_have_count(0)
    expect(page.locator(".ts-dropdown")).to_contain_text("Suche")
    page.screenshot(path=str(SHOTS / "chooser-phone-searching.png"))
    for route in held:
        route.continue_()
    held.clear()
    expect(listbox.get_by_role("option")).to_have_count(1)
    expect(listbox.get_by_role("option")).to_contain_text("Nachbarschaftsverein Wedding e.V.")

    # Emptied, the list shows the first names again, in the portal's order, and only them:
    # not the name found for "Wedding" after them.
    combobox.fill("")
    expect(listbox.get_by_role("option").first).to_contain_text(TARGET)
    expect(listbox.get_by_role("option")).to_have_count(len(first_names))
    assert listbox.get_by_role("option").all_inner_texts() == first_names
    expect(listbox).not_to_contain_text("Nachbarschaftsverein Wedding e.V.")
    page.unroute(re.compile(r".*/choose/organisations/.*"))

    # A longer answer comes a page at a time: scrolled to its end, the list adds the next
    # page after the first, in the portal's order (the target, 32nd, last).
    combobox.press_sequentially("Nachbarschaft", delay=40)
    options = listbox.get_by_role("option")
    expect(options).to_have_count(20)
    expect(options.first).to_contain_text("Nachbarschaftshilfe 00")
    page.locator(".ts-dropdown-content").evaluate("list => { list.scrollTop = list.scrollHeight; }")
    expect(options).to_have_count(32)
    expect(options.nth(20)).to_contain_text("Nachbarschaftshilfe 20")
    suggestion = options.last
    expect(suggestion).to_contain_text(TARGET)
    suggestion.scroll_into_view_if_needed()
    suggestion.tap()
    expect(start_form(page).locator(".ts-control")).to_contain_text(TARGET)
    start_form(page).get_by_role("button", name="Fortfahren").click()
    organisation = Organisation.objects.get(name=TARGET)
    expect(page).to_have_url(reverse("qualification:coaching_create", args=[organisation.pk]))
