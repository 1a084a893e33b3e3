"""An organisation admin on a phone (390x844) switches the portal to Arabic with the real
language switcher and goes from the dashboard through an action fund application to the
workshop catalogue. On every page: right to left, nothing wider than the screen, dates in one
day-first form, and the numbers written the way the page's language writes them, by the
server and by JavaScript alike.

Screenshots go to docs/screenshots/journeys/arabic-*.png."""

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from actionfund.models import Application, Status
from qualification.models import Registration
from tests.qualification.factories import make_workshop

from .helpers import assert_no_horizontal_scroll, log_in_by_cookie, open_phone_menu, t
from .test_applicant_journey import (
    journey_call,  # noqa: F401  (a fixture)
    type_date,
)
from .test_applicant_journey import shot as applicant_shot
from .test_language_journey import switch_language

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "journeys"

# Arabic dates (ikmo/formats/ar): the short form is d/m/Y ("31/12/2026"), the long form
# "31 ديسمبر، 2026"; neither ever puts the month first.
NUMERIC_DATE = re.compile(r"(?<![\d/.\-])(\d{1,4})([./\-])(\d{1,2})\2(\d{2,4})(?![\d/.\-])")
# A date written with a month name (Arabic or German) is a second form next to d/m/Y.
MONTH_NAME_DATE = re.compile(
    r"\d{1,2}\.?\s+(يناير|فبراير|مارس|أبريل|إبريل|مايو|يونيو|يوليو|أغسطس|سبتمبر|أكتوبر|"
    r"نوفمبر|ديسمبر|Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|"
    r"November|Dezember)"
)
# Amounts as the Arabic page writes them (Latin digits, "1,500.00"), server and browser alike.
AMOUNT = re.compile(r"\d{1,3}(?:,\d{3})*\.\d{2}")


def shot(page, name):
    applicant_shot(page, name, journey="arabic")


def assert_arabic_page(page):
    """Right to left in Arabic, no sideways scrolling, every numeric date day-first d/m/Y."""
    html = page.locator("html")
    expect(html).to_have_attribute("dir", "rtl")
    expect(html).to_have_attribute("lang", "ar")
    assert_no_horizontal_scroll(page)
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"{page.url} overflows: {widths}"
    text = page.locator("body").inner_text()
    for match in NUMERIC_DATE.finditer(text):
        first, sep, second, year = match.groups()
        assert sep == "/" and len(year) == 4 and len(first) <= 2, (
            f"{page.url}: date {match.group(0)!r} is not in the page's form d/m/Y"
        )
        day, month = int(first), int(second)
        assert 1 <= day <= 31 and 1 <= month <= 12, (
            f"{page.url}: date {match.group(0)!r} puts the month first"
        )
    named = MONTH_NAME_DATE.search(text)
    assert not named, f"{page.url}: {named.group(0)!r} is a second date form next to d/m/Y"
    return text


def step_button(page, value):
    return page.locator(f"main button[name=action][value={value}]")


