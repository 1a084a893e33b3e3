"""Account forms (allauth, in our Bootstrap elements) explain every error where it happened."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from .helpers import log_in_by_cookie, t

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_sign_up_errors_are_summarised_linked_and_shown_at_each_field(page):
    page.goto(reverse("account_signup"))
    # Labels are visible and tied to their inputs; the browser may fill in the address.
    for name in ("id_first_name", "id_last_name", "id_email", "id_password1", "id_password2"):
        expect(page.locator(f"label[for={name}]")).to_be_visible()
    expect(page.locator("#id_email")).to_have_attribute("autocomplete", "email")
    expect(page.locator("#id_password1")).to_have_attribute("autocomplete", "new-password")
    page.fill("#id_first_name", "Nia")
    page.fill("#id_last_name", "Okafor")
    page.fill("#id_email", "neu@verein.example")
    page.fill("#id_password1", "Nachbarschaft-2026-sicher")
    page.fill("#id_password2", "something-else-entirely")
    page.click("form.allauth-form-signup button[type=submit]")

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    summary.locator("a[href='#id_password2']").click()
    expect(page.locator("#id_password2")).to_be_focused()

    field = page.locator("#id_password2")
    expect(field).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(field).to_have_attribute("aria-invalid", "true")
    described = field.get_attribute("aria-describedby")
    assert "id_password2_error" in described.split()
    expect(page.locator("#id_password2_error")).to_be_visible()
    # Nothing typed is lost (passwords excepted, as browsers expect).
    expect(page.locator("#id_email")).to_have_value("neu@verein.example")


def test_account_settings_have_a_side_navigation(page, org_admin):
    log_in_by_cookie(page, org_admin)
    nav = page.get_by_role("navigation", name=t("Account settings"))
    for url in (reverse("account_email"), reverse("account_change_password"), reverse("mfa_index")):
        page.goto(url)
        expect(nav.locator("a")).to_have_count(3)
        expect(nav.locator("a[aria-current=page], a.active")).to_have_count(1)
        expect(nav.locator("a.active")).to_have_attribute("href", url)
