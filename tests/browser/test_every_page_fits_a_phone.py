"""Every page of the portal, opened in Chromium at 390×844 by each person who may open it,
in German and in Arabic (right to left): nothing is wider than the screen, so no page has
to be scrolled sideways on a phone; and in German, axe-core finds no serious or critical
WCAG 2.1 A/AA problem on it (the journeys check every impact on the pages they visit).

The pages are those of tests/security/expectations.py (the crawl of
tests/browser/forms_crawler.py), in the fixture world of tests/security/world.py. Wide
tables may scroll inside their own box (`.table-responsive`); the page itself may not. A
single element that sticks out (a long word, a hidden label placed outside its table, a
fixed-width widget) widens the whole page on a phone and hides part of every line.
"""

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from tests.security.expectations import EXPECTATIONS, FORM, GET
from tests.security.world import build_world

from .forms_crawler import page_urls
from .helpers import axe_violations, log_in_by_cookie

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

APPS = sorted(
    {(name.split(":", 1)[0] if ":" in name else "core") for name, spec in EXPECTATIONS.items()}
    | {"core"}
)

# What sticks out, for the failure message: the widest elements reaching past the screen.
WIDEST = """(screen) => Array.from(document.querySelectorAll('body *'))
    .filter(e => {
        const r = e.getBoundingClientRect();
        if (r.right <= screen + 0.5 || r.width === 0) return false;
        // Inside a box that scrolls by itself, it is that box's business.
        for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
            const s = getComputedStyle(p);
            if (['auto', 'scroll', 'hidden', 'clip'].includes(s.overflowX)) return false;
        }
        return true;
    })
    .slice(0, 5)
    .map(e => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')} right=${
        Math.round(e.getBoundingClientRect().right)} "${(e.textContent || '').trim().slice(0, 40)}"`)
"""


@pytest.mark.parametrize("language", ["de", "ar"])  # left to right, and right to left
@pytest.mark.parametrize("app", APPS)
def test_every_page_of_the_app_fits_a_phone_screen(app, language, new_page):
    world = build_world()
    page = new_page(phone=True, language=language)
    page.set_default_timeout(10_000)
    screen = page.viewport_size["width"]
    signed_in_as = "nobody"
    seen, too_wide, inaccessible = 0, [], []
    for name, page_app, persona, url in page_urls(world):
        if (
            page_app != app
            or EXPECTATIONS.get(name, None) is not None
            and EXPECTATIONS[name].method not in (GET, FORM)
        ):
            continue
        if persona != signed_in_as:
            page.context.clear_cookies()
            page.context.add_cookies(
                [{"name": "django_language", "value": language, "url": page.base_url}]
            )
            user = world.persona(persona, page_app)
            if user is not None:
                log_in_by_cookie(page, user)
            signed_in_as = persona
        try:
            response = page.goto(url)
        except PlaywrightError as error:
            if "Download is starting" in str(error):
                continue  # a file (CSV, PDF, calendar), not a page
            raise
        if response is None or response.status != 200:
            continue
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue  # a download, a feed
        if not page.evaluate("() => !!document.querySelector('meta[name=viewport]')"):
            continue  # a part of a page that htmx loads into it (the page is checked itself)
        seen += 1
        # The portal's own layout (base.html) says its direction; the API's documentation is
        # in Swagger UI's English in every language (templates/api/docs.html).
        direction = page.evaluate("() => document.documentElement.dir")
        expected = "ltr" if name == "api:docs" or language != "ar" else "rtl"
        assert direction == expected, f"{url} is {direction}"
        if language == "de" and name != "api:docs":  # Swagger UI's own widgets
            inaccessible.extend(
                f"{name} as {persona}: {v['id']} {[n['target'] for n in v['nodes']]}"
                for v in axe_violations(page)
            )
        width = page.evaluate("() => document.scrollingElement.scrollWidth")
        if width > screen:
            too_wide.append(
                f"{name} as {persona} ({url}): {width} px, {page.evaluate(WIDEST, screen)}"
            )
    assert not too_wide, "Pages wider than a 390 px phone:\n" + "\n".join(too_wide)
    assert not inaccessible, "axe on a phone:\n" + "\n".join(inaccessible)
    if app not in ("api",):
        assert seen, f"no page of {app} was opened"


def test_a_table_that_scrolls_on_a_phone_is_a_named_region_the_keyboard_can_reach(new_page):
    """static/js/app.js: a .table-responsive box whose table is wider than the screen takes
    the focus (so arrow keys scroll it) and is named after the table's caption; where the
    table fits, the box is no tab stop."""
    from django.urls import reverse

    world = build_world()
    url = reverse("mentoring:guest_list", kwargs={"pk": world.public_event.pk})
    lead = world.persona("lead", "mentoring")

    phone = new_page(phone=True)
    log_in_by_cookie(phone, lead)
    phone.goto(url)
    box = phone.locator("main .table-responsive").first
    expect(box).to_have_attribute("tabindex", "0")
    expect(box).to_have_attribute("role", "region")
    expect(box).to_have_attribute("aria-label", "Gäste")
    box.focus()
    phone.keyboard.press("ArrowRight")
    expect(box).not_to_have_js_property("scrollLeft", 0)

    desktop = new_page()
    log_in_by_cookie(desktop, lead)
    desktop.goto(url)
    wide = desktop.locator("main .table-responsive").first
    expect(wide).not_to_have_attribute("tabindex", "0")
    # Narrowing the window (a phone turned, a split screen) makes it scroll: now it is one.
    desktop.set_viewport_size({"width": 390, "height": 844})
    expect(wide).to_have_attribute("tabindex", "0")
