"""Outcomes in a real browser, on a phone: a consultant records that an organisation won
outside funding (refused first, with everything kept), and a project lead follows the
organisations along the support pathway."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from actionfund.models import Application
from devtools import factories
from organisations.models import Outcome
from qualification.models import Registration
from reporting.models import FundingPeriod
from tests.reporting.conftest import berlin

from .helpers import assert_accessible, assert_no_horizontal_scroll, log_in_by_cookie, t

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_consultant_records_outside_funding_on_a_phone(new_page, consultant):
    org = factories.OrganisationFactory(name="Nachbarschaftsbrücke e.V.")
    page = new_page(phone=True)
    log_in_by_cookie(page, consultant)
    page.goto(reverse("organisations:detail", args=[org.pk]))
    page.get_by_role("link", name=t("Record an outcome")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(t("Record an outcome"))

    # First attempt: a date still to come ("31.12.2026" lies ahead today) and no funder.
    page.locator("#id_kind").select_option(Outcome.Kind.OUTSIDE_FUNDING)
    future = timezone.localdate() + timedelta(days=30)
    page.locator("#id_date").fill(future.isoformat())
    page.locator("#id_amount").fill("1.200,50")
    page.locator("#id_note").fill("Zweijährige Förderung für die Elternarbeit.")
    expect(page.locator("label[for=id_funder] .asteriskField")).to_have_count(1)
    assert_no_horizontal_scroll(page)
    page.get_by_role("button", name=t("Save")).click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(t("An outcome can only be recorded once it has happened."))
    expect(summary).to_contain_text(t("Name the funder of the outside funding."))
    expect(page.locator("#id_amount")).to_have_value("1.200,50")
    expect(page.locator("#id_note")).to_have_value("Zweijährige Förderung für die Elternarbeit.")
    assert not Outcome.objects.exists()
    page.screenshot(path="docs/screenshots/journeys/outcome-error-phone.png", full_page=True)
    assert_accessible(page)

    # Corrected: a date in German notation (a native date field takes the picked value).
    day = timezone.localdate() - timedelta(days=2)
    page.locator("#id_date").fill(day.isoformat())
    page.locator("#id_funder").fill("Stiftung Beispielhaft")
    page.get_by_role("button", name=t("Save")).dblclick()
    expect(page.get_by_text(t("The outcome has been saved.")).first).to_be_visible()
    outcome = Outcome.objects.get()
    assert (outcome.organisation, outcome.kind, outcome.date, outcome.funder, outcome.amount) == (
        org,
        Outcome.Kind.OUTSIDE_FUNDING,
        day,
        "Stiftung Beispielhaft",
        Decimal("1200.50"),
    )
    assert outcome.note == "Zweijährige Förderung für die Elternarbeit."
    expect(page.locator("#outcomes")).to_be_visible()
    expect(page.locator("section", has=page.locator("#outcomes"))).to_contain_text(
        "Stiftung Beispielhaft"
    )
    page.locator("#outcomes").scroll_into_view_if_needed()
    page.screenshot(path="docs/screenshots/journeys/outcome-saved-phone.png")


def test_a_project_lead_follows_the_support_pathway_on_a_phone(new_page, project_lead):
    period = FundingPeriod.objects.create(
        name="Senat 2025", funder="senate", start=date(2025, 1, 1), end=date(2025, 12, 31)
    )
    far, near = (
        factories.OrganisationFactory(name="Weitgekommen e.V."),
        factories.OrganisationFactory(name="Angefangen e.V."),
    )
    for org in (far, near):
        registration = factories.RegistrationFactory(
            organisation=org, status=Registration.Status.CONFIRMED, attended=True
        )
        registration.workshop.starts_at = berlin(2025, 3, 1, 10)
        registration.workshop.save(update_fields=["starts_at"])
    factories.CoachingSessionFactory(organisation=far, date=date(2025, 4, 1))
    factories.ApplicationFactory(
        organisation=far,
        status=Application.Status.APPROVED,
        approved_at=berlin(2025, 5, 1, 10),
        approved_amount=Decimal(900),
    )
    factories.OutcomeFactory(organisation=far, date=date(2025, 9, 1))

    page = new_page(phone=True)
    log_in_by_cookie(page, project_lead)
    page.goto(reverse("reporting:pathway") + f"?period={period.pk}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(t("Support pathway"))
    last = page.locator("tr", has_text=t("Won outside funding"))
    expect(last).to_contain_text("50")  # one of the two who started: 50 %
    expect(page.locator("progress.pathway-bar")).to_have_count(4)
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
    page.screenshot(path="docs/screenshots/journeys/reporting-pathway-phone.png", full_page=True)
    last.get_by_role("link").first.click()
    section = page.locator("section", has=page.locator("#organisations"))
    expect(section).to_contain_text("Weitgekommen e.V.")
    expect(section).not_to_contain_text("Angefangen e.V.")
