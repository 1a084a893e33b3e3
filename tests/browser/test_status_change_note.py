"""A fund lead changes an application's status with a note while a colleague has just moved
it on: the stale choice is refused on the same page, and the typed note is still there."""

import pytest
from playwright.sync_api import expect

from actionfund import services
from actionfund.models import Status
from organisations.models import StaffRole
from tests import factories
from tests.actionfund.factories import approved
from tests.conftest import enrol_mfa

from .helpers import assert_no_horizontal_scroll, log_in_by_cookie

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NOTE = "Unterschrift per Post am 31.12.2026 eingegangen, Betrag 1.200,50 EUR geprüft."


def test_a_stale_status_choice_keeps_the_typed_note(new_page, org, org_admin):
    lead = factories.staff(StaffRole.Role.PROJECT_LEAD, subproject="actionfund")
    enrol_mfa(lead)
    application = approved(organisation=org, by=org_admin, lead=lead)

    page = new_page(phone=True)
    log_in_by_cookie(page, lead)
    page.goto(application.get_absolute_url())
    form = page.locator("form[action$='/status/']")
    form.locator("#id_to_status").select_option(Status.AGREEMENT_SIGNED)
    form.locator("#id_note").fill(NOTE)

    # Meanwhile a colleague records the signed agreement: the choice is no longer possible.
    services.application_transition(
        application=application, to_status=Status.AGREEMENT_SIGNED, by=lead
    )
    form.locator("button[type=submit]").dblclick()

    expect(page.locator(".alert-danger, .alert-error").first).to_be_visible()
    form = page.locator("form[action$='/status/']")
    expect(form.locator("#id_note")).to_have_value(NOTE)
    expect(form.locator(".invalid-feedback, .is-invalid").first).to_be_visible()
    assert_no_horizontal_scroll(page)
    application.refresh_from_db()
    assert application.status == Status.AGREEMENT_SIGNED
    assert not application.status_changes.filter(note=NOTE).exists()
