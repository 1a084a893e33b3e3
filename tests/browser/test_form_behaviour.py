"""How every form behaves in the browser (static/js/app.js, ikmo/formfields.py, ikmo/middleware.py).

- A form with two submit buttons sends the one that was clicked, once, however often it
  is clicked.
- Browser drafts belong to one person, vanish at sign-out, never hold confidential fields,
  and survive an expired session until the server has the text.
- Amounts and dates are read in German and English notation; the live total is written
  the way the page's language writes money.
- Required fields are marked before the first submit; the step bar shows the current step.
"""

from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from actionfund.models import Application, ProofOfUse, Status, StatusChange
from organisations.models import Organisation, StaffRole
from qualification.models import CoachingSession
from tests import factories
from tests.actionfund.factories import draft, paid
from tests.conftest import enrol_mfa

from .helpers import assert_no_horizontal_scroll, log_in_by_cookie, open_phone_menu, t

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots" / "journeys"
DRAFTS = """() => Object.keys(localStorage).filter(k => k.startsWith('ikmo-draft:'))
    .map(k => [k, localStorage.getItem(k)])"""


def shoot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def fund_lead():
    lead = factories.staff(
        StaffRole.Role.PROJECT_LEAD, subproject="actionfund", email="fundlead@centre.example"
    )
    enrol_mfa(lead)
    return lead


def test_proof_of_use_submit_button_submits_once_on_a_double_click(new_page, org, org_admin):
    """The second button of the form ("Submit proof of use") must not turn into "save draft"."""
    application = paid(organisation=org, by=org_admin, lead=fund_lead())
    line = application.budget_lines.get()
    page = new_page(phone=True)
    log_in_by_cookie(page, org_admin)
    page.goto(reverse("actionfund:proof_edit", args=[application.pk]))

    # First attempt without the report: refused, the amount typed in German stays.
    page.fill(f"#id_spent_{line.pk}", "1.200,50")
    page.click("[data-submit-button]")
    expect(page.locator("[data-error-summary]")).to_be_visible()
    expect(page.locator(f"#id_spent_{line.pk}")).to_have_value("1.200,50")
    application.refresh_from_db()
    assert application.status == Status.PAID

    page.fill("#id_report", "Es kamen 40 Menschen aus dem Kiez.")
    page.locator("[data-submit-button]").dblclick()
    page.wait_for_url(f"**{application.get_absolute_url()}")
    shoot(page, "proof-of-use-submitted")

    application.refresh_from_db()
    assert application.status == Status.PROOF_SUBMITTED
    assert (
        StatusChange.objects.filter(
            application=application, to_status=Status.PROOF_SUBMITTED
        ).count()
        == 1
    )
    proof = ProofOfUse.objects.get(application=application)
    assert proof.report == "Es kamen 40 Menschen aus dem Kiez."
    assert proof.spending.get().amount == Decimal("1200.50")
    # The server confirmed: the browser copy is gone.
    assert page.evaluate(DRAFTS) == []


def test_the_save_button_of_the_same_form_still_only_saves(new_page, org, org_admin):
    application = paid(organisation=org, by=org_admin, lead=fund_lead())
    page = new_page(phone=True)
    log_in_by_cookie(page, org_admin)
    page.goto(reverse("actionfund:proof_edit", args=[application.pk]))
    page.fill("#id_report", "Zwischenstand")
    page.locator("main button[name=action][value=save]").dblclick()
    expect(page.locator(".alert-success")).to_be_visible()
    application.refresh_from_db()
    assert application.status == Status.PAID
    assert ProofOfUse.objects.get(application=application).report == "Zwischenstand"


def sign_out_through_the_menu(page):
    if page.locator(".navbar-toggler").is_visible():
        open_phone_menu(page)
    page.click("#nav-main .navbar-nav:last-child .dropdown-toggle >> nth=-1")
    page.click(f"#nav-main button:has-text('{t('Sign out')}')")
    page.wait_for_load_state()


