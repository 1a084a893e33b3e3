"""Networks and the contact at the centre in a real browser, on a phone (390x844): a project
lead names an organisation's contact with the people chooser (only the centre's staff can
be found), an organisation's admin asks to join a network and the network's admin confirms;
a double tap makes one change each time."""

import pytest
from playwright.sync_api import expect

from ikmo.models import AuditEntry, OutboundEmail
from organisations.models import Membership, NetworkMembership, Organisation, StaffRole
from tests import factories

from .helpers import STAFF_TOTP_SECRET, assert_no_horizontal_scroll, choose, log_in, t

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_lead_names_the_contact_at_the_centre_on_a_phone(
    new_page, org, org_member, project_lead, tmp_path
):
    contact = factories.staff(
        StaffRole.Role.CONSULTANT,
        first_name="Dilek",
        last_name="Beraterin",
        email="dilek.beraterin@centre.example",
    )
    factories.member_of(org, first_name="Dilek", last_name="Vereinsmitglied")
    page = new_page(phone=True)
    log_in(page, project_lead.email, totp_secret=STAFF_TOTP_SECRET)
    page.goto(org.get_absolute_url())
    page.get_by_role("link", name=t("Assign a contact")).click()
    # Only the centre's staff can be found: the organisation's own Dilek is not offered.
    combobox = page.get_by_role("combobox", name=t("Contact at the centre"), exact=False).first
    combobox.locator("xpath=..").click()
    combobox.press_sequentially("Vereinsmitglied", delay=40)
    expect(page.locator(".no-results")).to_have_text(t("No results. Please try another spelling."))
    page.screenshot(path=str(tmp_path / "contact-not-staff.png"), full_page=True)
    combobox.fill("")
    page.keyboard.press("Escape")
    choose(page, t("Contact at the centre"), "Dilek", "Dilek Beraterin")
    assert_no_horizontal_scroll(page)
    page.screenshot(path=str(tmp_path / "contact-chosen.png"), full_page=True)
    page.get_by_role("button", name=t("Save")).dblclick()
    expect(page.get_by_text(t("The contact at the centre has been saved."))).to_be_visible()
    org.refresh_from_db()
    assert org.centre_contact == contact
    assert (
        AuditEntry.objects.filter(action="organisations.organisation.contact_changed").count() == 1
    )
    assert OutboundEmail.objects.filter(to=contact.email).count() == 1
    page.screenshot(path=str(tmp_path / "contact-saved.png"), full_page=True)

    # The organisation's member sees her contact on the overview.
    member_page = new_page(phone=True)
    log_in(member_page, org_member.email)
    expect(member_page.get_by_text("dilek.beraterin@centre.example")).to_be_visible()
    member_page.screenshot(path=str(tmp_path / "contact-member-home.png"), full_page=True)
    print(f"Screenshots: {tmp_path}")


def test_an_organisation_joins_a_network_and_the_network_confirms_on_phones(
    new_page, org, org_admin, tmp_path
):
    network = factories.OrganisationFactory(
        name="Netzwerk Brückenbund", kind=Organisation.Kind.NETWORK
    )
    network_admin = factories.member_of(
        network, role=Membership.Role.ADMIN, email="admin@brueckenbund.example"
    )
    page = new_page(phone=True)
    log_in(page, org_admin.email)
    page.goto(org.get_absolute_url())
    page.get_by_role("link", name=t("Join a network")).click()
    # First attempt without a network: a clear message, nothing sent.
    page.get_by_role("button", name=t("Send request")).dblclick()
    expect(page.get_by_text(t("Please correct the following:"))).to_be_visible()
    assert not NetworkMembership.objects.exists()
    page.screenshot(path=str(tmp_path / "network-join-error.png"), full_page=True)
    choose(page, t("Network or umbrella organisation"), "Brücken", "Netzwerk Brückenbund")
    assert_no_horizontal_scroll(page)
    page.get_by_role("button", name=t("Send request")).dblclick()
    expect(page.get_by_text("Netzwerk Brückenbund").first).to_be_visible()
    expect(page.get_by_text(t("Request sent"))).to_be_visible()
    assert NetworkMembership.objects.get().status == NetworkMembership.Status.PENDING
    assert OutboundEmail.objects.filter(to=network_admin.email).count() == 1
    page.screenshot(path=str(tmp_path / "network-requested.png"), full_page=True)

    admin_page = new_page(phone=True)
    log_in(admin_page, network_admin.email)
    admin_page.goto(network.get_absolute_url())
    expect(admin_page.get_by_role("heading", name=t("Requests to join"))).to_be_visible()
    assert_no_horizontal_scroll(admin_page)
    admin_page.screenshot(path=str(tmp_path / "network-request-waiting.png"), full_page=True)
    admin_page.get_by_role("button", name=t("Confirm")).dblclick()
    expect(
        admin_page.get_by_role("link", name=org.name).or_(admin_page.get_by_text(org.name)).first
    ).to_be_visible()
    membership = NetworkMembership.objects.get()
    assert membership.status == NetworkMembership.Status.ACTIVE
    assert membership.decided_by == network_admin
    assert (
        AuditEntry.objects.filter(action="organisations.network_membership.confirmed").count() == 1
    )
    admin_page.screenshot(path=str(tmp_path / "network-confirmed.png"), full_page=True)
    print(f"Screenshots: {tmp_path}")
