"""Fills a form of the portal in the browser as a person would, and searches the database
for what was typed. Used by tests/browser/test_every_form.py for every form at once, so the
values are chosen from each field's own attributes (type, name, min/max/step, maxlength)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models
from django.db.models import Q
from playwright.sync_api import Locator, Page

PROJECT_APPS = {
    "ikmo",
    "organisations",
    "qualification",
    "mentoring",
    "participation_check",
    "actionfund",
    "volunteering",
    "reporting",
    "privacy",
}
# Rows that repeat what was typed as a record of it, not as the thing itself: an audit line
# or a sent e-mail may carry a title, and do not count as a second object.
BOOKKEEPING_MODELS = {"ikmo.auditentry", "ikmo.outboundemail"}

MONEY = re.compile(r"amount|budget|spent|betrag|sum|price|cost")
YEAR = re.compile(r"year")
PAST_DATE = re.compile(r"birth|consent|recognised|met_on|held_on|^date$|-date$|contact_date|_on$")

_PLAN_JS = """(form) => {
  const out = [];
  const els = form.querySelectorAll('input, textarea, select');
  els.forEach((el, i) => {
    if (!el.name || el.disabled || el.readOnly) return;
    const style = getComputedStyle(el);
    const visible = !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length)
                    && style.visibility !== 'hidden';
    el.setAttribute('data-fill', String(i));
    out.push({
      i, name: el.name, tag: el.tagName.toLowerCase(),
      type: (el.getAttribute('type') || (el.tagName === 'INPUT' ? 'text' : el.tagName)).toLowerCase(),
      required: el.required, visible, value: el.value, checked: !!el.checked,
      multiple: !!el.multiple, step: el.getAttribute('step') || '',
      min: el.getAttribute('min') || '', max: el.getAttribute('max') || '',
      maxlength: el.maxLength > 0 ? el.maxLength : 0,
      inputmode: el.getAttribute('inputmode') || '',
      options: el.tagName === 'SELECT' ? Array.from(el.options).map(o => o.value) : [],
    });
  });
  return out;
}"""

TEXT_TYPES = {"text", "textarea", "search", ""}
TYPED_TYPES = TEXT_TYPES | {"email", "url", "tel", "number", "date", "datetime-local", "time"}


@dataclass
class Filled:
    """What was typed into a form: field name -> value, and which of them are text markers."""

    values: dict = field(default_factory=dict)
    markers: dict = field(default_factory=dict)  # name -> marker text
    selectors: dict = field(default_factory=dict)  # name -> css selector of the element
    required: list = field(default_factory=list)  # typed fields the page marks as required


def _number(el: dict) -> str:
    name = el["name"]
    decimal = el["step"] not in ("", "1") or MONEY.search(name)
    if YEAR.search(name):
        value = 1990 if "birth" in name else 2026
    elif decimal:
        value = 1200.5
    elif "position" in name:
        value = 1
    else:
        value = 12
    low = float(el["min"]) if el["min"] else None
    high = float(el["max"]) if el["max"] else None
    if high is not None and value > high:
        value = high if decimal else int(high)
        if decimal and high >= 1:
            value = int(high)
    if low is not None and value < low:
        value = low
    if decimal and isinstance(value, float) and value != int(value):
        return f"{value:.2f}"
    return str(int(value))


def _date(name: str) -> str:
    return "2026-11-30" if PAST_DATE.search(name) else "2026-12-31"


def _datetime(name: str) -> str:
    if "deadline" in name:
        return "2026-12-30T12:00"
    if re.search(r"end|closes", name):
        return "2026-12-31T12:00"
    if "opens" in name:
        return "2026-12-01T09:00"
    return "2026-12-31T10:00"


def value_for(el: dict, n: int, token: str) -> tuple[str, bool]:
    """The value a person would type into `el`, and whether it is a searchable marker."""
    name, kind = el["name"], el["type"]
    if kind in TEXT_TYPES or el["tag"] == "textarea":
        if MONEY.search(name):
            return "1.200,50", False
        if el["inputmode"] in ("numeric", "decimal") or name.startswith("plan_"):
            return "1.200", False
        if "postcode" in name:
            return "10115", False
        if "confirm_email" in name:
            return "", False  # set by the form's own spec
        marker = f"Eingabe-{n}-{token}"
        if el["maxlength"] and len(marker) > el["maxlength"]:
            marker = marker[: el["maxlength"]]
        return marker, el["maxlength"] == 0 or el["maxlength"] >= len(f"Eingabe-{n}-{token}")
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


def fill_form(page: Page, form: Locator, token: str, overrides: dict | None = None) -> Filled:
    """Type into every visible typed field; pick a choice where a choice is still missing."""
    overrides = overrides or {}
    plan = form.evaluate(_PLAN_JS)
    filled = Filled()
    chosen_radio = set()
    for n, el in enumerate(plan, start=1):
        selector = f"[data-fill='{el['i']}']"
        target = form.locator(selector)
        name, kind = el["name"], el["type"]
        if not el["visible"] or kind in ("hidden", "submit", "button", "file", "password"):
            continue
        if name in overrides:
            value = overrides[name]
            if el["tag"] == "select":
                target.select_option(value)
            elif kind == "checkbox":
                target.set_checked(bool(value))
            else:
                target.fill(value)
                filled.values[name] = value
                filled.selectors[name] = selector
            continue
        if el["tag"] == "select":
            if not el["value"] and not el["multiple"]:
                options = [o for o in el["options"] if o]
                if options:
                    target.select_option(options[0])
            continue
        if kind == "radio":
            group = [e for e in plan if e["name"] == name and e["type"] == "radio"]
            if name not in chosen_radio and not any(e["checked"] for e in group):
                target.check()
            chosen_radio.add(name)
            continue
        if kind == "checkbox":
            if el["required"]:
                target.check()
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
    return filled


def read_back(form: Locator, filled: Filled) -> dict:
    """What the fields show now, for the fields that were typed into."""
    shown = {}
    for name in filled.values:
        target = form.locator(f"[name='{name}']").first
        shown[name] = target.input_value() if target.count() else None
    return shown


def _text_fields(model) -> list[str]:
    return [
        f.name
        for f in model._meta.get_fields()
        if isinstance(f, (models.CharField, models.TextField)) and f.concrete
    ]


def rows_containing(text: str) -> dict[str, int]:
    """model label -> number of rows whose text fields contain `text` (bookkeeping excluded)."""
    found = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.app_label not in PROJECT_APPS or label in BOOKKEEPING_MODELS:
            continue
        names = _text_fields(model)
        if not names:
            continue
        query = Q()
        for name in names:
            query |= Q(**{f"{name}__contains": text})
        count = model._default_manager.filter(query).count()
        if count:
            found[label] = count
    return found
