"""Every form of the portal, in Chromium at phone size, the way people really use it.

tests/browser/forms_crawler.py walks the URL configuration and finds every POST form. Each
form with typed input is driven here: filled with recognisable values (German number
input where the field takes text), sent first with one required field left empty by a
double tap on its real button, then the error page must show every typed value again; the
gap is filled, the form sent again (double tap), and the database must hold what was typed,
once. Forms without typed input are listed in BUTTON_FORMS; a form that is neither driven
nor listed fails test_every_form_is_driven_or_listed, so none can ship unseen.

A second test sends each button of every form with several named buttons and checks that
the server received that button's name=value.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import secrets
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs

import pytest
from django.core.servers.basehttp import WSGIServer
from django.urls import reverse
from playwright.sync_api import expect

from tests.security.expectations import EXPECTATIONS
from tests.security.world import build_world

from .form_driver import fill_form, read_back, repair, rows_containing, spoil
from .forms_crawler import EXTRA_PAGES, crawl
from .helpers import log_in_by_cookie

# Forms on every page: they change a cookie or end the session, nothing typed.
SITE_WIDE_ACTIONS = {"account_logout", "set_language"}


@dataclass(frozen=True)
class Spec:
    persona: str
    index: int  # position among the page's POST forms, as the crawler counts them
    overrides: dict = field(default_factory=dict, hash=False)  # field name -> value
    blank: str = ""  # the field left empty in the first attempt (default: first required)
    invalid: dict = field(default_factory=dict, hash=False)  # or: values that are refused
    saves_text: bool = True  # False: the form keeps nothing it is given as text
    confirm: str = ""  # css selector of a button on the next page that completes the action
    # Why the form cannot be filled in wrongly (everything optional, every choice valid):
    # then only the double tap and the database are checked.
    cannot_fail: str = ""
    xfail: str = ""


OPTIONAL_NOTE = "every status offered is allowed and the note is optional"

# The period form's tables: one funding source carrying everything (the shares must make
# 100 %) and one carrier; the further empty rows are left as they are, as a person would.
PERIOD_ROWS = {
    "source-0-share": "100",
    **{
        f"source-1-{name}": None
        for name in ("funder", "name", "reference", "share", "amount", "subprojects")
    },
    **{
        f"carrier-{row}-{name}": None
        for row in (1, 2)
        for name in ("organisation", "role", "subprojects")
    },
}

# Form key ("page route -> action route") -> how to drive it.
DRIVEN: dict[str, Spec] = {
    # At most the amount applied for (1.000 EUR in the world).
    "actionfund:application_decide -> actionfund:application_decide": Spec(
        "lead", 2, overrides={"amount": "500.00"}, confirm="button[name=confirm]"
    ),
    "actionfund:application_detail -> actionfund:application_transition": Spec(
        "lead", 3, cannot_fail=OPTIONAL_NOTE
    ),
    "actionfund:application_edit -> actionfund:application_edit": Spec(
        "admin_a", 2, cannot_fail="a draft may be incomplete until it is submitted"
    ),
    "actionfund:application_score -> actionfund:application_score": Spec("jury", 2),
    "actionfund:call_create -> actionfund:call_create": Spec("lead", 2),
    "actionfund:call_edit -> actionfund:call_edit": Spec("lead", 2),
    "actionfund:call_ranking -> actionfund:call_ranking": Spec(
        "lead",
        2,
        overrides={"selected": True},
        confirm="button[name=confirm]",
        cannot_fail="the message is optional",
    ),
    "actionfund:proof_edit -> actionfund:proof_edit": Spec("admin_a", 2),
    "mentoring:contact_create -> mentoring:contact_create": Spec("consultant", 2),
    "mentoring:contact_detail -> mentoring:contact_status": Spec(
        "consultant", 2, cannot_fail=OPTIONAL_NOTE
    ),
    "mentoring:contact_edit -> mentoring:contact_edit": Spec("consultant", 2),
    "mentoring:event_create -> mentoring:event_create": Spec("consultant", 2),
    "mentoring:event_detail -> mentoring:task_add": Spec("consultant", 4),
    "mentoring:event_detail -> mentoring:event_speaker_add": Spec("consultant", 6),
    "mentoring:event_detail -> mentoring:event_stand_add": Spec("consultant", 10),
    "mentoring:event_speaker_edit -> mentoring:event_speaker_edit": Spec("consultant", 2),
    "mentoring:event_stand_edit -> mentoring:event_stand_edit": Spec("consultant", 2),
    "mentoring:event_edit -> mentoring:event_edit": Spec("consultant", 2),
    "mentoring:meeting_add -> mentoring:meeting_add": Spec("admin_a", 2),
    "mentoring:offer_edit -> mentoring:offer_edit": Spec("consultant", 2),
    "mentoring:request_edit -> mentoring:request_edit": Spec("admin_a", 2),
    "mentoring:tandem_detail -> mentoring:meeting_add": Spec("admin_a", 3),
    "mentoring:tandem_detail -> mentoring:tandem_close": Spec("admin_a", 2),
    "mentoring:tandem_evaluate -> mentoring:tandem_evaluate": Spec("admin_a", 2),
    "mentoring:tandem_plan -> mentoring:tandem_plan": Spec(
        "admin_a", 2, cannot_fail="goals and dates may be planned one by one"
    ),
    "organisations:edit -> organisations:edit": Spec("admin_a", 2),
    # An outcome is recorded once it has happened: a past date.
    "organisations:outcome_new -> organisations:outcome_new": Spec(
        "consultant", 2, overrides={"date": "2026-11-30"}
    ),
    # The world's outcome is outside funding: without its funder it is refused.
    "organisations:outcome_edit -> organisations:outcome_edit": Spec(
        "consultant", 2, overrides={"date": "2026-11-30"}, blank="funder"
    ),
    "organisations:register -> organisations:register": Spec("admin_a", 2),
    # Asking a listed organisation (C) for contact, on behalf of organisation A.
    "organisations:public_detail -> organisations:public_contact": Spec("admin_a", 2),
    # The listing: an offer shown must be described; the consent is ticked.
    "organisations:public_profile -> organisations:public_profile": Spec(
        "admin_a", 2, overrides={"agreed": True, "show_offer": True}, blank="offer"
    ),
    "participation_check:analysis_create -> participation_check:analysis_create": Spec(
        "consultant", 2
    ),
    "participation_check:analysis_detail -> participation_check:analysis_transition": Spec(
        "consultant", 2, cannot_fail=OPTIONAL_NOTE
    ),
    "participation_check:analysis_edit -> participation_check:analysis_edit": Spec("consultant", 2),
    "participation_check:guideline_edit -> participation_check:guideline_edit": Spec(
        "consultant", 2
    ),
    "participation_check:interview_create -> participation_check:interview_create": Spec(
        "consultant", 2, overrides={"i-consent_given": True}
    ),
    "participation_check:interview_edit -> participation_check:interview_edit": Spec(
        "consultant", 2, overrides={"i-consent_given": True}
    ),
    "participation_check:meeting_create -> participation_check:meeting_create": Spec(
        "consultant", 2
    ),
    "participation_check:meeting_edit -> participation_check:meeting_edit": Spec("consultant", 2),
    "participation_check:recommendation_create -> participation_check:recommendation_create": (
        Spec("consultant", 2)
    ),
    "participation_check:recommendation_detail -> participation_check:recommendation_detail": (
        Spec("consultant", 2)
    ),
    "participation_check:recommendation_edit -> participation_check:recommendation_edit": Spec(
        "consultant", 2
    ),
    "participation_check:structure_create -> participation_check:structure_create": Spec(
        "consultant", 2
    ),
    "participation_check:structure_edit -> participation_check:structure_edit": Spec(
        "consultant", 2
    ),
    # Erasing keeps nothing typed: the confirmation must match the person's address.
    "privacy:erase -> privacy:erase": Spec(
        "admin",
        2,
        overrides={"confirm_email": "member@alpha.example"},
        blank="confirm_email",
        saves_text=False,
    ),
    "privacy:my_data -> privacy:erasure_ask": Spec(
        "admin_a", 4, cannot_fail="the message is optional"
    ),
    "privacy:person -> privacy:erasure_decline": Spec("admin", 3),
    "qualification:coaching_create -> qualification:coaching_create": Spec("consultant", 2),
    "qualification:coaching_edit -> qualification:coaching_edit": Spec("consultant", 2),
    "qualification:feedback -> qualification:feedback": Spec("member_a", 2),
    "qualification:workshop_create -> qualification:workshop_create": Spec("consultant", 2),
    "qualification:workshop_edit -> qualification:workshop_edit": Spec("consultant", 2),
    "reporting:period_edit -> reporting:period_edit": Spec("lead", 2, overrides=PERIOD_ROWS),
    "reporting:period_new -> reporting:period_new": Spec("lead", 2, overrides=PERIOD_ROWS),
    "reporting:period_plan -> reporting:period_plan": Spec("lead", 2),
    "reporting:report_new -> reporting:report_new": Spec(
        "lead", 2, cannot_fail="every text of the report is optional"
    ),
    "volunteering:consultation_edit -> volunteering:consultation_edit": Spec("consultant", 2),
    "volunteering:consultation_new -> volunteering:consultation_new": Spec("consultant", 2),
    "volunteering:contingent_edit -> volunteering:contingent_edit": Spec("lead", 2),
    # This year's contingent of the carrier exists already: next year's is new.
    "volunteering:contingents -> volunteering:contingents": Spec(
        "lead", 2, overrides={"year": "2027"}
    ),
    "volunteering:document_upload -> volunteering:document_upload": Spec("admin_a", 2),
    # An FSJ is full-time (39 hours) for at least six months; a booked placement keeps its
    # dates (its contingent's year).
    "volunteering:placement_edit -> volunteering:placement_edit": Spec(
        "consultant",
        2,
        overrides={"p-start_date": None, "p-end_date": None, "p-weekly_hours": "39"},
    ),
    "volunteering:placement_new -> volunteering:placement_new": Spec(
        "consultant",
        2,
        overrides={
            "p-start_date": "2026-12-01",
            "p-end_date": "2027-11-30",
            "p-weekly_hours": "39",
        },
    ),
    "volunteering:seminar -> volunteering:seminar": Spec("consultant", 2),
    "volunteering:seminar_edit -> volunteering:seminar_edit": Spec("consultant", 2),
    "volunteering:seminar_new -> volunteering:seminar_new": Spec("consultant", 2),
    "volunteering:status -> volunteering:status": Spec("consultant", 2),
}

# Forms with typed input that are not driven here, and why.
NOT_DRIVEN = {
    "mentoring:public_event_detail -> mentoring:public_event_detail": "the guest registration "
    "of a public event, driven in tests/browser/test_public_events.py: refused without "
    "consent with everything kept, then a double tap makes one registration",
    "account_login -> account_login": "signs in, saves nothing; tests/browser/helpers.log_in",
    "account_reset_password -> account_reset_password": "sends a mail, saves nothing typed",
    "account_signup -> account_signup": "passwords are never shown again; "
    "tests/browser/test_account_forms.py checks the e-mail survives an error",
    "account_change_password -> account_change_password": "only passwords, never shown again",
    "api_tokens -> api_tokens": "driven in tests/browser/test_api_tokens.py: refused first with "
    "the choice kept, a German date, a double tap making one token, checked in the database",
    # One reply form (ikmo/templates/ikmo/_thread.html) on every page with a conversation.
    **dict.fromkeys(
        [
            "actionfund:application_detail -> actionfund:application_message_post",
            "actionfund:application_messages -> actionfund:application_message_post",
            "qualification:coaching_messages -> qualification:coaching_message_post",
            "qualification:coaching_organisation -> qualification:coaching_message_post",
            "volunteering:placement -> volunteering:placement_message_post",
            "volunteering:placement_messages -> volunteering:placement_message_post",
        ],
        "the one thread form, driven in tests/browser/test_message_threads.py: an empty message "
        "refused with the text kept, a bad file, a double tap making one message",
    ),
    # An agenda item's times must lie within the event's, and the world's event begins at
    # whatever time of day the test runs: driven on an event of fixed times instead.
    "mentoring:event_detail -> mentoring:event_agenda_add": "driven in "
    "tests/browser/test_event_programme.py: until before from refused with everything kept, "
    "then German times and a double tap making one item",
    "mentoring:event_agenda_edit -> mentoring:event_agenda_edit": "the same form on its own "
    "page; tests/mentoring/test_programme.py sends it wrong and finds everything kept",
    "mailtexts:edit -> mailtexts:edit": "driven in tests/browser/test_mail_texts.py: an unknown "
    "placeholder refused with the text kept, a preview, a double tap making one change",
    "messaging:compose -> messaging:compose": "driven in tests/browser/test_messaging.py: no "
    "subject refused with the text kept, the count, a double tap making one message",
}

# Forms without anything to type: a button, perhaps with a choice. Their action is checked by
# the journeys and tests/security/test_access_matrix.py.
BUTTON_FORMS = {
    # Invite a partner from the search results (tests/browser/test_actionfund_partners.py).
    "actionfund:partner_search -> actionfund:partner_invite",
    # Back to the code's text, or an earlier text from the history (tests/mailtexts).
    "mailtexts:edit -> mailtexts:reset",
    "mailtexts:edit -> mailtexts:restore",
    # Two yes/no boxes (tests/browser/test_messaging.py turns reminders off on a phone).
    "messaging:notifications -> messaging:notifications",
    # One button that stops newsletters (tests/messaging/test_bulk.py).
    "messaging:unsubscribe -> messaging:unsubscribe",
    # A guest's cancel link (signed token) and the guest list's two PDF buttons.
    "mentoring:guest_cancel -> mentoring:guest_cancel",
    "mentoring:guest_list -> mentoring:guest_documents",
    # The event report's one button (a PDF in the background, tests/mentoring).
    "mentoring:event_detail -> mentoring:event_report",
    "account_email -> account_email",
    "api_tokens -> api_token_revoke",
    "actionfund:application_detail -> actionfund:application_withdraw",
    "actionfund:application_detail -> actionfund:jury_assign",
    "actionfund:application_detail -> actionfund:jury_unassign",
    # The export control of every staff list (templates/includes/list_export.html).
    "actionfund:application_list -> exports:create",
    "mentoring:contact_list -> exports:create",
    "mentoring:tandem_list -> exports:create",
    "organisations:directory -> exports:create",
    "participation_check:interview_list -> exports:create",
    "participation_check:recommendation_list -> exports:create",
    "qualification:attendance -> exports:create",
    "qualification:coaching -> exports:create",
    "volunteering:placements -> exports:create",
    "actionfund:application_start -> actionfund:application_start",
    "mentoring:contact_detail -> mentoring:contact_delete",
    # (Recording attendance is offered once an event has started; the world's event is still
    # to come. tests/browser/test_mentoring.py drives that form on a started one.)
    "mentoring:event_detail -> mentoring:event_attendance_remove",
    "mentoring:event_detail -> mentoring:event_cancel",
    "mentoring:event_detail -> mentoring:event_register",
    "mentoring:event_detail -> mentoring:event_unregister",
    "mentoring:event_detail -> mentoring:task_toggle",
    # Taking an entry off an event's programme (a button that asks first).
    "mentoring:event_detail -> mentoring:event_speaker_remove",
    "mentoring:event_detail -> mentoring:event_agenda_remove",
    "mentoring:event_detail -> mentoring:event_stand_remove",
    "mentoring:request_edit -> mentoring:request_withdraw",
    # A chooser each (nothing typed but a search): driven in tests/browser/test_networks.py,
    # refused first with a clear message, a double tap making one change.
    "organisations:centre_contact -> organisations:centre_contact",
    "organisations:network_join -> organisations:network_join",
    "organisations:detail -> organisations:network_action",
    "organisations:detail -> organisations:profile_sheet",
    "organisations:members -> organisations:member_action",
    "organisations:outcome_edit -> organisations:outcome_delete",
    "organisations:registrations -> organisations:approve",
    "participation_check:analysis_detail -> participation_check:report_pdf_request",
    "participation_check:interview_detail -> participation_check:interview_delete",
    "participation_check:interview_detail -> participation_check:interview_withdraw_consent",
    "participation_check:report -> participation_check:report_pdf_request",
    "participation_check:structure_edit -> participation_check:structure_delete",
    "privacy:my_data -> privacy:consent_withdraw",
    "privacy:my_data -> privacy:export_me",
    "privacy:my_data -> privacy:export_organisation",
    "privacy:person -> privacy:consent_withdraw",
    "privacy:person -> privacy:export_person",
    "qualification:attendance -> qualification:attendance_set",
    "qualification:attendance -> qualification:certificates_issue",
    "qualification:attendance -> qualification:participants_pdf",
    "qualification:coaching_organisation -> qualification:coaching_case_toggle",
    "qualification:my_registrations -> qualification:registration_certificate",
    "volunteering:organisation -> volunteering:document_delete",
    "volunteering:placement -> volunteering:placement_transition",
}


# --- the inventory ------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_form_is_driven_or_listed():
    """A new form fails here until it is driven below or listed with a reason."""
    found = {k: f for k, f in crawl(build_world()).items() if f.action not in SITE_WIDE_ACTIONS}
    typed = {k for k, f in found.items() if f.typed_fields}
    unseen = sorted(typed - set(DRIVEN) - set(NOT_DRIVEN))
    unlisted = sorted(set(found) - typed - BUTTON_FORMS - set(NOT_DRIVEN))
    stale = sorted((set(DRIVEN) | set(NOT_DRIVEN) | BUTTON_FORMS) - set(found))
    moved = sorted(
        k
        for k, spec in DRIVEN.items()
        if k in found and (found[k].persona, found[k].index) != (spec.persona, spec.index)
    )
    assert not unseen, f"Forms with typed input, neither driven nor in NOT_DRIVEN: {unseen}"
    assert not unlisted, f"Button forms not in BUTTON_FORMS: {unlisted}"
    assert not stale, f"Listed forms the crawler no longer finds: {stale}"
    assert not moved, "Forms whose persona or position changed: " + str(
        [(k, found[k].persona, found[k].index) for k in moved]
    )
    several = sorted(k for k, f in found.items() if len(f.named_submitters) > 1)
    missing = [k for k in several if k not in MULTI_BUTTON]
    assert not missing, f"Forms with several buttons not in MULTI_BUTTON: {missing}"
    assert len(found) >= 90, f"the crawl found only {len(found)} forms"


# --- driving each form ----------------------------------------------------------------------


def _open(new_page, world, key: str, spec: Spec):
    page_route = key.split(" -> ")[0]
    app = page_route.split(":", 1)[0] if ":" in page_route else "core"
    if page_route in EXTRA_PAGES:
        url = reverse(page_route)
    else:
        route = EXPECTATIONS[page_route]
        url = reverse(page_route, kwargs=route.kwargs(world) if route.kwargs else None)
    page = new_page(phone=True)
    page.set_default_timeout(5_000)
    user = world.persona(spec.persona, app)
    if user is not None:
        log_in_by_cookie(page, user)
    failures = []
    page.on(
        "response", lambda r: failures.append(f"{r.status} {r.url}") if r.status >= 500 else None
    )
    page.on("dialog", lambda dialog: dialog.accept())  # "Are you sure?": yes
    page.goto(url)
    return page, url, failures


def _mark_forms(page):
    page.evaluate(
        """() => Array.from(document.forms).filter(f => f.method === 'post')
            .forEach((f, i) => f.setAttribute('data-crawl-index', String(i)))"""
    )


def _form(page, index: int):
    _mark_forms(page)
    return page.locator(f"form[data-crawl-index='{index}']")


def _form_with(page, names):
    """The POST form holding most of `names`: after an error the form may be on its own page."""
    _mark_forms(page)
    index = page.evaluate(
        """(names) => {
            const posts = Array.from(document.forms).filter(f => f.method === 'post');
            let best = -1, most = 0;
            posts.forEach((f, i) => {
                const n = names.filter(name => f.querySelector(`[name="${name}"]`)).length;
                if (n > most) { most = n; best = i; }
            });
            return best;
        }""",
        list(names),
    )
    assert index >= 0, f"the form is gone from {page.url}"
    return page.locator(f"form[data-crawl-index='{index}']")


def _settle(page, timeout=20.0):
    """Wait until a new document has loaded and no request (a second tap's) is in flight."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if page.evaluate("() => !window.__everyFormOld && document.readyState === 'complete'"):
                break
        except Exception:  # the page is between documents
            pass
        time.sleep(0.05)
    else:
        raise AssertionError(f"no new page after sending the form on {page.url}")
    page.wait_for_load_state("networkidle")


def _submit_twice(page, form, selector: str = ""):
    """A double tap on the form's own submit button, as an impatient thumb does."""
    buttons = form.locator(
        selector or "button[type=submit], input[type=submit], button:not([type])"
    )
    button = buttons.first if selector else buttons.last
    button.scroll_into_view_if_needed()
    page.evaluate("() => { window.__everyFormOld = true; }")
    button.dblclick()
    _settle(page)


def _same(typed: str, shown: str | None) -> bool:
    if shown == typed:
        return True
    try:  # a number input may show 1200.5 for 1200.50
        return float(typed) == float(shown)
    except (TypeError, ValueError):
        return False


ERROR_SHOWN = ".is-invalid, .invalid-feedback, [data-error-summary], .errorlist, .alert-danger"


def _visible_errors(page) -> list[str]:
    return page.evaluate(
        """(selector) => Array.from(document.querySelectorAll(selector))
            .filter(e => e.offsetWidth || e.offsetHeight)
            .map(e => (e.name ? e.name + ': ' : '') + (e.innerText || '').trim().slice(0, 200))""",
        ERROR_SHOWN,
    )


def _params():
    for key, spec in DRIVEN.items():
        marks = [pytest.mark.xfail(strict=False, reason=spec.xfail)] if spec.xfail else []
        yield pytest.param(key, spec, id=key.replace(" -> ", "->"), marks=marks)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("key,spec", list(_params()))
def test_form_keeps_input_on_error_and_saves_once(key, spec, new_page, _private_media):
    world = build_world()
    page, url, failures = _open(new_page, world, key, spec)
    form = _form(page, spec.index)
    expect(form).to_have_count(1)
    token = secrets.token_hex(3).upper()
    filled = fill_form(page, form, token, spec.overrides)
    assert filled.values, f"nothing to type into on {url}"

    # First attempt: one field left wrong, sent by a double tap.
    wrong = {} if spec.cannot_fail else spoil(form, filled, spec.blank, spec.invalid)
    assert wrong or spec.cannot_fail, f"{key}: nothing to get wrong; give the Spec a blank"
    # Constraint validation in the browser would stop the request; what is tested here is
    # the round trip through the server, which is what a browser without it gets.
    form.evaluate("f => { f.noValidate = true; }")
    if wrong:
        _submit_twice(page, form)
        assert not failures, f"server error: {failures}"
        assert _visible_errors(page), f"{key}: no error shown for {wrong} on {page.url}"
        form = _form_with(page, list(filled.values))
        shown = read_back(form, filled)
        typed = {**filled.values, **filled.choices}
        lost = {
            name: (value, shown[name])
            for name, value in typed.items()
            if name not in wrong and not _same(value, shown[name])
        }
        assert not lost, f"{key}: input lost on the error page (typed, shown): {lost}"

    # Second attempt: put right what was wrong; a double tap must still save one object.
    repair(form, filled, wrong)
    form.evaluate("f => { f.noValidate = true; }")
    _submit_twice(page, form)
    assert not failures, f"server error: {failures}"
    assert not _visible_errors(page), (
        f"{key}: the corrected form was refused: {_visible_errors(page)}"
    )
    if spec.confirm:
        _submit_twice(page, page.locator(f"form:has({spec.confirm})"), spec.confirm)
        assert not failures, f"server error: {failures}"
        assert not _visible_errors(page), f"{key}: confirming was refused: {_visible_errors(page)}"
    if not spec.saves_text:
        return
    missing = [name for name, marker in filled.markers.items() if not rows_containing(marker)]
    assert not missing, f"{key}: typed text not in the database: {missing}"
    for name, marker in itertools.islice(filled.markers.items(), 1):
        doubled = {label: n for label, n in rows_containing(marker).items() if n > 1}
        assert not doubled, f"{key}: the double tap saved {name} more than once: {doubled}"


class _OneAtATimeServer(WSGIServer):
    def __init__(self, *args, connections_override=None, **kwargs):
        # The server thread itself takes over the connections (LiveServerThread.run).
        super().__init__(*args, **kwargs)


@pytest.fixture(scope="module")
def live_server(request):
    """This module's own live server, answering one request after the other.

    The shared one answers in threads that share one in-memory SQLite connection, so two
    requests at once (a double tap) fail there with "database table is locked", which no
    real database does. One at a time, a double tap still sends both requests.
    """
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer(os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1"), start=False)
    server.thread.server_class = _OneAtATimeServer
    server.start()
    yield server
    server.stop()


@pytest.fixture
def _private_media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private-media")},
        },
    }


