"""A consultant on a phone works through follow-ups: overdue ones said in words, a wider
window on request, marked done; the coaching tables never scroll sideways (390 and 1366 px)."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ikmo.models import AuditEntry
from qualification.models import CoachingCase, CoachingSession, Topic
from tests import factories

from .helpers import assert_no_horizontal_scroll, choose, log_in_by_cookie

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "journeys"


def _session(org, consultant, *, days_ago, follow_up_in=None, next_step=""):
    today = timezone.localdate()
    session = CoachingSession.objects.create(
        organisation=org,
        consultant=consultant,
        date=today - timedelta(days=days_ago),
        duration_minutes=90,
        format="in_person",
        follow_up_date=None if follow_up_in is None else today + timedelta(days=follow_up_in),
        next_step=next_step,
    )
    session.topics.set(Topic.objects.all()[:6])  # long topic names, many badges
    CoachingCase.objects.get_or_create(
        organisation=org, defaults={"consultant": consultant, "started_on": session.date}
    )
    return session


def assert_tables_fit(page):
    assert_no_horizontal_scroll(page)
    overflowing = page.evaluate(
        """() => [...document.querySelectorAll('main table, main .table-responsive')]
                 .filter(el => el.scrollWidth > el.clientWidth + 1)
                 .map(el => `${el.className}: ${el.scrollWidth} > ${el.clientWidth}`)"""
    )
    assert not overflowing, overflowing


def test_consultant_sees_overdue_follow_ups_widens_the_window_and_marks_one_done(
    new_page, org, other_org, consultant
):
    long_name = factories.OrganisationFactory(
        name="Interkultureller Nachbarschafts- und Bildungsverein Neukölln-Süd e.V."
    )
    overdue = _session(org, consultant, days_ago=30, follow_up_in=-4, next_step="Satzung prüfen")
    _session(other_org, consultant, days_ago=20, follow_up_in=20, next_step="Förderantrag")
    _session(long_name, consultant, days_ago=5)

    page = new_page(phone=True)
    log_in_by_cookie(page, consultant)

    # Log a session with a follow-up; the first try lacks the next step.
    page.goto("/qualification/coaching/")
    choose(page, "#id_organisation", "Nachbarschafts", long_name.name)
    page.locator("form[action$='/coaching/start/'] button").click()
    page.get_by_label("Dauer (Minuten)", exact=False).first.fill("60")
    page.get_by_label("Format", exact=False).first.select_option("phone")
    follow_up = timezone.localdate() + timedelta(days=2)
    page.get_by_label("Nachverfolgung am", exact=False).first.fill(follow_up.isoformat())
    page.locator("main form[method=post] button[type=submit]").click()
    expect(page.locator("#id_next_step")).to_have_attribute("aria-invalid", "true")
    page.get_by_label("Nächster Schritt", exact=False).first.fill("Rückruf zur Kassenprüfung")
    page.locator("main form[method=post] button[type=submit]").dblclick()
    expect(page.get_by_text("Der Coaching-Termin wurde erfasst.")).to_be_visible()
    logged = CoachingSession.objects.get(organisation=long_name, next_step__startswith="Rückruf")
    assert logged.follow_up_date == follow_up and logged.duration_minutes == 60

    page.goto("/qualification/coaching/")
    follow_ups = page.locator("#follow-ups")
    overdue_item = follow_ups.locator(".follow-up.is-overdue")
    expect(follow_ups.get_by_role("heading", name="1 überfällige Nachverfolgung")).to_be_visible()
    expect(overdue_item).to_contain_text("Überfällig")
    expect(overdue_item).to_contain_text(org.name)
    expect(follow_ups).to_contain_text("Rückruf zur Kassenprüfung")
    expect(follow_ups).not_to_contain_text(other_org.name)
    assert_tables_fit(page)
    page.screenshot(path=str(SHOTS / "coaching-follow-ups-phone.png"))

    follow_ups.get_by_role("link", name="nächste 30 Tage").click()
    expect(page.locator("#follow-ups")).to_contain_text(other_org.name)
    page.locator("#follow-ups .follow-up.is-overdue").get_by_role("button").dblclick()
    expect(page.locator(".messages .alert-success")).to_contain_text(org.name)
    expect(page.locator("#follow-ups .follow-up.is-overdue")).to_have_count(0)
    expect(page.locator("#follow-ups")).to_contain_text(other_org.name)  # window kept
    overdue.refresh_from_db()
    assert overdue.follow_up_done_at is not None
    assert AuditEntry.objects.filter(action="qualification.session.follow_up_done").count() == 1
    assert_tables_fit(page)
    page.screenshot(path=str(SHOTS / "coaching-follow-up-done-phone.png"))

    page.goto(f"/qualification/coaching/organisations/{long_name.pk}/")
    assert_tables_fit(page)

    wide = new_page()
    wide.set_viewport_size({"width": 1366, "height": 900})
    log_in_by_cookie(wide, consultant)
    for url in ("/qualification/coaching/", f"/qualification/coaching/organisations/{org.pk}/"):
        wide.goto(url)
        assert_tables_fit(wide)
    wide.goto("/qualification/coaching/")
    wide.screenshot(path=str(SHOTS / "coaching-1366.png"))
