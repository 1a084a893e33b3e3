"""Contract: every answer of every endpoint matches what the OpenAPI schema says, for the
personas of the fixture world; and invalid input to any endpoint never gives a 5xx, only a
JSON error in the documented shape (a fuzz of every parameter and body field)."""

from __future__ import annotations

import json
import re

import pytest
from django.db import transaction
from django.test import Client

from .conftest import token_secret
from .schema_tools import operations, validate

pytestmark = pytest.mark.django_db

READERS = ("admin", "member_a", "consultant", "lead", "jury")
PARAM = re.compile(r"\{(\w+)\}")
APPS = ("qualification", "mentoring", "participation_check", "actionfund", "volunteering")


@pytest.fixture(autouse=True)
def _no_rate_limit(monkeypatch):
    """The fuzz sends hundreds of requests per token: the rate limit is tested elsewhere."""
    from ikmo.api.throttling import PersonRateThrottle

    monkeypatch.setattr(PersonRateThrottle, "THROTTLE_RATES", {"person": "100000/min"})


def _app(path: str) -> str:
    part = path.removeprefix("/api/v1/").split("/", 1)[0].replace("-", "_")
    return part if part in APPS else "qualification"


def _client(world, persona: str, path: str, scope="write") -> Client:
    user = world.persona(persona, _app(path))
    secret = token_secret(user, scope)
    return Client(headers={"Authorization": f"Bearer {secret}", "Accept": "application/json"})


def _json(response):
    if not response.content:
        return None
    return json.loads(response.content)


def _ids_from_list(client, list_path: str) -> list[int]:
    response = client.get(list_path)
    if response.status_code != 200:
        return []
    body = response.json()
    rows = body.get("results", body) if isinstance(body, dict) else body
    return [row["id"] for row in rows if isinstance(row, dict) and "id" in row][:3]


def _list_path_of(path: str) -> str:
    return path.split("{", 1)[0]


GETS = [(path, op) for path, method, op in operations() if method == "get"]


@pytest.mark.parametrize("path", [p for p, _op in GETS], ids=[p for p, _op in GETS])
def test_every_read_matches_the_schema(path, world):
    problems = []
    for persona in READERS:
        client = _client(world, persona, path)
        if "{" in path:
            ids = _ids_from_list(client, _list_path_of(path)) or [world.org_a.pk]
            urls = [PARAM.sub(str(pk), path, count=1) for pk in ids]
            urls = [PARAM.sub("1", url) for url in urls]
        else:
            urls = [path]
        for url in urls:
            response = client.get(url)
            assert response.status_code < 500, (url, persona, response.content[:300])
            problems += validate(path, "get", response.status_code, _json(response))
        anonymous = Client(headers={"Accept": "application/json"}).get(urls[0])
        problems += validate(path, "get", anonymous.status_code, _json(anonymous))
    assert not problems, "\n".join(problems)


BAD_VALUES = [
    "",
    "x",
    "-1",
    "0",
    "99999999999999999999",
    "1e309",
    "\x00",
    "' OR 1=1 --",
    "2026-13-45",
    "31.12.2026",
    "ä" * 300,
    "[]",
    "true",
]
BAD_JSON_VALUES = [
    None,
    "x",
    -1,
    0,
    10**20,
    1.5,
    "\x00",
    "9" * 40,
    [],
    [1, 2],
    {},
    {"id": "x"},
    True,
    "ä" * 5000,
]


def _request_fields(operation) -> list[str]:
    content = (operation.get("requestBody") or {}).get("content", {})
    schema = (content.get("application/json") or {}).get("schema", {})
    ref = schema.get("$ref", "")
    if ref:
        from .schema_tools import openapi

        schema = openapi()["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return sorted(schema.get("properties", {}))


def _check(response, path, method, problems, what):
    where = f"{method.upper()} {path} [{what}]"
    if response.status_code >= 500:
        problems.append(f"{where}: {response.status_code} {response.content[:200]!r}")
        return
    if response.status_code >= 400:
        try:
            body = response.json()
        except ValueError:
            problems.append(f"{where}: {response.status_code} is not JSON")
            return
        if not {"detail", "code"} <= set(body):
            problems.append(f"{where}: error without detail and code: {body}")
        try:
            problems += [
                f"{where}: {p}" for p in validate(path, method, response.status_code, body)
            ]
        except KeyError:
            problems.append(f"{where}: answer {response.status_code} not in the schema")


OPS = operations()


@pytest.mark.parametrize(
    "path,method", [(p, m) for p, m, _op in OPS], ids=[f"{m} {p}" for p, m, _op in OPS]
)
def test_invalid_input_never_gives_a_server_error(path, method, world):
    operation = {(p, m): op for p, m, op in OPS}[(path, method)]
    problems = []
    for persona in ("admin", "member_a"):
        client = _client(world, persona, path)
        ids = _ids_from_list(client, _list_path_of(path)) if "{" in path else []
        good = PARAM.sub(str(ids[0]) if ids else "1", path)
        targets = [good]
        if "{" in path:
            targets += [PARAM.sub(v, path) for v in ("0", "2147483648", "99999999999999999999")]
        call = getattr(client, method)
        for url in targets:
            sid = transaction.savepoint()
            if method == "get":
                for param in operation.get("parameters", []):
                    if param["in"] != "query":
                        continue
                    for value in BAD_VALUES:
                        response = client.get(url, {param["name"]: value})
                        _check(response, path, method, problems, f"{param['name']}={value[:20]!r}")
            else:
                bodies = [b"{not json", b"[]", b'"text"', b"null"]
                for raw in bodies:
                    response = call(url, data=raw, content_type="application/json")
                    _check(response, path, method, problems, f"body {raw!r}")
                for field in _request_fields(operation):
                    for value in BAD_JSON_VALUES:
                        response = call(
                            url, data=json.dumps({field: value}), content_type="application/json"
                        )
                        _check(response, path, method, problems, f"{field}={value!r:.30}")
            transaction.savepoint_rollback(sid)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])