# --- forms with several buttons ------------------------------------------------------------


@dataclass(frozen=True)
class MultiButton:
    persona: str
    index: int
    buttons: tuple  # (name, value) of each submit button
    after_preview: bool = False  # the buttons appear once "Preview" was pressed
    xfail: str = ""
    xfail_on: tuple = ()  # the (name, value) pairs the xfail is about


# Form key -> its buttons. test_every_form_is_driven_or_listed fails for a form with several
# named buttons that is missing here.
MULTI_BUTTON: dict[str, MultiButton] = {
    "account_email -> account_email": MultiButton(
        "member_a", 2, (("action_primary", ""), ("action_send", ""), ("action_remove", ""))
    ),
    "actionfund:application_edit -> actionfund:application_edit": MultiButton(
        "admin_a", 2, (("action", "save"), ("action", "next"))
    ),
    "actionfund:proof_edit -> actionfund:proof_edit": MultiButton(
        "admin_a",
        2,
        (("action", "save"), ("action", "upload"), ("action", "submit")),
    ),
    "qualification:attendance -> qualification:attendance_set": MultiButton(
        "consultant", 4, (("attended", "yes"), ("attended", "no"))
    ),
    "actionfund:application_decide -> actionfund:application_decide": MultiButton(
        "lead", 2, (("preview", "1"), ("confirm", "1")), after_preview=True
    ),
    "actionfund:call_ranking -> actionfund:call_ranking": MultiButton(
        "lead", 2, (("preview", "1"), ("confirm", "1")), after_preview=True
    ),
    "mailtexts:edit -> mailtexts:edit": MultiButton("lead", 2, (("preview", "1"), ("save", "1"))),
}


