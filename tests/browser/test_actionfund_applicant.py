"""The action fund applicant journey on a phone: call page, multi-step form with drafts kept on
the server, the live budget total against the ceiling, preview, and a double-tapped submit
that still makes exactly one submission."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from actionfund.models import Application, Status, StatusChange
from ikmo.models import OutboundEmail
from tests.actionfund.factories import CallFactory, CriterionFactory

from .helpers import assert_accessible, assert_no_horizontal_scroll, log_in_by_cookie

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def next_step(page):
    page.click("main button[name=action][value=next]")


def test_applicant_journey_on_a_phone(new_page, org, org_admin):
    call = CallFactory(title="Kaleidoskop Browsertest")
    CriterionFactory(call=call, title="Beitrag zur Teilhabe")
    page = new_page(phone=True)
    log_in_by_cookie(page, org_admin)

    page.goto(reverse("actionfund:home"))
    page.click(f"text={call.title}")
    expect(page.locator("main")).to_contain_text("Beitrag zur Teilhabe")
    assert_no_horizontal_scroll(page)
    page.click(f"a[href='{reverse('actionfund:application_start', args=[call.pk])}']")
    page.click("main form button[type=submit]")
    application = Application.objects.get()
    assert application.status == Status.DRAFT

    # Step 1: an error keeps what was typed; "save draft" keeps it on the server.
    page.fill("#id_title", "Kiezfest im Browser")
    next_step(page)
    expect(page.locator("[data-error-summary]")).to_be_visible()
    expect(page.locator("#id_title")).to_have_value("Kiezfest im Browser")
    # Wait for the save to come back before reloading, or the reload races its navigation.
    page.click("main button[name=action][value=save]")
    expect(page.locator(".alert-success")).to_be_visible()
    application.refresh_from_db()
    assert application.title == "Kiezfest im Browser"
    page.reload()
    expect(page.locator("#id_title")).to_have_value("Kiezfest im Browser")
    page.fill("#id_summary", "Ein Fest für alle Nachbar*innen.")
    page.select_option("#id_district", index=1)
    assert_no_horizontal_scroll(page)
    next_step(page)

    # Step 2
    page.fill("#id_goals", "Begegnung")
    page.fill("#id_target_group", "Familien im Kiez")
    page.fill("#id_activities", "Fest im Juni")
    page.fill("#id_start_date", "2026-06-01")
    page.fill("#id_end_date", "2026-06-30")
    next_step(page)
    # Step 3: no partners, a single-organisation project
    next_step(page)

    # Step 4: the total updates as the applicant types and warns above the ceiling (1500).
    page.select_option("#id_lines-0-category", "fees")
    page.fill("#id_lines-0-description", "Musik")
    page.fill("#id_lines-0-amount", "1000")
    page.click("[data-budget-add]")
    # The new, still empty line counts as nothing and raises no "cannot be read" warning;
    # an amount that really cannot be read does.
    unclear = page.locator("[data-budget-unclear]")
    page.fill("#id_lines-0-amount", "1000 ")  # an input event with the spare line empty
    expect(unclear).to_be_hidden()
    expect(page.locator("[data-budget-total]")).to_have_text("1.000,00\xa0€")
    page.select_option("#id_lines-1-category", "catering")
    page.fill("#id_lines-1-description", "Essen")
    page.fill("#id_lines-1-amount", "sechshundert")
    expect(unclear).to_be_visible()
    page.fill("#id_lines-1-amount", "600")
    expect(unclear).to_be_hidden()
    expect(page.locator("[data-budget-total]")).to_have_text("1.600,00\xa0€")
    expect(page.locator("[data-budget-over]")).to_be_visible()
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
    next_step(page)  # the server refuses too, and keeps both lines
    expect(page.locator("[data-error-summary]")).to_be_visible()
    # Both lines are stored in the draft already and come back as stored (600.00).
    expect(page.locator("#id_lines-1-amount")).to_have_value(re.compile(r"^600([.,]00)?$"))
    page.fill("#id_lines-1-amount", "400")
    expect(page.locator("[data-budget-over]")).to_be_hidden()
    next_step(page)

    # Step 5: attachments are optional
    next_step(page)

    # Step 6: preview, then a double tap on submit
    expect(page.locator("main")).to_contain_text("Kiezfest im Browser")
    expect(page.locator("main")).to_contain_text("1.400,00")
    button = page.locator("[data-submit-button]")
    expect(button).to_be_disabled()
    page.check("#id_confirm")
    expect(button).to_be_enabled()
    assert_accessible(page)
    button.dblclick()
    page.wait_for_url(f"**{application.get_absolute_url()}")
    expect(page.locator("main")).to_contain_text("Eingereicht")
    assert_accessible(page)

    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert (
        StatusChange.objects.filter(application=application, to_status=Status.SUBMITTED).count()
        == 1
    )
    assert OutboundEmail.objects.filter(to=org_admin.email).count() == 1

    page.goto(reverse("actionfund:application_list"))
    expect(page.locator("main")).to_contain_text("Kiezfest im Browser")
    assert_no_horizontal_scroll(page)


def test_jury_scores_and_the_lead_decides(new_page, org, org_admin, jury_member):
    """The other side of the journey: a juror scores, the lead previews and sends a decision."""
    from actionfund import services
    from organisations.models import StaffRole
    from tests import factories
    from tests.actionfund.factories import in_review
    from tests.conftest import enrol_mfa

    lead = factories.staff(StaffRole.Role.PROJECT_LEAD, subproject="actionfund")
    enrol_mfa(lead)
    call = CallFactory(title="Kaleidoskop Jury")
    first = CriterionFactory(call=call, title="Beitrag zur Teilhabe", weight="2.00")
    second = CriterionFactory(call=call, title="Machbarkeit")
    application = in_review(organisation=org, by=org_admin, lead=lead, call=call)
    services.jury_assign(application=application, jurors=[jury_member], by=lead)

    juror = new_page()
    log_in_by_cookie(juror, jury_member)
    juror.goto(reverse("actionfund:jury_list"))
    juror.click(f"a[href='{reverse('actionfund:application_score', args=[application.pk])}']")
    assert_accessible(juror)
    juror.check(f"input[name=score_{first.pk}][value='5']")
    juror.check(f"input[name=score_{second.pk}][value='2']")
    juror.fill(f"#id_comment_{first.pk}", "Sehr überzeugend")
    juror.click("main form button[type=submit]")
    expect(juror.locator("main")).to_contain_text("2 von 2")

    page = new_page()
    log_in_by_cookie(page, lead)
    page.goto(reverse("actionfund:call_ranking", args=[call.pk]))
    expect(page.locator("main")).to_contain_text("4,00")  # (5 x 2 + 2 x 1) / 3
    assert_accessible(page)
    page.goto(reverse("actionfund:application_decide", args=[application.pk]))
    page.fill("#id_amount", "900")
    page.fill("#id_message", "Wir fördern {{ project }} mit {{ amount }} EUR.")
    page.click("button[name=preview]")
    expect(page.locator("[data-decision-preview]")).to_have_text(
        f"Wir fördern {application.title} mit 900,00 EUR."
    )
    page.click("button[name=confirm]")
    page.wait_for_url(f"**{application.get_absolute_url()}")
    expect(page.locator("main")).to_contain_text("Bewilligt")
    application.refresh_from_db()
    assert application.status == Status.APPROVED
    assert application.approved_amount == 900


def test_every_action_fund_page_is_accessible_and_fits_a_phone(new_page, org, org_admin):
    from organisations.models import StaffRole
    from tests import factories
    from tests.actionfund.factories import draft, paid
    from tests.conftest import enrol_mfa

    lead = factories.staff(StaffRole.Role.PROJECT_LEAD, subproject="actionfund")
    enrol_mfa(lead)
    call = CallFactory(title="Kaleidoskop Seiten")
    CriterionFactory(call=call, title="Beitrag zur Teilhabe")
    granted = paid(organisation=org, by=org_admin, lead=lead, call=call)
    drafted = draft(organisation=org, by=org_admin, call=call)
    pages = {
        org_admin: [
            reverse("actionfund:home"),
            reverse("actionfund:call_list"),
            call.get_absolute_url(),
            reverse("actionfund:application_start", args=[call.pk]),
            reverse("actionfund:application_list"),
            granted.get_absolute_url(),
            reverse("actionfund:proof_edit", args=[granted.pk]),
        ]
        + [
            reverse("actionfund:application_edit", args=[drafted.pk, step])
            for step in ("basics", "project", "partners", "budget", "attachments", "preview")
        ],
        lead: [
            reverse("actionfund:application_list"),
            granted.get_absolute_url(),
            reverse("actionfund:call_ledger", args=[call.pk]),
            reverse("actionfund:transition_table"),
            reverse("actionfund:call_create"),
            reverse("actionfund:call_edit", args=[call.pk]),
            reverse("actionfund:call_ranking", args=[call.pk]),
        ],
    }
    for person, urls in pages.items():
        page = new_page(phone=True)
        log_in_by_cookie(page, person)
        for url in urls:
            page.goto(url)
            expect(page.locator("main h1")).to_be_visible()
            assert_no_horizontal_scroll(page)
            assert_accessible(page)


def test_on_a_phone_a_juror_scores_while_the_history_loads(new_page, org, org_admin, jury_member):
    """The scoring page shows the form at once and the organisation's history with the centre
    once it has loaded (without links: a juror may not open the organisation's records). A
    first attempt without scores keeps the comment typed; a double tap saves the scores once."""
    from actionfund import services
    from actionfund.models import Score
    from organisations.models import StaffRole
    from tests import factories
    from tests.actionfund.factories import in_review

    lead = factories.staff(StaffRole.Role.PROJECT_LEAD, subproject="actionfund")
    call = CallFactory(title="Kaleidoskop Verlauf")
    first = CriterionFactory(call=call, title="Beitrag zur Teilhabe", weight="2.00")
    second = CriterionFactory(call=call, title="Machbarkeit")
    application = in_review(organisation=org, by=org_admin, lead=lead, call=call)
    services.jury_assign(application=application, jurors=[jury_member], by=lead)

    juror = new_page(phone=True)
    log_in_by_cookie(juror, jury_member)
    # Over a phone's connection the page travels compressed (ikmo.middleware.PageGZipMiddleware).
    assert juror.goto(reverse("actionfund:jury_list")).headers["content-encoding"] == "gzip"
    juror.click(f"a[href='{reverse('actionfund:application_score', args=[application.pk])}']")
    history = juror.locator("section[aria-labelledby=centre]")
    expect(history.locator("ol.timeline")).to_contain_text("Im Portal registriert")
    expect(history.locator(".timeline-loader")).to_have_count(0)
    expect(history.locator("a")).to_have_count(0)
    assert_no_horizontal_scroll(juror)

    # Only a comment, no score: both criteria say what is missing, the comment stays.
    juror.fill(f"#id_comment_{first.pk}", "Gute Idee, Kosten 1.200,50 € bis 31.12.2026 plausibel")
    juror.click("main form button[type=submit]")
    expect(juror.locator("main form")).to_contain_text(
        "Bitte vergeben Sie Punkte für dieses Kriterium."
    )
    expect(juror.locator(f"#id_comment_{first.pk}")).to_have_value(
        "Gute Idee, Kosten 1.200,50 € bis 31.12.2026 plausibel"
    )
    assert not Score.objects.exists()
    expect(history.locator("ol.timeline")).to_contain_text("Im Portal registriert")
    juror.screenshot(path="docs/screenshots/journeys/jury-score-history-phone.png", full_page=True)

    juror.check(f"input[name=score_{first.pk}][value='4']")
    juror.check(f"input[name=score_{second.pk}][value='3']")
    juror.locator("main form button[type=submit]").dblclick()
    juror.wait_for_url("**" + reverse("actionfund:jury_list"))
    expect(juror.locator(".messages .alert-success")).to_be_visible()
    saved = {s.criterion_id: (s.value, s.comment) for s in Score.objects.filter(juror=jury_member)}
    assert saved == {
        first.pk: (4, "Gute Idee, Kosten 1.200,50 € bis 31.12.2026 plausibel"),
        second.pk: (3, ""),
    }
