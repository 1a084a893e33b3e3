"""Who may call which API endpoint: the declared expectation for every route of /api/v1/.

Each app's endpoints are declared in ``tests/api/expect_<app>.py`` as ``EXPECTATIONS =
{"api:<basename>-list": ApiRoute(...), ...}``; a second method on the same URL is a second
key with the method after a space (``"api:<basename>-list POST"``), its ApiRoute naming it; tests/api/test_api_matrix.py calls every one
as every persona of the security tests' fixture world (tests/security/world.py) and fails
for an undeclared route, a refused persona that gets data, a leak of organisation A's
markers to an outsider, or any 5xx."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tests.security.expectations import (  # noqa: F401  (re-exported for the expect_ files)
    ADMIN_A,
    ANON,
    CENTRE,
    EVERYONE,
    JURY,
    LEAD,
    LOGGED_IN,
    MEMBERS,
    ORG_A,
    STAFF,
)


@dataclass(frozen=True)
class ApiRoute:
    allow: frozenset  # personas who get a 2xx answer
    app: str  # whose staff "consultant" and "lead" are (tests/security/world.World.persona)
    kwargs: Callable | None = None  # world -> URL kwargs, e.g. lambda w: {"pk": w.workshop.pk}
    method: str = "get"  # get, post, patch, put, delete
    body: Callable | None = None  # world -> JSON body (sent to allowed and refused alike)
    # A list every signed-in person may call, each seeing only their share: refused personas
    # get 200 too, but never organisation A's markers.
    filtered: bool = False
    public: bool = False  # organisation A's markers may show to outsiders (public content)
    notes: str = field(default="", compare=False)
