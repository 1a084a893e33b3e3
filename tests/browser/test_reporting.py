"""Funder reporting in a real browser: the dashboard's charts, then a report generated in the
background with its progress shown, and the PDF downloaded."""

from datetime import date
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from ikmo import tasks
from ikmo.documents import document_render
from ikmo.models import GeneratedDocument
from organisations.models import Organisation
from reporting.models import FunderReport, FundingPeriod, PlanValue
from tests import factories
from tests.reporting.conftest import berlin

from .helpers import log_in_by_cookie, t

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def period(db):
    period = FundingPeriod.objects.create(
        name="AMIF 2025", funder="amif", start=date(2025, 1, 1), end=date(2025, 12, 31)
    )
    for i in range(3):
        org = factories.OrganisationFactory(name=f"Browserverein {i} e.V.")
        Organisation.objects.filter(pk=org.pk).update(decided_at=berlin(2025, 3 + i, 10, 10))
    PlanValue.objects.create(
        period=period, indicator_key="organisations_approved", value=Decimal(6)
    )
    return period


def test_a_breakdown_is_loaded_when_its_card_is_opened_on_a_phone(page, project_lead, period):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in_by_cookie(page, project_lead)
    page.goto(reverse("reporting:dashboard") + f"?period={period.pk}")
    card = page.locator("details.breakdown-card", has_text=t("Organisation registrations approved"))
    expect(card.locator("table")).to_have_count(0)  # not in the page until asked for
    card.locator("summary").click()
    table = card.locator("table").first
    expect(table).to_be_visible()
    expect(table.locator("caption")).to_contain_text(t("By district"))
    card.screenshot(path="/tmp/breakdown-phone.png")
    # Each cell still drills down to the records behind it.
    first = table.locator("a").first
    href = first.get_attribute("href")
    assert href.startswith(reverse("reporting:records", args=["organisations_approved"]))
    first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        t("Organisation registrations approved")
    )


