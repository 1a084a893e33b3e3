"""A consultant without a second factor is sent to set one up, then works with the directory."""

from urllib.parse import quote

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from organisations.models import District, StaffRole
from tests import factories
from tests.factories import DEFAULT_PASSWORD

from .helpers import log_in, totp_code

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_consultant_enrols_totp_then_filters_the_directory(page, org, other_org):
    consultant = factories.staff(StaffRole.Role.CONSULTANT, email="berater@centre.example")
    other_org.district = District.objects.get(name="Pankow")
    other_org.save(update_fields=["district"])

    log_in(page, consultant.email)
    # The staff MFA rule sends them to the authenticator set-up, whatever they asked for;
    # allauth has them confirm their password first, as for any security change.
    expect(page.locator(".messages .alert-warning")).to_be_visible()
    if reverse("account_reauthenticate") in page.url:
        assert "next=" + quote(reverse("mfa_activate_totp"), safe="") in page.url
        page.fill("input[name=password]", DEFAULT_PASSWORD)
        page.click("main form button[type=submit]")
    page.wait_for_url("**" + reverse("mfa_activate_totp"))
    expect(page.locator("img.qr-code")).to_be_visible()
    secret = page.locator("#authenticator_secret").input_value()
    assert len(secret) >= 16
    page.fill("input[name=code]", totp_code(secret))
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: reverse("mfa_activate_totp") not in url)
    assert consultant.authenticator_set.filter(type="totp").exists()

    page.goto(reverse("organisations:directory"))
    rows = page.locator("main table tbody tr")
    expect(rows.filter(has_text=org.name)).to_have_count(1)
    expect(rows.filter(has_text=other_org.name)).to_have_count(1)

    page.select_option("select[name=district]", label="Pankow")
    page.click("main form[role=search] button[type=submit]")
    page.wait_for_url("**district=*")
    expect(rows.filter(has_text=other_org.name)).to_have_count(1)
    expect(rows.filter(has_text=org.name)).to_have_count(0)
