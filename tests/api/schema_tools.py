"""The API's own OpenAPI schema as JSON Schema, to check answers against it."""

from __future__ import annotations

import copy
import functools

from jsonschema import Draft202012Validator


@functools.cache
def openapi() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def _json_schema(node):
    """OpenAPI 3.0's `nullable` as JSON Schema's null type; everything else as it is."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _json_schema(value) for key, value in node.items()}
    if node.pop("nullable", False):
        node = {"anyOf": [node, {"type": "null"}]}
    return node


@functools.cache
def _components() -> dict:
    return _json_schema(copy.deepcopy(openapi().get("components", {})))


def response_schema(path: str, method: str, status: int) -> dict | None:
    """The JSON Schema of `method path`'s answer with `status`, or None if it has no body.
    Raises KeyError if the schema does not describe that answer at all."""
    responses = openapi()["paths"][path][method.lower()]["responses"]
    response = responses[str(status)]
    content = response.get("content")
    if not content:
        return None
    media = content.get("application/json") or next(iter(content.values()))
    return {"$id": "urn:ikmo-api", "components": _components(), **_json_schema(media["schema"])}


def validate(path: str, method: str, status: int, body) -> list[str]:
    schema = response_schema(path, method, status)
    if schema is None:
        return [] if body in (None, b"", "") else [f"{method} {path} {status}: unexpected body"]
    validator = Draft202012Validator(schema)
    return [
        f"{method.upper()} {path} {status}: {error.json_path}: {error.message[:200]}"
        for error in validator.iter_errors(body)
    ]


def operations() -> list[tuple[str, str, dict]]:
    """(path, method, operation) for every operation of the schema."""
    return [
        (path, method, operation)
        for path, methods in sorted(openapi()["paths"].items())
        for method, operation in sorted(methods.items())
        if method in ("get", "post", "put", "patch", "delete")
    ]
