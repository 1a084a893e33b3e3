"""An admin at 1366 x 900 finds an organisation without typing umlauts, edits it in a change
form that fits the screen, and opens its audit trail from there; all of it in German."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from ikmo.audit import audit_log
from ikmo.models import AuditEntry
from organisations.models import Organisation
from tests import factories
from tests.conftest import enrol_mfa

from .helpers import assert_no_horizontal_scroll, log_in_by_cookie

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "journeys"
LAPTOP = {"width": 1366, "height": 900}


def wide_elements(page) -> list[str]:
    return page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1
                          || (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0
                              && getComputedStyle(el).overflowX === 'visible'))
            .slice(0, 30)
            .map(el => `${el.tagName}#${el.id}.${el.className} right=${Math.round(el.getBoundingClientRect().right)} sw=${el.scrollWidth} cw=${el.clientWidth}`)"""
    )


def test_admin_finds_edits_and_audits_an_organisation_at_1366(new_page, portal_admin, org):
    long_name = "Brückenbau Interkultureller Nachbarschafts- und Bildungsverein Neukölln e.V."
    Organisation.objects.filter(pk=org.pk).update(name=long_name)
    org.refresh_from_db()
    org.save()  # search name
    factories.member_of(org, email="leyla.demir@verein.example")
    factories.OrganisationFactory(name="Kiezbrücke Moabit")
    other = factories.OrganisationFactory(name="Sonnenblume e.V.")
    audit_log(
        actor=portal_admin,
        action="organisations.organisation.approved",
        target=org,
        organisation=org,
    )
    audit_log(
        actor=portal_admin,
        action="organisations.organisation.approved",
        target=other,
        organisation=other,
    )

    page = new_page()
    page.set_viewport_size(LAPTOP)
    log_in_by_cookie(page, portal_admin)
    page.goto(reverse("admin:organisations_organisation_changelist"))
    page.fill("#searchbar", "bruecke")
    page.press("#searchbar", "Enter")
    results = page.locator("#result_list tbody tr")
    expect(results).to_have_count(2)
    page.fill("#searchbar", "leyla.demir")
    page.press("#searchbar", "Enter")
    expect(results).to_have_count(1)
    results.first.locator("th a").click()

    # The change form fits the screen and its widgets speak German.
    expect(page.locator("#organisation_form")).to_be_visible()
    assert not wide_elements(page), wide_elements(page)
    assert_no_horizontal_scroll(page)
    content = page.locator("#content").inner_text()
    for english in ("Choose all", "Remove all", "Updated at", "Created at"):
        assert english not in content
    expect(page.locator("#content")).to_contain_text("Alle")
    page.screenshot(path=str(SHOTS / "admin-organisation-1366.png"))

    # An empty name is refused and nothing else is lost; then the new name is saved once.
    page.fill("#id_name", "")
    page.fill("#id_social_space", "Rollbergkiez")
    page.click("input[name=_continue]")
    expect(page.locator(".errorlist")).to_be_visible()
    expect(page.locator("#id_social_space")).to_have_value("Rollbergkiez")
    page.fill("#id_name", "Brückenbau Süd e.V.")
    page.locator("input[name=_continue]").dblclick()
    expect(page.locator(".messagelist .success")).to_be_visible()
    org.refresh_from_db()
    assert (org.name, org.social_space) == ("Brückenbau Süd e.V.", "Rollbergkiez")
    assert org.search_name.startswith("brueckenbau sued e.v.")
    assert_no_horizontal_scroll(page)

    page.get_by_role("link", name="Änderungsprotokoll dieser Organisation").click()
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(AuditEntry.objects.filter(organisation=org).count())
    expect(page.locator("#result_list")).not_to_contain_text(other.name)
    assert_no_horizontal_scroll(page)


def test_on_a_phone_an_admin_books_a_payment_choosing_the_application_by_search(
    new_page, org, org_admin, monkeypatch
):
    """The payment form asks for the application in a search box (at full scale a list of
    2,000 applications made it 116 KiB): an invalid first try keeps the German amount and
    date, a search finds the application, a double tap saves one payment, even when the
    server takes its time (static/js/submit-once.js: Django admin sent both taps)."""
    import time

    from django.contrib import admin

    from actionfund.models import Payment
    from tests.actionfund.factories import ApplicationFactory

    root = factories.UserFactory(is_superuser=True, is_staff=True, email="root@centre.example")
    enrol_mfa(root)
    chosen = ApplicationFactory(organisation=org, created_by=org_admin, title="Sommerfest Kiez")
    ApplicationFactory(organisation=org, created_by=org_admin, title="Nachhilfe Mathe")

    page = new_page(phone=True)
    log_in_by_cookie(page, root)
    page.goto(reverse("admin:actionfund_payment_add"))
    # The application is a search box, not a list of every application.
    expect(page.locator("select#id_application option")).to_have_count(0)
    page.fill("#id_amount", "1.200,50")
    page.fill("#id_paid_on", "31.12.2026")
    page.fill("#id_reference", "Überweisung Dezember")
    page.click("input[name=_save]")
    expect(page.locator("#id_application_error")).to_be_visible()
    expect(page.locator("#id_amount")).to_have_value("1.200,50")
    expect(page.locator("#id_paid_on")).to_have_value("31.12.2026")
    expect(page.locator("#id_reference")).to_have_value("Überweisung Dezember")
    assert not Payment.objects.exists()

    page.locator("#id_application ~ .select2-container .select2-selection").click()
    page.locator(".select2-search__field").fill("sommer")
    option = page.locator(".select2-results__option", has_text="Sommerfest Kiez")
    expect(option).to_have_count(1)
    expect(page.locator(".select2-results__option", has_text="Nachhilfe")).to_have_count(0)
    option.click()
    expect(page.locator("#select2-id_application-container")).to_contain_text("Sommerfest")
    page.locator("#id_recorded_by ~ .select2-container .select2-selection").click()
    page.locator(".select2-search__field").fill("root@")
    page.locator(".select2-results__option", has_text=str(root)).click()
    assert_no_horizontal_scroll(page)
    page.screenshot(path=str(SHOTS / "admin-payment-search-phone.png"), full_page=True)
    payment_admin = admin.site._registry[Payment]
    save_model = payment_admin.save_model

    def slow_save(*args, **kwargs):
        time.sleep(0.5)  # the second tap comes while the first is still being saved
        return save_model(*args, **kwargs)

    monkeypatch.setattr(payment_admin, "save_model", slow_save)
    save = page.locator("input[name=_save]")
    save.scroll_into_view_if_needed()
    box = save.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.dblclick(x, y)
    page.wait_for_timeout(150)  # and a third tap, once the first is on its way
    page.mouse.click(x, y)
    expect(page.locator(".messagelist .success")).to_be_visible()
    payment = Payment.objects.get()
    assert (payment.application, payment.amount, payment.paid_on.isoformat()) == (
        chosen,
        Decimal("1200.50"),
        "2026-12-31",
    )
    assert (payment.reference, payment.recorded_by) == ("Überweisung Dezember", root)
