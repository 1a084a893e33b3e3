"""A founding initiative in a workshop, on a phone (390x844): a person who just registered
their organisation (still waiting for approval) finds a basic workshop open to initiatives,
registers for the initiative with one double tap after a first try without a choice; a
project lead approves the organisation and the registration is the organisation's."""

from datetime import timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from ikmo.models import AuditEntry
from organisations import services as organisation_services
from organisations.models import Organisation
from qualification.models import Registration
from tests import factories
from tests.qualification.factories import make_workshop

from .helpers import STAFF_TOTP_SECRET, assert_no_horizontal_scroll, log_in, t

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_founding_initiative_registers_for_a_basic_workshop_and_keeps_it_on_approval(
    new_page, consultant, project_lead, tmp_path
):
    make_workshop(
        trainer=consultant,
        title="Einen Verein gründen",
        starts_in=timedelta(days=8),
        capacity=12,
        is_basic=True,
        open_to_initiatives=True,
    )
    make_workshop(trainer=consultant, title="Lohnbuchhaltung für Fortgeschrittene")
    founder = factories.UserFactory(email="leyla@nachbarschaft-gruendung.example")
    organisation = organisation_services.organisation_register(
        profile=organisation_services.OrganisationProfile(
            name="Nachbarschaftsinitiative Wedding",
            kind=Organisation.Kind.MIGRANT_ORGANISATION,
            legal_form=Organisation.LegalForm.IN_FOUNDING,
            district=factories.district(),
        ),
        by=founder,
    )
    assert organisation.status == Organisation.Status.PENDING

    page = new_page(phone=True)
    log_in(page, founder.email)
    page.goto(reverse("qualification:workshop_list"))
    page.get_by_label(t("Open to initiatives and individuals")).check()
    page.get_by_role("button", name=t("Filter")).click()
    expect(page.get_by_role("link", name="Lohnbuchhaltung für Fortgeschrittene")).to_have_count(0)
    page.get_by_role("link", name="Einen Verein gründen").click()
    expect(page.get_by_role("heading", name="Einen Verein gründen", level=1)).to_be_visible()

    # First try without choosing how to take part: a clear message at the choice, nothing saved.
    page.get_by_role("button", name=t("Register")).click()
    expect(page.get_by_text(t("Please choose how you take part."))).to_be_visible()
    assert not Registration.objects.exists()

    as_initiative = t("Me, for my initiative in founding: %(name)s") % {"name": organisation.name}
    page.get_by_label(as_initiative).check()
    assert_no_horizontal_scroll(page)
    page.screenshot(path=str(tmp_path / "initiative-register.png"), full_page=True)
    page.get_by_role("button", name=t("Register")).dblclick()
    expect(page.locator(".messages .alert-success")).to_be_visible()
    registration = Registration.objects.get()
    assert registration.participant == founder
    assert registration.organisation == organisation
    assert registration.taking_part_as == Registration.TakingPartAs.INITIATIVE
    assert registration.status == Registration.Status.CONFIRMED
    expect(page.locator("main").get_by_text(t("Initiative in founding"))).to_be_visible()
    page.screenshot(path=str(tmp_path / "initiative-registered.png"), full_page=True)

    # A project lead approves the organisation from the queue.
    lead = new_page(phone=True)
    log_in(lead, project_lead.email, totp_secret=STAFF_TOTP_SECRET)
    lead.goto(reverse("organisations:registrations"))
    lead.locator(".list-group-item", has_text=organisation.name).locator(
        "form[action$='/approve/'] button"
    ).click()
    expect(lead.locator(".messages .alert-success")).to_contain_text(organisation.name)
    registration.refresh_from_db()
    assert registration.carried_over_at is not None
    assert Registration.objects.filter(Registration.FOR_ORGANISATION).get() == registration
    assert AuditEntry.objects.filter(action="qualification.registration.carried_over").count() == 1

    # The founder's registrations now show it under the organisation, no longer as initiative.
    page.goto(reverse("qualification:my_registrations"))
    row = page.locator(".list-group-item", has_text="Einen Verein gründen")
    expect(row).to_contain_text(organisation.name)
    expect(row.locator(".badge", has_text=t("Initiative in founding"))).to_have_count(0)
    expect(row).to_contain_text(t("registered as initiative in founding"))
    assert_no_horizontal_scroll(page)
    page.screenshot(path=str(tmp_path / "initiative-approved.png"), full_page=True)
    print(f"Screenshots: {tmp_path}")
