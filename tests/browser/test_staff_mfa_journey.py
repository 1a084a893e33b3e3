"""A new consultant signs in with the password alone and is stopped: the second factor is set up
only through the invitation link an admin sends. With the link, on a phone, a wrong code first,
then the right one (double-clicked), then a real sign-in with password and code."""

import re
from pathlib import Path
from urllib.parse import quote

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from ikmo import mfa
from ikmo.models import OutboundEmail, StaffMFAInvitation
from organisations.models import District, StaffRole
from tests import factories
from tests.factories import DEFAULT_PASSWORD

from .helpers import log_in, totp_code

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "journeys"


def _wrong(code: str) -> str:
    return f"{(int(code) + 500_000) % 1_000_000:06d}"


def test_a_consultant_enrols_totp_through_the_invitation_link_on_a_phone(new_page, org, other_org):
    consultant = factories.staff(StaffRole.Role.CONSULTANT, email="berater@centre.example")
    admin = factories.UserFactory(is_superuser=True, is_staff=True, email="root@centre.example")
    other_org.district = District.objects.get(name="Pankow")
    other_org.save(update_fields=["district"])
    page = new_page(phone=True)

    # The password alone: no set-up page, only the explanation.
    log_in(page, consultant.email)
    page.wait_for_url("**" + reverse("mfa_required"))
    expect(page.locator("main h1")).to_contain_text("Zwei-Faktor")
    page.goto(reverse("mfa_activate_totp"))
    page.wait_for_url("**" + reverse("mfa_required"))
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "staff-mfa-needs-invitation.png"))
    assert not consultant.authenticator_set.exists()

    # An admin sends the link; it arrives by e-mail at the consultant's own address.
    mfa.mfa_invitation_create(user=consultant, by=admin)
    mail = OutboundEmail.objects.get(to=consultant.email)
    path = re.search(r"https?://[^/\s]+(/second-factor/[\w-]+/)", mail.body).group(1)
    page.goto(path)
    if reverse("account_reauthenticate") in page.url:
        assert "next=" + quote(reverse("mfa_activate_totp"), safe="") in page.url
        page.fill("input[name=password]", DEFAULT_PASSWORD)
        page.click("main form button[type=submit]")
    page.wait_for_url("**" + reverse("mfa_activate_totp"))
    expect(page.locator("img.qr-code")).to_be_visible()
    secret = page.locator("#authenticator_secret").input_value()
    assert len(secret) >= 16

    # A mistyped code first: refused, explained, nothing enrolled.
    page.fill("input[name=code]", _wrong(totp_code(secret)))
    page.click("main form button[type=submit]")
    expect(page.locator("main form .invalid-feedback, main form .errorlist").first).to_be_visible()
    assert not consultant.authenticator_set.exists()
    page.screenshot(path=str(SHOTS / "staff-mfa-wrong-code.png"))

    page.fill("input[name=code]", totp_code(secret))
    page.dblclick("main form button[type=submit]")
    page.wait_for_url(lambda url: reverse("mfa_activate_totp") not in url)
    assert consultant.authenticator_set.filter(type="totp").count() == 1
    assert StaffMFAInvitation.objects.get(user=consultant).used_at is not None

    # The link is spent; a real sign-in now asks for the code.
    page.goto(path)
    page.wait_for_url(lambda url: "/second-factor/" not in url)
    page.context.clear_cookies()
    log_in(page, consultant.email, totp_secret=secret)
    page.goto(reverse("organisations:directory"))
    rows = page.locator("main table tbody tr")
    expect(rows.filter(has_text=other_org.name)).to_have_count(1)
    page.screenshot(path=str(SHOTS / "staff-mfa-signed-in.png"))
