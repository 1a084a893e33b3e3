"""Journeys across the sub-projects, each walked in German, English and Arabic.

The per-app browser tests look at one app each; these follow a person (or two, passing work
to each other) through several apps, the way the centre works. On every page a journey
visits, axe-core checks WCAG 2.1 A/AA (every impact, not only the worst) and the page says
which language it is in and which way it runs.

Selectors are ids and names, never visible text, so each journey runs unchanged in every
language; where text is asserted it is translated with the same catalogues the server uses.
"""

import json
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from actionfund.models import Application, Status
from ikmo import tasks
from ikmo.documents import document_render
from ikmo.models import GeneratedDocument
from organisations.models import Organisation
from qualification.models import CoachingSession, Registration
from reporting.models import FunderReport, FundingPeriod, PlanValue
from tests import factories
from tests.actionfund.factories import CallFactory, CriterionFactory, submitted
from tests.qualification.factories import make_workshop, register

from .helpers import axe_violations, choose, log_in_by_cookie

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LANGUAGES = ["de", "en", "ar", "tr"]
EVERY_IMPACT = ("minor", "moderate", "serious", "critical")
PASSWORD = "Nachbarschaft-2026-sicher"


def tp(context: str, text: str, language: str) -> str:
    """A text with a translation context (e.g. a status name), as `language` shows it."""
    with translation.override(language):
        return str(translation.pgettext(context, text))


class Checked:
    """Opens pages for one language and checks each page a journey shows."""

    def __init__(self, new_page, language: str):
        self.new_page = new_page
        self.language = language
        self.seen: list[str] = []

    def person(self, user=None, *, phone: bool = False) -> Page:
        page = self.new_page(language=self.language, phone=phone)
        page.context.add_cookies(
            [{"name": "django_language", "value": self.language, "url": page.base_url}]
        )
        if user is not None:
            log_in_by_cookie(page, user)
        return page

    def __call__(self, page: Page) -> Page:
        """The page is in the journey's language and direction, and axe finds nothing."""
        page.wait_for_load_state()
        html = page.locator("html")
        expect(html).to_have_attribute("lang", self.language)
        expect(html).to_have_attribute("dir", "rtl" if self.language == "ar" else "ltr")
        expect(page.locator("main")).to_be_visible()
        if "/admin/" in page.url:
            violations = admin_violations(page)
        else:
            violations = axe_violations(page, impacts=EVERY_IMPACT)
        assert not violations, f"axe on {page.url} ({self.language}):\n" + json.dumps(
            violations, indent=2, ensure_ascii=False
        )
        self.seen.append(page.url)
        return page


# Django's own admin markup that axe flags and that is not ours to change: the cells of
# tabular inlines have no <label> (the column header names them visually), and the
# "filter_horizontal" widget puts aria-label on a plain <span>, and the select2 box of
# autocomplete fields has no name of its own (the <select> it stands for has one).
# Everything else on admin pages is checked like any other page.
DJANGO_ADMIN_WIDGETS = [
    [".inline-group .tabular td"],
    [".selector .help-tooltip"],
    [".select2-container"],
]


def admin_violations(page: Page) -> list[dict]:
    axe_violations(page, impacts=())  # loads axe into the page
    return page.evaluate(
        """async (exclude) => {
            const r = await axe.run({include: [["html"]], exclude: exclude}, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                resultTypes: ['violations'],
            });
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => ({target: n.target, summary: n.failureSummary})),
            }));
        }""",
        DJANGO_ADMIN_WIDGETS,
    )


@pytest.fixture(params=LANGUAGES)
def checked(request, new_page):
    return Checked(new_page, request.param)


def assert_error_summary_links_to_fields(page: Page) -> None:
    """The summary has focus, and each of its links leads to a field that exists."""
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    links = summary.locator("a")
    assert links.count() > 0
    for href in links.evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        assert href.startswith("#"), href
        target = page.locator(f"[id='{href[1:]}']")
        expect(target).to_have_count(1)
        assert target.evaluate("el => ['INPUT', 'SELECT', 'TEXTAREA'].includes(el.tagName)"), (
            f"{href} is not a form field"
        )


# --- (a) an organisation from sign-up to the decision on its application ------------------


