"""A crawl of every page with junk and oversized parameters, and of every form and action
with malformed posts: no server error anywhere; a bad form comes back with its errors."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from .expectations import EXPECTATIONS, FORM, GET, POST
from .probe import send, url_for
from .world import PERSONAS

pytestmark = pytest.mark.django_db

LONG = "A" * 10_000
HUGE = "99999999999999999999"
JUNK_VALUES = ["x", HUGE, "1;DROP TABLE x", LONG, "a\x00b", "-1.5e309 üß𝄞٣ <script>"]
# Names the list pages filter and page by (unknown ones are simply ignored by the views).
QUERY_NAMES = [
    "page", "q", "status", "organisation", "district", "call", "year", "period", "topic",
    "kind", "sort", "order", "format", "language", "field", "subproject", "date", "from", "to",
    "month", "service_type", "type", "stage", "analysis", "site", "carrier", "step", "view",
    "upcoming", "past", "mine", "key", "fmt", "next",
]  # fmt: skip
ERROR_MARKERS = ("is-invalid", "invalid-feedback", "errorlist", "alert-danger", "alert-warning")


def _app(name):
    return name.split(":", 1)[0] if ":" in name else "core"


def _persona_for(spec):
    for persona in PERSONAS:
        if persona in spec.allow and persona != "anonymous":
            return persona
    return "anonymous" if "anonymous" in spec.allow else spec.probe


def _query(value) -> str:
    from urllib.parse import urlencode

    return urlencode(dict.fromkeys(QUERY_NAMES, value))


def test_every_page_survives_junk_parameters(client, world):
    problems, checked = [], 0
    for name, spec in EXPECTATIONS.items():
        if spec.method not in (GET, FORM):
            continue
        persona = _persona_for(spec)
        user = world.persona(persona, _app(name))
        url = url_for(name, spec.kwargs(world) if spec.kwargs else None)
        queries = [_query(v) for v in JUNK_VALUES] + [
            "page=-1",
            "%00=%00&q=" + "%F0%9F" * 10,  # NUL in a name, broken UTF-8
        ]
        for query in queries:
            outcome = send(client, user, "get", f"{url}?{query}")
            checked += 1
            if outcome.status >= 500:
                problems.append(f"GET {name}?{query[:60]} as {persona}: {outcome.error}")
    assert checked > 500
    assert not problems, f"{len(problems)} server errors:\n" + "\n".join(problems)


def test_object_routes_answer_404_for_ids_that_do_not_exist(client, world):
    """Including ids larger than the database's integers (PostgreSQL would raise)."""
    problems = []
    for name, spec in EXPECTATIONS.items():
        if not spec.kwargs:
            continue
        kwargs = spec.kwargs(world)
        persona = "admin" if "admin" in spec.allow else _persona_for(spec)
        user = world.persona(persona, _app(name))
        method = "post" if spec.method == POST else "get"
        for bad in (999_999_999, 2**63 + 5, 10**20):
            bad_kwargs = {k: (bad if isinstance(v, int) else v) for k, v in kwargs.items()}
            if bad_kwargs == kwargs:
                continue
            outcome = send(client, user, method, url_for(name, bad_kwargs))
            if outcome.status not in (404, 403):
                problems.append(f"{method.upper()} {name} {bad_kwargs}: {outcome.status}")
    assert not problems, "\n".join(problems)