def test_arabic_on_a_phone_from_dashboard_to_workshop(
    new_page,
    journey_call,  # noqa: F811 (the imported fixture)
    org,
    org_admin,
    consultant,
):
    call = journey_call
    workshop = make_workshop(trainer=consultant, title="Fördermittel beantragen")
    page = new_page(phone=True)
    log_in_by_cookie(page, org_admin)

    # The real switcher, by tapping: the menu first, then the language.
    page.goto(reverse("home"))
    open_phone_menu(page)
    switch_language(page, "ar")
    page.goto(reverse("home"))
    assert_arabic_page(page)
    shot(page, "01-dashboard")

    # The call page, then start an application (a double tap: one draft).
    page.goto(call.get_absolute_url())
    assert_arabic_page(page)
    shot(page, "02-call")
    page.locator(
        f"main a[href='{reverse('actionfund:application_start', args=[call.pk])}']"
    ).click()
    assert_arabic_page(page)
    page.locator("main form button[type=submit]").dblclick()
    page.wait_for_url("**/edit/basics/")
    application = Application.objects.get(call=call, organisation=org)

    # Step 1: the summary missing is refused; the title typed is kept.
    page.fill("#id_title", "مهرجان الحي – لقاء وموسيقى")
    step_button(page, "next").click()
    expect(page.locator("[data-error-summary]")).to_be_visible()
    expect(page.locator("#id_title")).to_have_value("مهرجان الحي – لقاء وموسيقى")
    assert_arabic_page(page)
    shot(page, "03-basics-error")
    page.fill("#id_summary", "احتفال في الشارع للجيران من كل العالم.")
    page.select_option("#id_district", index=1)
    step_button(page, "next").click()
    page.wait_for_url("**/edit/project/")

    # Step 2: German dates as typed in Berlin; an end before the start is refused first.
    page.fill("#id_goals", "لقاء عبر حدود اللغة")
    page.fill("#id_target_group", "العائلات في الحي")
    page.fill("#id_activities", "التحضير في مايو، الاحتفال في يونيو")
    type_date(page, "#id_start_date", "01.06.2026")
    type_date(page, "#id_end_date", "31.05.2026")
    step_button(page, "next").click()
    expect(page.locator("[data-error-summary]")).to_be_visible()
    assert_arabic_page(page)
    shot(page, "04-project-error")
    type_date(page, "#id_end_date", "31.12.2026")
    step_button(page, "next").click()
    page.wait_for_url("**/edit/partners/")
    assert_arabic_page(page)
    step_button(page, "next").click()
    page.wait_for_url("**/edit/budget/")

    # Step 4: the amount typed the German way; the live total is written as the server
    # writes the maximum amount on the same page.
    budget_text = assert_arabic_page(page)
    server_amounts = AMOUNT.findall(budget_text)
    assert "1,500.00" in server_amounts, budget_text  # the ceiling, from the server
    page.select_option("#id_lines-0-category", "fees")
    page.fill("#id_lines-0-description", "موسيقى وتقنية")
    page.fill("#id_lines-0-amount", "1.200,50")
    total = page.locator("[data-budget-total]")
    expect(total).to_contain_text("1,200.50")
    assert AMOUNT.search(total.inner_text()).group(0) == "1,200.50"
    expect(page.locator("[data-budget-unclear]")).to_be_hidden()
    assert_arabic_page(page)
    shot(page, "05-budget-total")
    step_button(page, "next").click()
    page.wait_for_url("**/edit/attachments/")
    application.refresh_from_db()
    assert application.requested_amount == Decimal("1200.50")
    assert_arabic_page(page)
    step_button(page, "next").click()
    page.wait_for_url("**/edit/preview/")

    # Step 6: the preview, the confirmation, a double tap on submit.
    preview_text = assert_arabic_page(page)
    assert "1,200.50" in preview_text
    shot(page, "06-preview")
    page.check("#id_confirm")
    page.locator("[data-submit-button]").dblclick()
    page.wait_for_url(f"**{application.get_absolute_url()}")

    # What happens next, in Arabic (not the German fallback of a missing translation).
    expect(page.locator("[data-journey]")).to_be_visible()
    expect(page.locator("#next-steps")).to_have_text(t("What happens next", "ar"))
    expect(page.locator("[data-journey]")).not_to_contain_text("Antrag eingereicht")
    detail_text = assert_arabic_page(page)
    assert call.decision_expected_on.strftime("%d/%m/%Y") in detail_text or (
        str(call.decision_expected_on.year) in detail_text
    )
    shot(page, "07-what-happens-next")

    # What was typed is in the database as typed.
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert application.title == "مهرجان الحي – لقاء وموسيقى"
    assert application.summary == "احتفال في الشارع للجيران من كل العالم."
    assert (application.start_date, application.end_date) == (date(2026, 6, 1), date(2026, 12, 31))
    assert [(line.description, line.amount) for line in application.budget_lines.all()] == [
        ("موسيقى وتقنية", Decimal("1200.50"))
    ]
    assert Application.objects.filter(call=call).count() == 1

    # The workshop catalogue and a registration.
    page.goto(reverse("qualification:workshop_list"))
    assert_arabic_page(page)
    shot(page, "08-workshops")
    page.locator(f"main a[href='{workshop.get_absolute_url()}']").first.click()
    assert_arabic_page(page)
    membership = page.locator("#id_membership")
    if membership.locator("option").count() > 1:
        membership.select_option(index=1)
    page.locator("main form[action$='/register/'] button[type=submit]").click()
    expect(page.locator("main form[action$='/register/']")).to_have_count(0)
    assert_arabic_page(page)
    shot(page, "09-workshop-registered")
    assert Registration.objects.filter(workshop=workshop, participant=org_admin).count() == 1