def test_an_organisation_signs_up_applies_with_a_reload_midway_and_sees_the_decision(
    checked, mailoutbox, project_lead
):
    language = checked.language
    email = f"amira-{language}@neuer-verein.example"
    name = f"Kiezbrücke {language} e.V."
    call = CallFactory(title="Kaleidoskop Berlin")
    CriterionFactory(call=call, title="Beitrag zur Teilhabe")

    # Sign up, then confirm the e-mail address with the link that arrives.
    applicant = checked.person()
    applicant.goto(reverse("account_signup"))
    checked(applicant)
    applicant.fill("input[name=first_name]", "Amira")
    applicant.fill("input[name=last_name]", "Haddad")
    applicant.fill("input[name=email]", email)
    applicant.fill("input[name=password1]", PASSWORD)
    applicant.fill("input[name=password2]", PASSWORD)
    applicant.click("form.allauth-form-signup button[type=submit]")
    applicant.wait_for_url("**" + reverse("account_email_verification_sent"))
    checked(applicant)
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mailoutbox[0].body)
    assert link, mailoutbox[0].body
    applicant.goto(link.group(0))
    checked(applicant)
    applicant.click("main form button[type=submit]")
    applicant.wait_for_url(lambda url: url.rstrip("/").endswith(applicant.base_url.rstrip("/")))
    checked(applicant)

    # Register the organisation; a first try without a name keeps everything else.
    applicant.click(f"main a[href='{reverse('organisations:register')}']")
    checked(applicant)
    applicant.select_option("#id_kind", Organisation.Kind.MIGRANT_ORGANISATION)
    applicant.select_option("#id_legal_form", Organisation.LegalForm.REGISTERED_ASSOCIATION)
    applicant.fill("#id_founding_year", "2019")
    applicant.select_option("#id_district", label="Neukölln")
    applicant.locator("input[name=fields_of_work]").first.check()
    applicant.click("main form button[type=submit]")
    assert_error_summary_links_to_fields(applicant)
    expect(applicant.locator("#id_founding_year")).to_have_value("2019")
    checked(applicant)
    applicant.fill("#id_name", name)
    applicant.click("main form button[type=submit]")
    expect(applicant.locator("main h1")).to_have_text(name)
    checked(applicant)
    organisation = Organisation.objects.get(name=name)
    assert organisation.status == Organisation.Status.PENDING

    # A project lead approves it from the queue.
    lead = checked.person(project_lead)
    lead.goto(reverse("organisations:registrations"))
    checked(lead)
    lead.locator(".list-group-item", has_text=name).locator(
        "form[action$='/approve/'] button"
    ).click()
    expect(lead.locator(".messages .alert-success")).to_contain_text(name)
    checked(lead)

    # The new organisation admin finds the call and starts an application.
    applicant.goto(reverse("actionfund:home"))
    checked(applicant)
    applicant.click(f"main a[href='{call.get_absolute_url()}']")
    checked(applicant)
    applicant.click(f"main a[href='{reverse('actionfund:application_start', args=[call.pk])}']")
    checked(applicant)
    applicant.click("main form button[type=submit]")
    application = Application.objects.get(organisation=organisation)
    applicant.wait_for_url(f"**/applications/{application.pk}/edit/basics/")
    checked(applicant)

    # Step 1: moving on with fields missing shows a summary linked to them.
    applicant.fill("#id_title", "Erzählcafé der Generationen")
    applicant.click("main button[name=action][value=next]")
    assert_error_summary_links_to_fields(applicant)
    expect(applicant.locator("#id_title")).to_have_value("Erzählcafé der Generationen")
    checked(applicant)
    applicant.fill("#id_summary", "Ältere und junge Nachbar*innen erzählen einander.")
    applicant.select_option("#id_district", label="Neukölln")
    applicant.click("main button[name=action][value=next]")
    applicant.wait_for_url("**/edit/project/")
    checked(applicant)

    # Step 2: half typed, the page is reloaded: nothing typed is lost (kept in the browser).
    applicant.fill("#id_goals", "Begegnung zwischen den Generationen")
    applicant.fill("#id_target_group", "Seniorinnen, Senioren und Jugendliche")
    applicant.fill("#id_start_date", (timezone.localdate() + timedelta(days=40)).isoformat())
    applicant.reload()
    expect(applicant.locator("#id_goals")).to_have_value("Begegnung zwischen den Generationen")
    expect(applicant.locator("#id_target_group")).to_have_value(
        "Seniorinnen, Senioren und Jugendliche"
    )
    expect(applicant.locator("[data-autosave-note]")).to_be_visible()
    checked(applicant)
    # "Save draft" keeps it on the server too: another browser sees it.
    applicant.fill("#id_activities", "Sechs Erzählnachmittage")
    applicant.click("main button[name=action][value=save]")
    expect(applicant.locator(".alert-success")).to_be_visible()
    application.refresh_from_db()
    assert application.goals == "Begegnung zwischen den Generationen"
    assert application.activities == "Sechs Erzählnachmittage"
    checked(applicant)
    applicant.fill("#id_end_date", (timezone.localdate() + timedelta(days=100)).isoformat())
    applicant.click("main button[name=action][value=next]")
    applicant.wait_for_url("**/edit/partners/")
    checked(applicant)
    applicant.click("main button[name=action][value=next]")
    applicant.wait_for_url("**/edit/budget/")
    checked(applicant)
    applicant.select_option("#id_lines-0-category", "fees")
    applicant.fill("#id_lines-0-description", "Honorare Moderation")
    applicant.fill("#id_lines-0-amount", "1200")
    applicant.click("main button[name=action][value=next]")
    applicant.wait_for_url("**/edit/attachments/")
    checked(applicant)
    applicant.click("main button[name=action][value=next]")
    applicant.wait_for_url("**/edit/preview/")
    checked(applicant)
    applicant.check("#id_confirm")
    applicant.click("[data-submit-button]")
    applicant.wait_for_url(f"**{application.get_absolute_url()}")
    expect(applicant.locator("main")).to_contain_text(
        tp("application status", "Submitted", language)
    )
    checked(applicant)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED

    # The lead opens it and decides, after previewing the message.
    lead.goto(application.get_absolute_url())
    checked(lead)
    lead.click(f"main a[href='{reverse('actionfund:application_decide', args=[application.pk])}']")
    checked(lead)
    lead.fill("#id_amount", "1100")
    lead.fill("#id_message", "Wir fördern {{ project }} mit {{ amount }} EUR.")
    lead.click("button[name=preview]")
    expect(lead.locator("[data-decision-preview]")).to_contain_text(application.title)
    checked(lead)
    lead.click("button[name=confirm]")
    lead.wait_for_url(f"**{application.get_absolute_url()}")
    checked(lead)
    application.refresh_from_db()
    assert (application.status, application.approved_amount) == (Status.APPROVED, 1100)

    # The applicant sees the decision, in the list and on the application.
    applicant.goto(reverse("actionfund:application_list"))
    row = applicant.locator("main", has_text=application.title)
    expect(row).to_contain_text(tp("application status", "Approved", language))
    checked(applicant)
    applicant.goto(application.get_absolute_url())
    expect(applicant.locator("main")).to_contain_text(
        tp("application status", "Approved", language)
    )
    expect(applicant.locator("main")).to_contain_text("1.100,00" if language == "de" else "1")
    checked(applicant)


