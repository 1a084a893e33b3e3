"""On a phone (390 x 844) nothing scrolls sideways and the navigation folds away."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from .helpers import assert_no_horizontal_scroll, log_in_by_cookie

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_home_directory_and_organisation_form_fit_a_phone(new_page, org, other_org, consultant):
    page = new_page(phone=True)
    page.goto("/")
    assert_no_horizontal_scroll(page)
    menu = page.locator("#nav-main")
    toggler = page.locator("nav.navbar .navbar-toggler")
    expect(toggler).to_be_visible()
    expect(menu).to_be_hidden()
    toggler.click()
    expect(menu).to_be_visible()
    expect(toggler).to_have_attribute("aria-expanded", "true")

    log_in_by_cookie(page, consultant)
    for url in (
        reverse("organisations:directory"),
        reverse("organisations:register"),
        org.get_absolute_url(),
        reverse("account_login"),
        reverse("mfa_index"),
    ):
        page.goto(url)
        expect(page.locator("main")).to_be_visible()
        expect(menu).to_be_hidden()
        assert_no_horizontal_scroll(page)
