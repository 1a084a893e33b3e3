"""A joint application on a phone (390x844): the applicant invites a partner organisation,
the partner's admin signs in, finds the invitation on the overview page, is stopped without
the consent tick, accepts with a double tap; the applicant then submits a cooperation
budget typed in German notation. Then a partner's admin declines with a reason, and one
withdraws its consent after submission (the single ceiling applies again, staff are warned).
Screenshots: docs/screenshots/journeys/partner-*.png."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from actionfund import services
from actionfund.models import Application, PartnerInvitation, Status, StatusChange
from ikmo.audit import AuditEntry
from ikmo.models import OutboundEmail
from tests.actionfund.factories import CallFactory, add_line, draft

from .helpers import (
    STAFF_TOTP_SECRET,
    assert_accessible,
    assert_no_horizontal_scroll,
    log_in,
    log_in_by_cookie,
)
from .test_applicant_journey import shot


def label(status) -> str:
    """An invitation status as a German reader is shown it."""
    with translation.override("de"):
        return str(status.label)


pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_joint_application_from_invitation_to_submission_on_a_phone(
    new_page, org, org_admin, other_org, other_org_admin
):
    call = CallFactory(title="Kaleidoskop Kooperation")
    application = draft(
        organisation=org, by=org_admin, call=call, amount=None, title="Kiezfest gemeinsam"
    )
    partners_step = reverse("actionfund:application_edit", args=[application.pk, "partners"])

    # The applicant searches with too little typed first: told so, then finds and invites.
    applicant = new_page(phone=True)
    log_in_by_cookie(applicant, org_admin)
    applicant.goto(partners_step)
    applicant.fill("#id_partner_q", "S")
    applicant.click("main form[role=search] button[type=submit]")
    expect(applicant.locator("#partner-results")).to_contain_text("zwei Buchstaben")
    expect(applicant.locator("#id_partner_q")).to_have_value("S")
    applicant.fill("#id_partner_q", "Sonnenbl")
    applicant.click("main form[role=search] button[type=submit]")
    invite = applicant.locator("[data-partner-results] button[type=submit]")
    expect(invite).to_have_count(1)
    invite.dblclick()
    expect(applicant.locator("[data-invitations]")).to_contain_text(other_org.name)
    assert_no_horizontal_scroll(applicant)
    assert_accessible(applicant)
    shot(applicant, "1-invited", journey="partner")
    invitation = PartnerInvitation.objects.get()
    assert invitation.status == PartnerInvitation.Status.INVITED
    assert OutboundEmail.objects.filter(to=other_org_admin.email).count() == 1

    # The partner's admin signs in through the form and finds the invitation on the overview.
    partner = new_page(phone=True)
    log_in(partner, other_org_admin.email)
    partner.goto("/")
    partner.click(f"a[href='{invitation.get_absolute_url()}']")
    main = partner.locator("main")
    expect(main).to_contain_text("Kiezfest gemeinsam")
    expect(main).not_to_contain_text(".pdf")
    # Accepting without the tick is refused, with the reason at the box.
    partner.locator("main form button.btn-primary").click()
    expect(partner.locator("[data-error-summary]")).to_be_visible()
    expect(partner.locator("#id_consent")).not_to_be_checked()
    assert_no_horizontal_scroll(partner)
    shot(partner, "2-consent-missing", journey="partner")
    invitation.refresh_from_db()
    assert invitation.status == PartnerInvitation.Status.INVITED
    partner.check("#id_consent")
    partner.locator("main form button.btn-primary").dblclick()
    expect(partner.locator(".alert-success").first).to_be_visible()
    assert_accessible(partner)
    shot(partner, "3-accepted", journey="partner")
    invitation.refresh_from_db()
    assert invitation.status == PartnerInvitation.Status.ACCEPTED
    assert invitation.consented_by == other_org_admin and invitation.consent_text
    assert list(application.partners.all()) == [other_org]

    # The applicant now asks for more than one organisation may: 1.200,50 + 800 EUR.
    applicant.goto(reverse("actionfund:application_edit", args=[application.pk, "budget"]))
    applicant.select_option("#id_lines-0-category", "fees")
    applicant.fill("#id_lines-0-description", "Theaterpädagogin")
    applicant.fill("#id_lines-0-amount", "1.200,50")
    applicant.click("[data-budget-add]")
    applicant.select_option("#id_lines-1-category", "publicity")
    applicant.fill("#id_lines-1-description", "Plakate")
    applicant.fill("#id_lines-1-amount", "800")
    expect(applicant.locator("[data-budget-total]")).to_have_text("2.000,50\xa0€")
    expect(applicant.locator("[data-budget-over]")).to_be_hidden()  # cooperation: 3.000
    applicant.click("main button[name=action][value=next]")
    applicant.click("main button[name=action][value=next]")  # attachments are optional
    expect(applicant.locator("main")).to_contain_text("2.000,50")
    expect(applicant.locator("main")).to_contain_text(other_org.name)
    applicant.check("#id_confirm")
    applicant.locator("[data-submit-button]").dblclick()
    applicant.wait_for_url(f"**{application.get_absolute_url()}")
    shot(applicant, "4-submitted", journey="partner")

    application = Application.objects.get(pk=application.pk)
    assert application.status == Status.SUBMITTED
    assert application.requested_amount == Decimal("2000.50")
    assert sorted(application.budget_lines.values_list("amount", flat=True)) == [
        Decimal("800.00"),
        Decimal("1200.50"),
    ]
    assert (
        StatusChange.objects.filter(application=application, to_status=Status.SUBMITTED).count()
        == 1
    )
    assert PartnerInvitation.objects.count() == 1
    # The partner hears of the submission: invitation + submitted.
    assert OutboundEmail.objects.filter(to=other_org_admin.email).count() == 2


def test_the_partner_admin_declines_with_a_reason_on_a_phone(
    new_page, org, org_admin, other_org, other_org_admin
):
    application = draft(organisation=org, by=org_admin, title="Kiezfest gemeinsam")
    invitation = services.partner_invite(
        application=application, organisation=other_org, by=org_admin
    )
    OutboundEmail.objects.all().delete()
    reason = "Leider keine Kapazität – wir melden uns 2027 gern wieder."

    partner = new_page(phone=True)
    log_in(partner, other_org_admin.email)
    partner.goto(invitation.get_absolute_url())
    partner.locator("main details summary").click()
    partner.fill("#id_decline-reason", reason)
    assert_no_horizontal_scroll(partner)
    partner.locator("[data-decline]").dblclick()
    expect(partner.locator(".alert-success").first).to_be_visible()
    expect(partner.locator("main")).to_contain_text(reason)
    expect(partner.locator("[data-decline]")).to_have_count(0)
    assert_accessible(partner)
    shot(partner, "5-declined", journey="partner")

    invitation.refresh_from_db()
    assert invitation.status == PartnerInvitation.Status.DECLINED
    assert (invitation.reason, invitation.decided_by) == (reason, other_org_admin)
    assert AuditEntry.objects.filter(action="actionfund.invitation.declined").count() == 1
    assert list(application.partners.all()) == []
    # The applicant is told once, with the reason; the partner gets nothing about its own "no".
    [mail] = OutboundEmail.objects.filter(to=org_admin.email)
    assert reason in mail.body
    assert not OutboundEmail.objects.filter(to=other_org_admin.email).exists()

    # The applicant sees the declined status next to the partner on the partner step.
    applicant = new_page(phone=True)
    log_in_by_cookie(applicant, org_admin)
    applicant.goto(reverse("actionfund:application_edit", args=[application.pk, "partners"]))
    row = applicant.locator("[data-invitations]")
    expect(row).to_contain_text(other_org.name)
    expect(row).to_contain_text(label(PartnerInvitation.Status.DECLINED))
    assert_no_horizontal_scroll(applicant)


def test_the_partner_admin_withdraws_consent_after_accepting_on_a_phone(
    new_page, org, org_admin, other_org, other_org_admin, project_lead
):
    application = draft(
        organisation=org, by=org_admin, amount="1200.50", title="Kiezfest gemeinsam"
    )
    add_line(application, "800.00", description="Plakate")  # 2.000,50: only for two
    invitation = services.partner_invite(
        application=application, organisation=other_org, by=org_admin
    )
    services.partner_invitation_accept(invitation=invitation, consent=True, by=other_org_admin)
    application = services.application_submit(
        application=application, token=application.submission_token, by=org_admin
    )
    OutboundEmail.objects.all().delete()

    partner = new_page(phone=True)
    log_in(partner, other_org_admin.email)
    partner.goto(invitation.get_absolute_url())
    partner.locator("main details summary").click()
    partner.fill("#id_withdraw-reason", "Unser Vorstand hat anders entschieden.")
    # The confirm step: cancelled, nothing changes and the text stays.
    partner.once("dialog", lambda dialog: dialog.dismiss())
    partner.locator("[data-withdraw-consent]").click()
    expect(partner.locator("#id_withdraw-reason")).to_have_value(
        "Unser Vorstand hat anders entschieden."
    )
    invitation.refresh_from_db()
    assert invitation.status == PartnerInvitation.Status.ACCEPTED
    # Confirmed, with a double tap: one withdrawal.
    partner.on("dialog", lambda dialog: dialog.accept())
    partner.locator("[data-withdraw-consent]").dblclick()
    expect(partner.locator(".alert-success").first).to_be_visible()
    expect(partner.locator("[data-withdraw-consent]")).to_have_count(0)
    assert_no_horizontal_scroll(partner)
    assert_accessible(partner)
    shot(partner, "6-consent-withdrawn", journey="partner")

    invitation.refresh_from_db()
    assert invitation.status == PartnerInvitation.Status.WITHDRAWN
    assert invitation.reason == "Unser Vorstand hat anders entschieden."
    assert invitation.consent_text  # the consent as given stays on the record
    assert AuditEntry.objects.filter(action="actionfund.invitation.consent_withdrawn").count() == 1
    assert list(application.partners.all()) == []
    assert OutboundEmail.objects.filter(to=org_admin.email).count() == 1
    assert OutboundEmail.objects.filter(to=project_lead.email).count() == 1

    # The applicant's page: the partner has withdrawn and the single ceiling applies.
    applicant = new_page(phone=True)
    log_in_by_cookie(applicant, org_admin)
    applicant.goto(application.get_absolute_url())
    main = applicant.locator("main")
    expect(main).to_contain_text(label(PartnerInvitation.Status.WITHDRAWN))
    notice = applicant.locator("[data-applicant-ceiling]")
    expect(notice).to_contain_text("1.500,00 EUR")
    expect(notice).to_contain_text("2.000,50 EUR")
    expect(main).to_contain_text("Höchstbetrag 1.500,00")
    expect(applicant.locator("[data-ceiling-warning]")).to_have_count(0)  # staff's warning
    assert_no_horizontal_scroll(applicant)
    shot(applicant, "7-applicant-single-ceiling", journey="partner")

    # Fund staff sign in with their second factor and see the warning with the figures.
    staff = new_page(phone=True)
    log_in(staff, project_lead.email, totp_secret=STAFF_TOTP_SECRET)
    staff.goto(application.get_absolute_url())
    warning = staff.locator("[data-ceiling-warning]")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("2.000,50")
    expect(warning).to_contain_text("1.500,00")
    assert_no_horizontal_scroll(staff)
    shot(staff, "8-staff-warning", journey="partner")
