"""Fills a form of the portal in the browser as a person would, and searches the database
for what was typed. Used by tests/browser/test_every_form.py for every form at once, so the
values are chosen from each field's own attributes (type, name, min/max/step, maxlength)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Cast
from playwright.sync_api import Locator, Page


def _project_apps() -> set[str]:
    """The portal's own apps (their code lives in the project), not Django's or allauth's."""
    base = str(settings.BASE_DIR)
    return {
        c.label
        for c in apps.get_app_configs()
        if str(c.path).startswith(base) and "site-packages" not in str(c.path)
    }


# Rows that repeat what was typed as a record of it, not as the thing itself: an audit line
# or a sent e-mail may carry a title, and do not count as a second object.
BOOKKEEPING_MODELS = {"ikmo.auditentry", "ikmo.outboundemail"}

MONEY = re.compile(r"amount|budget|spent|price|cost")
YEAR = re.compile(r"year")
FUTURE_DATE = re.compile(r"end|until|follow|due|planned|deadline|closes")

_PLAN_JS = """(form) => {
  const out = [];
  const els = form.querySelectorAll('input, textarea, select');
  els.forEach((el, i) => {
    if (!el.name || el.disabled || el.readOnly) return;
    const style = getComputedStyle(el);
    const visible = !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length)
                    && style.visibility !== 'hidden';
    el.setAttribute('data-fill', String(i));
    // A chooser (static/js/chooser.js) says "required" on its combobox, for the server to
    // explain what is missing.
    const combobox = el.tomselect ? el.tomselect.control_input : null;
    out.push({
      i, name: el.name, tag: el.tagName.toLowerCase(),
      type: (el.getAttribute('type') || (el.tagName === 'INPUT' ? 'text' : el.tagName)).toLowerCase(),
      required: combobox ? combobox.getAttribute('aria-required') === 'true' : el.required,
      chooser: el.hasAttribute('data-chooser-url'),
      visible, value: el.value, checked: !!el.checked,
      multiple: !!el.multiple, step: el.getAttribute('step') || '',
      min: el.getAttribute('min') || '', max: el.getAttribute('max') || '',
      maxlength: el.maxLength > 0 ? el.maxLength : 0,
      inputmode: el.getAttribute('inputmode') || '',
      options: el.tagName === 'SELECT' ? Array.from(el.options).map(o => o.value) : [],
    });
  });
  return out;
}"""

# A chooser offers what its endpoint finds: the first match of an empty search is chosen, as
# a person picks the first suggestion (or the given value, if that is among the first page).
_CHOOSE_JS = """async (el, wanted) => {
  const url = new URL(el.dataset.chooserUrl, location.href);
  url.searchParams.set('q', '');
  url.searchParams.set('page', '1');
  const answer = await (await fetch(url, {credentials: 'same-origin'})).json();
  const pick = wanted === null ? answer.results[0]
    : (answer.results.find(r => r.value === String(wanted)) || {value: String(wanted), text: String(wanted)});
  if (!pick) return null;
  if (el.tomselect) {
    el.tomselect.addOption(pick);
    el.tomselect.addItem(pick.value);
  } else {
    if (!Array.from(el.options).some(o => o.value === pick.value)) el.add(new Option(pick.text, pick.value));
    el.value = pick.value;
    el.dispatchEvent(new Event('change', {bubbles: true}));
  }
  return pick.value;
}"""

_CHOOSERS_READY_JS = """() => Array.from(document.querySelectorAll('select[data-chooser-url]'))
    .every(el => el.tomselect)"""


def choose(target: Locator, value=None) -> str | None:
    """Choose in a chooser: ``value``, or the first match of an empty search."""
    return target.evaluate(_CHOOSE_JS, value)


TEXT_TYPES = {"text", "textarea", "search", ""}
TYPED_TYPES = TEXT_TYPES | {"email", "url", "tel", "number", "date", "datetime-local", "time"}


@dataclass
class Filled:
    """What was put into a form: what was typed, what was chosen, and where."""

    values: dict = field(default_factory=dict)  # typed field name -> value
    markers: dict = field(default_factory=dict)  # name -> marker text to find in the database
    selectors: dict = field(default_factory=dict)  # name -> css selector of the element
    required: list = field(default_factory=list)  # typed fields the page marks as required
    choices: dict = field(default_factory=dict)  # select/radio name -> chosen value
    required_choices: list = field(default_factory=list)  # required selects/radio groups
    bounded: list = field(default_factory=list)  # number fields with a min or max: (name, el)
    emails: list = field(default_factory=list)
    numeric_text: list = field(default_factory=list)  # text fields that take a number
    files: list = field(default_factory=list)  # selectors of file inputs


