"""The public directory on a phone (390x844): an organisation's admin lists it (the first try
without the consent is refused and keeps every choice; a double tap records one consent),
a visitor without an account finds it through the map's district and the search, and a
member of another organisation asks for contact (a double tap sends one request).
Screenshots: docs/screenshots/journeys/public-*.png."""

import re
from pathlib import Path

import pytest
from django.utils.text import capfirst
from playwright.sync_api import expect

from ikmo.models import OutboundEmail
from organisations.models import ContactRequest, PublicProfile
from privacy.models import ConsentRecord

from .helpers import assert_no_horizontal_scroll, log_in, t

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "journeys"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def label(text: str) -> str:
    """A model field's label as a form shows it: translated, first letter capitalised."""
    return capfirst(t(text))


OFFER = "Hausaufgabenhilfe und Elterncafé auf Arabisch und Deutsch"


def test_an_admin_lists_the_organisation_a_visitor_finds_it_a_member_asks_for_contact(
    new_page, org, org_admin, other_org, other_org_admin
):
    # 1. The admin opts in, on a phone.
    page = new_page(phone=True)
    log_in(page, org_admin.email)
    page.goto(org.get_absolute_url())
    page.get_by_role("link", name=t("Public listing")).click()
    expect(page.get_by_role("heading", name=t("Public listing"), level=1)).to_be_visible()
    page.get_by_role("checkbox", name=label("show district")).check()
    page.get_by_role("checkbox", name=label("show what we offer")).check()
    page.get_by_role("textbox", name=label("what we offer")).fill(OFFER)
    page.get_by_role("button", name=t("Save and list publicly")).click()
    expect(
        page.get_by_text(t("Please tick the box to agree to the public listing.")).first
    ).to_be_visible()
    expect(page.get_by_role("textbox", name=label("what we offer"))).to_have_value(OFFER)
    expect(page.get_by_role("checkbox", name=label("show district"))).to_be_checked()
    expect(page.get_by_role("checkbox", name=label("show what we offer"))).to_be_checked()
    assert not ConsentRecord.objects.exists()
    assert_no_horizontal_scroll(page)
    page.screenshot(path=str(SHOTS / "public-listing-consent-missing.png"), full_page=True)

    page.locator("input[name=agreed]").check()
    page.get_by_role("button", name=t("Save and list publicly")).dblclick()
    expect(page.get_by_role("link", name=t("See the public page"))).to_be_visible()
    assert ConsentRecord.objects.filter(person=org_admin, withdrawn_at__isnull=True).count() == 1
    profile = PublicProfile.objects.get(organisation=org)
    assert (profile.show_district, profile.show_offer, profile.offer) == (True, True, OFFER)
    page.screenshot(path=str(SHOTS / "public-listing-saved.png"), full_page=True)

    # 2. A visitor without an account: the map, the district, the organisation.
    visitor = new_page(phone=True)
    visitor.goto("/")
    visitor.get_by_role("link", name=t("Competence map of the districts")).click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(
        t("Competence map of the districts")
    )
    assert_no_horizontal_scroll(visitor)
    visitor.screenshot(path=str(SHOTS / "public-map.png"), full_page=True)
    district = org.district
    row = visitor.locator("table tr", has_text=district.name)
    expect(row.locator("td")).to_have_text("1")
    # The district's hexagon on the map leads to the filtered directory.
    visitor.locator(f"svg a[data-district='{district.slug}']").click()
    expect(visitor).to_have_url(re.compile(rf"/organisations/public/\?district={district.slug}$"))
    expect(visitor.get_by_role("link", name=org.name)).to_be_visible()
    expect(visitor.get_by_role("link", name=other_org.name)).to_have_count(0)
    # The search finds it by what it offers.
    visitor.goto("/organisations/public/")
    visitor.locator("input[name=q]").fill("elterncafé")
    visitor.get_by_role("button", name=t("Search")).click()
    expect(visitor.get_by_role("link", name=org.name)).to_be_visible()
    assert_no_horizontal_scroll(visitor)
    visitor.screenshot(path=str(SHOTS / "public-directory-search.png"), full_page=True)
    visitor.get_by_role("link", name=org.name).click()
    expect(visitor.get_by_text(OFFER)).to_be_visible()
    expect(visitor.get_by_text(org_admin.email)).to_have_count(0)
    expect(visitor.get_by_role("button", name=t("Send request"))).to_have_count(0)
    visitor.screenshot(path=str(SHOTS / "public-detail-visitor.png"), full_page=True)

    # 3. A member of another organisation asks for contact.
    asker = new_page(phone=True)
    log_in(asker, other_org_admin.email)
    asker.goto(f"/organisations/public/{org.pk}/")
    asker.get_by_role("button", name=t("Send request")).click()
    expect(asker.locator("[data-error-summary]")).to_be_visible()
    asker.get_by_label(t("Your message")).fill("Wollen wir im Sommer ein Fest zusammen machen?")
    asker.get_by_label(
        t("They may reply to my e-mail address (it is passed on to their admins)")
    ).check()
    asker.screenshot(path=str(SHOTS / "public-contact-form.png"), full_page=True)
    asker.get_by_role("button", name=t("Send request")).dblclick()
    expect(asker.locator(".alert-success")).to_be_visible()
    assert_no_horizontal_scroll(asker)
    asker.screenshot(path=str(SHOTS / "public-contact-sent.png"), full_page=True)
    request = ContactRequest.objects.get()
    assert (request.organisation, request.from_organisation, request.share_email) == (
        org,
        other_org,
        True,
    )
    mails = OutboundEmail.objects.filter(subject__contains=other_org.name)
    assert [m.to for m in mails] == [org_admin.email]
    assert mails[0].headers["Reply-To"] == other_org_admin.email
