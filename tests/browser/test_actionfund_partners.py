"""A joint application on a phone (390x844): the applicant invites a partner organisation,
the partner's admin signs in, finds the invitation on the overview page, is stopped without
the consent tick, accepts with a double tap; the applicant then submits a cooperation
budget typed in German notation. Screenshots: docs/screenshots/journeys/partner-*.png."""

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from actionfund.models import Application, PartnerInvitation, Status, StatusChange
from ikmo.models import OutboundEmail
from tests.actionfund.factories import CallFactory, draft

from .helpers import assert_accessible, assert_no_horizontal_scroll, log_in, log_in_by_cookie
from .test_applicant_journey import shot

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
