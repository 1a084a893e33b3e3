"""A project lead on a phone rewords the German confirmation of a workshop registration: a
mistyped placeholder is refused with the text kept, the preview shows a real registration,
a double click saves once, and the next registration's mail uses the new words."""

from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from ikmo.models import AuditEntry, OutboundEmail
from mailtexts.models import MailText
from qualification.services import registration_create
from tests import factories
from tests.qualification.factories import make_workshop

from .helpers import STAFF_TOTP_SECRET, assert_no_horizontal_scroll, log_in, t

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "journeys"
CONFIRMED = "qualification/email/registration_confirmed"


def _register(workshop, org, email):
    person = factories.member_of(org, email=email)
    registration_create(workshop=workshop, participant=person, organisation=org, by=person)
    return OutboundEmail.objects.get(to=email)


def test_lead_rewords_a_mail_in_german_on_a_phone(new_page, project_lead, org, consultant):
    workshop = make_workshop(trainer=consultant, title="Vereinsgründung kompakt", capacity=5)
    _register(workshop, org, "erste@org-a.example")

    page = new_page(phone=True)
    log_in(page, project_lead.email, totp_secret=STAFF_TOTP_SECRET)
    page.goto(reverse("mailtexts:list"))
    assert_no_horizontal_scroll(page)
    page.screenshot(path=str(SHOTS / "mail-texts-list.png"))
    page.locator(f'[data-mail="{CONFIRMED}"] a[lang="de"]').click()

    # First try: a placeholder that does not exist. Refused, named, nothing typed lost.
    subject, body = page.locator("#id_subject"), page.locator("#id_body")
    subject.fill("Ihr Platz im Workshop {workshop}")
    body.fill(
        "Hallo {foo},\n\nwir freuen uns auf Sie!\n{details}\n\nAbmelden: {registrations_link}"
    )
    page.get_by_role("button", name=t("Save"), exact=True).click()
    expect(body).to_have_attribute("aria-invalid", "true")
    expect(page.locator("[data-error-summary]")).to_contain_text("„{foo}“")
    expect(page.locator("[data-error-summary]")).to_contain_text("{registrations_link}")
    expect(body).to_have_value(
        "Hallo {foo},\n\nwir freuen uns auf Sie!\n{details}\n\nAbmelden: {registrations_link}"
    )
    expect(subject).to_have_value("Ihr Platz im Workshop {workshop}")
    assert not MailText.objects.exists()

    # Fixed, then previewed with the real registration: nothing is sent or saved.
    body.fill("Hallo,\n\nwir freuen uns auf Sie!\n{details}\n\nAbmelden: {registrations_link}")
    page.get_by_role("button", name=t("Preview with real data")).click()
    preview = page.locator("[data-preview]")
    expect(preview).to_contain_text("Ihr Platz im Workshop Vereinsgründung kompakt")
    expect(preview).to_contain_text("Musterstraße 1")
    assert OutboundEmail.objects.count() == 1
    assert not MailText.objects.exists()
    assert_no_horizontal_scroll(page)
    preview.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "mail-texts-preview.png"))

    # A double click saves once: one text, one history entry.
    page.get_by_role("button", name=t("Save"), exact=True).dblclick()
    expect(page.locator("[data-history-entry]")).to_have_count(1)
    assert MailText.objects.filter(template=CONFIRMED, language="de", is_active=True).count() == 1
    assert AuditEntry.objects.filter(action="mailtexts.mailtext.changed").count() == 1
    page.screenshot(path=str(SHOTS / "mail-texts-saved.png"), full_page=True)

    # The next registration's mail speaks the new words.
    email = _register(workshop, org, "zweite@org-a.example")
    assert email.subject == "Ihr Platz im Workshop Vereinsgründung kompakt"
    assert email.body.startswith("Hallo,\n\nwir freuen uns auf Sie!\n")
    assert "Musterstraße 1" in email.body
    assert email.body.rstrip().endswith(reverse("qualification:my_registrations"))
