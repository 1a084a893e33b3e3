"""What the browser journeys share: signing in, one-time codes, layout and accessibility checks."""

import json
import time
from pathlib import Path

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.test import Client
from django.utils import translation
from playwright.sync_api import Page, expect

from tests.factories import DEFAULT_PASSWORD

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
# The enrolled authenticator of the shared staff fixtures (tests/conftest.py: enrol_mfa).
STAFF_TOTP_SECRET = "JBSWY3DPEHPK3PXP"


def t(text: str, language: str = "de") -> str:
    """The UI text as the browser sees it in `language`."""
    with translation.override(language):
        return str(translation.gettext(text))


def totp_code(secret: str) -> str:
    """The current RFC 6238 code, as an authenticator app would show it.

    A code is valid for one 30-second window; one typed in its last two seconds could
    arrive in the next window, so wait for a fresh window then, as a person would.
    """
    period = mfa_settings.TOTP_PERIOD
    while time.time() % period > period - 2:
        time.sleep(0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


def log_in(page: Page, email: str, password: str = DEFAULT_PASSWORD, totp_secret: str = ""):
    """Sign in through the real form, with the second factor when the account has one."""
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.click("form.allauth-form-login button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    if "/accounts/2fa/authenticate/" in page.url:
        assert totp_secret, f"{email} has two-factor authentication: pass its secret"
        page.fill("input[name=code]", totp_code(totp_secret))
        page.click("main form button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/2fa/authenticate/" not in url)


def log_in_by_cookie(page: Page, user) -> None:
    """Start an authenticated session without the login form, for journeys about other things."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": page.base_url, "httpOnly": True}]
    )


def open_phone_menu(page: Page) -> None:
    """Tap the menu button and wait until the menu has finished opening.

    A tap on a menu entry while Bootstrap still animates the collapse can miss (the entry is
    clipped and moving), so journeys wait for the settled state before tapping inside.
    """
    page.locator("nav.navbar .navbar-toggler").click()
    expect(page.locator("#nav-main.collapse.show")).to_be_visible()


def assert_no_horizontal_scroll(page: Page) -> None:
    """Nothing is wider than the screen.

    Compared with the viewport the page was opened with: a phone browser widens its layout
    viewport to fit content that is too wide, so `innerWidth` alone would hide the overflow.
    """
    widths = page.evaluate(
        """() => ({scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth,
                   client: document.documentElement.clientWidth})"""
    )
    screen = page.viewport_size["width"]
    assert widths["scroll"] <= min(widths["inner"], screen), (
        f"page scrolls sideways on {page.url}: {widths}, screen {screen}"
    )


def axe_violations(page: Page, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core (WCAG 2.0/2.1 A and AA rules) on the page; return the worst violations.

    axe is evaluated through the DevTools protocol, which the page's Content Security
    Policy does not govern, so the portal's CSP stays as strict as in production.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SOURCE)
    result = page.evaluate(
        """async () => {
            // Colours are judged as a person sees them once a hover or focus fade has ended,
            // not at a frame in between (a button fading to its hover colour fails midway).
            await Promise.all(document.getAnimations().filter(a => a.effect && a.effect.getTiming()
                .iterations !== Infinity).map(a => a.finished.catch(() => null)));
            const r = await axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                resultTypes: ['violations'],
            });
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => ({target: n.target, summary: n.failureSummary})),
            }));
        }"""
    )
    return [v for v in result if v["impact"] in impacts]


def assert_accessible(page: Page) -> None:
    expect(page.locator("main")).to_be_visible()
    violations = axe_violations(page)
    assert not violations, f"axe on {page.url}:\n" + json.dumps(violations, indent=2)


def choose(page: Page, field: str, typed: str, option: str) -> None:
    """Choose in a chooser (static/js/chooser.js) as a person does: tap the field (its label,
    or "#" and the id of its select), type part of a name, tap the suggestion `option`."""
    if field.startswith("#"):
        combobox = page.locator(f"{field}-ts-control")
    else:
        combobox = page.get_by_role("combobox", name=field, exact=False).first
    # The field, not its search box: with a name chosen the box only shows once tapped.
    combobox.locator("xpath=..").click()
    combobox.press_sequentially(typed, delay=40)
    listbox = page.locator(f"#{combobox.get_attribute('aria-controls')}")
    listbox.get_by_role("option", name=option, exact=False).first.click()
    if combobox.get_attribute("aria-multiselectable") != "true":
        # One name chosen: the list closes and stays closed (it would cover the form).
        page.wait_for_timeout(700)  # longer than the search's throttle: a late answer
        expect(listbox).to_be_hidden()
