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