# --- (b) coaching with a follow-up; attendance and a certificate -------------------------


def test_a_consultant_logs_coaching_and_a_trainer_certifies_attendance(
    checked, org, org_member, consultant
):
    language = checked.language
    staff = checked.person(consultant)
    staff.goto(reverse("qualification:coaching"))
    checked(staff)
    choose(staff, "#id_organisation", org.name[:5], org.name)
    staff.click("form[action$='/coaching/start/'] button")
    staff.wait_for_url(f"**/coaching/organisations/{org.pk}/new/")
    checked(staff)
    follow_up = timezone.localdate() + timedelta(days=2)
    staff.fill("#id_duration_minutes", "90")
    staff.select_option("#id_format", "in_person")
    staff.locator("input[name=topics]").first.check()
    staff.fill("#id_outcome", "Satzungsentwurf besprochen")
    staff.fill("#id_next_step", "Satzung dem Vorstand vorlegen")
    staff.fill("#id_follow_up_date", follow_up.isoformat())
    staff.click("main form[method=post] button[type=submit]")
    session = CoachingSession.objects.get()
    staff.wait_for_url(f"**{session.get_absolute_url()}")
    checked(staff)
    assert (session.follow_up_date, session.duration_minutes) == (follow_up, 90)

    # The follow-up is listed as due, on the coaching page and on the overview.
    staff.goto(reverse("qualification:coaching"))
    due = staff.locator("section[aria-labelledby=due-heading]")
    expect(due.get_by_role("link", name=org.name)).to_be_visible()
    expect(due).to_contain_text("Satzung dem Vorstand vorlegen")
    checked(staff)
    staff.goto(reverse("home"))
    expect(staff.locator("main").get_by_role("link", name=org.name)).to_be_visible()
    checked(staff)

    # The same person runs a workshop today and takes attendance.
    workshop = make_workshop(
        trainer=consultant, starts_in=timedelta(minutes=-45), title="Vereinsgründung kompakt"
    )
    registration = register(workshop, org_member, org)
    staff.goto(workshop.get_absolute_url())
    checked(staff)
    staff.click(f"main a[href='{reverse('qualification:attendance', args=[workshop.pk])}']")
    checked(staff)
    staff.locator(f"#attendance-{registration.pk} button[value='yes']").click()
    expect(staff.locator(f"#attendance-{registration.pk} [data-attendance-state]")).to_have_text(
        _gettext("Present", language)
    )
    checked(staff)
    staff.click(
        f"main form[action='{reverse('qualification:certificates_issue', args=[workshop.pk])}']"
        " button"
    )
    expect(staff.locator(".messages .alert-success")).to_be_visible()
    checked(staff)
    registration.refresh_from_db()
    assert registration.attended is True

    # The participant downloads the certificate.
    participant = checked.person(org_member, phone=True)
    participant.goto(reverse("qualification:my_registrations"))
    checked(participant)
    participant.click("main a[href^='/documents/']")
    link = participant.locator("main a[href$='/download/']")
    expect(link).to_be_visible()
    checked(participant)
    with participant.expect_download() as download:
        link.click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert Registration.objects.get(pk=registration.pk).attended


