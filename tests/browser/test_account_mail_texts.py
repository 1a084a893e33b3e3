"""A portal admin on a phone rewords the German password-reset mail: without the required
link the text is refused and kept, the preview shows only a fictional link, a double click
saves once; then a person asks for a new password through the real form, gets the new
words with a working link, and sets a new password with it."""

import re
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from ikmo.models import AuditEntry
from mailtexts.models import MailText
from organisations.mails import SAMPLE_RESET_URL
from tests import factories

from .helpers import STAFF_TOTP_SECRET, assert_no_horizontal_scroll, log_in, t

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "journeys"
RESET = "account/email/password_reset_key"
NEW_PASSWORD = "Kastanienallee-Herbst-2026"


def test_admin_rewords_the_password_reset_mail_and_a_person_uses_it(new_page, portal_admin):
    person = factories.UserFactory(email="amal@org-a.example", first_name="Amal", last_name="H.")

    page = new_page(phone=True)
    log_in(page, portal_admin.email, totp_secret=STAFF_TOTP_SECRET)
    page.goto(reverse("mailtexts:list"))
    page.locator(f'[data-mail="{RESET}"] a[lang="de"]').click()
    # The first draft is the portal's text with its placeholders, never a real link.
    subject, body = page.locator("#id_subject"), page.locator("#id_body")
    expect(body).to_contain_text("{link}")

    # First try without the link: refused, named, nothing typed lost.
    typed = "Hallo {user},\n\nSie haben ein neues Passwort angefordert.\n\nIhr Team vom {site}"
    subject.fill("Ihr neues Passwort im {site}")
    body.fill(typed)
    page.get_by_role("button", name=t("Save"), exact=True).click()
    expect(body).to_have_attribute("aria-invalid", "true")
    expect(page.locator("[data-error-summary]")).to_contain_text("{link}")
    expect(body).to_have_value(typed)
    expect(subject).to_have_value("Ihr neues Passwort im {site}")
    assert not MailText.objects.exists()

    # Fixed, then previewed: a fictional person and link, nothing sent or saved.
    fixed = (
        "Hallo {user},\n\nSie haben ein neues Passwort angefordert. Hier geht es weiter:\n"
        "{link}\n\nIhr Team vom {site}"
    )
    body.fill(fixed)
    page.get_by_role("button", name=t("Preview"), exact=True).click()
    preview = page.locator("[data-preview]")
    expect(preview).to_contain_text(SAMPLE_RESET_URL)
    expect(preview).to_contain_text("Hallo Alex Beispiel,")
    expect(preview).to_contain_text(
        t(
            "This e-mail's links let a person sign in or set a password, so the preview always uses fictional sample values. Nothing has been sent or saved."
        )
    )
    assert "/accounts/password/reset/key/" not in page.content().replace(SAMPLE_RESET_URL, "")
    assert not mail.outbox and not MailText.objects.exists()
    assert_no_horizontal_scroll(page)
    preview.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "mail-texts-password-reset-preview.png"))

    # A double click saves once: one text, one history entry.
    page.get_by_role("button", name=t("Save"), exact=True).dblclick()
    expect(page.locator("[data-history-entry]")).to_have_count(1)
    assert MailText.objects.filter(template=RESET, language="de", is_active=True).count() == 1
    assert AuditEntry.objects.filter(action="mailtexts.mailtext.changed").count() == 1

    # A person (signed out, on a phone) asks for a new password through the real form.
    visitor = new_page(phone=True)
    visitor.goto(reverse("account_reset_password"))
    visitor.fill("input[name=email]", person.email)
    visitor.click("main form button[type=submit]")
    visitor.wait_for_url(lambda url: "/password/reset/done/" in url)
    [message] = mail.outbox
    assert message.to == [person.email]
    assert message.subject == "[IKMO] Ihr neues Passwort im IKMO-Portal"
    assert message.body.startswith("Hallo Amal H.,\n\nSie haben ein neues Passwort angefordert.")
    assert message.body.endswith("Ihr Team vom IKMO-Portal")
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", message.body)[0]
    assert SAMPLE_RESET_URL not in message.body

    # The link works: the person sets a new password and can sign in with it.
    visitor.goto(link)
    visitor.fill("input[name=password1]", NEW_PASSWORD)
    visitor.fill("input[name=password2]", NEW_PASSWORD)
    assert_no_horizontal_scroll(visitor)
    visitor.click("main form button[type=submit]")
    visitor.wait_for_url(lambda url: url.endswith("/key/done/"))
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
