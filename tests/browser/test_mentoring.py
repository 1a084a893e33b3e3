"""The mentoring journey in a real browser: a start-up asks, the lead matches, both accept,
they meet, the tandem ends and is evaluated. Outsiders never see it."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from mentoring import selectors
from mentoring.models import MentorRequest, Tandem, TandemEvaluation, TandemMeeting
from organisations.models import Membership, Organisation
from tests import factories
from tests.mentoring.factories import mentor_offer, mentor_request

from .helpers import assert_accessible, assert_no_horizontal_scroll, log_in_by_cookie

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "journeys"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def mentor(org):
    org.stage = Organisation.Stage.ESTABLISHED
    org.save(update_fields=["stage"])
    mentor_offer(org, fields=("education", "youth"), languages=("ar", "de"), topics=("funding",))
    return org


@pytest.fixture
def weaker_mentor(db):
    other = factories.OrganisationFactory(
        name="Fernverein e.V.", stage=Organisation.Stage.ESTABLISHED, district=None
    )
    mentor_offer(other, fields=("education",), languages=("de",), topics=("funding",))
    return other


def test_matching_and_tandem_journey(
    new_page, mentor, weaker_mentor, other_org, org_admin, other_org_admin, project_lead
):
    # 1. The start-up's admin, on a phone, asks for a mentor.
    mentee_page = new_page(phone=True)
    log_in_by_cookie(mentee_page, other_org_admin)
    mentee_page.goto("/mentoring/")
    mentee_page.get_by_role("link", name="Mentor-Organisation finden").click()
    mentee_page.get_by_label("Was wir brauchen").fill("Wir schreiben unseren ersten Förderantrag.")
    mentee_page.get_by_label("Bildung").check()
    mentee_page.get_by_label("Fördermöglichkeiten").check()
    mentee_page.get_by_label("Arabisch").check()
    assert_no_horizontal_scroll(mentee_page)
    mentee_page.get_by_role("button", name="Anfrage senden").click()
    expect(
        mentee_page.get_by_text("Das IKMO-Team schlägt Ihnen eine Mentor-Organisation vor")
    ).to_be_visible()
    mentor_request = MentorRequest.objects.get(organisation=other_org)

    # 2. The project lead sees ranked suggestions with their reasons and confirms the best.
    lead_page = new_page()
    log_in_by_cookie(lead_page, project_lead)
    lead_page.goto("/mentoring/matching/")
    lead_page.get_by_role("link", name=other_org.name).click()
    suggestions = lead_page.get_by_test_id("suggestion")
    expect(suggestions).to_have_count(2)
    best = suggestions.first
    expect(best).to_contain_text(mentor.name)
    expect(best).to_contain_text("Arbeitet im selben Feld: Bildung")
    expect(best).to_contain_text("Hat Erfahrung mit: Fördermöglichkeiten")
    expect(best).to_contain_text("Gemeinsame Sprache: Arabisch")
    expect(best).to_contain_text("Gleicher Bezirk: Neukölln")
    expect(suggestions.nth(1)).to_contain_text("Keine gemeinsame Sprache")
    assert_accessible(lead_page)
    best.get_by_label("Ziele des Tandems (optional)").fill("Einen Förderantrag einreichen")
    best.get_by_role("button", name="Dieses Tandem bestätigen").click()
    expect(lead_page.get_by_test_id("tandem-status")).to_have_text("Vorgeschlagen")
    tandem = Tandem.objects.get(request=mentor_request)
    tandem_url = f"/mentoring/tandems/{tandem.pk}/"

    # 3. The mentor's admin accepts first: the tandem waits for the other side.
    mentor_page = new_page()
    log_in_by_cookie(mentor_page, org_admin)
    mentor_page.goto("/mentoring/")
    mentor_page.get_by_role("link", name=f"{mentor.name} → {other_org.name}").click()
    expect(mentor_page.get_by_text("Einen Förderantrag einreichen")).to_be_visible()
    mentor_page.get_by_role("button", name="Tandem zusagen").click()
    expect(mentor_page.get_by_text("wenn die andere Organisation zusagt")).to_be_visible()
    expect(mentor_page.get_by_test_id("tandem-status")).to_have_text("Vorgeschlagen")

    # 4. The start-up accepts: now it is active, and either side logs meetings.
    mentee_page.goto(tandem_url)
    mentee_page.get_by_role("button", name="Tandem zusagen").click()
    expect(mentee_page.get_by_test_id("tandem-status")).to_have_text("Aktiv")
    mentee_page.get_by_label("woran wir gearbeitet haben").fill("Antragsskizze besprochen")
    mentee_page.get_by_role("button", name="Treffen eintragen").click()
    expect(mentee_page.get_by_text("Das Treffen wurde eingetragen.")).to_be_visible()
    expect(mentee_page.get_by_text("Antragsskizze besprochen")).to_be_visible()
    assert_no_horizontal_scroll(mentee_page)
    assert TandemMeeting.objects.filter(tandem=tandem, logged_for=other_org).count() == 1

    # 5. Someone from a third organisation cannot open it at all.
    outsider = factories.member_of(
        factories.OrganisationFactory(name="Drittverein e.V."),
        role=Membership.Role.ADMIN,
        email="admin@org-c.example",
    )
    outsider_page = new_page()
    log_in_by_cookie(outsider_page, outsider)
    response = outsider_page.goto(tandem_url)
    assert response.status == 404
    expect(outsider_page.get_by_text("Antragsskizze besprochen")).to_have_count(0)

    # 6. The mentor ends the tandem as planned; both sides evaluate.
    mentor_page.goto(tandem_url)
    mentor_page.get_by_label("Wie geplant abgeschlossen").check()
    mentor_page.once("dialog", lambda dialog: dialog.accept())
    mentor_page.get_by_role("button", name="Tandem beenden").click()
    expect(mentor_page.get_by_test_id("tandem-status")).to_have_text("Abgeschlossen")
    mentor_page.get_by_role("link", name=f"Auswertung für {mentor.name}").click()
    mentor_page.get_by_label("Ja").check()
    mentor_page.get_by_label("5").check()
    mentor_page.get_by_label("Was hat gut funktioniert, was nicht?").fill("Sehr hilfreich")
    mentor_page.get_by_role("button", name="Auswertung senden").click()
    expect(mentor_page.get_by_text("Vielen Dank für Ihre Auswertung!")).to_be_visible()
    assert_accessible(mentor_page)
    assert TandemEvaluation.objects.filter(tandem=tandem, organisation=mentor).count() == 1


def test_walk_in_attendance_on_a_phone_keeps_what_was_typed(new_page, org, consultant):
    """An invalid first attempt comes back with the name kept; a double tap adds one row;
    an event still to come offers no attendance form at all."""
    from datetime import timedelta

    from django.utils import timezone

    from mentoring.models import EventAttendance
    from tests.mentoring.factories import EventFactory

    from .helpers import choose

    held = EventFactory(
        invited=[org], title="Fachrunde Gesundheit", starts_at=timezone.now() - timedelta(hours=3)
    )
    coming = EventFactory(invited=[org], title="Fachrunde Sport")
    page = new_page(phone=True)
    log_in_by_cookie(page, consultant)
    page.goto(held.get_absolute_url())
    name = page.get_by_label("Name der Person")
    name.fill("Frau Özlem Çelik-Müller")
    add = page.get_by_role("button", name="Zur Liste hinzufügen")
    add.click()
    # No organisation chosen: the error sits at the field, the name is still there.
    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("Organisation: Dieses Feld ist zwingend erforderlich.")
    expect(page.get_by_label("Name der Person")).to_have_value("Frau Özlem Çelik-Müller")
    # The page comes back at the error, not at its top.
    expect(summary).to_be_in_viewport()
    page.wait_for_function("() => new Promise(r => requestAnimationFrame(() => r(true)))")
    page.wait_for_timeout(600)  # Bootstrap's smooth scrolling settles before the picture
    assert not EventAttendance.objects.exists()
    assert_no_horizontal_scroll(page)
    page.screenshot(path="docs/screenshots/journeys/mentoring-attendance-error.png")

    choose(page, "Organisation", "Brücken", "Brückenbau Test e.V.")
    page.get_by_role("button", name="Zur Liste hinzufügen").dblclick()
    expect(page.get_by_text("Die Teilnahme wurde erfasst.").first).to_be_visible()
    rows = list(EventAttendance.objects.values_list("event_id", "organisation_id", "name"))
    assert rows == [(held.pk, org.pk, "Frau Özlem Çelik-Müller")]
    expect(page.get_by_role("cell", name="Frau Özlem Çelik-Müller")).to_be_visible()

    page.goto(coming.get_absolute_url())
    expect(page.locator("#attendance-later")).to_be_visible()
    expect(page.get_by_role("button", name="Zur Liste hinzufügen")).to_have_count(0)
    assert_accessible(page)


def test_on_a_phone_the_lead_confirms_a_suggestion_from_the_second_page(
    new_page, mentor, other_org, project_lead
):
    """Twelve offers fit: the page shows the best ten and how many there are, the next page
    the rest. The first try fails (the chosen offer was paused meanwhile) and keeps the
    typed goals; a double tap on another suggestion proposes one tandem with exactly them."""
    wanted = mentor_request(other_org, fields=("education",), languages=("ar",))
    for number in range(11):
        weaker = factories.OrganisationFactory(
            name=f"Mentorin {number:02} e.V.", stage=Organisation.Stage.ESTABLISHED, district=None
        )
        mentor_offer(weaker, fields=("education",), languages=("ar",))
    ranked = [m.candidate for m in selectors.suggestions_for(wanted)]
    assert len(ranked) == 12 and ranked[0].organisation == mentor

    page = new_page(phone=True)
    log_in_by_cookie(page, project_lead)
    page.goto(f"/mentoring/matching/{wanted.pk}/")
    cards = page.get_by_test_id("suggestion")
    expect(cards).to_have_count(10)
    expect(page.get_by_role("heading", name="Vorschläge, die besten zuerst")).to_contain_text(
        "12 insgesamt"
    )
    expect(cards.first).to_contain_text(mentor.name)
    assert_no_horizontal_scroll(page)
    page.get_by_role("navigation", name="Seiten der Vorschläge").get_by_role(
        "link", name="Weiter"
    ).click()
    expect(cards).to_have_count(2)
    expect(cards.first).to_contain_text(ranked[10].organisation.name)

    goals = "Förderantrag über 1.200,50 € bis zum 31.12.2026 einreichen"
    cards.first.get_by_label("Ziele des Tandems (optional)").fill(goals)
    # Meanwhile the offer is paused: the first try is refused, nothing typed is lost.
    ranked[10].is_active = False
    ranked[10].save(update_fields=["is_active"])
    cards.first.get_by_role("button", name="Dieses Tandem bestätigen").click()
    expect(page.get_by_text("nicht mehr verfügbar")).to_be_visible()
    assert not Tandem.objects.filter(request=wanted).exists()
    expect(cards.first.get_by_label("Ziele des Tandems (optional)")).to_have_value(goals)

    page.get_by_role("link", name="Weiter").click()
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text(ranked[11].organisation.name)
    expect(cards.first.get_by_label("Ziele des Tandems (optional)")).to_have_value(goals)
    assert_accessible(page)
    page.screenshot(path=str(SHOTS / "mentoring-suggestions-second-page-phone.png"), full_page=True)
    cards.first.get_by_role("button", name="Dieses Tandem bestätigen").dblclick()
    expect(page.get_by_test_id("tandem-status")).to_have_text("Vorgeschlagen")

    tandem = Tandem.objects.get(request=wanted)
    assert tandem.mentor == ranked[11].organisation and tandem.mentee == other_org
    assert tandem.goals == goals
