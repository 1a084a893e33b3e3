"""The portal says "Sie": every account page and e-mail a person reaches, rendered in German,
has no informal "du" (allauth's own German catalogue uses it; ikmo/allauth_wording.py and the
templates in templates/account override it). Also: the name asked at sign-up, the links and
site name in account e-mails, and sending the confirmation again."""

import re

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from organisations.models import User
from tests.conftest import enrol_mfa
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

INFORMAL = re.compile(
    r"\b(du|dich|dir|dein|deine|deinen|deinem|deiner|deines|hast|bist|kannst|musst|möchtest|"
    r"gib|bestätige|lass|folge|überprüfe|verwende|erstelle|melde dich|kontaktiere)\b",
    re.IGNORECASE,
)
PASSWORD = "Lindenblatt-Sommer-2024"


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def assert_formal(text: str, where: str):
    found = INFORMAL.findall(text)
    assert not found, f"informal German on {where}: {found}"


def test_informal_pattern_catches_allauths_own_wording():
    # Guards the guard: allauth's German sign-out question, as it ships.
    assert INFORMAL.search("Bist du sicher, dass du dich abmelden möchtest?")
    assert not INFORMAL.search("Möchten Sie sich wirklich abmelden? Sie haben sich abgemeldet.")


def test_public_account_pages_are_formal(client):
    user = UserFactory(email="formal@example.org")
    key = EmailConfirmationHMAC(EmailAddress.objects.get(user=user)).key
    pages = [
        reverse("account_login"),
        reverse("account_signup"),
        reverse("account_reset_password"),
        reverse("account_reset_password_done"),
        reverse("account_email_verification_sent"),
        reverse("account_confirm_email", args=[key]),
        reverse("account_confirm_email", args=["not-a-key"]),
        reverse("account_reset_password_from_key", kwargs={"uidb36": "x", "key": "y"}),
        reverse("account_reset_password_from_key_done"),
    ]
    for url in pages:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        assert_formal(visible_text(response.content.decode()), url)
    # Form errors too: a second password that does not match, a wrong password.
    response = client.post(
        reverse("account_signup"),
        {"email": "x@example.org", "password1": PASSWORD, "password2": PASSWORD + "x"},
    )
    text = visible_text(response.content.decode())
    assert "Bitte geben Sie zweimal dasselbe Passwort ein." in text
    assert_formal(text, "signup errors")


def test_signed_in_account_pages_are_formal(client):
    user = UserFactory(email="staff@example.org")
    enrol_mfa(user)
    client.force_login(user)
    session = client.session
    session["account_authenticated_at"] = 0
    session.save()
    pages = [
        reverse("account_email"),
        reverse("account_change_password"),
        reverse("account_logout"),
        reverse("account_reauthenticate"),
        reverse("mfa_index"),
        reverse("mfa_generate_recovery_codes"),
        reverse("mfa_deactivate_totp"),
        reverse("mfa_reauthenticate"),
    ]
    for url in pages:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        assert_formal(visible_text(response.content.decode()), url)
    response = client.post(reverse("account_logout"), follow=True)
    assert "Sie haben sich abgemeldet." in visible_text(response.content.decode())

    # Someone without a second factor yet sees the page to set one up.
    client.force_login(UserFactory(email="new-staff@example.org"))
    response = client.get(reverse("mfa_activate_totp"), follow=True)
    assert response.status_code == 200
    assert_formal(visible_text(response.content.decode()), "mfa_activate_totp")


def test_account_emails_are_formal_and_greet_by_name(client):
    user = UserFactory(email="reset@example.org", first_name="Amina", last_name="Yilmaz")
    client.post(reverse("account_reset_password"), {"email": user.email})
    client.post(
        reverse("account_signup"),
        {
            "first_name": "Zweite",
            "last_name": "Person",
            "email": user.email,
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert len(mail.outbox) == 2
    reset, already = mail.outbox
    assert reset.body.startswith("Guten Tag Amina Yilmaz,")
    assert "Bitte bestätigen" not in already.subject
    for message in mail.outbox:
        assert_formal(message.subject + message.body, message.subject)
        assert "127.0.0.1:8000" not in message.body


def test_sign_up_asks_the_name_and_the_dashboard_greets_by_it(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "noname@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 200  # first and last name are required
    assert set(response.context["form"].errors) == {"first_name", "last_name"}
    assert not User.objects.filter(email="noname@example.org").exists()

    client.post(
        reverse("account_signup"),
        {
            "first_name": "  Leyla ",
            "last_name": "Demir",
            "email": "leyla@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    user = User.objects.get(email="leyla@example.org")
    assert (user.first_name, user.last_name) == ("Leyla", "Demir")
    body = mail.outbox[0].body
    assert body.startswith("Guten Tag Leyla Demir,")
    assert "IKMO-Portal" in body
    assert "Hallo von" not in body

    EmailAddress.objects.filter(user=user).update(verified=True)
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    assert "Guten Tag, Leyla Demir" in html
    assert "leyla@example.org</h1>" not in html


def _confirmation_link(message) -> str:
    return re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)


def test_without_a_configured_site_mails_link_to_the_address_of_the_request(client, settings):
    settings.IKMO_SITE_URL_CONFIGURED = False
    client.post(
        reverse("account_signup"),
        {
            "first_name": "A",
            "last_name": "B",
            "email": "port@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
        HTTP_HOST="127.0.0.1:8102",
    )
    assert _confirmation_link(mail.outbox[0]).startswith("http://127.0.0.1:8102/accounts/")


@override_settings(IKMO_SITE_URL="https://portal.ikmo.example", IKMO_SITE_URL_CONFIGURED=True)
def test_with_a_configured_site_every_account_mail_links_there(client):
    UserFactory(email="known@example.org")
    client.post(
        reverse("account_signup"),
        {
            "first_name": "A",
            "last_name": "B",
            "email": "new@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    client.post(reverse("account_reset_password"), {"email": "known@example.org"})
    confirm, reset = mail.outbox
    assert _confirmation_link(confirm).startswith("https://portal.ikmo.example/accounts/")
    links = re.findall(r"https?://[^\s]+", reset.body)
    assert links and all(link.startswith("https://portal.ikmo.example/") for link in links)
    assert "testserver" not in confirm.body + reset.body


def test_the_confirmation_mail_can_be_sent_again_once_the_rate_limit_allows(client):
    from django.core.cache import cache

    client.post(
        reverse("account_signup"),
        {
            "first_name": "A",
            "last_name": "B",
            "email": "again@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    page = client.get(reverse("account_email_verification_sent")).content.decode()
    assert "again@example.org" in page
    assert reverse("account_resend_verification") in page
    assert "mailto:portal@ikmo.example" in page

    # Straight away: allauth's limit (one mail per three minutes) says wait.
    response = client.post(reverse("account_resend_verification"), follow=True)
    assert len(mail.outbox) == 1
    assert "drei Minuten" in response.content.decode()

    cache.clear()  # three minutes later
    response = client.post(reverse("account_resend_verification"), follow=True)
    assert len(mail.outbox) == 2
    assert mail.outbox[1].to == ["again@example.org"]


def test_resend_without_a_sign_up_in_this_browser_sends_nothing(client):
    UserFactory(email="someone@example.org", verified=False)
    response = client.post(reverse("account_resend_verification"))
    assert response["Location"] == reverse("account_login")
    assert mail.outbox == []
    assert client.get(reverse("account_resend_verification")).status_code == 405