def test_drafts_belong_to_one_person_and_never_hold_confidential_notes(new_page, org, consultant):
    colleague = factories.staff(StaffRole.Role.CONSULTANT, email="colleague@centre.example")
    enrol_mfa(colleague)
    url = reverse("qualification:coaching_create", args=[org.pk])
    page = new_page(phone=True)
    log_in_by_cookie(page, consultant)
    page.goto(url)
    page.fill("#id_outcome", "Vereinssatzung besprochen")
    page.fill("#id_confidential_notes", "VERTRAULICH: Streit im Vorstand")
    page.fill("#id_next_step", "Satzung prüfen")

    stored = page.evaluate(DRAFTS)
    assert len(stored) == 1
    key, value = stored[0]
    assert "Vereinssatzung besprochen" in value
    assert "VERTRAULICH" not in value
    # The key names the person only by an opaque value, never the id or e-mail.
    assert consultant.email not in key and f":{consultant.pk}:" not in key

    # A reload brings the text back for the same person, without the confidential note.
    page.reload()
    expect(page.locator("#id_outcome")).to_have_value("Vereinssatzung besprochen")
    expect(page.locator("#id_confidential_notes")).to_have_value("")

    sign_out_through_the_menu(page)
    assert page.evaluate(DRAFTS) == []

    # The next person on the same browser finds nothing of the previous one.
    log_in_by_cookie(page, colleague)
    page.goto(url)
    expect(page.locator("#id_outcome")).to_have_value("")
    expect(page.locator("#id_next_step")).to_have_value("")
    expect(page.locator("[data-autosave-note]")).to_be_hidden()

    # Even without signing out: when another person signs in, the drafts of the first go.
    page.fill("#id_outcome", "Text der Kollegin")
    assert len(page.evaluate(DRAFTS)) == 1
    page.context.clear_cookies()
    log_in_by_cookie(page, consultant)
    page.goto(url)
    expect(page.locator("#id_outcome")).to_have_value("")
    assert page.evaluate(DRAFTS) == []
    assert CoachingSession.objects.count() == 0


def test_an_expired_session_keeps_the_text_until_it_is_saved(new_page, org, org_admin):
    application = paid(organisation=org, by=org_admin, lead=fund_lead())
    url = reverse("actionfund:proof_edit", args=[application.pk])
    page = new_page(phone=True)
    page.goto(reverse("account_login"))
    page.fill("input[name=login]", org_admin.email)
    page.fill("input[name=password]", factories.DEFAULT_PASSWORD)
    page.click("form.allauth-form-login button[type=submit]")
    page.wait_for_url(lambda u: "/accounts/login/" not in u)
    page.goto(url)
    page.fill("#id_report", "Ein langer Bericht, mühsam getippt.")

    # The session ends while the person writes (the CSRF cookie stays, as in real life).
    session_cookie = settings.SESSION_COOKIE_NAME
    kept = [c for c in page.context.cookies() if c["name"] != session_cookie]
    page.context.clear_cookies()
    page.context.add_cookies(kept)
    page.click("main button[name=action][value=save]")
    page.wait_for_url("**/accounts/login/**")
    assert f"next={url}" in page.url.replace("%2F", "/")
    expect(page.locator(".messages")).to_contain_text(
        t(
            "Your session had ended, so nothing was saved yet. Please sign in again: you "
            "will return to the form, and this browser fills in what you typed."
        )
    )
    shoot(page, "session-expired-sign-in")
    assert ProofOfUse.objects.filter(application=application).first() is None or not (
        ProofOfUse.objects.get(application=application).report
    )

    page.fill("input[name=login]", org_admin.email)
    page.fill("input[name=password]", factories.DEFAULT_PASSWORD)
    page.click("form.allauth-form-login button[type=submit]")
    page.wait_for_url(f"**{url}")
    expect(page.locator("#id_report")).to_have_value("Ein langer Bericht, mühsam getippt.")
    expect(page.locator("[data-autosave-note]")).to_be_visible()
    shoot(page, "session-expired-text-restored")

    page.click("main button[name=action][value=save]")
    expect(page.locator(".alert-success")).to_be_visible()
    assert (
        ProofOfUse.objects.get(application=application).report
        == "Ein langer Bericht, mühsam getippt."
    )
    assert page.evaluate(DRAFTS) == []