def _gettext(text: str, language: str) -> str:
    with translation.override(language):
        return str(translation.gettext(text))


# --- (c) a project lead reviews, decides, and reports to the funder ----------------------


@pytest.fixture
def funding_period(db):
    period = FundingPeriod.objects.create(
        name="AMIF 2026", funder="amif", start=date(2026, 1, 1), end=date(2026, 12, 31)
    )
    PlanValue.objects.create(
        period=period, indicator_key="organisations_approved", value=Decimal(10)
    )
    return period


def test_a_project_lead_reviews_decides_and_downloads_a_funder_report(
    checked, org, org_admin, project_lead, jury_member, funding_period, monkeypatch
):
    language = checked.language
    call = CallFactory(title="Kaleidoskop 2026")
    criterion = CriterionFactory(call=call, title="Machbarkeit")
    application = submitted(organisation=org, by=org_admin, call=call, title="Nachbarschaftsgarten")

    # Review: the lead assigns a juror, who scores; the ranking shows the score.
    # The overview says what waits for the team; its line leads to exactly those applications.
    lead = checked.person(project_lead)
    lead.goto(reverse("home"))
    checked(lead)
    waiting = lead.locator(
        f"main a[href='{reverse('actionfund:application_list')}?status={Status.SUBMITTED}']"
    )
    expect(waiting).to_contain_text("1")
    waiting.click()
    expect(lead.locator("main tbody tr")).to_have_count(1)
    checked(lead)
    lead.click(f"main a[href='{application.get_absolute_url()}']")
    checked(lead)
    transition = (
        f"main form[action='{reverse('actionfund:application_transition', args=[application.pk])}']"
    )
    lead.select_option(f"{transition} select[name=to_status]", Status.IN_REVIEW)
    lead.click(f"{transition} button[type=submit]")
    expect(lead.locator("main")).to_contain_text(tp("application status", "In review", language))
    checked(lead)
    lead.locator(f"main input[name=jurors][value='{jury_member.pk}']").check()
    lead.click(
        f"main form[action='{reverse('actionfund:jury_assign', args=[application.pk])}'] button[type=submit]"
    )
    expect(lead.locator(".messages .alert-success")).to_be_visible()
    checked(lead)

    # The juror's overview lists what is left to score, with a link straight to the scoring.
    juror = checked.person(jury_member)
    juror.goto(reverse("home"))
    checked(juror)
    juror.click(f"main a[href='{reverse('actionfund:application_score', args=[application.pk])}']")
    checked(juror)
    juror.check(f"input[name=score_{criterion.pk}][value='4']")
    juror.click("main form button[type=submit]")
    juror.wait_for_url("**" + reverse("actionfund:jury_list"))
    checked(juror)

    lead.goto(reverse("actionfund:call_ranking", args=[call.pk]))
    expect(lead.locator("main")).to_contain_text(application.title)
    checked(lead)

    # Decide: a rejection with a reason the applicant can read.
    lead.goto(reverse("actionfund:application_decide", args=[application.pk]))
    lead.check("input[name=decision][value=reject]")
    lead.fill("#id_message", "Leider reicht das Budget in diesem Jahr nicht.")
    lead.click("button[name=preview]")
    checked(lead)
    lead.click("button[name=confirm]")
    lead.wait_for_url(f"**{application.get_absolute_url()}")
    expect(lead.locator("main")).to_contain_text(tp("application status", "Rejected", language))
    checked(lead)
    application.refresh_from_db()
    assert application.status == Status.REJECTED

    # Report: the worker is held back, so the waiting page with its progress is seen.
    queued = []
    monkeypatch.setattr(tasks.render_document, "apply_async", lambda args: queued.append(args))
    lead.goto(reverse("reporting:dashboard") + f"?period={funding_period.pk}")
    checked(lead)
    lead.click(f"main a[href='{reverse('reporting:report_new', args=[funding_period.pk])}']")
    checked(lead)
    lead.fill("#id_summary", "Ein Jahr mit vielen neuen Vereinen.")
    lead.click("main form button[type=submit]")
    status = lead.locator("#document-status")
    expect(status.get_by_role("progressbar")).to_be_visible()
    checked(lead)
    report = FunderReport.objects.get()
    assert queued == [[report.document.pk]]
    GeneratedDocument.objects.filter(pk=report.document.pk).update(
        status=GeneratedDocument.Status.RUNNING, progress=60
    )
    expect(status.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "60")
    checked(lead)
    document_render(document_id=report.document.pk)
    link = status.locator("a[href$='/download/']")
    expect(link).to_be_visible()
    checked(lead)
    with lead.expect_download() as download:
        link.click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


