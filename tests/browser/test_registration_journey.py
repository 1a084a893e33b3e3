"""An organisation signs up, confirms its e-mail, registers, and is approved by a project lead."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from organisations.models import Organisation

from .helpers import STAFF_TOTP_SECRET, log_in, t

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

EMAIL = "nia@neuer-verein.example"
PASSWORD = "Nachbarschaft-2026-sicher"
NAME = "Neuer Nachbarschaftsverein e.V."


def test_a_new_organisation_signs_up_gets_approved_and_sees_it(new_page, mailoutbox, project_lead):
    applicant = new_page()
    applicant.goto("/accounts/signup/")
    applicant.fill("input[name=first_name]", "Amira")
    applicant.fill("input[name=last_name]", "Haddad")
    applicant.fill("input[name=email]", EMAIL)
    applicant.fill("input[name=password1]", PASSWORD)
    applicant.fill("input[name=password2]", PASSWORD)
    applicant.click("form.allauth-form-signup button[type=submit]")
    applicant.wait_for_url("**" + reverse("account_email_verification_sent"))

    # The confirmation link arrives by e-mail.
    assert [m.to for m in mailoutbox] == [[EMAIL]]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mailoutbox[0].body)
    assert link, mailoutbox[0].body
    applicant.goto(link.group(0))
    applicant.click("main form button[type=submit]")
    applicant.wait_for_url(lambda url: url.rstrip("/").endswith(applicant.base_url.rstrip("/")))

    # Confirmed and signed in: register the organisation.
    applicant.click(f"main a[href='{reverse('organisations:register')}']")
    applicant.fill("#id_name", NAME)
    applicant.select_option("#id_kind", Organisation.Kind.MIGRANT_ORGANISATION)
    applicant.select_option("#id_legal_form", Organisation.LegalForm.REGISTERED_ASSOCIATION)
    applicant.fill("#id_founding_year", "2020")
    applicant.select_option("#id_district", label="Neukölln")
    applicant.locator("input[name=fields_of_work]").first.check()
    applicant.click("main form button[type=submit]")
    expect(applicant.locator("main h1")).to_have_text(NAME)
    expect(applicant.locator("main .alert-warning")).to_contain_text(t("Waiting for approval"))
    organisation = Organisation.objects.get(name=NAME)
    assert organisation.status == Organisation.Status.PENDING

    # A project lead signs in with the second factor and approves it from the queue.
    lead = new_page()
    log_in(lead, project_lead.email, totp_secret=STAFF_TOTP_SECRET)
    lead.goto(reverse("organisations:registrations"))
    entry = lead.locator(".list-group-item", has_text=NAME)
    entry.locator("form[action$='/approve/'] button").click()
    expect(lead.locator(".messages .alert-success")).to_contain_text(NAME)
    expect(lead.locator(".list-group-item", has_text=NAME)).to_have_count(0)

    # The new organisation admin sees it approved, and was told by e-mail.
    applicant.goto("/")
    mine = applicant.locator("main .list-group-item", has_text=NAME)
    expect(mine.locator(".badge")).to_have_text(t("Approved"))
    mine.get_by_role("link", name=NAME).click()
    expect(applicant.locator("main h1")).to_have_text(NAME)
    expect(applicant.locator("main .alert-warning")).to_have_count(0)
    assert any(EMAIL in m.to and NAME in m.body for m in mailoutbox[1:])
