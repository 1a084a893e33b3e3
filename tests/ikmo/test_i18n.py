"""Languages: German by default, English on request, Arabic right-to-left."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def html_tag(response) -> str:
    return re.search(r"<html[^>]*>", response.content.decode()).group(0)


def nav_labels(response) -> list[str]:
    return [str(label) for label, _url in response.context["nav_items"]]


def switch_language(client, code, next_url="/"):
    response = client.post(reverse("set_language"), {"language": code, "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == next_url
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == code
    return response


def test_german_is_the_default(client, consultant):
    client.force_login(consultant)
    response = client.get(reverse("home"))
    assert 'lang="de"' in html_tag(response)
    assert 'dir="ltr"' in html_tag(response)
    page = response.content.decode()
    assert "Organisationen" in nav_labels(response)
    assert f'href="{reverse("organisations:directory")}">Organisationen<' in page
    assert "Abmelden" in page
    assert "Sign out" not in page


def test_switching_to_english_shows_english(client, consultant):
    client.force_login(consultant)
    switch_language(client, "en", reverse("organisations:directory"))
    response = client.get(reverse("organisations:directory"))
    assert 'lang="en"' in html_tag(response)
    assert "Organisations" in nav_labels(response)
    assert "Organisationen" not in response.content.decode()
    assert "No organisation matches these filters." in response.content.decode()


def test_switching_back_to_german(client, consultant):
    client.force_login(consultant)
    switch_language(client, "en")
    switch_language(client, "de")
    assert "Organisationen" in nav_labels(client.get(reverse("home")))


def test_public_pages_are_translated_too(client):
    german = client.get(reverse("account_login")).content.decode()
    switch_language(client, "en")
    english = client.get(reverse("account_login")).content.decode()
    assert german != english
    assert "Anmelden" in german
    assert "Sign In" in english or "Sign in" in english


def test_arabic_is_laid_out_right_to_left(client, org_member):
    client.force_login(org_member)
    switch_language(client, "ar")
    response = client.get(reverse("home"))
    tag = html_tag(response)
    assert 'lang="ar"' in tag
    assert 'dir="rtl"' in tag
    page = response.content.decode()
    assert "vendor/bootstrap.rtl.min.css" in page
    assert "vendor/bootstrap.min.css" not in page


def test_left_to_right_languages_use_the_normal_stylesheet(client):
    page = client.get(reverse("home")).content.decode()
    assert "vendor/bootstrap.min.css" in page
    assert "bootstrap.rtl" not in page


def test_the_language_menu_offers_every_configured_language(client):
    page = client.get(reverse("home")).content.decode()
    for code, _name in settings.LANGUAGES:
        assert f'name="language" value="{code}"' in page


@pytest.mark.parametrize(
    ("english", "german"),
    [
        ("Organisations", "Organisationen"),
        ("Registrations", "Registrierungen"),
        ("Migrant organisation", "Migrant*innenorganisation"),
        ("Sign out", "Abmelden"),
    ],
)
def test_key_strings_have_german_translations(english, german):
    """The compiled catalogues are loaded (a missing .mo file would show English here)."""
    with translation.override("de"):
        assert translation.gettext(english) == german
