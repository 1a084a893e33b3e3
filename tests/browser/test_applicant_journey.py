"""The whole action fund journey of an applicant on a phone (390x844), as a person clicks
and types it: start (double tap: one draft), invalid first attempts that still keep
everything on the server, a background save, partner search, budget lines kept on error,
the same draft on another device, a file chosen and sent with "Speichern und weiter",
submission, what happens next, approval, the agreement, and the proof of use submitted.

Screenshots of each step go to docs/screenshots/journeys/applicant-*.png."""

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from actionfund import services
from actionfund.models import Application, Attachment, ProofOfUse, Status
from organisations.models import Membership, Organisation, StaffRole
from tests import factories
from tests.actionfund.factories import CallFactory, CriterionFactory
from tests.conftest import enrol_mfa

from .helpers import assert_accessible, assert_no_horizontal_scroll, log_in_by_cookie

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "journeys"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def shot(page, name, journey="applicant"):
    """A full-page screenshot, stored with a small palette to keep the repository light."""
    from PIL import Image

    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{journey}-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=64)
    small.save(path, optimize=True)


def button(page, value):
    return page.locator(f"main button[name=action][value={value}]")


def type_date(page, selector, german):
    """Enter a date as a person in Germany does: typed as "31.12.2026" into a text field.

    A native date field (type=date) shows a picker whose segment order headless Chromium
    takes from its own build, not from the page's language; there the picked value is set.
    """
    field = page.locator(selector)
    if field.get_attribute("type") == "date":
        day, month, year = german.split(".")
        field.fill(f"{year}-{month}-{day}")
    else:
        field.fill(german)


@pytest.fixture
def fund_lead(db):
    lead = factories.staff(StaffRole.Role.PROJECT_LEAD, subproject="actionfund")
    enrol_mfa(lead)
    return lead


@pytest.fixture
def journey_call(db):
    call = CallFactory(
        title="Kaleidoskop Berlin 2026",
        decision_expected_on=timezone.localdate() + timedelta(days=60),
    )
    CriterionFactory(call=call, title="Beitrag zur Teilhabe")
    return call