def _number(el: dict) -> str:
    name = el["name"]
    decimal = "." in el["step"] or el["step"] == "any" or el["inputmode"] == "decimal"
    if YEAR.search(name):
        value = 1990 if "birth" in name else 2026
    elif MONEY.search(name):
        value = 1200.5
    elif decimal:
        value = 12.5
    elif "position" in name:
        value = 1
    else:
        value = 10
    low = float(el["min"]) if el["min"] else None
    high = float(el["max"]) if el["max"] else None
    if high is not None and value > high:
        value = high
    if low is not None and value < low:
        value = low
    if value != int(value):
        return f"{value:.2f}" if MONEY.search(name) else f"{value:g}"
    return str(int(value))


def _date(name: str) -> str:
    # A range gets room between its ends; what is planned lies ahead; everything else (a
    # meeting held, a consent given) has happened.
    if re.search(r"start|begin", name):
        return "2026-12-01"
    if FUTURE_DATE.search(name):
        return "2026-12-31"
    return "2026-11-30"


def _datetime(name: str) -> str:
    if "deadline" in name:
        return "2026-12-30T12:00"
    if re.search(r"end|closes", name):
        return "2026-12-31T12:00"
    if "opens" in name:
        return "2026-12-01T09:00"
    return "2026-12-31T10:00"


def value_for(el: dict, n: int, token: str) -> tuple[str, bool]:
    """The value a person would type into `el`, and whether it is a searchable marker.

    Text fields take German input ("1.200,50" for money); a browser's own number and date
    inputs take only their machine form (1200.50, 2026-12-31) and show it localised.
    """
    name, kind = el["name"], el["type"]
    if kind in TEXT_TYPES or el["tag"] == "textarea":
        if "postcode" in name:
            return "10115", False
        if MONEY.search(name):
            return "1.200,50", False  # German: thousands dot, decimal comma
        if el["inputmode"] in ("numeric", "decimal"):
            return "40", False
        marker = f"Eingabe-{n}-{token}"
        if el["maxlength"] and len(marker) > el["maxlength"]:
            return marker[: el["maxlength"]], False
        return marker, True
    if kind == "email":
        return f"eingabe{n}-{token.lower()}@example.org", False
    if kind == "url":
        return f"https://eingabe-{n}.example.org", False
    if kind == "tel":
        return "030 1234567", False
    if kind == "number":
        return _number(el), False
    if kind == "date":
        return _date(name), False
    if kind == "datetime-local":
        return _datetime(name), False
    if kind == "time":
        return "10:00", False
    raise ValueError(kind)


PDF_FILE = {
    "name": "nachweis.pdf",
    "mimeType": "application/pdf",
    "buffer": b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
}


def fill_form(page: Page, form: Locator, token: str, overrides: dict | None = None) -> Filled:
    """Type into every visible typed field; make every choice still missing; attach a PDF."""
    overrides = overrides or {}
    page.wait_for_function(_CHOOSERS_READY_JS)
    # Folded groups (a text in further languages) are opened, as a person filling them would.
    form.evaluate("f => f.querySelectorAll('details').forEach(d => { d.open = true; })")
    plan = form.evaluate(_PLAN_JS)
    filled = Filled()
    seen_groups = set()
    for n, el in enumerate(plan, start=1):
        selector = f"[data-fill='{el['i']}']"
        target = form.locator(selector)
        name, kind = el["name"], el["type"]
        if kind == "file" and el["visible"]:
            target.set_input_files(PDF_FILE)
            filled.files.append(selector)
            continue
        if not el["visible"] or kind in ("hidden", "submit", "button", "image", "password"):
            continue
        if el["chooser"]:
            if el["required"] and not el["multiple"]:
                filled.required_choices.append(name)
            if name in overrides and overrides[name] is not None:
                filled.choices[name] = choose(target, overrides[name])
            elif not el["value"] and not el["multiple"] and name not in overrides:
                chosen = choose(target)
                if chosen:
                    filled.choices[name] = chosen
            continue
        if name in overrides:
            value = overrides[name]
            if value is None:  # leave as the page shows it
                continue
            if el["tag"] == "select":
                target.select_option(value)
                filled.choices[name] = value
            elif kind == "checkbox":
                target.set_checked(bool(value))
            elif kind == "radio":
                if el["value"] == value:
                    target.check()
                    filled.choices[name] = value
            else:
                target.fill(value)
                filled.values[name] = value
                filled.selectors[name] = selector
            continue
        if el["tag"] == "select":
            if el["required"] and not el["multiple"]:
                filled.required_choices.append(name)
            if not el["value"] and not el["multiple"]:
                options = [o for o in el["options"] if o]
                if options:
                    target.select_option(options[0])
                    filled.choices[name] = options[0]
            continue
        if kind in ("radio", "checkbox"):
            group = [e for e in plan if e["name"] == name and e["type"] == kind]
            if name in seen_groups:
                continue
            seen_groups.add(name)
            if kind == "radio" and el["required"]:
                filled.required_choices.append(name)
            # A radio group, or a group of boxes of which one is usually needed, gets its
            # first choice; a single yes/no box stays as it is unless it must be ticked.
            checked = next((e for e in group if e["checked"] and e["value"]), None)
            if checked:
                if kind == "radio":
                    filled.choices[name] = checked["value"]
                continue
            first = next((e for e in group if e["value"]), el)  # not a "---" choice
            if kind == "radio" or len(group) > 1 or el["required"]:
                form.locator(f"[data-fill='{first['i']}']").check()
                if kind == "radio":
                    filled.choices[name] = first["value"]
            continue
        if el["tag"] != "textarea" and kind not in TYPED_TYPES:
            continue
        value, is_marker = value_for(el, n, token)
        target.fill(value)
        filled.values[name] = value
        filled.selectors[name] = selector
        if is_marker:
            filled.markers[name] = value
        if el["required"]:
            filled.required.append(name)
        if kind == "number" and (el["min"] or el["max"]):
            filled.bounded.append((name, el))
        if kind == "email":
            filled.emails.append(name)
        if kind in TEXT_TYPES and el["inputmode"] in ("numeric", "decimal"):
            filled.numeric_text.append(name)
    return filled