def test_a_project_lead_generates_a_funder_report_and_downloads_the_pdf(
    page, project_lead, period, monkeypatch
):
    # Hold the worker back, so the page is seen waiting as it would with a busy queue.
    queued = []
    monkeypatch.setattr(tasks.render_document, "apply_async", lambda args: queued.append(args))

    log_in_by_cookie(page, project_lead)
    page.goto(reverse("reporting:dashboard") + f"?period={period.pk}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("AMIF 2025")
    # The summary table: 3 approved of 6 planned, with the status in words.
    row = page.locator("tr", has_text=t("Organisation registrations approved"))
    expect(row).to_contain_text("50 %")
    expect(row).to_contain_text(t("Target missed"))
    # Chart.js drew the plan-vs-actual chart from the json_script data (no inline script).
    expect(page.locator("#chart-plan")).to_be_visible()
    assert page.evaluate("() => !!window.Chart && !!Chart.getChart('chart-plan')")

    page.get_by_role("link", name=t("Generate funder report")).click()
    page.get_by_label(t("summary")).fill("Ein Jahr mit vielen neuen Vereinen.")
    page.get_by_role("button", name=t("Generate PDF report")).click()

    status = page.locator("#document-status")
    expect(status.get_by_role("progressbar")).to_be_visible()
    report = FunderReport.objects.get()
    assert report.generated_by == project_lead
    assert queued == [[report.document.pk]]

    # The worker picks it up; the page polls and shows how far it got, then the link.
    GeneratedDocument.objects.filter(pk=report.document.pk).update(
        status=GeneratedDocument.Status.RUNNING, progress=40
    )
    expect(status.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "40")
    document_render(document_id=report.document.pk)
    link = status.locator("a[href$='/download/']")
    expect(link).to_be_visible()

    with page.expect_download() as download_info:
        link.click()
    with open(download_info.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    # The report keeps its frozen figures and appears among the previous reports.
    report.refresh_from_db()
    frozen = next(r for r in report.snapshot["indicators"] if r["key"] == "organisations_approved")
    assert (frozen["plan"], frozen["actual"]) == (6, 3)
    page.goto(reverse("reporting:reports"))
    expect(page.get_by_role("link", name="AMIF 2025")).to_be_visible()


def test_co_financing_and_carriers_on_a_phone(new_page, project_lead, period):
    """Two funders whose shares do not make 100 % are refused with everything kept; the
    corrected form, tapped twice, saves each source and the carrier once."""
    from reporting.models import Carrier, FundingSource

    from .helpers import assert_no_horizontal_scroll, choose

    carrier = factories.OrganisationFactory(name="Träger Eins gGmbH")
    page = new_page(phone=True)
    log_in_by_cookie(page, project_lead)
    page.goto(reverse("reporting:period_edit", args=[period.pk]))
    page.locator("#id_grant_reference").fill("IV B 3 – 2025/117")
    first = page.get_by_role("group", name="Finanzierungsquelle 1")
    first.get_by_role("combobox", name="Fördermittelgebende").select_option("senate")
    first.get_by_label("Anteil (%)").fill("60")
    first.get_by_label("Betrag (€)").fill("120.000,00")
    second = page.get_by_role("group", name="Finanzierungsquelle 2")
    second.get_by_role("combobox", name="Fördermittelgebende").select_option("amif")
    second.get_by_label("Förderkennzeichen").fill("AMIF-2025-77")
    second.get_by_label("Anteil (%)").fill("30")
    second.get_by_label("Betrag (€)").fill("1.200,50")
    second.get_by_label("Vernetzung & Mentoring").check()  # AMIF co-finances mentoring only
    lead = page.get_by_role("group", name="Träger 1")
    choose(page, "#id_carrier-0-organisation", "Träger Eins", "Träger Eins gGmbH")
    lead.get_by_label("Rolle").select_option("lead")
    lead.get_by_label("Qualifizierung & Coaching").check()
    assert_no_horizontal_scroll(page)
    page.get_by_role("button", name="Speichern").click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("Die Anteile ergeben zusammen 90 %")
    expect(summary).to_be_focused()  # read out first, on top of the page
    expect(page.locator("#sources-errors")).to_contain_text("90 %")
    expect(page.locator("#id_grant_reference")).to_have_value("IV B 3 – 2025/117")
    second = page.get_by_role("group", name="Finanzierungsquelle 2")
    expect(second.get_by_label("Betrag (€)")).to_have_value("1.200,50")
    expect(second.get_by_label("Vernetzung & Mentoring")).to_be_checked()
    expect(page.get_by_role("group", name="Träger 1").get_by_label("Qualifizierung & Coaching"))
    assert not FundingSource.objects.exists()
    page.screenshot(path="docs/screenshots/journeys/reporting-co-financing-error.png")

    second.get_by_label("Anteil (%)").fill("40")
    page.get_by_role("button", name="Speichern").dblclick()
    expect(page.get_by_text("Der Förderzeitraum wurde gespeichert.").first).to_be_visible()
    period.refresh_from_db()
    assert period.grant_reference == "IV B 3 – 2025/117"
    assert list(
        FundingSource.objects.order_by("position").values_list(
            "funder", "share", "amount", "reference", "subprojects"
        )
    ) == [
        ("senate", Decimal("60"), Decimal("120000"), "", []),
        ("amif", Decimal("40"), Decimal("1200.50"), "AMIF-2025-77", ["mentoring"]),
    ]
    assert list(Carrier.objects.values_list("organisation_id", "role", "subprojects")) == [
        (carrier.pk, "lead", ["qualification"])
    ]


def test_a_breakdown_opened_after_the_session_ended_leads_to_sign_in_and_back(
    page, project_lead, period
):
    """The part is not filled with the sign-in page: the whole page goes there, and the
    address to come back to is the dashboard, not the bare breakdown."""
    page.set_viewport_size({"width": 390, "height": 844})
    log_in_by_cookie(page, project_lead)
    dashboard = reverse("reporting:dashboard") + f"?period={period.pk}"
    page.goto(dashboard)
    page.context.clear_cookies()  # the session ended meanwhile
    card = page.locator("details.breakdown-card", has_text=t("Organisation registrations approved"))
    card.locator("summary").click()
    page.wait_for_url(f"**{reverse('account_login')}?next=*")
    assert parse_qs(urlsplit(page.url).query)["next"] == [dashboard]
    expect(page.locator("details.breakdown-card")).to_have_count(0)
    expect(page.locator("main form input[name=login]")).to_be_visible()
    page.screenshot(path="/tmp/breakdown-signed-out.png", full_page=True)
