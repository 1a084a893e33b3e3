"""Messages about an application on a phone: the applicant writes (an empty first try is
refused, then text with umlauts and a file, sent with a double tap: one message), the fund's
staff answer with an internal note and a public reply, and the applicant sees the reply but
never the note. Screenshots: docs/screenshots/journeys/messages-*.png."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from ikmo.models import Message, OutboundEmail
from ikmo.subprojects import SubProject
from organisations.models import StaffRole
from tests import factories
from tests.actionfund.factories import submitted
from tests.conftest import enrol_mfa

from .helpers import assert_accessible, assert_no_horizontal_scroll, log_in_by_cookie, t

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "journeys"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TEXT = "Grüße aus dem Kiez! Können wir den Förderzeitraum um zwei Wochen verlängern?"


def test_applicant_and_fund_staff_write_about_an_application_on_a_phone(
    new_page, org, org_admin, tmp_path
):
    staff = factories.staff(
        StaffRole.Role.CONSULTANT, subproject=SubProject.ACTIONFUND, email="fonds@centre.example"
    )
    enrol_mfa(staff)
    application = submitted(organisation=org, by=org_admin, title="Kiezfest am Kanal")
    OutboundEmail.objects.all().delete()
    plan = tmp_path / "Zeitplan.pdf"
    plan.write_bytes(PDF)

    applicant = new_page(phone=True)
    log_in_by_cookie(applicant, org_admin)
    applicant.goto(application.get_absolute_url())
    form = applicant.locator("[data-reply-form]")
    form.scroll_into_view_if_needed()
    # A first try without text: a clear error, nothing stored.
    applicant.click("[data-send-message]")
    expect(applicant.locator("[data-error-summary]")).to_be_visible()
    expect(applicant.locator("[data-error-summary]")).to_contain_text(t("Please write a message."))
    assert not Message.objects.exists()
    # The text typed is kept through an error: a file of the wrong kind is refused.
    applicant.fill("#id_body", TEXT)
    bad = tmp_path / "Zeitplan.pdf.exe"
    bad.write_bytes(b"MZ\x90 this is no document")
    applicant.set_input_files("#id_attachment", str(bad))
    applicant.click("[data-send-message]")
    expect(applicant.locator("[data-error-summary]")).to_contain_text(
        "Diese Dateiart wird nicht angenommen"
    )
    expect(applicant.locator("#id_body")).to_have_value(TEXT)
    assert_no_horizontal_scroll(applicant)
    applicant.screenshot(path=str(SHOTS / "messages-error-phone.png"), full_page=True)
    # ... and survives leaving: back on the application's page the browser draft has it.
    applicant.goto(application.get_absolute_url())
    expect(applicant.locator("#id_body")).to_have_value(TEXT)
    applicant.set_input_files("#id_attachment", str(plan))
    applicant.locator("[data-send-message]").dblclick()
    applicant.wait_for_url(f"**{application.get_absolute_url()}#messages")
    expect(applicant.locator(".alert-success")).to_be_visible()
    expect(applicant.locator("[data-message-list]")).to_contain_text(TEXT)
    expect(applicant.locator("[data-message-file]")).to_have_text("Zeitplan.pdf")

    message = Message.objects.get()
    assert message.body == TEXT and message.author == org_admin
    assert message.side == Message.Side.ORGANISATION and not message.is_internal
    assert message.attachment_name == "Zeitplan.pdf"
    assert list(OutboundEmail.objects.values_list("to", flat=True)) == ["fonds@centre.example"]

    # The fund's staff: an internal note, then a public reply.
    desk = new_page(phone=True)
    log_in_by_cookie(desk, staff)
    desk.goto(application.get_absolute_url())
    expect(desk.locator("[data-unread-badge]")).to_be_visible()
    expect(desk.locator("[data-message-list]")).to_contain_text(TEXT)
    with desk.expect_download() as download:
        desk.click("[data-message-file]")
    assert Path(download.value.path()).read_bytes() == PDF
    desk.fill("#id_body", "Intern: Verlängerung ist im Budget möglich.")
    desk.check("#id_internal")
    desk.click("[data-send-message]")
    desk.wait_for_url("**#messages")
    expect(desk.locator("[data-internal]")).to_contain_text("Verlängerung ist im Budget")
    # The form is fresh again: the internal toggle is off for the reply.
    expect(desk.locator("#id_internal")).not_to_be_checked()
    desk.fill("#id_body", "Ja, zwei Wochen mehr sind in Ordnung. Viele Grüße!")
    desk.click("[data-send-message]")
    desk.wait_for_url("**#messages")
    assert_no_horizontal_scroll(desk)
    desk.locator("[data-thread]").screenshot(path=str(SHOTS / "messages-staff-phone.png"))

    assert Message.objects.filter(is_internal=True).count() == 1
    assert Message.objects.filter(is_internal=False, side="centre").count() == 1
    mails = OutboundEmail.objects.filter(to=org_admin.email)
    assert mails.count() == 1
    assert "Ja, zwei Wochen" in mails.get().body and "Intern" not in mails.get().body

    # The applicant sees the reply, marked new, and not the note.
    applicant.goto(application.get_absolute_url())
    thread = applicant.locator("[data-thread]")
    expect(thread.locator("[data-unread-badge]")).to_be_visible()
    expect(thread).to_contain_text("Ja, zwei Wochen mehr sind in Ordnung.")
    expect(thread).not_to_contain_text("Verlängerung ist im Budget")
    expect(thread.locator("[data-internal]")).to_have_count(0)
    assert_no_horizontal_scroll(applicant)
    assert_accessible(applicant)
    thread.screenshot(path=str(SHOTS / "messages-applicant-phone.png"))
    assert "Verlängerung ist im Budget" not in applicant.content()


def test_a_consultant_writes_from_the_coaching_case_and_the_organisation_replies_on_a_phone(
    new_page, org, org_admin, org_member
):
    from django.urls import reverse
    from django.utils import timezone

    from qualification.models import CoachingCase

    from .helpers import STAFF_TOTP_SECRET, log_in

    consultant = factories.staff(
        StaffRole.Role.CONSULTANT,
        subproject=SubProject.QUALIFICATION,
        email="coaching@centre.example",
    )
    enrol_mfa(consultant)
    case = CoachingCase.objects.create(
        organisation=org, consultant=consultant, started_on=timezone.localdate()
    )
    OutboundEmail.objects.all().delete()
    question = "Wie läuft die Vorbereitung der Mitgliederversammlung? Brauchen Sie Hilfe?"

    # The consultant signs in with the second factor and writes from the coaching case.
    desk = new_page(phone=True)
    log_in(desk, consultant.email, totp_secret=STAFF_TOTP_SECRET)
    case_page = reverse("qualification:coaching_organisation", args=[org.pk])
    desk.goto(case_page)
    desk.locator("[data-reply-form]").scroll_into_view_if_needed()
    desk.click("[data-send-message]")  # empty: refused, nothing stored
    expect(desk.locator("[data-error-summary]")).to_contain_text(t("Please write a message."))
    assert not Message.objects.exists()
    desk.fill("#id_body", question)
    desk.locator("[data-send-message]").dblclick()
    desk.wait_for_url(f"**{case_page}#messages")
    expect(desk.locator(".alert-success")).to_be_visible()
    expect(desk.locator("[data-message-list]")).to_contain_text(question)
    assert_no_horizontal_scroll(desk)
    desk.locator("[data-thread]").screenshot(path=str(SHOTS / "messages-coaching-staff-phone.png"))

    message = Message.objects.get()  # one message for the double tap
    assert (message.author, message.side, message.body) == (consultant, "centre", question)
    assert message.thread.organisation == org and message.thread.object_id == case.pk
    # The organisation's admins are told (the member is not: admins answer for it).
    assert list(OutboundEmail.objects.values_list("to", flat=True)) == [org_admin.email]
    OutboundEmail.objects.all().delete()

    # A member finds it through the qualification card on the overview and replies.
    member = new_page(phone=True)
    log_in(member, org_member.email)
    member.goto("/")
    member.get_by_role("link", name=t("Messages with your consultant")).click()
    member.wait_for_url(f"**{reverse('qualification:coaching_messages', args=[case.pk])}*")
    thread = member.locator("[data-thread]")
    expect(thread).to_contain_text(question)
    expect(thread.locator("[data-unread-badge]")).to_be_visible()
    member.fill("#id_body", "Danke! Ja, bitte – können wir uns am Dienstag um 18 Uhr treffen?")
    member.locator("[data-send-message]").dblclick()
    member.wait_for_url("**#messages")
    expect(member.locator("[data-message-list]")).to_contain_text("Dienstag um 18 Uhr")
    assert_no_horizontal_scroll(member)
    assert_accessible(member)
    member.locator("[data-thread]").screenshot(
        path=str(SHOTS / "messages-coaching-organisation-phone.png")
    )

    reply = Message.objects.exclude(pk=message.pk).get()
    assert (reply.author, reply.side, reply.thread_id) == (
        org_member,
        "organisation",
        message.thread_id,
    )
    assert list(OutboundEmail.objects.values_list("to", flat=True)) == [consultant.email]

    # Back on the coaching case the consultant sees the reply, marked new.
    desk.goto(case_page)
    expect(desk.locator("[data-thread] [data-unread-badge]")).to_be_visible()
    expect(desk.locator("[data-message-list]")).to_contain_text("Dienstag um 18 Uhr")
