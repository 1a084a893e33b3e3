"""Security headers and a strict Content-Security-Policy on every page, and nothing in the
HTML that the policy would block (inline scripts, event-handler attributes, style=)."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from .expectations import EXPECTATIONS, FORM, GET
from .probe import send, url_for
from .world import PERSONAS

pytestmark = pytest.mark.django_db


class _InlineFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        for name, _value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…> event handler attribute")
            if name == "style":
                self.problems.append(f"<{tag} style=…> inline style attribute")
        inline = tag == "script" and "src" not in names
        if inline and (names.get("type") or "").lower() != "application/json":
            self.problems.append("<script> without src (inline script)")


def inline_problems(html: str) -> list[str]:
    finder = _InlineFinder()
    finder.feed(html)
    return finder.problems


def header_problems(outcome) -> list[str]:
    headers = {k.lower(): v for k, v in outcome.headers.items()}
    problems = []
    csp = headers.get("content-security-policy", "")
    if not csp:
        problems.append("no Content-Security-Policy")
    directives = {
        part.strip().split(" ", 1)[0]: part.strip() for part in csp.split(";") if part.strip()
    }
    script_src = directives.get("script-src") or directives.get("default-src", "")
    if "'unsafe-inline'" in script_src or "'unsafe-eval'" in script_src:
        problems.append(f"script-src allows unsafe code: {script_src}")
    if "frame-ancestors 'none'" not in csp:
        problems.append("CSP lacks frame-ancestors 'none'")
    if headers.get("x-content-type-options") != "nosniff":
        problems.append("X-Content-Type-Options is not nosniff")
    if not headers.get("referrer-policy"):
        problems.append("no Referrer-Policy")
    if headers.get("x-frame-options") != "DENY":
        problems.append(f"X-Frame-Options is {headers.get('x-frame-options')!r}, not DENY")
    return problems


def test_the_checker_finds_what_the_policy_blocks():
    html = (
        '<div style="color:red" onclick="x()"><script>alert(1)</script>'
        '<script type="application/json" id="d">{}</script><script src="/static/a.js"></script>'
    )
    assert inline_problems(html) == [
        "<div style=…> inline style attribute",
        "<div onclick=…> event handler attribute",
        "<script> without src (inline script)",
    ]


def _first_allowed(spec):
    # The least privileged persona who may open the page sees the page as most people do.
    for persona in PERSONAS:
        if persona in spec.allow:
            return persona
    return spec.probe or None


def _get_routes():
    return [(name, spec) for name, spec in EXPECTATIONS.items() if spec.method in (GET, FORM)]


def test_every_page_sends_the_security_headers_and_has_no_inline_code(client, world):
    problems = []
    checked = 0
    for name, spec in _get_routes():
        persona = _first_allowed(spec)
        app = name.split(":", 1)[0] if ":" in name else "core"
        url = url_for(name, spec.kwargs(world) if spec.kwargs else None)
        if spec.query:
            url += "?" + spec.query
        # As the least privileged allowed persona and as admin; and as htmx asks for a partial.
        allowed = spec.allow | ({spec.probe} if spec.probe else set())
        variants = [(who, {}) for who in sorted({persona, "admin"} & allowed)]
        variants.append((persona, {"HX-Request": "true"}))
        for who, headers in variants:
            outcome = send(client, world.persona(who, app), "get", url, headers=headers)
            if outcome.status >= 400:
                problems.append(f"{name} as {who}: {outcome.status} {outcome.error}")
                continue
            checked += 1
            problems += [f"{name} as {who}: {p}" for p in header_problems(outcome)]
            cache_control = outcome.headers.get("Cache-Control", "")
            if who != "anonymous" and not (
                "private" in cache_control and "no-store" in cache_control
            ):
                problems.append(f"{name} as {who}: Cache-Control {cache_control!r}")
            if "text/html" in outcome.headers.get("Content-Type", ""):
                problems += [f"{name} as {who}: {p}" for p in inline_problems(outcome.body)]
    assert checked > 100
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "url_name",
    ["account_login", "account_signup", "account_reset_password", "account_logout"],
)
def test_account_pages_too(client, url_name):
    outcome = send(client, None, "get", reverse(url_name))
    assert outcome.status in (200, 302)
    assert header_problems(outcome) == []
    assert inline_problems(outcome.body) == []


def test_error_pages_too(client, world):
    outcome = send(client, world.users["member_b"], "get", "/organisations/999999/")
    assert outcome.status == 404
    assert header_problems(outcome) == []
    assert inline_problems(outcome.body) == []


def test_public_pages_and_static_files_stay_cacheable(client, world, settings):
    outcome = send(client, None, "get", reverse("home"))
    assert "no-store" not in outcome.headers.get("Cache-Control", "")
    signed_in = send(client, world.users["member_a"], "get", reverse("home"))
    assert signed_in.headers["Cache-Control"] == "private, no-store"
