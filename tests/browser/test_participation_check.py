"""The analyst's journey through a participation check, in a real browser, up to the PDF."""

import datetime

import pytest
from playwright.sync_api import expect

from organisations.models import Organisation, StaffRole
from participation_check.models import (
    Analysis,
    ExchangeMeeting,
    Interview,
    ParticipationStructure,
)
from tests import factories
from tests.conftest import enrol_mfa

from .helpers import STAFF_TOTP_SECRET, choose, log_in, t

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def analyst(db):
    user = factories.staff(
        StaffRole.Role.CONSULTANT,
        subproject="participation_check",
        email="analyst@centre.example",
        first_name="Ana",
        last_name="Lyse",
    )
    enrol_mfa(user)
    return user


def test_an_analyst_goes_from_a_new_analysis_to_the_report_pdf(page, analyst):
    mo = factories.OrganisationFactory(name="Brückenbau Browser e.V.")
    office = factories.OrganisationFactory(
        name="Bezirksamt Browser",
        kind=Organisation.Kind.PUBLIC_ADMINISTRATION,
        legal_form=Organisation.LegalForm.PUBLIC_BODY,
    )
    log_in(page, analyst.email, totp_secret=STAFF_TOTP_SECRET)

    # The sub-project's home page leads to a new analysis.
    page.goto("/participation-check/")
    page.get_by_role("link", name=t("New analysis")).first.click()
    page.fill("#id_title", "Teilhabecheck Browserkiez")
    page.select_option("#id_district", label="Neukölln")
    page.fill("#id_social_space", "Browserkiez")
    page.fill("#id_period_start", "2024-01-01")
    page.fill("#id_period_end", "2024-12-31")
    page.get_by_role("button", name=t("Save analysis")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Teilhabecheck Browserkiez")
    analysis = Analysis.objects.get()

    # Move on to the inventory.
    page.select_option("#id_to_status", "inventory")
    page.get_by_role("button", name=t("Change status")).click()
    expect(page.locator(".alert-success")).to_be_visible()

    # Record a participation structure with two rated criteria.
    page.get_by_role("link", name=t("Inventory"), exact=True).click()
    page.get_by_role("link", name=t("Add structure")).click()
    page.fill("#id_s-name", "Integrationsbeirat Browser")
    page.select_option("#id_s-type", "integration_council")
    page.fill("#id_s-responsible_body", "Bezirksamt")
    page.select_option("#id_o-score_mo_seats", "2")
    page.fill("#id_o-evidence_mo_seats", "Sechs Sitze für MO")
    page.select_option("#id_o-score_meeting_times", "0")
    page.get_by_role("button", name=t("Save structure")).click()
    # Evidence is missing for one rating: explained, and what was typed is still there.
    expect(page.locator("[data-error-summary]")).to_be_visible()
    expect(page.locator("#id_s-name")).to_have_value("Integrationsbeirat Browser")
    page.fill("#id_o-evidence_meeting_times", "Sitzungen dienstags 14 Uhr")
    page.get_by_role("button", name=t("Save structure")).click()
    expect(page.get_by_role("cell", name="2/4 (50 %)")).to_be_visible()
    assert ParticipationStructure.objects.filter(analysis=analysis).count() == 1

    # An interview: contents without consent are refused, nothing typed is lost.
    page.get_by_role("link", name=t("Interviews"), exact=True).click()
    page.get_by_role("link", name=t("Record interview")).click()
    choose(page, "#id_i-organisation", mo.name[:5], mo.name)
    page.fill("#id_i-date", "2024-03-05")
    first_answer = page.locator("textarea[name^='i-answer_']").first
    first_answer.fill("Den Beirat kennen wir nicht.")
    page.select_option("#id_t-0-kind", "barrier")
    page.select_option("#id_t-0-category", "language")
    page.get_by_role("button", name=t("Save interview")).click()
    expect(page.locator("[data-error-summary]")).to_be_visible()
    expect(first_answer).to_have_value("Den Beirat kennen wir nicht.")
    assert not Interview.objects.exists()
    page.check("#id_i-consent_given")
    page.select_option("#id_i-consent_form", "written")
    page.fill("#id_i-consent_date", "2024-03-05")
    page.get_by_role("button", name=t("Save interview")).click()
    expect(page.get_by_text("Den Beirat kennen wir nicht.")).to_be_visible()
    assert Interview.objects.get().tags.count() == 1

    # A recommendation to the district office.
    page.goto(f"/participation-check/analyses/{analysis.pk}/recommendations/new/")
    page.fill("#id_finding", "Sitzungen finden nachmittags statt.")
    page.fill("#id_text", "Sitzungen abends anbieten.")
    choose(page, "#id_addressee", office.name[:5], office.name)
    page.get_by_role("button", name=t("Save recommendation")).click()
    expect(page.get_by_text("Sitzungen abends anbieten.")).to_be_visible()

    # The HTML preview draws its charts with Chart.js from the json_script data.
    page.get_by_role("link", name=t("Report"), exact=True).click()
    expect(page.locator("canvas[data-pc-chart='openness']")).to_have_attribute("data-pc-ready", "1")
    expect(page.locator("canvas[data-pc-chart='needs']")).to_have_attribute("data-pc-ready", "1")
    expect(page.get_by_role("cell", name="Integrationsbeirat Browser")).to_be_visible()

    # The PDF is rendered by the worker; the status page then offers the download.
    page.get_by_role("button", name=t("Generate report PDF")).click()
    link = page.locator("#document-status a[href$='/download/']")
    expect(link).to_be_visible()
    with page.expect_download() as download_info:
        link.click()
    with open(download_info.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


def test_on_a_phone_the_exchange_meetings_come_a_page_at_a_time(new_page, analyst):
    office = factories.OrganisationFactory(
        name="Bezirksamt Seitenweise",
        kind=Organisation.Kind.PUBLIC_ADMINISTRATION,
        legal_form=Organisation.LegalForm.PUBLIC_BODY,
    )
    analysis = Analysis.objects.create(
        title="Teilhabecheck Seitenweise",
        district=office.district,
        created_by=analyst,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 12, 31),
    )
    analysis.team.add(analyst)
    for day in range(1, 23):
        meeting = ExchangeMeeting.objects.create(
            analysis=analysis, title=f"Runde {day:02d}", date=datetime.date(2026, 3, day)
        )
        meeting.participants.add(office)
    page = new_page(phone=True)
    log_in(page, analyst.email, totp_secret=STAFF_TOTP_SECRET)
    page.goto(f"/participation-check/analyses/{analysis.pk}/meetings/")
    titles = page.locator("article h3")
    expect(titles).to_have_count(20)
    expect(titles.first).to_have_text("Runde 22")
    page_of = t("Page %(number)s of %(total)s") % {"number": 1, "total": 2}
    expect(page.get_by_text(page_of)).to_be_visible()
    page.screenshot(
        path="docs/screenshots/journeys/participation-meetings-paged-phone.png", full_page=True
    )
    page.get_by_role("link", name=t("Next")).click()
    expect(titles).to_have_count(2)
    expect(titles.last).to_have_text("Runde 01")
    expect(page.get_by_text("Bezirksamt Seitenweise").first).to_be_visible()
    page.get_by_role("link", name=t("Previous")).click()
    expect(titles).to_have_count(20)