def _sent_fields(body: str) -> dict[str, list[str]]:
    """The fields of a sent form, urlencoded or multipart (a form with a file input)."""
    if not body.startswith("--"):
        return parse_qs(body, keep_blank_values=True)
    fields: dict[str, list[str]] = {}
    for name, text in re.findall(r'form-data; name="([^"]+)"\r\n\r\n([^\r]*)\r\n', body):
        fields.setdefault(name, []).append(text)
    return fields


def _button_params():
    for key, multi in MULTI_BUTTON.items():
        for name, value in multi.buttons:
            failing = multi.xfail and (name, value) in multi.xfail_on
            marks = [pytest.mark.xfail(strict=False, reason=multi.xfail)] if failing else []
            label = f"{key.split(' -> ')[1]}[{name}={value}]"
            yield pytest.param(key, multi, name, value, id=label, marks=marks)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("key,multi,name,value", list(_button_params()))
def test_each_button_of_a_form_reaches_the_server(
    key, multi, name, value, new_page, _private_media
):
    """The server must learn which button was pressed: "Save draft" is not "Submit"."""
    world = build_world()
    spec = Spec(multi.persona, multi.index)
    page, url, failures = _open(new_page, world, key, spec)
    form = _form(page, multi.index)
    overrides = {"amount": "500.00", "selected": True}  # valid for the decision forms
    fill_form(page, form, secrets.token_hex(3).upper(), overrides)
    if multi.after_preview:
        form.locator("button[name=preview]").click()
        _settle(page)
        form = page.locator("form:has(button[name=confirm])")
        expect(form).to_have_count(1)
    sent = []
    page.on("request", lambda r: sent.append(r.post_data or "") if r.method == "POST" else None)
    # Chromium does not show the body of a multipart request (a form with a file input):
    # there the fields are read as the browser builds them, with the button pressed.
    built = []
    page.on(
        "console",
        lambda m: (
            built.append(m.text[len("SENT-FIELDS ") :])
            if m.text.startswith("SENT-FIELDS ")
            else None
        ),
    )
    page.evaluate(
        """() => document.addEventListener('submit', (e) => console.log('SENT-FIELDS ' +
            JSON.stringify([...new FormData(e.target, e.submitter)]
                .filter(([, v]) => typeof v === 'string'))), true)"""
    )
    selector = f"button[name='{name}'][value='{value}']" if value else f"button[name='{name}']"
    button = form.locator(selector)
    button.scroll_into_view_if_needed()
    # A page may send the form itself (htmx) or the browser navigates: either is a POST.
    with page.expect_request(lambda r: r.method == "POST"):
        button.click()
    page.wait_for_load_state("networkidle")
    assert not failures, f"server error: {failures}"
    assert len(sent) == 1, f"{len(sent)} requests sent by one click"
    fields = _sent_fields(sent[0])
    if not sent[0] and built:
        fields = {}
        for k, v in json.loads(built[-1]):
            fields.setdefault(k, []).append(v)
    assert value in fields.get(name, []), (
        f"{key}: the button {name}={value!r} did not reach the server; it sent {sorted(fields)}"
    )
