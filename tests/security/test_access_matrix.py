"""Route × persona matrix: every route of the portal, every persona, against the declared
expectations in tests/security/expectations.py. Nothing of organisation A's may leak."""

from collections import defaultdict

import pytest
from django.conf import settings
from django.urls import reverse

from .expectations import EXEMPT_PREFIXES, EXPECTATIONS, FORM, GET, POST
from .probe import leaked, send, url_for
from .routes import all_routes
from .world import PERSONAS

pytestmark = pytest.mark.django_db

# Personas outside organisation A and outside the staff of the route's sub-project: whatever
# they are shown, organisation A's markers must not be in it (unless the route is public).
OUTSIDERS = {"anonymous", "member_b", "jury_unassigned"}


def _exempt(route) -> str | None:
    for prefix, reason in EXEMPT_PREFIXES.items():
        if route.pattern.startswith(prefix):
            return reason
    return None


def _declared_routes():
    return [r for r in all_routes() if not _exempt(r)]


def _apps():
    return sorted({name.split(":", 1)[0] if ":" in name else "core" for name in EXPECTATIONS})


def test_the_walk_finds_every_app_and_nested_namespaces():
    names = {r.name for r in all_routes()}
    assert "actionfund:application_detail" in names
    assert "admin:index" in names  # include() of the admin site is walked too
    assert "account_login" in names  # and allauth's


def test_every_route_has_an_expectation_or_an_exemption():
    """A new route fails here until someone declares who may reach it."""
    missing = [
        f"{r.pattern} ({r.name or 'unnamed'}, {r.view})"
        for r in _declared_routes()
        if r.name not in EXPECTATIONS
    ]
    assert not missing, "Routes without an entry in tests/security/expectations.py:\n" + "\n".join(
        missing
    )


def test_every_expectation_names_a_route_that_exists():
    names = {r.name for r in all_routes()}
    stale = sorted(set(EXPECTATIONS) - names)
    assert not stale, f"Expectations for routes that no longer exist: {stale}"


def _is_login_redirect(outcome) -> bool:
    return outcome.status == 302 and outcome.location.startswith(reverse(settings.LOGIN_URL))


def _check(route_name, spec, persona, method, outcome, problems):
    allowed = persona in spec.allow
    where = f"{method.upper()} {route_name} as {persona}"
    if outcome.status >= 500:
        problems.append(f"{where}: server error {outcome.error}")
        return
    if persona in spec.bounce:
        if outcome.status != 302 or _is_login_redirect(outcome):
            problems.append(f"{where}: expected a redirect with a message, got {outcome.status}")
        if outcome.audit_written:
            problems.append(f"{where}: bounced request wrote {outcome.audit_written} audit rows")
        return
    if allowed:
        # An empty POST may be answered 400 with the form and its errors (privacy:erase does).
        if method == "post" and outcome.status == 400:
            pass
        elif outcome.status in (403, 404, 405) or outcome.status >= 400:
            problems.append(f"{where}: allowed but got {outcome.status}")
        elif persona != "anonymous" and _is_login_redirect(outcome):
            problems.append(f"{where}: allowed but sent to login")
        elif persona == "anonymous" and _is_login_redirect(outcome):
            problems.append(f"{where}: public route asks anonymous visitors to log in")
    else:
        if persona == "anonymous":
            ok = _is_login_redirect(outcome) or outcome.status in (403, 404)
        else:
            ok = outcome.status in (403, 404)
        if not ok:
            problems.append(
                f"{where}: not allowed but got {outcome.status} {outcome.location}".rstrip()
            )
        if outcome.audit_written:
            problems.append(f"{where}: refused request wrote {outcome.audit_written} audit rows")
        found = leaked(outcome.body)
        if found:
            problems.append(f"{where}: refused response leaks {found}")
    if allowed and persona in OUTSIDERS and not spec.public:
        found = leaked(outcome.body)
        if found:
            problems.append(f"{where}: LEAK of organisation A's data {found}")


@pytest.mark.parametrize("app", _apps())
def test_access_matrix(app, client, world):
    problems = []
    counts = defaultdict(int)
    for route_name, spec in EXPECTATIONS.items():
        route_app = route_name.split(":", 1)[0] if ":" in route_name else "core"
        if route_app != app:
            continue
        url = url_for(route_name, spec.kwargs(world) if spec.kwargs else None)
        if spec.query:
            url += "?" + spec.query
        methods = {GET: ["get"], POST: ["post"], FORM: ["get", "post"]}[spec.method]
        for persona in PERSONAS:
            user = world.persona(persona, app)
            for method in methods:
                # Refused personas get the same valid data an allowed one would send.
                data = spec.post(world) if (spec.post and method == "post") else {}
                outcome = send(client, user, method, url, data)
                counts[outcome.status] += 1
                _check(route_name, spec, persona, method, outcome, problems)
    assert not problems, f"{len(problems)} problems in {app}:\n" + "\n".join(problems)


def test_the_matrix_check_notices_a_leak_and_a_lockout():
    from .probe import Outcome
    from .world import ORG_A

    spec = EXPECTATIONS["actionfund:application_detail"]
    problems = []
    shown = Outcome(status=200, location="", body=f"<h1>{ORG_A}</h1>", headers={})
    _check("actionfund:application_detail", spec, "member_b", "get", shown, problems)
    assert any("not allowed but got 200" in p for p in problems)
    assert any("leaks" in p or "LEAK" in p for p in problems)
    problems = []
    refused = Outcome(status=404, location="", body="", headers={})
    _check("actionfund:application_detail", spec, "member_a", "get", refused, problems)
    assert problems == ["GET actionfund:application_detail as member_a: allowed but got 404"]
    problems = []
    listed = Outcome(status=200, location="", body=f"<td>{ORG_A}</td>", headers={})
    _check("actionfund:application_list", EXPECTATIONS["actionfund:application_list"],
           "member_b", "get", listed, problems)  # fmt: skip
    assert problems and "LEAK" in problems[0]