# --- (d) an admin finds any record in Django admin ---------------------------------------


def test_an_admin_finds_any_record_through_admin_search(checked, org, org_member, portal_admin):
    from tests.volunteering.factories import PlacementFactory

    application = submitted(organisation=org, by=org_member, title="Mehrsprachige Lesungen")
    workshop = make_workshop(title="Ehrenamt managen")
    register(workshop, org_member, org)
    placement = PlacementFactory(site=org)
    placement.volunteer.last_name = "Yıldız"
    placement.volunteer.save()
    factories.OrganisationFactory(name="Ganz anderer Verein e.V.")

    admin = checked.person(portal_admin)
    admin.goto("/admin/")
    checked(admin)
    registration = workshop.registrations.get()
    searches = [
        ("organisations/organisation", org.name, org.name, org.pk),
        ("actionfund/application", "Lesungen", application.title, application.pk),
        ("qualification/registration", org_member.email, workshop.title, registration.pk),
        ("volunteering/placement", "Yıldız", "Yıldız", placement.pk),
    ]
    for model, query, expected, pk in searches:
        admin.goto(f"/admin/{model}/")
        admin.fill("#searchbar", query)
        admin.press("#searchbar", "Enter")
        admin.wait_for_url(re.compile(r"\?q="))
        results = admin.locator("#result_list tbody tr")
        expect(results).to_have_count(1)
        expect(results.first).to_contain_text(expected)
        checked(admin)
        # The row leads to the record. (Django's change forms are not opened here: their
        # scripts set inline styles that the portal's strict CSP blocks; see the report.)
        expect(results.first.locator(f"a[href^='/admin/{model}/{pk}/change/']")).to_be_visible()


# --- keyboard only, and error summaries -------------------------------------------------


def focused(page: Page, selector: str) -> bool:
    return page.evaluate("s => document.activeElement?.matches(s) ?? false", selector)


