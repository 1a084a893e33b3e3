"""API tokens in a real browser, on a phone: a member creates a token (refused first, with
what they chose kept), copies it once, uses it, and revokes it; the API documentation
renders from our own origin under the portal's Content Security Policy."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from ikmo.models import ApiToken

from .helpers import assert_accessible, assert_no_horizontal_scroll, log_in_by_cookie, t

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_member_creates_uses_and_revokes_a_token_on_a_phone(new_page, org_member):
    page = new_page(phone=True)
    log_in_by_cookie(page, org_member)
    page.goto(reverse("api_tokens"))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("API tokens"))
    expect(page.get_by_text(t("You have no tokens yet."))).to_be_visible()

    # First attempt: no name and a day that has passed.
    page.get_by_label(t("Read and write")).check()
    page.locator("#id_expires_on").fill((timezone.localdate() - timedelta(days=3)).isoformat())
    page.get_by_role("button", name=t("Create token")).click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(t("Please give the token a name."))
    expect(summary).to_contain_text(t("The expiry date must lie in the future."))
    expect(page.get_by_label(t("Read and write"))).to_be_checked()
    assert not ApiToken.objects.exists()
    assert_no_horizontal_scroll(page)
    page.screenshot(path="docs/screenshots/journeys/api-token-error-phone.png", full_page=True)

    # Corrected, with a date as a person in Germany reads it ("31.12.<next year>"); a
    # double tap makes one token.
    year = timezone.localdate().year + 1
    page.locator("#id_name").fill("Vereins-CRM")
    page.locator("#id_expires_on").fill(f"{year}-12-31")
    page.get_by_role("button", name=t("Create token")).dblclick()
    secret_field = page.locator("#new-token-secret")
    expect(secret_field).to_be_visible()
    token = ApiToken.objects.get()
    assert (token.user, token.name, token.scope) == (org_member, "Vereins-CRM", "write")
    assert timezone.localtime(token.expires_at).date().isoformat() == f"{year}-12-31"
    secret = secret_field.input_value()
    assert secret.startswith(f"ikmo_{token.prefix}_")
    assert token.digest not in secret
    page.get_by_role("button", name=t("Copy")).click()
    expect(page.get_by_role("button", name=t("Copied"))).to_be_visible()
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
    page.screenshot(path="docs/screenshots/journeys/api-token-created-phone.png", full_page=True)

    # The token works, as a program would send it.
    answer = page.request.get("/api/v1/me/", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status == 200
    assert answer.json()["email"] == org_member.email

    # Shown once: a reload no longer shows the secret.
    page.reload()
    expect(page.locator("#new-token-secret")).to_have_count(0)
    expect(page.locator("table")).to_contain_text("Vereins-CRM")

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=t("Revoke")).click()
    expect(page.locator("table")).to_contain_text(t("revoked"))
    token.refresh_from_db()
    assert token.revoked_at is not None
    refused = page.request.get("/api/v1/me/", headers={"Authorization": f"Bearer {secret}"})
    assert refused.status == 401


def test_the_api_documentation_renders_under_the_content_security_policy(new_page, org_member):
    page = new_page()
    log_in_by_cookie(page, org_member)
    page.goto(reverse("api:docs"))
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible(timeout=15_000)
    expect(page.locator(".swagger-ui")).to_contain_text("/api/v1/me/")
    page.screenshot(path="docs/screenshots/api-docs.png")
