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