def tab_to(page: Page, selector: str, *, backwards: bool = False, limit: int = 80) -> None:
    """Press Tab (or Shift+Tab) until `selector` has the focus, as a keyboard user would."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        if focused(page, selector):
            return
        page.keyboard.press(key)
    raise AssertionError(f"{selector} is not reachable with {key} on {page.url}")


def type_into(page: Page, selector: str, text: str, **kwargs) -> None:
    tab_to(page, selector, **kwargs)
    page.keyboard.type(text)


def press_button(page: Page, selector: str, key: str = "Enter") -> None:
    tab_to(page, selector)
    page.keyboard.press(key)


def test_the_application_form_can_be_completed_with_the_keyboard_alone(new_page, org, org_admin):
    """Tab, Shift+Tab, Enter, Space and typing: no clicks from the call page to the submission."""
    call = CallFactory(title="Kaleidoskop Tastatur")
    page = new_page(language="en")
    log_in_by_cookie(page, org_admin)
    page.goto(call.get_absolute_url())

    press_button(page, f"a[href='{reverse('actionfund:application_start', args=[call.pk])}']")
    page.wait_for_url("**/apply/")
    press_button(page, "main form button[type=submit]")
    page.wait_for_url("**/edit/basics/")
    application = Application.objects.get()

    # Step 1. The summary is typed first, then Shift+Tab goes back up to the title.
    type_into(page, "#id_summary", "Stories of the neighbourhood, told by its elders.")
    type_into(page, "#id_title", "Neighbourhood stories", backwards=True)
    tab_to(page, "#id_district")
    page.keyboard.type("Neuk")  # a closed <select> jumps to the option typed
    expect(page.locator("#id_district option:checked")).to_have_text("Neukölln")
    press_button(page, "main button[name=action][value=next]")
    page.wait_for_url("**/edit/project/")

    # Step 2. Dates are typed into the date fields' parts; day and month are the same number,
    # so the test does not depend on the order the browser's locale shows them in.
    type_into(page, "#id_goals", "Bring generations together")
    type_into(page, "#id_target_group", "Older people and teenagers")
    type_into(page, "#id_activities", "Six afternoons of storytelling")
    year = timezone.localdate().year + 1
    start, end = date(year, 5, 5), date(year, 7, 7)
    type_into(page, "#id_start_date", start.strftime("%d%m%Y"))
    type_into(page, "#id_end_date", end.strftime("%d%m%Y"))
    expect(page.locator("#id_end_date")).to_have_value(end.isoformat())
    press_button(page, "main button[name=action][value=next]")
    page.wait_for_url("**/edit/partners/")
    press_button(page, "main button[name=action][value=next]", key="Space")
    page.wait_for_url("**/edit/budget/")

    # Step 4: one budget line.
    tab_to(page, "#id_lines-0-category")
    page.keyboard.type("Fees")
    type_into(page, "#id_lines-0-description", "Storyteller fees")
    type_into(page, "#id_lines-0-amount", "800")
    press_button(page, "main button[name=action][value=next]")
    page.wait_for_url("**/edit/attachments/")
    press_button(page, "main button[name=action][value=next]")
    page.wait_for_url("**/edit/preview/")

    # Preview: Space ticks the confirmation, Enter submits.
    tab_to(page, "#id_confirm")
    page.keyboard.press("Space")
    expect(page.locator("#id_confirm")).to_be_checked()
    press_button(page, "[data-submit-button]")
    page.wait_for_url(f"**{application.get_absolute_url()}")

    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert (application.title, application.district.name) == ("Neighbourhood stories", "Neukölln")
    assert (application.start_date, application.end_date) == (start, end)
    assert application.budget_lines.get().amount == 800


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_error_summary_takes_the_focus_and_its_links_lead_to_the_fields(
    new_page, org_admin, language
):
    page = new_page(language=language)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.base_url}])
    log_in_by_cookie(page, org_admin)
    page.goto(reverse("organisations:register"))
    page.fill("#id_founding_year", "1850")
    press_button(page, "main form button[type=submit]")
    assert_error_summary_links_to_fields(page)
    expect(page.locator("#id_founding_year")).to_have_value("1850")
    # From the summary, Tab reaches its first link; Enter moves the focus to that field.
    first = page.locator("[data-error-summary] a").first
    target = first.get_attribute("href")
    page.keyboard.press("Tab")
    expect(first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(target)).to_be_focused()
    assert axe_violations(page, impacts=EVERY_IMPACT) == []
