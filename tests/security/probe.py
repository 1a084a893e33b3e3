"""Requests for the security tests: each one runs in a savepoint that is rolled back, so a
POST that changes something never changes the world the next request sees."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse

from ikmo.models import AuditEntry

from .world import A_MARKERS


@dataclass
class Outcome:
    status: int
    location: str
    body: str
    headers: dict
    error: str = ""
    audit_written: int = 0
    response: object = None


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content.decode("utf-8", errors="replace")


def send(client, user, method, url, data=None, *, headers=None, **extra) -> Outcome:
    client.logout()
    if user is not None:
        client.force_login(user)
    sid = transaction.savepoint()
    before = AuditEntry.objects.count()
    try:
        if method == "get":
            response = client.get(url, headers=headers or {}, **extra)
        else:
            response = client.post(
                url, data if data is not None else {}, headers=headers or {}, **extra
            )
        written = AuditEntry.objects.count() - before
        return Outcome(
            status=response.status_code,
            location=response.get("Location", ""),
            body=body_of(response),
            headers=dict(response.items()),
            audit_written=written,
            response=response,
        )
    except Exception as exc:  # a view that raises is a server error (500)
        return Outcome(status=500, location="", body="", headers={}, error=repr(exc)[:300])
    finally:
        transaction.savepoint_rollback(sid)


def leaked(body: str, markers=A_MARKERS) -> list[str]:
    return [marker for marker in markers if marker in body]


def url_for(name: str, kwargs: dict | None) -> str:
    return reverse(name, kwargs=kwargs or None)
