"""Wrong passwords slow down the guesser, never the account's owner (login_throttle)."""

import pytest
from django.test import Client
from django.urls import reverse

from organisations import login_throttle
from tests import factories
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

URL = "/accounts/login/"


@pytest.fixture
def person(db):
    return factories.UserFactory(email="owner@org.example")


def _sign_in(client, email, password, **extra):
    return client.post(URL, {"login": email, "password": password}, **extra)


def _signed_in(response, client) -> bool:
    return response.status_code == 302 and "_auth_user_id" in client.session


def _guess(email, times, **extra):
    guesser = Client()
    for _ in range(times):
        response = _sign_in(guesser, email, "wrong-password-1", **extra)
    return response


def test_the_guesser_is_slowed_down(person):
    guesser = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(5):
        assert _sign_in(guesser, person.email, "wrong-password-1").status_code == 200
    # From the guesser's address even the right password waits now.
    response = _sign_in(guesser, person.email, DEFAULT_PASSWORD)
    assert not _signed_in(response, guesser)
    assert response.status_code == 200
    assert "Zu viele fehlgeschlagene Anmeldeversuche von diesem Gerät" in response.content.decode()


def test_the_owner_elsewhere_signs_in_while_someone_guesses(person):
    _guess(person.email, 6, REMOTE_ADDR="203.0.113.9")
    owner = Client(REMOTE_ADDR="198.51.100.7")
    assert _signed_in(_sign_in(owner, person.email, DEFAULT_PASSWORD), owner)


def test_a_known_device_signs_in_even_from_the_guessers_address(person):
    owner = Client(REMOTE_ADDR="203.0.113.9")
    assert _signed_in(_sign_in(owner, person.email, DEFAULT_PASSWORD), owner)
    assert login_throttle.COOKIE_NAME in owner.cookies
    owner.post(reverse("account_logout"))
    # Someone on the same network (same public address) now guesses, many times, and from
    # many addresses: the per-IP and the account-wide counters are both used up.
    _guess(person.email, 12, REMOTE_ADDR="203.0.113.9")
    for n in range(30):
        _guess(person.email, 1, REMOTE_ADDR=f"192.0.2.{n + 1}")
    stranger = Client(REMOTE_ADDR="198.51.100.99")
    assert not _signed_in(_sign_in(stranger, person.email, DEFAULT_PASSWORD), stranger)
    # The owner's browser from before still gets in.
    assert _signed_in(_sign_in(owner, person.email, DEFAULT_PASSWORD), owner)


def test_a_forged_device_cookie_counts_for_nothing(person):
    _guess(person.email, 6, REMOTE_ADDR="203.0.113.9")
    forger = Client(REMOTE_ADDR="203.0.113.9")
    forger.cookies[login_throttle.COOKIE_NAME] = "eyJ1c2VycyI6WzFdfQ:forged:signature"
    assert not _signed_in(_sign_in(forger, person.email, DEFAULT_PASSWORD), forger)


def test_behind_the_proxy_each_client_has_its_own_count(person, settings):
    """All requests come from the proxy (REMOTE_ADDR); the client is in X-Forwarded-For."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    other = factories.UserFactory(email="other@org.example")
    for n in range(12):  # ten wrong passwords a minute from one client behind the proxy
        _guess(
            other.email if n % 2 else person.email,
            1,
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="203.0.113.9",
        )
    owner = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert _signed_in(_sign_in(owner, person.email, DEFAULT_PASSWORD), owner)


def test_production_trusts_one_proxy():
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ikmo.settings.production",
        "DJANGO_SECRET_KEY": "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "portal.example",
        "IKMO_SITE_URL": "https://portal.example",
        "DATABASE_URL": "sqlite:///tmp/unused.sqlite3",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
    }
    env.pop("ALLAUTH_TRUSTED_PROXY_COUNT", None)
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings; print(settings.ALLAUTH_TRUSTED_PROXY_COUNT)",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "1"
