"""A member of one organisation sees it, and gets "not found" for any other organisation."""

import pytest
from playwright.sync_api import expect

from organisations.models import SpokenLanguage

from .helpers import log_in, t

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_member_sees_their_organisation_and_not_another(page, org, org_member, other_org):
    arabic = SpokenLanguage.objects.get(slug="ar")
    org.languages.add(arabic)
    log_in(page, org_member.email)
    expect(page.locator("main")).to_contain_text(org.name)
    expect(page.locator("main")).not_to_contain_text(other_org.name)

    page.locator("main").get_by_role("link", name=org.name).click()
    expect(page.locator("main h1")).to_have_text(org.name)
    # The profile lists the organisation's own languages (not the portal's UI languages).
    expect(page.locator("main dl")).to_contain_text(arabic.name_de)
    expect(page.locator("main dl")).not_to_contain_text("name_local")

    response = page.goto(other_org.get_absolute_url())
    assert response.status == 404
    expect(page.locator("main h1")).to_have_text(t("Page not found"))
    expect(page.locator("body")).not_to_contain_text(other_org.name)
    # The 404 page is a full page of the portal: navigation and a way back.
    expect(page.locator("nav.navbar")).to_be_visible()
    page.locator("main a.btn").click()
    expect(page.locator("main")).to_contain_text(org.name)


def test_the_directory_is_closed_to_organisation_members(page, org_member):
    log_in(page, org_member.email)
    response = page.goto("/organisations/")
    assert response.status == 403
