"""Finds every POST form of the portal by walking the URL configuration.

Each page route of tests/security/expectations.py is opened (GET, Django test client) by each
persona who may open it, in the fixture world of tests/security/world.py. Every
<form method="post"> on the response is recorded with the page it is on, the route it posts
to, its typed fields and its submit buttons. tests/browser/test_every_form.py then makes
sure each form is either driven in a real browser or listed as a button form, so a new form
cannot ship unseen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.test import Client
from django.urls import Resolver404, resolve, reverse

from tests.security.expectations import EXPECTATIONS, FORM, GET
from tests.security.world import World

# Who opens a page, in this order of preference; every allowed one of them is tried, since
# an organisation's admin and a consultant see different forms on the same page.
CRAWL_PERSONAS = ["admin_a", "member_a", "consultant", "lead", "jury", "admin"]

# Input types a person types into; everything else (hidden, checkbox, radio, file, submit)
# is a choice or a button.
TYPED = {"text", "email", "url", "tel", "number", "date", "datetime-local", "time", "search", ""}

# Pages outside the crawl, and why: allauth's pages and Django admin are not in the
# expectation table (see tests/security/expectations.py EXEMPT_PREFIXES).
EXTRA_PAGES = {
    # route name -> persona; allauth's own pages with typed input, opened as a person would.
    "account_signup": "anonymous",
    "account_login": "anonymous",
    "account_reset_password": "anonymous",
    "account_email": "member_a",
    "account_change_password": "member_a",
}


@dataclass
class Field:
    tag: str  # input, textarea, select
    type: str
    name: str
    required: bool = False
    value: str = ""


@dataclass
class Submitter:
    name: str
    value: str
    label: str = ""


@dataclass
class FoundForm:
    page: str  # route name of the page the form is on
    action: str  # route name the form posts to
    persona: str
    url: str
    index: int  # position among the page's POST forms
    fields: list[Field] = field(default_factory=list)
    submitters: list[Submitter] = field(default_factory=list)
    multipart: bool = False

    @property
    def key(self) -> str:
        return f"{self.page} -> {self.action}"

    @property
    def typed_fields(self) -> list[Field]:
        return [f for f in self.fields if f.tag == "textarea" or f.type in TYPED]

    @property
    def named_submitters(self) -> list[Submitter]:
        return [s for s in self.submitters if s.name]


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._button: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                self._form = {"attrs": a, "fields": [], "buttons": []}
                self.forms.append(self._form)
            return
        if self._form is None:
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "image"):
                self._form["buttons"].append(
                    {"name": a.get("name", ""), "value": a.get("value", ""), "label": ""}
                )
            elif a.get("name"):
                self._form["fields"].append(
                    Field("input", kind, a["name"], "required" in a, a.get("value", ""))
                )
        elif tag in ("textarea", "select") and a.get("name"):
            self._form["fields"].append(Field(tag, tag, a["name"], "required" in a))
        elif tag == "button" and a.get("type", "submit").lower() == "submit":
            self._button = {"name": a.get("name", ""), "value": a.get("value", ""), "label": ""}
            self._form["buttons"].append(self._button)

    def handle_data(self, data):
        if self._button is not None:
            self._button["label"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "button":
            self._button = None


def _route_of(path: str) -> str:
    try:
        return resolve(urlsplit(path).path).view_name
    except Resolver404:
        return f"unresolved:{path}"


def forms_on(html: str, *, page: str, url: str, persona: str) -> list[FoundForm]:
    parser = _FormParser()
    parser.feed(html)
    found = []
    for index, raw in enumerate(parser.forms):
        # A relative action ("?page=2") posts to the page's own path, as a browser does.
        action = urljoin(url, raw["attrs"].get("action") or url)
        found.append(
            FoundForm(
                page=page,
                action=_route_of(action),
                persona=persona,
                url=url,
                index=index,
                fields=raw["fields"],
                submitters=[
                    Submitter(b["name"], b["value"], " ".join(b["label"].split()))
                    for b in raw["buttons"]
                ],
                multipart=raw["attrs"].get("enctype", "") == "multipart/form-data",
            )
        )
    return found


def page_urls(world: World):
    """(route name, persona, url) for every page route and every crawl persona allowed on it."""
    for name, spec in EXPECTATIONS.items():
        if spec.method not in (GET, FORM):
            continue
        app = name.split(":", 1)[0] if ":" in name else "core"
        url = reverse(name, kwargs=spec.kwargs(world) if spec.kwargs else None)
        if spec.query:
            url += "?" + spec.query
        for persona in CRAWL_PERSONAS:
            if persona in spec.allow:
                yield name, app, persona, url
    for name, persona in EXTRA_PAGES.items():
        yield name, "core", persona, reverse(name)


def crawl(world: World) -> dict[str, FoundForm]:
    """Every POST form of the portal, keyed "page route -> action route" (first persona wins)."""
    forms: dict[str, FoundForm] = {}
    client = Client()
    for name, app, persona, url in page_urls(world):
        client.logout()
        user = world.persona(persona, app)
        if user is not None:
            client.force_login(user)
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode("utf-8", errors="replace")
        for form in forms_on(html, page=name, url=url, persona=persona):
            forms.setdefault(form.key, form)
    return forms