def spoil(form: Locator, filled: Filled, blank: str = "", invalid: dict | None = None) -> dict:
    """Make the form invalid as a hurried person would; return what was changed (name -> value).

    In this order: the given field or value; a required typed field left empty; a required
    choice not made; a number out of its range; an e-mail address without @; a word where
    a number belongs.
    """
    if invalid:
        changes = dict(invalid)
    elif blank or filled.required:
        changes = {blank or filled.required[0]: ""}
    elif filled.required_choices:
        name = filled.required_choices[0]
        form.evaluate(
            """(f, name) => f.querySelectorAll(`[name="${name}"]`).forEach(el => {
                if (el.tomselect) { el.tomselect.clear(); }
                else if (el.tagName === 'SELECT') { el.value = ''; } else { el.checked = false; }
            })""",
            name,
        )
        return {name: None}
    elif filled.bounded:
        name, el = filled.bounded[0]
        changes = {name: str(int(float(el["max"])) + 1000) if el["max"] else "-1000"}
    elif filled.emails:
        changes = {filled.emails[0]: "keine-adresse"}
    elif filled.numeric_text:
        changes = {filled.numeric_text[0]: "zwölf"}
    else:
        return {}
    for name, value in changes.items():
        form.locator(filled.selectors.get(name, f"[name='{name}']")).first.fill(value)
    return changes


def repair(form: Locator, filled: Filled, changes: dict) -> None:
    """Put right what spoil() changed, and attach the file again (no browser keeps it)."""
    for name in changes:
        if name in filled.values:
            form.locator(f"[name='{name}']").first.fill(filled.values[name])
        elif name in filled.choices:
            choice = filled.choices[name]
            target = form.locator(f"[name='{name}']")
            if target.first.evaluate("el => el.hasAttribute('data-chooser-url')"):
                form.page.wait_for_function(_CHOOSERS_READY_JS)
                choose(target.first, choice)
            elif target.first.evaluate("el => el.tagName") == "SELECT":
                target.first.select_option(choice)
            else:
                form.locator(f"[name='{name}'][value='{choice}']").check()
    if filled.files:
        file_input = form.locator("input[type=file]")
        if file_input.count():
            file_input.first.set_input_files(PDF_FILE)


def read_back(form: Locator, filled: Filled) -> dict:
    """What the fields show now, for everything that was typed or chosen."""
    shown = {}
    for name in filled.values:
        target = form.locator(f"[name='{name}']").first
        shown[name] = target.input_value() if target.count() else None
    for name in filled.choices:
        shown[name] = form.evaluate(
            """(f, name) => {
                const els = Array.from(f.querySelectorAll(`[name="${name}"]`));
                if (!els.length) return null;
                if (els[0].tagName === 'SELECT') return els[0].value;
                const on = els.find(e => e.checked);
                return on ? on.value : '';
            }""",
            name,
        )
    return shown


def _text_fields(model) -> tuple[list[str], list[str]]:
    concrete = [f for f in model._meta.get_fields() if f.concrete]
    text = [f.name for f in concrete if isinstance(f, (models.CharField, models.TextField))]
    json = [f.name for f in concrete if isinstance(f, models.JSONField)]
    return text, json


def rows_containing(text: str) -> dict[str, int]:
    """model label -> number of rows whose text fields contain `text` (bookkeeping excluded)."""
    found = {}
    own = _project_apps()
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.app_label not in own or label in BOOKKEEPING_MODELS:
            continue
        names, json = _text_fields(model)
        if not names and not json:
            continue
        rows = model._default_manager.annotate(
            **{f"_json_{name}": Cast(name, models.TextField()) for name in json}
        )
        query = Q()
        for name in names:
            query |= Q(**{f"{name}__contains": text})
        for name in json:
            query |= Q(**{f"_json_{name}__contains": text})
        count = rows.filter(query).count()
        if count:
            found[label] = count
    return found
