"""The privacy policy and the accessibility statement: public, editable by admins, in the footer."""

import pytest
from django.urls import reverse
from django.utils import translation

from privacy.models import SitePage

pytestmark = pytest.mark.django_db


def test_both_pages_are_seeded_public_and_linked_in_the_footer(client):
    assert set(SitePage.objects.values_list("slug", flat=True)) == {"privacy", "accessibility"}
    home = client.get(reverse("home")).content.decode()
    for name in ("privacy:policy", "privacy:accessibility"):
        assert f'href="{reverse(name)}"' in home
        assert client.get(reverse(name)).status_code == 200


def test_the_pages_speak_german_by_default_and_english_on_request(client, settings):
    settings.LANGUAGE_CODE = "de"
    with translation.override("de"):
        page = client.get(reverse("privacy:policy"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert '<h1 class="h2">Datenschutzerklärung</h1>' in page
    assert "Erklärung zur Barrierefreiheit" in page  # footer link
    client.cookies.load({settings.LANGUAGE_COOKIE_NAME: "en"})
    page = client.get(reverse("privacy:accessibility")).content.decode()
    assert '<h1 class="h2">Accessibility statement</h1>' in page
    assert "WCAG 2.1" in page


def test_an_admins_edit_shows_as_plain_paragraphs_without_html(client, client_for, portal_admin):
    admin = client_for(portal_admin)
    page = SitePage.objects.get(slug="privacy")
    response = admin.post(
        reverse("admin:privacy_sitepage_change", args=[page.pk]),
        {
            "slug": "privacy",
            "title_de": "Datenschutz",
            "title_en": "Privacy",
            "body_de": "Erster Absatz.\n\n<script>alert(1)</script> Zweiter Absatz.",
            "body_en": "First.",
        },
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.updated_by == portal_admin
    client.cookies.load({"django_language": "de"})
    html = client.get(reverse("privacy:policy")).content.decode()
    assert "<p>Erster Absatz.</p>" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Zweiter Absatz." in html
    assert "<script>alert(1)" not in html


def test_a_missing_page_is_a_404_not_an_error(client):
    SitePage.objects.filter(slug="accessibility").delete()
    assert client.get(reverse("privacy:accessibility")).status_code == 404


def test_everyone_signed_in_reaches_my_data_from_the_account_menu(client_for, org_member):
    html = client_for(org_member).get(reverse("home")).content.decode()
    assert f'href="{reverse("privacy:my_data")}"' in html


def test_admins_get_the_people_page_in_their_menu_and_others_do_not(
    client_for, portal_admin, consultant
):
    people = reverse("privacy:people")
    assert people in client_for(portal_admin).get(reverse("home")).content.decode()
    assert people not in client_for(consultant).get(reverse("home")).content.decode()
    assert client_for(consultant).get(people).status_code == 403


def test_the_people_page_finds_a_person_and_lists_open_requests(client_for, portal_admin, subject):
    from privacy import services

    services.erasure_request(person=subject, message="Bitte")
    html = (
        client_for(portal_admin).get(reverse("privacy:people"), {"q": "quastorf"}).content.decode()
    )
    assert reverse("privacy:person", args=[subject.pk]) in html
    assert "Open requests for erasure" in html
    person = client_for(portal_admin).get(reverse("privacy:person", args=[subject.pk]))
    assert person.status_code == 200 and "Bitte" in person.content.decode()


def test_the_privacy_pages_are_served_in_german():
    # Completeness of every German catalogue is checked in tests/test_translations.py;
    # here: the privacy app's compiled catalogue is the one Django loads.
    with translation.override("de"):
        assert translation.gettext("My data") == "Meine Daten"
        assert (
            translation.gettext("Erase personal data now") == "Personenbezogene Daten jetzt löschen"
        )


def test_the_people_and_my_data_pages_do_not_grow_queries_with_rows(
    client_for, portal_admin, org_admin, org
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from privacy import services
    from tests import factories

    def counts():
        admin = client_for(portal_admin)
        with CaptureQueriesContext(connection) as people:
            admin.get(reverse("privacy:people"))
        member = client_for(org_admin)
        with CaptureQueriesContext(connection) as mine:
            member.get(reverse("privacy:my_data"))
        return len(people), len(mine)

    def add(n):
        for _ in range(n):
            person = factories.member_of(org)
            services.erasure_request(person=person)
            services.consent_give(
                person=org_admin, purpose="photos", text_version="1", by=org_admin
            )

    add(2)
    few = counts()
    add(8)
    assert counts() == few


def test_a_search_too_long_to_be_valid_lists_everyone_instead_of_failing(
    client_for, portal_admin, subject
):
    response = client_for(portal_admin).get(reverse("privacy:people"), {"q": "x" * 300})
    assert response.status_code == 200
    assert reverse("privacy:person", args=[subject.pk]) in response.content.decode()
    assert response.context["q"] == ""
