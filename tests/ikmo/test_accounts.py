"""Accounts through django-allauth: e-mail login, confirmation, password reset, rate limits."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from django.urls import reverse

from organisations.models import User
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Lindenblatt-Sommer-2024"


@pytest.fixture
def english(client):
    """Messages below are compared in English; German is the default UI language."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _logged_in_user_id(client):
    return client.session.get("_auth_user_id")


def _first_link(body: str) -> str:
    match = re.search(r"https?://[^/\s]+(/\S+)", body)
    assert match, body
    return match.group(1)


def test_sign_up_sends_a_confirmation_mail_and_confirming_logs_in(client):
    response = client.post(
        reverse("account_signup"),
        {
            "first_name": "Neue",
            "last_name": "Person",
            "email": "Neue.Person@Example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="neue.person@example.org")
    assert not EmailAddress.objects.get(user=user).verified
    assert _logged_in_user_id(client) is None  # mandatory verification: not yet

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["neue.person@example.org"]
    assert message.subject.startswith("[IKMO] ")
    confirm_url = _first_link(message.body)
    assert confirm_url.startswith("/accounts/confirm-email/")

    assert client.get(confirm_url).status_code == 200
    response = client.post(confirm_url)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert _logged_in_user_id(client) == str(user.pk)


def test_sign_up_remembers_the_language_used(english):
    english.post(
        reverse("account_signup"),
        {
            "first_name": "Ann",
            "last_name": "Lee",
            "email": "english@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert User.objects.get(email="english@example.org").preferred_language == "en"


def test_sign_up_refuses_weak_passwords_and_keeps_the_address(english):
    response = english.post(
        reverse("account_signup"),
        {
            "first_name": "W",
            "last_name": "K",
            "email": "weak@example.org",
            "password1": "12345678",
            "password2": "12345678",
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="weak@example.org").exists()
    assert 'value="weak@example.org"' in response.content.decode()
    assert response.context["form"].errors


def test_login_by_email_address(client):
    user = UserFactory(email="login@example.org")
    response = client.post(
        reverse("account_login"), {"login": "LOGIN@example.org", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert _logged_in_user_id(client) == str(user.pk)


def test_unverified_address_cannot_log_in(client):
    user = UserFactory(email="unverified@example.org", verified=False)
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert _logged_in_user_id(client) is None
    # ...and a fresh confirmation mail is on its way.
    assert len(mail.outbox) == 1
    assert "/accounts/confirm-email/" in mail.outbox[0].body


def test_wrong_password_is_refused(english):
    UserFactory(email="person@example.org")
    response = english.post(
        reverse("account_login"), {"login": "person@example.org", "password": "not-the-password"}
    )
    assert response.status_code == 200
    assert _logged_in_user_id(english) is None
    assert "not correct" in response.content.decode()


def test_password_reset_by_mail_sets_a_new_password(client):
    user = UserFactory(email="forgot@example.org")
    response = client.post(reverse("account_reset_password"), {"email": "forgot@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    reset_url = _first_link(mail.outbox[0].body)
    assert reset_url.startswith("/accounts/password/reset/key/")

    # allauth moves the key out of the URL into the session, then shows the form.
    response = client.get(reset_url)
    assert response.status_code == 302
    form_url = response["Location"]
    assert client.get(form_url).status_code == 200
    response = client.post(form_url, {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302

    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not user.check_password(DEFAULT_PASSWORD)
    # The link is single-use.
    client.logout()
    response = client.get(reset_url, follow=True)
    assert "password1" not in response.content.decode()


def test_password_reset_for_an_unknown_address_sends_nothing_to_it(client):
    client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert not any("/accounts/password/reset/key/" in m.body for m in mail.outbox)


def test_repeated_failed_logins_are_blocked_even_with_the_right_password(english):
    """From the same device and address; elsewhere the owner still gets in
    (tests/security/test_login_lockout.py)."""
    user = UserFactory(email="target@example.org")
    url = reverse("account_login")
    for _ in range(5):
        response = english.post(url, {"login": user.email, "password": "guess-guess-guess"})
        assert response.status_code == 200
        assert "Too many failed sign-in attempts" not in response.content.decode()
    response = english.post(url, {"login": user.email, "password": "guess-guess-guess"})
    assert "Too many failed sign-in attempts" in response.content.decode()
    response = english.post(url, {"login": user.email, "password": DEFAULT_PASSWORD})
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert _logged_in_user_id(english) is None


def test_login_attempts_from_one_address_are_limited_per_minute(client):
    """Beyond ACCOUNT_RATE_LIMITS["login"] the login view answers 429."""
    url = reverse("account_login")
    statuses = [
        client.post(url, {"login": f"p{i}@example.org", "password": "x-x-x-x-x"}).status_code
        for i in range(31)
    ]
    assert 429 in statuses
    assert statuses[0] == 200


def test_rate_limit_counters_live_in_the_shared_cache(english):
    """The counters are kept in the cache: clearing it lifts the block (as Redis expiry does)."""
    from django.core.cache import cache

    user = UserFactory(email="cache@example.org")
    url = reverse("account_login")
    for _ in range(6):
        english.post(url, {"login": user.email, "password": "guess-guess-guess"})
    cache.clear()
    english.post(url, {"login": user.email, "password": DEFAULT_PASSWORD})
    assert _logged_in_user_id(english) == str(user.pk)
