"""A project lead on a phone, just signed in, finds no funder reports: the page explains what
to do and leads through creating a funding period to a report, whose XLSX and PDF download
without asking for the password again."""

from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from reporting.models import FunderReport, FundingPeriod

from .helpers import STAFF_TOTP_SECRET, assert_no_horizontal_scroll, log_in, t

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "journeys"


def fill_date(page, selector, day: date):
    """Types a date as the field expects it: a date picker takes ISO, a text field German."""
    field = page.locator(selector)
    if field.get_attribute("type") == "date":
        field.fill(day.isoformat())
    else:
        field.fill(day.strftime("%d.%m.%Y"))


def test_lead_goes_from_the_empty_report_list_to_a_report_and_its_exports(
    new_page, project_lead, settings
):
    settings.IKMO_REAUTHENTICATION_REQUIRED = True
    page = new_page(phone=True)
    log_in(page, project_lead.email, totp_secret=STAFF_TOTP_SECRET)

    page.goto(reverse("reporting:reports"))
    empty = page.locator("main section", has_text=t("No funding period yet"))
    expect(empty).to_be_visible()
    assert_no_horizontal_scroll(page)
    page.screenshot(path=str(SHOTS / "reports-empty-state.png"))
    empty.get_by_role("link", name=t("Create a funding period")).click()

    # First try: the last day before the first; nothing is saved, nothing typed is lost.
    page.fill("#id_name", "Senatsförderung 2026")
    page.select_option("#id_funder", index=1)
    fill_date(page, "#id_start", date(2026, 12, 31))
    fill_date(page, "#id_end", date(2026, 1, 1))
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#id_end")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_name")).to_have_value("Senatsförderung 2026")
    assert not FundingPeriod.objects.exists()
    fill_date(page, "#id_start", date(2026, 1, 1))
    fill_date(page, "#id_end", date(2026, 12, 31))
    page.locator("main form button[type=submit]").dblclick()
    page.wait_for_url("**/plan/")
    period = FundingPeriod.objects.get()
    assert (period.name, period.start, period.end) == (
        "Senatsförderung 2026",
        date(2026, 1, 1),
        date(2026, 12, 31),
    )

    page.goto(reverse("reporting:reports"))
    expect(page.locator("main")).to_contain_text("Noch keine Förderberichte. Wählen Sie oben")
    page.screenshot(path=str(SHOTS / "reports-no-report-yet.png"))
    page.locator("main [data-report-new]").click()
    page.get_by_label(t("summary")).fill("Das erste Jahr mit dem Portal.")
    page.get_by_role("button", name=t("Generate PDF report")).click()
    report = FunderReport.objects.get()
    pdf_link = page.locator("#document-status a[href$='/download/']")
    expect(pdf_link).to_be_visible(timeout=30_000)

    # Both exports of the same figures download straight away, seconds after signing in.
    with page.expect_download() as xlsx:
        page.get_by_role("link", name=t("Excel (XLSX)")).click()
    assert xlsx.value.suggested_filename.endswith(".xlsx")
    with page.expect_download() as pdf:
        pdf_link.click()
    with open(pdf.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert "reauthenticate" not in page.url
    assert report.period == period
