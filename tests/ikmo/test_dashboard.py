import pytest
from django.urls import reverse

from ikmo import dashboard
from ikmo.dashboard import Card, CardLink

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_app_cards(monkeypatch):
    seen_users = []

    def cards(user):
        seen_users.append(user)
        return [
            Card(
                title="Nächster Workshop",
                subproject="qualification",
                links=[CardLink("Vereinsgründung", "/qualification/1/", detail="3. Dezember")],
                action=CardLink("Alle Workshops", "/qualification/"),
            )
        ]

    monkeypatch.setattr(dashboard, "hooks", lambda name: [(None, cards)])
    return seen_users


def test_overview_shows_the_cards_apps_contribute_for_this_person(
    client_for, org_member, fake_app_cards
):
    response = client_for(org_member).get(reverse("home"))
    html = response.content.decode()
    assert "Nächster Workshop" in html
    assert 'href="/qualification/1/"' in html and "3. Dezember" in html
    assert "Alle Workshops" in html
    assert fake_app_cards == [org_member]


def test_apps_without_a_dashboard_hook_are_skipped():
    found = dashboard.hooks("dashboard")
    assert all(callable(cards) for _app, cards in found)
    labels = [app.label for app, _cards in found]
    assert "participation_check" not in labels and "reporting" not in labels
    # The core offers one too: new messages in any thread (ikmo/threads.py).
    assert labels == ["ikmo", "qualification", "mentoring", "actionfund", "volunteering"]


def test_counts_of_a_thousand_and_more_are_grouped_as_the_language_writes_them(
    client_for, project_lead
):
    """19367 is hard to read; the overview's registry figure and the directory's total say
    "1.001" in German and "1,001" in English (ids and years elsewhere stay ungrouped)."""
    from devtools import factories

    factories.approved_organisations(1001)
    client = client_for(project_lead)
    for language, shown in (("de", "1.001"), ("en", "1,001")):
        home = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert f'<p class="display-6 mb-0">{shown}</p>' in home
        directory = client.get(
            reverse("organisations:directory"), HTTP_ACCEPT_LANGUAGE=language
        ).content.decode()
        assert f"{shown} {'Organisationen' if language == 'de' else 'organisations'}" in directory


@pytest.mark.parametrize(
    "language, value, shown",
    [("de", 19367, "19.367"), ("en", 19367, "19,367"), ("tr", 1000, "1.000"),
     ("ar", 1000, "1,000"), ("de", 999, "999"), ("de", None, "")],
)  # fmt: skip
def test_grouped_writes_whole_numbers_with_the_languages_thousands_separator(
    language, value, shown
):
    from django.utils import translation

    from ikmo.templatetags.numbers import grouped

    with translation.override(language):
        assert grouped(value) == shown
