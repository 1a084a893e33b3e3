"""A fund project lead finds the overdue proofs of use on a phone (390x844): an impossible
date is explained with the choices kept, the corrected filter (sent with a double tap) shows
exactly the overdue applications, each with a red "überfällig seit" in words.
Screenshots: docs/screenshots/journeys/fund-proof-*.png."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import expect

from actionfund import journey, selectors
from actionfund.filters import ApplicationFilter
from actionfund.models import Status
from organisations.models import StaffRole
from tests import factories
from tests.actionfund.factories import ApplicationFactory, CallFactory
from tests.conftest import enrol_mfa

from .helpers import assert_accessible, assert_no_horizontal_scroll, log_in_by_cookie, t
from .test_applicant_journey import shot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WRONG, RIGHT = "31.02.2026", "31.12.2026"


def _application(organisation, call, title, status, *, due=None, end=None):
    return ApplicationFactory(
        organisation=organisation,
        call=call,
        title=title,
        status=status,
        start_date=None,
        end_date=end,
        proof_due_date=due,
        submitted_at=timezone.now(),
    )


def test_a_fund_lead_finds_the_overdue_proofs_of_use_on_a_phone(new_page, org, other_org):
    lead = factories.staff(StaffRole.Role.PROJECT_LEAD, subproject="actionfund")
    enrol_mfa(lead)
    call = CallFactory(title="Kaleidoskop 2026", proof_of_use_weeks=8)
    # Overdue whenever the test runs, and due before the date typed below.
    before = min(timezone.localdate(), date(2026, 12, 31))
    late = _application(
        org, call, "Kiezfest am Kanal", Status.PAID, due=before - timedelta(days=12)
    )
    # No stored date: due eight weeks after the project's end, three days ago.
    late_by_end = _application(
        other_org,
        call,
        "Nachbarschaftschor",
        Status.PROOF_DUE,
        end=before - timedelta(weeks=8, days=3),
    )
    _application(org, call, "Lesecafé", Status.PAID, due=before + timedelta(days=10))
    _application(
        other_org, call, "Sprachcafé", Status.PROOF_SUBMITTED, due=before - timedelta(days=20)
    )
    _application(org, call, "Stadtteilradio", Status.CLOSED, due=before - timedelta(days=90))

    page = new_page(phone=True)
    log_in_by_cookie(page, lead)
    page.goto(reverse("actionfund:application_list"))
    search = page.get_by_role("search", name=t("Filter applications"))
    proof = search.get_by_label(t("Proof of use"), exact=True)
    due_by = search.get_by_label(t("Proof of use due by"), exact=True)
    proof.select_option(label=t("overdue"))
    due_by.fill(WRONG)
    search.get_by_role("button", name=t("Filter")).click()

    # Told what is wrong, in German, at the field; what was chosen and typed is still there.
    message = t("This is not a valid date. Please enter day, month and year.")
    expect(search.get_by_text(message)).to_be_visible()
    expect(due_by).to_have_attribute("aria-invalid", "true")
    expect(due_by).to_have_value(WRONG)
    expect(proof).to_have_value("overdue")
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
    shot(page, "proof-date-error-phone", journey="fund")

    due_by.fill(RIGHT)
    search.get_by_role("button", name=t("Filter")).dblclick()
    page.wait_for_url(f"**proof_due_by={RIGHT}**")
    expect(search.get_by_text(message)).to_have_count(0)
    expect(due_by).to_have_value(RIGHT)
    expect(proof).to_have_value("overdue")

    # Exactly the applications the database calls overdue and due by then, newest first.
    expected = list(
        ApplicationFilter(
            {"proof": "overdue", "proof_due_by": RIGHT},
            queryset=selectors.with_list_data(selectors.applications_visible_to(user=lead)),
        ).qs.order_by("-submitted_at", "-pk")
    )
    assert {a.pk for a in expected} == {late.pk, late_by_end.pk}
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(len(expected))
    expect(rows.locator("td:first-child")).to_have_text([a.reference for a in expected])
    for row, application in zip(rows.all(), expected, strict=True):
        since = date_format(journey.proof_due(application), "SHORT_DATE_FORMAT")
        badge = row.locator("[data-proof-overdue]")
        expect(badge).to_be_visible()
        expect(badge).to_have_text(f"{t('Proof of use')}: überfällig seit {since}")
        expect(badge).to_have_class("badge text-bg-danger")
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
    # On a phone the list is two columns (the project with its reference, organisation and
    # amount; the status): nothing to swipe sideways to reach the status.
    box = page.locator("main .table-responsive")
    assert box.evaluate("b => b.scrollWidth <= b.clientWidth"), "the list scrolls sideways"
    expect(rows.first.get_by_role("link", name=expected[0].reference)).to_be_visible()
    badge = rows.first.locator("[data-proof-overdue]")
    badge.scroll_into_view_if_needed()
    expect(badge).to_be_in_viewport()
    assert_no_horizontal_scroll(page)
    shot(page, "proof-overdue-phone", journey="fund")
