"""Switching the language changes the whole interface; Arabic is laid out right to left."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from .helpers import assert_no_horizontal_scroll, log_in_by_cookie, open_phone_menu, t

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def switch_language(page, code):
    page.locator("nav.navbar .dropdown-toggle", has=page.locator(".visually-hidden")).click()
    page.click(f"nav.navbar button[name=language][value={code}]")
    expect(page.locator("html")).to_have_attribute("lang", code)


def test_switching_from_german_to_english_changes_the_navigation(page):
    page.goto("/")
    login_link = page.locator(f"nav.navbar a[href='{reverse('account_login')}']")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(login_link).to_have_text(t("Sign in", "de"))

    switch_language(page, "en")
    expect(login_link).to_have_text("Sign in")
    expect(page.locator("nav.navbar")).to_contain_text("Sub-projects")
    # The choice sticks on the next page.
    page.goto(reverse("account_signup"))
    expect(page.locator("html")).to_have_attribute("lang", "en")


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_arabic_is_right_to_left_without_overflow(new_page, org, org_admin, phone):
    page = new_page(phone=phone)
    log_in_by_cookie(page, org_admin)
    page.goto("/")
    if phone:
        open_phone_menu(page)
    switch_language(page, "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    stylesheet = page.locator("link[rel=stylesheet]").first
    expect(stylesheet).to_have_attribute("href", "/static/vendor/bootstrap.rtl.min.css")
    assert_no_horizontal_scroll(page)
    # Start and end swap: the brand sits on the right edge.
    brand = page.locator(".navbar-brand").bounding_box()
    width = page.viewport_size["width"]
    assert brand["x"] + brand["width"] > width / 2
    for url in (org.get_absolute_url(), reverse("organisations:register")):
        page.goto(url)
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        assert_no_horizontal_scroll(page)
