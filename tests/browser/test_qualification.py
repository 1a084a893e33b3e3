"""Qualification journeys in a real browser: participant, trainer and consultant."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ikmo.models import GeneratedDocument, OutboundEmail
from organisations.models import Membership
from qualification.models import CoachingSession, Registration, Topic
from tests import factories
from tests.qualification.factories import make_workshop, register

from .helpers import assert_accessible, assert_no_horizontal_scroll, choose, log_in_by_cookie

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def colleague(org):
    return factories.member_of(org, email="colleague@org-a.example")


def test_participant_joins_the_waiting_list_and_moves_up_when_a_place_frees(
    new_page, org, org_member, colleague, consultant
):
    workshop = make_workshop(trainer=consultant, capacity=1, title="Fördermittel beantragen")
    register(workshop, colleague, org)

    # The member, on a phone, finds the workshop through the topic filter.
    page = new_page(phone=True)
    log_in_by_cookie(page, org_member)
    page.goto("/qualification/workshops/")
    page.select_option("#id_topic", str(Topic.objects.get(slug="funding").pk))
    page.locator("form[role=search] button[type=submit]").click()
    page.get_by_role("link", name="Fördermittel beantragen").click()
    expect(page.get_by_text("Ausgebucht – Warteliste").first).to_be_visible()
    assert_no_horizontal_scroll(page)

    page.get_by_label("Wer nimmt teil?").select_option(label=f"Ich ({org.name})")
    page.get_by_role("button", name="Auf die Warteliste").click()
    expect(page.get_by_text("Sie stehen auf der Warteliste (Platz 1)")).to_be_visible()
    expect(page.get_by_text("Platz 1 auf der Warteliste")).to_be_visible()

    # The colleague cancels in their own browser; the confirmation dialog is accepted.
    other = new_page()
    log_in_by_cookie(other, colleague)
    other.goto("/qualification/registrations/")
    other.once("dialog", lambda dialog: dialog.accept())
    other.get_by_role("button", name="Anmeldung stornieren").click()
    expect(other.get_by_text("Die Anmeldung wurde storniert.")).to_be_visible()

    # The member has moved up and was told so by e-mail.
    page.goto("/qualification/registrations/")
    row = page.locator("li", has_text="Fördermittel beantragen")
    expect(row.get_by_text("Bestätigt")).to_be_visible()
    assert OutboundEmail.objects.filter(
        to=org_member.email, subject="Ein Platz ist für Sie frei: Fördermittel beantragen"
    ).exists()


def test_member_registers_a_colleague_who_can_then_cancel(new_page, org, org_admin, colleague):
    workshop = make_workshop(capacity=5, title="Vereinsrecht kompakt")
    page = new_page()
    log_in_by_cookie(page, org_admin)
    page.goto(workshop.get_absolute_url())
    membership = Membership.objects.get(user=colleague)
    page.get_by_label("Wer nimmt teil?").select_option(str(membership.pk))
    page.get_by_role("button", name="Jetzt anmelden").click()
    expect(page.get_by_text(f"{colleague.get_full_name()} ist angemeldet")).to_be_visible()
    assert Registration.objects.get(workshop=workshop).registered_by == org_admin


def test_trainer_takes_attendance_on_a_phone_and_the_attendee_downloads_the_certificate(
    new_page, org, org_member, colleague, consultant
):
    workshop = make_workshop(
        trainer=consultant, starts_in=timedelta(minutes=-30), title="Buchhaltung kompakt"
    )
    present = register(workshop, org_member, org)
    absent = register(workshop, colleague, org)

    trainer = new_page(phone=True)
    log_in_by_cookie(trainer, consultant)
    trainer.goto(workshop.get_absolute_url())
    trainer.get_by_role("link", name="Teilnehmende & Anwesenheit").click()
    assert_no_horizontal_scroll(trainer)
    row = trainer.locator(f"#attendance-{present.pk}")
    button = row.get_by_role("button", name="Anwesend")
    box = button.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44, f"tap target too small: {box}"
    button.click()
    # htmx swaps the row in place: no reload, and the state is shown.
    expect(trainer.locator(f"#attendance-{present.pk} [data-attendance-state]")).to_have_text(
        "Anwesend"
    )
    expect(trainer.locator("#attendance-count")).to_have_text("1 von 2 als anwesend erfasst.")
    trainer.locator(f"#attendance-{absent.pk}").get_by_role("button", name="Abwesend").click()
    expect(trainer.locator(f"#attendance-{absent.pk} [data-attendance-state]")).to_have_text(
        "Abwesend"
    )
    present.refresh_from_db()
    absent.refresh_from_db()
    assert (present.attended, absent.attended) == (True, False)

    trainer.get_by_role("button", name="Bescheinigungen für alle Anwesenden erstellen").click()
    expect(
        trainer.get_by_text("Bescheinigungen für 1 Teilnehmende werden erstellt.")
    ).to_be_visible()
    document = GeneratedDocument.objects.get(kind="qualification_certificate")
    assert document.object_id == str(present.pk)

    # The attendee finds the certificate under "My registrations" and downloads the PDF.
    attendee = new_page(phone=True)
    log_in_by_cookie(attendee, org_member)
    attendee.goto("/qualification/registrations/")
    attendee.get_by_role("link", name="Bescheinigung").click()
    link = attendee.locator("a[href$='/download/']")
    expect(link).to_be_visible()
    with attendee.expect_download() as download_info:
        link.click()
    with open(download_info.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    # The absent colleague has no certificate, and cannot open the attendee's.
    other = new_page()
    log_in_by_cookie(other, colleague)
    response = other.goto(f"/documents/{document.pk}/")
    assert response.status == 404


def test_feedback_is_given_and_shown_to_the_trainer_as_a_chart(
    new_page, org, org_member, consultant
):
    workshop = make_workshop(trainer=consultant, starts_in=timedelta(days=-2), title="Ehrenamt")
    registration = register(workshop, org_member, org, attended=True)

    page = new_page(phone=True)
    log_in_by_cookie(page, org_member)
    page.goto("/qualification/registrations/")
    page.get_by_role("link", name="Rückmeldung geben").click()
    page.get_by_label("4 – hilfreich").check()
    page.get_by_label("Was sollen wir beibehalten oder ändern? (optional)").fill("Mehr Beispiele")
    page.get_by_role("button", name="Rückmeldung senden").click()
    expect(page.get_by_text("Vielen Dank für Ihre Rückmeldung!")).to_be_visible()
    assert registration.feedback.rating == 4

    trainer = new_page()
    log_in_by_cookie(trainer, consultant)
    trainer.goto(workshop.get_absolute_url())
    expect(trainer.get_by_text("Mehr Beispiele")).to_be_visible()
    # The chart is drawn by static/js/qualification.js from the json_script data.
    trainer.wait_for_function(
        "() => window.Chart && Chart.getChart(document.getElementById('feedback-chart'))"
    )
    values = trainer.evaluate(
        "() => Chart.getChart(document.getElementById('feedback-chart')).data.datasets[0].data"
    )
    assert values == [0, 0, 0, 1, 0]


def test_consultant_logs_coaching_and_members_never_see_the_confidential_notes(
    new_page, org, org_admin, consultant
):
    page = new_page()
    log_in_by_cookie(page, consultant)
    page.goto("/qualification/coaching/")
    choose(page, "#id_organisation", org.name[:5], org.name)
    page.locator("form[action$='/coaching/start/'] button").click()
    page.get_by_label("Dauer (Minuten)", exact=False).first.fill("75")
    page.get_by_label("Format", exact=False).first.select_option("video")
    page.get_by_label("Fördermöglichkeiten").check()
    page.get_by_label("Ergebnis", exact=False).first.fill("Zwei Förderprogramme ausgewählt")
    page.get_by_label("Nächster Schritt", exact=False).first.fill("Projektskizze schreiben")
    follow_up = timezone.localdate() + timedelta(days=3)
    page.get_by_label("Nachverfolgung am", exact=False).first.fill(follow_up.isoformat())
    page.get_by_label("Vertrauliche Notizen", exact=False).first.fill(
        "VERTRAULICH: Kassenprüfung offen"
    )
    page.locator("main form[method=post] button[type=submit]").click()
    expect(page.get_by_text("Der Coaching-Termin wurde erfasst.")).to_be_visible()
    expect(page.get_by_text("VERTRAULICH: Kassenprüfung offen")).to_be_visible()
    session = CoachingSession.objects.get()
    assert session.duration_minutes == 75

    page.goto("/qualification/coaching/")
    expect(page.get_by_role("link", name=org.name).first).to_be_visible()
    expect(page.get_by_text("Projektskizze schreiben")).to_be_visible()

    # The organisation's admin sees the session on the timeline, but not the notes,
    # and the session page itself does not exist for them.
    member = new_page()
    log_in_by_cookie(member, org_admin)
    member.goto(org.get_absolute_url())
    expect(member.get_by_text("Coaching-Termin").first).to_be_visible()
    assert "VERTRAULICH" not in member.content()
    response = member.goto(session.get_absolute_url())
    assert response.status == 404


def test_anonymous_visitor_browses_workshops_and_downloads_the_calendar(new_page, consultant):
    make_workshop(
        trainer=consultant, title="Politische Teilhabe", topics=("political-participation",)
    )
    page = new_page(phone=True)
    page.goto("/qualification/")
    expect(page.get_by_role("heading", name="Kommende Workshops")).to_be_visible()
    page.get_by_role("link", name="Politische Teilhabe").click()
    expect(page.get_by_text("Bitte melden Sie sich an, um sich zu registrieren.")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="In den Kalender (.ics)").click()
    with open(download_info.value.path(), encoding="utf-8") as ics:
        text = ics.read()
    assert "BEGIN:VEVENT" in text and "SUMMARY:Politische Teilhabe" in text


def test_qualification_pages_pass_the_accessibility_checks(new_page, org, org_member, consultant):
    workshop = make_workshop(trainer=consultant, starts_in=timedelta(minutes=-30))
    register(workshop, org_member, org, attended=True)
    past = make_workshop(trainer=consultant, starts_in=timedelta(days=-3), title="Rückblick")
    registration = register(past, org_member, org, attended=True)
    from qualification import services

    services.feedback_submit(registration=registration, rating=5, comment="Gut", by=org_member)
    upcoming = make_workshop(trainer=consultant, title="Demnächst")

    member = new_page(phone=True)
    log_in_by_cookie(member, org_member)
    for url in (
        "/qualification/",
        "/qualification/workshops/",
        upcoming.get_absolute_url(),
        "/qualification/registrations/",
    ):
        member.goto(url)
        assert_accessible(member)
        assert_no_horizontal_scroll(member)

    staff = new_page()
    log_in_by_cookie(staff, consultant)
    for url in (
        f"/qualification/workshops/{workshop.pk}/attendance/",
        past.get_absolute_url(),
        "/qualification/workshops/new/",
        "/qualification/coaching/",
        f"/qualification/coaching/organisations/{org.pk}/new/",
    ):
        staff.goto(url)
        assert_accessible(staff)
