"""A newcomer on a phone signs up with a name, has the confirmation sent again, confirms, and
is greeted by name; every page and e-mail on the way says "Sie"."""

import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.urls import reverse
from playwright.sync_api import expect

from organisations.models import User

from .helpers import assert_no_horizontal_scroll, t

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "journeys"
EMAIL = "yasmin@kiezverein.example"
PASSWORD = "Nachbarschaft-2026-sicher"
INFORMAL = re.compile(r"\b(du|dich|dir|dein\w*|hast|bist|kannst|musst|möchtest)\b", re.I)


def test_newcomer_signs_up_with_a_name_resends_the_mail_and_is_greeted(new_page, mailoutbox):
    page = new_page(phone=True)
    page.goto(reverse("account_signup"))
    assert not INFORMAL.search(page.locator("main").inner_text())

    # First try without a name: the form says so and keeps the address.
    page.fill("#id_email", EMAIL)
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("form.allauth-form-signup button[type=submit]")
    expect(page.locator("#id_first_name")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_email")).to_have_value(EMAIL)
    assert not User.objects.filter(email=EMAIL).exists()
    assert_no_horizontal_scroll(page)
    page.screenshot(path=str(SHOTS / "signup-asks-name.png"))

    page.fill("#id_first_name", "Yasmin")
    page.fill("#id_last_name", "Al-Rahman")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.locator("form.allauth-form-signup button[type=submit]").dblclick()
    page.wait_for_url("**" + reverse("account_email_verification_sent"))
    user = User.objects.get(email=EMAIL)
    assert (user.first_name, user.last_name) == ("Yasmin", "Al-Rahman")
    assert len(mailoutbox) == 1

    # The page names the address, offers to send again and whom to write to.
    main = page.locator("main")
    expect(main).to_contain_text(EMAIL)
    expect(main.get_by_role("link", name="portal@ikmo.example")).to_be_visible()
    assert not INFORMAL.search(main.inner_text())
    assert_no_horizontal_scroll(page)
    page.screenshot(path=str(SHOTS / "verification-sent.png"))

    # Right away, the rate limit asks to wait; later, a second mail goes out.
    resend = main.get_by_role("button", name=t("Send the e-mail again"))
    resend.click()
    expect(page.locator(".messages .alert")).to_contain_text("drei Minuten")
    assert len(mailoutbox) == 1
    page.screenshot(path=str(SHOTS / "verification-resend-wait.png"))
    cache.clear()  # three minutes later
    page.locator("main").get_by_role("button", name=t("Send the e-mail again")).click()
    expect(page.locator(".messages .alert")).to_contain_text(EMAIL)
    assert len(mailoutbox) == 2

    body = mailoutbox[-1].body
    assert body.startswith("Guten Tag Yasmin Al-Rahman,")
    assert "Hallo von" not in body and not INFORMAL.search(body)
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", body).group(0)
    assert link.startswith(page.base_url)  # the server the person used, not a default
    page.goto(link)
    assert not INFORMAL.search(page.locator("main").inner_text())
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: url.rstrip("/") == page.base_url.rstrip("/"))
    expect(page.locator("main h1")).to_have_text("Guten Tag, Yasmin Al-Rahman")
    assert_no_horizontal_scroll(page)
    page.screenshot(path=str(SHOTS / "home-greets-by-name.png"))
