"""The organisation's activity timeline in a real browser: the organisation page is shown
first, and the timeline appears in it once it has loaded (htmx). A load that fails says so
instead of spinning forever, and keeps the plain link to the timeline's own page."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests import factories

from .helpers import assert_accessible, assert_no_horizontal_scroll, log_in_by_cookie, t

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_staff_see_the_timeline_appear_on_the_organisation_page(new_page, consultant, org):
    factories.OutcomeFactory(organisation=org, funder="Stiftung Zeitstrahl")
    page = new_page(phone=True)
    log_in_by_cookie(page, consultant)
    page.goto(org.get_absolute_url())
    activity = page.locator("section[aria-labelledby=activity]")
    expect(activity.get_by_text(t("Registered in the portal"))).to_be_visible()
    # The outcome is the centre's own entry: its funder shows, and it links to the outcome.
    expect(activity.get_by_text("Stiftung Zeitstrahl")).to_be_visible()
    expect(activity.locator("ol.timeline a")).to_have_count(1)
    # Loaded: no placeholder, spinner or busy state is left.
    expect(activity.locator("[aria-busy], .spinner-border")).to_have_count(0)
    expect(activity.get_by_role("link", name=t("Show the activity"))).to_have_count(0)
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
    page.screenshot(path="/tmp/timeline.png", full_page=True)


def test_a_failed_load_says_so_and_keeps_the_link(new_page, consultant, org):
    url = reverse("organisations:timeline", args=[org.pk])
    page = new_page()
    log_in_by_cookie(page, consultant)
    page.route(f"**{url}", lambda route: route.fulfill(status=500, body="Server Error"))
    page.goto(org.get_absolute_url())
    activity = page.locator("section[aria-labelledby=activity]")
    expect(activity.get_by_role("alert")).to_have_text(
        t("The activity could not be loaded. Please try again later or open it on its own page.")
    )
    expect(activity.locator("[aria-busy=false]")).to_have_count(1)
    expect(activity.locator(".spinner-border")).to_have_count(0)
    expect(activity.get_by_role("link", name=t("Show the activity"))).to_have_attribute("href", url)

    # A session that ended meanwhile sends the request on to the sign-in page, whose answer
    # is a whole page from another address: it is not put inside the card.
    page.unroute(f"**{url}")
    page.route(
        f"**{url}",
        lambda route: route.fulfill(status=302, headers={"Location": reverse("account_login")}),
    )
    page.reload()
    expect(activity.get_by_role("alert")).to_be_visible()
    expect(activity.locator("nav, form, ol.timeline")).to_have_count(0)