def test_amounts_and_dates_in_german_and_english_notation(new_page, org, org_admin):
    application = draft(organisation=org, by=org_admin, amount=None)
    page = new_page(phone=True)
    log_in_by_cookie(page, org_admin)

    # The date field is the browser's own (shown in its language, sent as ISO); typed text
    # dates are read in German notation on the server (tests/ikmo/test_formfields_decimal.py).
    page.goto(reverse("actionfund:application_edit", args=[application.pk, "project"]))
    end = application.start_date.replace(month=12, day=31)
    page.fill("#id_end_date", end.isoformat())
    page.click("main button[name=action][value=save]")
    expect(page.locator(".alert-success")).to_be_visible()
    application.refresh_from_db()
    assert application.end_date == end

    page.goto(reverse("actionfund:application_edit", args=[application.pk, "budget"]))
    page.select_option("#id_lines-0-category", "fees")
    page.fill("#id_lines-0-description", "Honorar")
    page.fill("#id_lines-0-amount", "1.200,50")
    expect(page.locator("[data-budget-total]")).to_have_text("1.200,50\xa0€")
    page.click("[data-budget-add]")
    page.select_option("#id_lines-1-category", "catering")
    page.fill("#id_lines-1-description", "Essen")
    page.fill("#id_lines-1-amount", "1,200")  # a German 1,2 or an English 1200?
    page.click("[data-budget-add]")
    page.select_option("#id_lines-2-category", "material")
    page.fill("#id_lines-2-description", "Plakate")
    page.fill("#id_lines-2-amount", "120.50")
    expect(page.locator("[data-budget-unclear]")).to_be_visible()
    expect(page.locator("[data-budget-total]")).to_have_text("1.321,00\xa0€")

    page.locator("main button[name=action][value=save]").dblclick()
    expect(page.locator("[data-error-summary]")).to_be_visible()
    expect(page.locator("[data-error-summary]")).to_contain_text("unklar")
    expect(page.locator("[data-error-summary]")).not_to_contain_text("Dezimalstellen")
    # The clear lines are stored in the draft already (shown in German notation, first);
    # the unclear one follows them, as typed.
    expect(page.locator("#id_lines-0-amount")).to_have_value("1200,50")
    expect(page.locator("#id_lines-1-description")).to_have_value("Plakate")
    expect(page.locator("#id_lines-2-description")).to_have_value("Essen")
    expect(page.locator("#id_lines-2-amount")).to_have_value("1,200")
    shoot(page, "budget-unclear-amount")
    assert application.budget_lines.count() == 2

    page.fill("#id_lines-2-amount", "1.200")
    page.locator("main button[name=action][value=save]").dblclick()
    expect(page.locator(".alert-success")).to_be_visible()
    amounts = sorted(application.budget_lines.values_list("description", "amount"))
    assert amounts == [
        ("Essen", Decimal("1200")),
        ("Honorar", Decimal("1200.50")),
        ("Plakate", Decimal("120.50")),
    ]
    # Shown again in German notation, and the total agrees.
    expect(page.locator("[data-budget-line] input[value='1200,50']")).to_have_count(1)
    expect(page.locator("[data-budget-total]")).to_have_text("2.521,00\xa0€")
    assert_no_horizontal_scroll(page)


def test_the_arabic_live_total_is_written_as_the_page_writes_money(new_page, org, org_admin):
    application = draft(organisation=org, by=org_admin, amount=None)
    page = new_page(phone=True, language="ar")
    page.context.add_cookies([{"name": "django_language", "value": "ar", "url": page.base_url}])
    log_in_by_cookie(page, org_admin)
    page.goto(reverse("actionfund:application_edit", args=[application.pk, "budget"]))
    assert page.get_attribute("html", "lang") == "ar"
    page.select_option("#id_lines-0-category", "fees")
    page.fill("#id_lines-0-amount", "450")
    expected = page.evaluate(
        "() => new Intl.NumberFormat('ar', {style: 'currency', currency: 'EUR'}).format(450)"
    )
    expect(page.locator("[data-budget-total]")).to_have_text(expected)
    # The server writes the ceiling with the same separators as the browser.
    assert "450.00" in expected
    expect(page.locator("main")).to_contain_text("1,500.00")
    expect(page.locator("main")).not_to_contain_text("1500,00")
    shoot(page, "budget-total-arabic")