class _FormFields(HTMLParser):
    """The names of the fields of the forms that post to the page itself."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        named = tag in ("input", "select", "textarea") and attrs.get("name")
        if named and attrs["name"] != "csrfmiddlewaretoken":
            self.fields.setdefault(attrs["name"], attrs.get("value") or "")


def _fields_of(html: str) -> dict:
    parser = _FormFields()
    parser.feed(html)
    return parser.fields


# For POST-only actions the fields are not on a page of their own: junk under the names the
# actions read.
ACTION_FIELDS = [
    "organisation", "status", "to_status", "note", "role", "amount", "paid_on", "returned_on",
    "reference", "attended", "done", "juror", "jurors", "format", "reason", "action", "minutes",
    "title", "registration_ids", "person", "name", "accept", "decision", "message", "due_date",
    "token", "file", "description", "active", "target", "status_note", "next",
    "speaker-name", "agenda-starts_at", "agenda-ends_at", "agenda-speakers",
    "stand-organisation_name",
]  # fmt: skip


def _malformed_posts(fields: dict) -> list[tuple[str, dict]]:
    names = list(fields) or ACTION_FIELDS
    without_management = {
        k: v for k, v in fields.items() if not k.endswith(("TOTAL_FORMS", "INITIAL_FORMS"))
    }
    posts = [
        ("empty", {}),
        ("wrong types", dict.fromkeys(names, "x")),
        ("negative", dict.fromkeys(names, "-1")),
        ("huge numbers", dict.fromkeys(names, HUGE)),
        ("very long", dict.fromkeys(names, LONG)),
        ("NUL bytes", dict.fromkeys(names, "a\x00b")),
        ("unicode", dict.fromkeys(names, "𝄞٣ü<script>{{ x }}")),
        ("lists", {n: ["1", "x", HUGE] for n in names}),
    ]
    if len(without_management) != len(fields):
        posts.append(("formset without management form", without_management))
        broken = dict(fields)
        for key in fields:
            if key.endswith("TOTAL_FORMS"):
                broken[key] = "100000"
        posts.append(("formset with absurd TOTAL_FORMS", broken))
    return posts


def test_every_form_and_action_survives_malformed_posts(client, world):
    problems, unclear, checked = [], [], 0
    for name, spec in EXPECTATIONS.items():
        if spec.method not in (POST, FORM):
            continue
        url = url_for(name, spec.kwargs(world) if spec.kwargs else None)
        # The most capable persona allowed reaches the most code (admin, else the first).
        for persona in ["admin" if "admin" in spec.allow else _persona_for(spec)]:
            user = world.persona(persona, _app(name))
            fields = {}
            if spec.method == FORM:
                page = send(client, user, "get", url)
                fields = _fields_of(page.body)
            for label, data in _malformed_posts(fields):
                outcome = send(client, user, "post", url, data)
                checked += 1
                where = f"POST {name} ({label}) as {persona}"
                if outcome.status >= 500:
                    problems.append(f"{where}: {outcome.error}")
                elif (
                    outcome.status == 200
                    and spec.method == FORM
                    and label != "empty"
                    and "text/html" in outcome.headers.get("Content-Type", "")
                    and not any(marker in outcome.body for marker in ERROR_MARKERS)
                ):
                    unclear.append(where)
    assert checked > 200
    assert not problems, f"{len(problems)} server errors:\n" + "\n".join(problems)
    assert not unclear, "Bad input re-rendered without any error message:\n" + "\n".join(unclear)


def test_oversized_bodies_are_refused_not_crashed(client, world):
    """More than DATA_UPLOAD_MAX_MEMORY_SIZE of form data: 400, not 500."""
    user = world.users["admin_a"]
    url = reverse("organisations:edit", args=[world.org_a.pk])
    outcome = send(client, user, "post", url, {"name": "x" * (11 * 1024 * 1024)})
    assert outcome.status == 400
    outcome = send(client, user, "post", url, {f"f{i}": "1" for i in range(1200)})
    assert outcome.status == 400  # DATA_UPLOAD_MAX_NUMBER_FIELDS


def test_ids_beyond_the_database_integers_are_an_invalid_choice_not_a_crash(db):
    """ikmo.formfields: Django's multiple choice queries `pk__in`, which overflows on SQLite."""
    from django import forms

    from ikmo.formfields import ModelMultipleChoiceField
    from organisations.models import FieldOfWork

    field = ModelMultipleChoiceField(FieldOfWork.objects.all())
    for value in ([HUGE], ["1", HUGE], [str(-(2**64))]):
        with pytest.raises(forms.ValidationError) as error:
            field.clean(value)
        assert error.value.code == "invalid_pk_value"
    first = FieldOfWork.objects.first()
    assert list(field.clean([str(first.pk)])) == [first]


def test_nul_bytes_next_to_valid_values_are_no_server_error(client, world):
    """PostgreSQL refuses NUL in text and JSON: values read without a form must be cleaned."""
    lead = world.persona("lead", "actionfund")
    outcome = send(
        client,
        lead,
        "post",
        reverse("exports:create", args=["actionfund.applications"]),
        {"format": "csv", "query": "status=sub%00mitted&q=a%00b&call=1%00", "scope": "1\x00"},
    )
    assert outcome.status in (302, 400), outcome.error
    outcome = send(
        client,
        world.users["admin_a"],
        "post",
        reverse("actionfund:application_withdraw", args=[world.af_review.pk]),
        {"note": "Zurück\x00gezogen"},
    )
    assert outcome.status == 302, outcome.error
