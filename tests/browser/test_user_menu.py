"""The account menu names the signed-in person, not their e-mail address."""

import pytest
from playwright.sync_api import expect

from tests import factories

from .helpers import assert_no_horizontal_scroll, log_in_by_cookie, open_phone_menu

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_account_menu_shows_the_persons_name_on_a_phone(new_page):
    user = factories.UserFactory(
        email="amira.beispiel@example.org", first_name="Amira", last_name="Beispiel"
    )
    page = new_page(phone=True)
    log_in_by_cookie(page, user)
    page.goto("/")
    open_phone_menu(page)
    account = page.locator("#nav-main .nav-link.dropdown-toggle").last
    expect(account).to_have_text("Amira Beispiel")
    account.click()
    expect(account).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("button", name="Abmelden")).to_be_visible()
    assert_no_horizontal_scroll(page)
    page.screenshot(path="docs/screenshots/journeys/user-menu-name.png")