def test_the_whole_applicant_journey_on_a_phone(
    new_page, journey_call, org, org_admin, other_org, fund_lead
):
    call = journey_call
    page = new_page(phone=True)
    log_in_by_cookie(page, org_admin)

    # The call page, then "Jetzt beantragen" and a double tap on "Beginnen": one draft.
    page.goto(call.get_absolute_url())
    shot(page, "01-call")
    page.get_by_role("link", name="Jetzt beantragen").click()
    page.get_by_role("button", name="Beginnen").dblclick()
    page.wait_for_url("**/edit/basics/")
    application = Application.objects.get(call=call, organisation=org)
    assert Application.objects.filter(call=call).count() == 1

    # Back on the call page: continue the draft, no second start.
    page.goto(call.get_absolute_url())
    expect(page.get_by_role("link", name="Entwurf fortsetzen")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Zuletzt gespeichert")
    expect(page.get_by_role("link", name="Jetzt beantragen")).to_have_count(0)
    shot(page, "02-call-continue")
    page.get_by_role("link", name="Entwurf fortsetzen").click()

    # Step 1: "Speichern und weiter" with a missing summary is refused, and what was typed
    # is the server draft already.
    page.fill("#id_title", "Kiezfest für alle – Begegnung & Musik")
    button(page, "next").click()
    expect(page.locator("[data-error-summary]")).to_be_visible()
    application.refresh_from_db()
    assert application.title == "Kiezfest für alle – Begegnung & Musik"
    shot(page, "03-basics-error")
    # Typing is saved in the background, without any button.
    page.fill("#id_summary", "Ein Straßenfest für Nachbar*innen aus aller Welt.")
    expect(page.locator("[data-draft-status]")).to_contain_text("Gespeichert um", timeout=8000)
    application.refresh_from_db()
    assert application.summary == "Ein Straßenfest für Nachbar*innen aus aller Welt."
    page.select_option("#id_district", index=1)
    assert_no_horizontal_scroll(page)
    button(page, "next").click()
    page.wait_for_url("**/edit/project/")

    # Step 2: an end before the start is refused; the rest is stored.
    page.fill("#id_goals", "Begegnung über Sprachgrenzen hinweg")
    page.fill("#id_target_group", "Familien im Kiez")
    page.fill("#id_activities", "Vorbereitung im Mai, Fest im Juni, Auswertung im Juli")
    type_date(page, "#id_start_date", "01.06.2026")
    type_date(page, "#id_end_date", "31.05.2026")
    button(page, "next").click()
    expect(page.locator("[data-error-summary]")).to_be_visible()
    application.refresh_from_db()
    assert application.goals == "Begegnung über Sprachgrenzen hinweg"
    assert application.start_date == date(2026, 6, 1)
    assert application.end_date is None
    type_date(page, "#id_end_date", "31.12.2026")
    button(page, "next").click()
    page.wait_for_url("**/edit/partners/")
    application.refresh_from_db()
    assert application.end_date == date(2026, 12, 31)

    # Step 3: partners are found by typing, and invited (they accept in the portal; see
    # test_actionfund_partners.py for the partner's side).
    page.fill("#id_partner_q", "Sonnen")
    invite = page.locator("[data-partner-results] button[type=submit]")
    expect(invite).to_be_visible()
    invite.click()
    expect(page.locator("[data-invitations]")).to_contain_text(other_org.name)
    shot(page, "04-partners")
    assert_accessible(page)
    button(page, "next").click()
    page.wait_for_url("**/edit/budget/")
    invitation = application.partner_invitations.get()
    assert invitation.organisation == other_org
    # The partner's admin accepts (in the portal, as test_actionfund_partners.py drives it):
    # from then on the cooperation ceiling applies to the budget below.
    from organisations.models import Membership
    from tests import factories

    services.partner_invitation_accept(
        invitation=invitation,
        consent=True,
        by=factories.member_of(other_org, role=Membership.Role.ADMIN),
    )

    # Step 4: a complete line and an incomplete one; "next" keeps both.
    page.select_option("#id_lines-0-category", "fees")
    page.fill("#id_lines-0-description", "Musik und Technik")
    page.fill("#id_lines-0-amount", "1.200,50")  # German notation
    page.click("[data-budget-add]")
    page.fill("#id_lines-1-description", "Essen und Getränke")
    page.fill("#id_lines-1-amount", "300,00")
    button(page, "next").click()
    expect(page.locator("[data-error-summary]")).to_be_visible()
    expect(page.locator("#id_lines-1-description")).to_have_value("Essen und Getränke")
    application.refresh_from_db()
    assert [(line.description, line.amount) for line in application.budget_lines.all()] == [
        ("Musik und Technik", Decimal("1200.50"))
    ]
    assert application.draft_data["budget"][0]["description"] == "Essen und Getränke"
    shot(page, "05-budget-error")

    # Another device (a fresh browser, no local copy): the server's draft, with the
    # incomplete line and the typed title.
    other = new_page(phone=True)
    log_in_by_cookie(other, org_admin)
    other.goto(reverse("actionfund:application_edit", args=[application.pk, "budget"]))
    expect(other.locator("#id_lines-1-description")).to_have_value("Essen und Getränke")
    expect(other.locator("[data-error-summary]")).to_contain_text("Zeile 2")
    expect(other.locator("[data-budget-total]")).to_contain_text("1.500,50")
    shot(other, "06-other-device")
    other.goto(reverse("actionfund:application_edit", args=[application.pk, "basics"]))
    expect(other.locator("#id_title")).to_have_value("Kiezfest für alle – Begegnung & Musik")
    other.context.close()

    page.select_option("#id_lines-1-category", "catering")
    button(page, "next").click()
    page.wait_for_url("**/edit/attachments/")
    application.refresh_from_db()
    assert application.requested_amount == Decimal("1500.50")
    assert application.draft_data == {}

    # Step 5: a file chosen, then straight "Speichern und weiter": it is uploaded.
    page.set_input_files(
        "#id_file", {"name": "Kostenangebot.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.fill("#id_description", "Angebot der Tontechnik")
    shot(page, "07-attachment-chosen")
    button(page, "next").click()
    page.wait_for_url("**/edit/preview/")
    attachment = Attachment.objects.get(application=application)
    assert attachment.original_name == "Kostenangebot.pdf"
    expect(page.locator("main")).to_contain_text("Kostenangebot.pdf")

    # Step 6: submit with a double tap; what happens next, with the call's decision date.
    page.check("#id_confirm")
    page.locator("[data-submit-button]").dblclick()
    page.wait_for_url(f"**{application.get_absolute_url()}")
    journey = page.locator("[data-journey]")
    expect(journey).to_be_visible()
    expect(journey).to_contain_text("Wie es weitergeht")
    expect(journey).to_contain_text(f"{call.decision_expected_on.year}")
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
    shot(page, "08-submitted")
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED

    # The overview page has the application with its state.
    page.goto(reverse("home"))
    expect(page.locator("main")).to_contain_text("Unsere Anträge beim Aktionsfonds")
    expect(page.locator("main")).to_contain_text("Entscheidung bis voraussichtlich")
    shot(page, "09-home-card")

    # The team decides (through the services, as the lead's pages would).
    # (Deciding straight from "submitted" passes through the review step.)
    application = services.application_decide(
        application=application, approve=True, by=fund_lead, amount=Decimal("1500.50")
    )
    page.goto(application.get_absolute_url())
    card = page.locator("[data-next-step=agreement]")
    expect(card).to_be_visible()
    expect(card).to_contain_text("1.500,50")
    shot(page, "10-approved-next-step")
    card.get_by_role("button").click()
    page.wait_for_url("**/documents/**")
    expect(page.locator("main")).to_contain_text("Zuwendungsvereinbarung")
    shot(page, "11-agreement")

    # The signed agreement arrives, the money is paid: the next step is the proof of use.
    application = services.application_transition(
        application=application, to_status=Status.AGREEMENT_SIGNED, by=fund_lead
    )
    services.payment_record(
        application=application,
        amount=Decimal("1500.50"),
        paid_on=timezone.localdate(),
        reference="AF-1",
        by=fund_lead,
    )
    page.goto(application.get_absolute_url())
    proof_card = page.locator("[data-next-step=proof]")
    expect(proof_card).to_be_visible()
    expect(proof_card).not_to_contain_text("überfällig")
    shot(page, "12-paid-next-step")
    # Had the date passed, the card and the timeline would say so, in words and in red.
    due = application.proof_due_date
    Application.objects.filter(pk=application.pk).update(
        proof_due_date=timezone.localdate() - timedelta(days=2)
    )
    page.reload()
    expect(proof_card).to_contain_text("jetzt überfällig")
    expect(page.locator("[data-journey-step=proof]")).to_contain_text("überfällig seit")
    assert_accessible(page)  # the red text too: contrast
    shot(page, "12b-proof-overdue")
    page.goto(reverse("actionfund:proof_edit", args=[application.pk]))
    expect(page.locator("[data-overdue]")).to_contain_text("war am")
    assert_accessible(page)
    page.goto(application.get_absolute_url())
    Application.objects.filter(pk=application.pk).update(proof_due_date=due)
    page.reload()
    proof_card.get_by_role("link", name="Verwendungsnachweis").click()
    page.fill("#id_report", "Rund 200 Nachbar*innen kamen, drei neue Kontakte entstanden.")
    for field in page.locator("input[name^=spent_]").all():
        field.fill("750.25")
    # A receipt chosen, then "Entwurf speichern" (not "Beleg hochladen"): it goes up too.
    page.set_input_files(
        "#id_file", {"name": "Rechnung-Technik.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Entwurf speichern").click()
    expect(page.locator("#receipts + ul")).to_contain_text("Rechnung-Technik.pdf")
    expect(page.locator("#id_report")).to_have_value(
        "Rund 200 Nachbar*innen kamen, drei neue Kontakte entstanden."
    )
    proof = ProofOfUse.objects.get(application=application)
    assert proof.spending.count() == 2
    assert {s.amount for s in proof.spending.all()} == {Decimal("750.25")}
    shot(page, "13-proof")

    # A second receipt chosen, then submitted with a double tap: the file goes up with it,
    # once, and the application moves on.
    page.set_input_files(
        "#id_file", {"name": "Quittung-Essen.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Verwendungsnachweis einreichen").dblclick()
    page.wait_for_url(f"**{application.get_absolute_url()}")
    assert sorted(proof.receipts.values_list("original_name", flat=True)) == [
        "Quittung-Essen.pdf",
        "Rechnung-Technik.pdf",
    ]
    application.refresh_from_db()
    assert application.status == Status.PROOF_SUBMITTED
    assert application.status_changes.filter(to_status=Status.PROOF_SUBMITTED).count() == 1
    expect(page.locator("[data-journey-step=proof]")).to_have_attribute("data-state", "done")
    shot(page, "14-proof-submitted")


def test_a_pending_organisation_is_told_before_it_starts(new_page, journey_call):
    pending = factories.OrganisationFactory(
        name="Neue Initiative Wedding", status=Organisation.Status.PENDING
    )
    person = factories.member_of(pending, role=Membership.Role.ADMIN)
    page = new_page(phone=True)
    log_in_by_cookie(page, person)
    page.goto(journey_call.get_absolute_url())
    notice = page.locator("[data-pending-organisation]")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Neue Initiative Wedding")
    expect(page.get_by_role("link", name="Jetzt beantragen")).to_have_count(0)
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
    shot(page, "00-pending-organisation")
