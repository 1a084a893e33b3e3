"""Searching the directory on a phone (390x844) past the count's cap: the total says "Mehr
als …", the pages say "Seite N" without a last page, and "Weiter" leads on until the count
reaches the end (ikmo.viewtools.CappedPaginator; the cap is lowered to a few rows here).
Screenshot: docs/screenshots/journeys/directory-search-more-than.png."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from ikmo.viewtools import CappedPaginator
from tests import factories

from .helpers import STAFF_TOTP_SECRET, assert_no_horizontal_scroll, log_in, t

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "journeys"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("language", ["de", "ar"])
def test_a_broad_search_says_more_than_and_pages_on(new_page, project_lead, monkeypatch, language):
    monkeypatch.setattr(CappedPaginator, "CAP", 3)
    factories.approved_organisations(30, name="Suchverein")
    page = new_page(phone=True, language=language)
    log_in(page, project_lead.email, totp_secret=STAFF_TOTP_SECRET)
    page.goto("/organisations/")
    expect(page.get_by_text("30 ", exact=False).first).to_be_visible()
    search = page.get_by_role("searchbox", name=t("Search", language))
    search.fill("such")
    page.get_by_role("button", name=t("Filter", language)).click()
    more = {"de": "Mehr als 25 Organisationen", "ar": "أكثر من 25 منظمة"}[language]
    expect(page.get_by_text(more)).to_be_visible()
    pages = page.get_by_role("navigation", name=t("Pages", language))
    expect(pages.get_by_text(t("Page %(number)s", language) % {"number": 1})).to_be_visible()
    expect(pages).not_to_contain_text({"de": "von", "ar": "من "}[language])
    expect(search).to_have_value("such")  # the search stays in its field
    assert_no_horizontal_scroll(page)
    if language == "de":
        page.screenshot(path=str(SHOTS / "directory-search-more-than.png"), full_page=True)

    pages.get_by_role("link", name=t("Next", language)).click()
    expect(
        pages.get_by_text(t("Page %(number)s of %(total)s", language) % {"number": 2, "total": 2})
    ).to_be_visible()
    expect(
        page.get_by_text({"de": "30 Organisationen", "ar": "30 منظمة"}[language])
    ).to_be_visible()
    expect(page.get_by_role("link", name="Suchverein 29")).to_be_visible()
    expect(search).to_have_value("such")
