"""Route × persona matrix of the API: every endpoint of /api/v1/, every persona of the
security tests' world, against tests/api/expect_*.py. The same predicates as the pages:
nothing of organisation A's reaches anyone the pages would not show it to."""

from __future__ import annotations

import importlib
import json
import pkgutil
from collections import defaultdict

import pytest
from django.db import transaction
from django.test import Client
from django.urls import get_resolver, reverse

import tests.api
from ikmo.models import AuditEntry
from tests.security.probe import leaked
from tests.security.world import PERSONAS

from .matrix import ApiRoute

pytestmark = pytest.mark.django_db

OUTSIDERS = {"anonymous", "member_b", "jury_unassigned"}


def expectations() -> dict[str, ApiRoute]:
    found = {}
    for module in pkgutil.iter_modules(tests.api.__path__):
        if module.name.startswith("expect_"):
            found.update(importlib.import_module(f"tests.api.{module.name}").EXPECTATIONS)
    return found


def api_route_names() -> set[str]:
    names = set()
    api = get_resolver().namespace_dict["api"][1]
    for name in api.reverse_dict:
        if (
            isinstance(name, str)
            and not name.endswith("-format")
            and name not in ("schema", "docs")
        ):
            names.add(f"api:{name}")
    return names


def test_every_api_route_is_declared():
    declared = {key.split()[0] for key in expectations()}
    missing = sorted(api_route_names() - declared)
    assert not missing, "API routes without an entry in tests/api/expect_*.py:\n" + "\n".join(
        missing
    )
    stale = sorted(declared - api_route_names())
    assert not stale, f"Expectations for API routes that do not exist: {stale}"


def call(client: Client, user, route: ApiRoute, url: str, data):
    client.logout()
    if user is not None:
        client.force_login(user)
    sid = transaction.savepoint()
    before = AuditEntry.objects.count()
    try:
        method = getattr(client, route.method)
        kwargs = {"headers": {"Accept": "application/json"}}
        if route.method != "get":
            kwargs.update(data=json.dumps(data or {}), content_type="application/json")
        response = method(url, **kwargs)
        return (
            response.status_code,
            response.content.decode(errors="replace"),
            (AuditEntry.objects.count() - before),
        )
    except Exception as exc:  # a view that raises is a server error
        return 500, repr(exc)[:300], 0
    finally:
        transaction.savepoint_rollback(sid)


def check(name, route: ApiRoute, persona, status, body, written, problems):
    where = f"{route.method.upper()} {name} as {persona}"
    if status >= 500:
        problems.append(f"{where}: server error {body[:300]}")
        return
    allowed = persona in route.allow
    if allowed:
        if not 200 <= status < 300:
            problems.append(f"{where}: allowed but got {status} {body[:200]}")
    elif route.filtered and status == 200 and route.method == "get":
        pass  # the list, filtered to what this persona may see (leaks checked below)
    else:
        expected = {401} if persona == "anonymous" else {403, 404}
        if status not in expected:
            problems.append(f"{where}: not allowed but got {status}")
        if written:
            problems.append(f"{where}: refused request wrote {written} audit rows")
        if status < 300 or leaked(body):
            problems.append(f"{where}: refused response leaks {leaked(body)}")
    if persona in OUTSIDERS and not route.public and leaked(body):
        problems.append(f"{where}: LEAK of organisation A's data {leaked(body)}")


def _apps():
    return sorted({route.app for route in expectations().values()})


@pytest.mark.parametrize("app", _apps())
def test_api_access_matrix(app, world):
    client = Client()
    problems = []
    counts = defaultdict(int)
    for name, route in expectations().items():
        if route.app != app:
            continue
        url = reverse(name.split()[0], kwargs=route.kwargs(world) if route.kwargs else None)
        data = route.body(world) if route.body else None
        for persona in PERSONAS:
            user = world.persona(persona, app)
            status, body, written = call(client, user, route, url, data)
            counts[status] += 1
            check(name, route, persona, status, body, written, problems)
    assert not problems, f"{len(problems)} problems in {app}:\n" + "\n".join(problems)


def test_the_api_matrix_notices_a_leak_and_a_lockout():
    from tests.security.world import ORG_A

    route = ApiRoute(frozenset({"member_a"}), "core", kwargs=lambda w: {"pk": 1})
    problems = []
    check("x", route, "member_b", 200, f'{{"name": "{ORG_A}"}}', 0, problems)
    assert any("not allowed but got 200" in p for p in problems)
    assert any("LEAK" in p for p in problems)
    problems = []
    check("x", route, "member_a", 404, "{}", 0, problems)
    assert problems == ["GET x as member_a: allowed but got 404 {}"]
    problems = []
    filtered = ApiRoute(frozenset({"member_a"}), "core", filtered=True)
    check("x", filtered, "member_b", 200, '{"results": []}', 0, problems)
    assert problems == []
    check("x", filtered, "anonymous", 200, f'["{ORG_A}"]', 0, problems)
    assert any("LEAK" in p for p in problems)