def test_required_fields_are_marked_before_the_first_submit(new_page, org, org_admin):
    page = new_page(phone=True)
    log_in_by_cookie(page, org_admin)
    organisations = Organisation.objects.count()
    page.goto(reverse("organisations:register"))
    legend = page.locator("main [data-required-legend]")
    expect(legend).to_have_text("* " + t("Fields marked with * are required."))
    for field in ("name", "kind", "legal_form", "stage", "district"):
        expect(page.locator(f"label[for=id_{field}] .asteriskField")).to_be_visible()
    expect(page.locator("#id_founding_year_helptext")).to_contain_text(
        t("Required, unless the organisation is still being founded.")
    )
    founding_mark = page.locator("label[for=id_founding_year] .asteriskField")
    expect(founding_mark).to_have_count(0)
    page.select_option("#id_legal_form", Organisation.LegalForm.REGISTERED_ASSOCIATION)
    expect(founding_mark).to_be_visible()
    shoot(page, "required-marked-up-front")
    page.select_option("#id_legal_form", Organisation.LegalForm.IN_FOUNDING)
    expect(founding_mark).to_have_count(0)
    # One submit shows every missing field at once.
    page.select_option("#id_legal_form", Organisation.LegalForm.REGISTERED_ASSOCIATION)
    page.locator("main form button[type=submit]").dblclick()
    summary = page.locator("[data-error-summary]")
    expect(summary.locator("li")).to_have_count(3)  # name, district, founding year
    assert Organisation.objects.count() == organisations

    application = draft(organisation=org, by=org_admin, title="", summary="")
    page.goto(reverse("actionfund:application_edit", args=[application.pk, "basics"]))
    for field in ("title", "summary", "district"):
        expect(page.locator(f"label[for=id_{field}] .asteriskField")).to_be_visible()
    # Saving a draft still needs nothing.
    page.click("main button[name=action][value=save]")
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("[data-error-summary]")).to_have_count(0)


@pytest.mark.parametrize("size", [{"width": 1366, "height": 768}, {"width": 390, "height": 844}])
def test_the_step_bar_shows_the_current_step(new_page, org, org_admin, size):
    application = draft(organisation=org, by=org_admin)
    page = new_page(phone=size["width"] < 500)
    page.set_viewport_size(size)
    log_in_by_cookie(page, org_admin)
    page.goto(reverse("actionfund:application_edit", args=[application.pk, "preview"]))
    bar = page.locator("[data-step-bar]")
    current = bar.locator("[aria-current=step]")
    expect(current).to_contain_text(str(t("Check and submit")))
    box, bar_box = current.bounding_box(), bar.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"]
    assert (
        box["x"] >= bar_box["x"] - 1
        and box["x"] + box["width"] <= bar_box["x"] + bar_box["width"] + 1
    )
    if size["width"] > 800:
        # Every step fully readable: nothing cut off or scrolled away.
        assert bar.evaluate("el => el.scrollWidth <= el.clientWidth")
    assert_no_horizontal_scroll(page)
    shoot(page, f"step-bar-{size['width']}")
    assert Application.objects.filter(pk=application.pk, status=Status.DRAFT).exists()


def test_a_form_without_its_own_draft_marker_also_survives_an_expired_session(
    new_page, org, org_admin, other_org
):
    """Drafts are kept for every form with something to type, not only data-autosave ones:
    here the request to join an organisation, one of several forms on its page."""
    from organisations.models import Membership

    search = reverse("organisations:join") + "?q=Sonnenblume"
    page = new_page(phone=True)
    page.goto(reverse("account_login"))
    page.fill("input[name=login]", org_admin.email)
    page.fill("input[name=password]", factories.DEFAULT_PASSWORD)
    page.click("form.allauth-form-login button[type=submit]")
    page.wait_for_url(lambda u: "/accounts/login/" not in u)
    page.goto(search)
    message = f"#message-{other_org.pk}"
    page.fill(message, "Wir möchten im Vorstand mitarbeiten – Grüße, Amal")

    session_cookie = settings.SESSION_COOKIE_NAME
    kept = [c for c in page.context.cookies() if c["name"] != session_cookie]
    page.context.clear_cookies()
    page.context.add_cookies(kept)
    page.locator(f"form:has({message}) button[type=submit]").dblclick()
    page.wait_for_url("**/accounts/login/**")
    assert not Membership.objects.filter(user=org_admin, organisation=other_org).exists()

    page.fill("input[name=login]", org_admin.email)
    page.fill("input[name=password]", factories.DEFAULT_PASSWORD)
    page.click("form.allauth-form-login button[type=submit]")
    page.wait_for_url("**/join/?q=Sonnenblume")
    expect(page.locator(message)).to_have_value("Wir möchten im Vorstand mitarbeiten – Grüße, Amal")
    expect(page.locator(f"form:has({message}) [data-autosave-note]")).to_contain_text(
        t("We restored what you typed last time in this browser.")
    )

    page.locator(f"form:has({message}) button[type=submit]").dblclick()
    page.wait_for_url(lambda u: "/join/" not in u)
    request = Membership.objects.get(user=org_admin, organisation=other_org)
    assert request.message == "Wir möchten im Vorstand mitarbeiten – Grüße, Amal"
    # Saved: the browser copy is gone.
    drafts = page.evaluate(
        "Object.keys(localStorage).filter(k => k.startsWith('ikmo-draft:') && k.includes('/join/'))"
    )
    assert drafts == []
