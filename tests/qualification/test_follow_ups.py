"""Coaching follow-ups: overdue and upcoming in a chosen window, marked done once, audited."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ikmo.models import AuditEntry
from qualification import selectors, services
from tests import factories

from .test_services import _session

pytestmark = pytest.mark.django_db


def test_the_list_shows_overdue_and_the_chosen_window_without_done_ones(org, other_org, consultant):
    overdue = _session(org, consultant, days_ago=20, follow_up_in=-3)
    soon = _session(other_org, consultant, days_ago=30, follow_up_in=5)
    later = factories.OrganisationFactory(name="Später e.V.")
    in_three_weeks = _session(later, consultant, days_ago=30, follow_up_in=21)

    def shown(days):
        return set(selectors.open_follow_ups(consultant, within_days=days))

    assert shown(7) == {overdue, soon}
    assert shown(30) == {overdue, soon, in_three_weeks}
    services.coaching_follow_up_mark_done(session=overdue, by=consultant)
    assert shown(30) == {soon, in_three_weeks}


def test_marking_done_is_audited_once_and_stops_the_reminder(org, consultant):
    session = _session(org, consultant, days_ago=7, follow_up_in=0)
    services.coaching_follow_up_mark_done(session=session, by=consultant)
    services.coaching_follow_up_mark_done(session=session, by=consultant)  # double click
    session.refresh_from_db()
    assert session.follow_up_done_at is not None
    entries = AuditEntry.objects.filter(action="qualification.session.follow_up_done")
    assert entries.count() == 1
    assert entries.get().actor == consultant
    assert services.coaching_follow_up_reminders_send_all() == 0


def test_only_the_sessions_consultant_or_a_lead_may_mark_it(org, consultant, project_lead):
    session = _session(org, consultant, days_ago=7, follow_up_in=0)
    colleague = factories.staff("consultant", subproject="qualification", email="c2@x.example")
    with pytest.raises(ValidationError):
        services.coaching_follow_up_mark_done(session=session, by=colleague)
    without = _session(org, consultant, days_ago=3)
    with pytest.raises(ValidationError):
        services.coaching_follow_up_mark_done(session=without, by=consultant)
    services.coaching_follow_up_mark_done(session=session, by=project_lead)


def test_a_new_follow_up_date_is_open_again(org, consultant):
    from qualification.forms import CoachingSessionForm

    session = _session(org, consultant, days_ago=7, follow_up_in=0)
    services.coaching_follow_up_mark_done(session=session, by=consultant)
    form = CoachingSessionForm(
        {
            "date": session.date.isoformat(),
            "duration_minutes": 90,
            "format": "in_person",
            "participant_count": 1,
            "next_step": "Nochmal telefonieren",
            "follow_up_date": "31.12.2099",
        },
        instance=session,
    )
    assert form.is_valid(), form.errors
    services.coaching_session_update(session=session, data=form.session_data(), by=consultant)
    session.refresh_from_db()
    assert session.follow_up_done_at is None


def test_coaching_page_names_overdue_in_words_and_keeps_the_window(client, org, consultant):
    _session(org, consultant, days_ago=20, follow_up_in=-3)
    session = _session(
        factories.OrganisationFactory(name="Drei Wochen e.V."), consultant, follow_up_in=21
    )
    client.force_login(consultant)
    url = reverse("qualification:coaching")
    body = client.get(url).content.decode()
    assert "1 überfällige Nachverfolgung" in body
    assert "Drei Wochen e.V." not in body.split('id="upcoming-heading"')[1].split("</ul>")[1]
    assert "Drei Wochen e.V." in client.get(url, {"window": "30"}).content.decode()
    assert client.get(url, {"window": "abc"}).status_code == 200  # falls back to 7 days

    done = reverse("qualification:coaching_follow_up_done", args=[session.pk])
    response = client.post(done + "?window=30")
    assert response.status_code == 302 and response["Location"] == url + "?window=30"
    session.refresh_from_db()
    assert session.follow_up_done_at is not None


def test_every_list_of_the_coaching_page_is_paged(client, consultant):
    from qualification.models import CoachingCase
    from qualification.views import CASES_PER_PAGE, FOLLOW_UPS_PER_PAGE

    overdue = max(FOLLOW_UPS_PER_PAGE, CASES_PER_PAGE) + 3
    for i in range(overdue):
        org = factories.OrganisationFactory(name=f"Überfällig {i:02d} e.V.")
        _session(org, consultant, days_ago=30, follow_up_in=-(i + 1))
        CoachingCase.objects.get_or_create(
            organisation=org, defaults={"consultant": consultant, "is_active": True}
        )
    client.force_login(consultant)
    url = reverse("qualification:coaching")
    body = client.get(url).content.decode()
    assert f"{overdue} überfällige Nachverfolgungen" in body
    assert body.count("is-overdue") == FOLLOW_UPS_PER_PAGE
    assert "overdue=2#follow-ups" in body
    cases = body.split('id="cases-heading"')[1].split("</section>")[0]
    assert cases.count("<li>") == CASES_PER_PAGE
    assert "cases=2#cases" in cases
    second = client.get(url, {"overdue": 2, "window": 30}).content.decode()
    assert second.count("is-overdue") == overdue - FOLLOW_UPS_PER_PAGE
    assert 'href="?window=30&amp;overdue=1#follow-ups"' in second  # keeps the window


def test_the_overview_card_counts_every_follow_up_due_and_marks_the_overdue_ones(
    client_for, consultant, django_assert_num_queries
):
    from qualification.dashboard import FOLLOW_UPS_ON_CARD, _follow_up_card

    overdue = _session(
        factories.OrganisationFactory(name="Überfällig e.V."),
        consultant,
        days_ago=40,
        follow_up_in=-9,
    )
    for n in range(6):  # more than the card lists
        _session(
            factories.OrganisationFactory(name=f"Bald {n} e.V."),
            consultant,
            days_ago=30,
            follow_up_in=n + 1,
        )
    _session(
        factories.OrganisationFactory(name="Später e.V."), consultant, days_ago=30, follow_up_in=21
    )

    _follow_up_card(consultant)  # the person's staff roles are read once per request
    with django_assert_num_queries(1):
        card = _follow_up_card(consultant)
    assert card.count == 7  # every follow-up due within the week, not the five it lists
    assert len(card.links) == FOLLOW_UPS_ON_CARD
    first = card.links[0]
    assert first.label == "Überfällig e.V." and first.warning
    assert [link.warning for link in card.links[1:]] == [False] * (FOLLOW_UPS_ON_CARD - 1)

    html = client_for(consultant).get(reverse("home")).content.decode()
    day = overdue.follow_up_date.strftime("%d.%m.%Y")
    assert f"überfällig seit {day}" in html
    assert "in den nächsten sieben Tagen oder überfällig" in html
    assert "Später e.V." not in html
    assert reverse("qualification:coaching") + "#follow-ups" in html


def test_the_overview_card_of_a_consultant_without_follow_ups_says_so(client_for, consultant):
    from qualification.dashboard import _follow_up_card

    card = _follow_up_card(consultant)
    assert card.count == 0 and card.links == []
    assert card.action.url == reverse("qualification:coaching")
