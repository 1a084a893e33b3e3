"""The load benchmark's Django side: personas, the list of pages, and in-process renders.

    python -m bench.benchsite.pages OUT.json      (run by bench/load_pages.py, per factor)

Runs with the benchmark's settings against a database `seed_scale` has filled, and:

1. picks the personas from the generated data and enrols each in TOTP with a signed-in
   session (the staff-MFA rule stays on): the first project lead, the consultant with the
   most coaching sessions, the first juror, the admin of the organisation with the most
   data, and a portal admin for Django admin (the generator makes none);
2. lists every page: the pages of tests/performance/test_query_counts.py (PAGES, the same
   routes and personas; their objects as bench/README.md describes), every app's detail
   pages, the coaching log as project lead
   too, the reporting dashboard with its figures dropped before each request, Django
   admin's changelist of organisations, and the two bare yardstick views;
3. renders each page in this process as its persona (Django's test client, the same
   settings and middleware as gunicorn, the page cache off): one render to warm up, then
   BENCH_RENDERS (5) timed ones (the median is reported) and one more counting queries;
4. writes personas' session keys, the pages and the in-process figures to OUT.json.

    python -m bench.benchsite.pages --serve OUT.json   (run by bench/load_pages.py)

renders pages of an OUT.json on request, for the growth comparison between two factors:
bench/load_pages.py keeps one such process per factor, each on its own database, and asks
them in turn, page by page ("<index> <renders>" on stdin; one JSON list of milliseconds per
line on stdout), so that a machine slowing down or speeding up during the run touches both
factors alike.

Additions to the generated data, so that every page has something to show: a funder report
frozen as the worker freezes it (the generator makes none), the consultant on the team of the
analysis with the most interviews (interviews are shown to the team only) and as trainer of a
workshop if they train none (small data sets), and the objects of the pages the generator has
none for (`_world`).
"""

from __future__ import annotations

import json
import os
import re
import statistics
import sys
import time
from collections import Counter
from importlib import import_module

RENDERS = int(os.environ.get("BENCH_RENDERS", "5"))
BARE_RENDERS = 30  # the bare views take milliseconds: more renders for a steady median

# Where a page of an app goes in the table: the portal's order of sub-projects.
APP_ORDER = [
    "bench",
    "home",
    "organisations",
    "qualification",
    "actionfund",
    "mentoring",
    "volunteering",
    "participation_check",
    "reporting",
    "admin",
]
ANONYMOUS_BARE = "bare view, 1 query (anonymous)"
SIGNED_IN_BARE = "bare view, 1 query (signed in)"


def _most(model, field: str, **filters):
    """The value of `field` that the most rows of `model` have (ties: the smallest)."""
    from django.db.models import Count

    row = (
        model.objects.filter(**filters)
        .values(field)
        .annotate(n=Count("pk"))
        .order_by("-n", field)
        .first()
    )
    return row[field] if row else None


def _organisation_with_most_data():
    """The organisation with the most rows across the sub-projects (its pages are fullest)."""
    from django.db.models import Count

    from actionfund.models import Application
    from mentoring.models import CooperationContact, EventAttendance
    from qualification.models import CoachingSession, Registration
    from volunteering.models import Consultation

    totals = Counter()
    for model in (
        CoachingSession,
        Registration,
        Application,
        CooperationContact,
        EventAttendance,
        Consultation,
    ):
        for row in model.objects.values("organisation").annotate(n=Count("pk")):
            totals[row["organisation"]] += row["n"]
    return max(sorted(totals), key=lambda pk: totals[pk])


def personas() -> tuple[dict, dict]:
    """(users, session keys) by persona: lead, consultant, jury, member, admin."""
    from allauth.mfa.models import Authenticator
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from organisations.models import Membership, Organisation, StaffRole, User
    from qualification.models import CoachingSession

    def staff(role):
        return User.objects.filter(staff_roles__role=role).order_by("pk").first()

    organisation = Organisation.objects.get(pk=_organisation_with_most_data())
    admin, _ = User.objects.get_or_create(
        email="bench-admin@centre.example", defaults={"password": "!", "is_staff": True}
    )
    StaffRole.objects.get_or_create(user=admin, role=StaffRole.Role.ADMIN)
    users = {
        "lead": staff(StaffRole.Role.PROJECT_LEAD),
        "consultant": User.objects.get(pk=_most(CoachingSession, "consultant")),
        "jury": staff(StaffRole.Role.JURY),
        "member": Membership.objects.filter(organisation=organisation, role=Membership.Role.ADMIN)
        .order_by("pk")
        .first()
        .user,
        "admin": admin,
    }
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    sessions = {}
    for who, user in users.items():
        Authenticator.objects.get_or_create(
            user=user, type="totp", defaults={"data": {"secret": "JBSWY3DPEHPK3PXP"}}
        )
        store = store_class()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "ikmo.auth.PortalBackend"  # as a portal sign-in
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        sessions[who] = store.session_key
    users["organisation"] = organisation
    return users, sessions


def _objects(users) -> dict:
    """The object each detail page shows: the fullest one its persona works with."""
    from django.db.models import Count

    from actionfund.models import Application, Call, Status
    from mentoring.models import CooperationContact, Event, Tandem
    from participation_check.models import Analysis, Interview, Recommendation
    from qualification.models import CoachingSession, Workshop
    from reporting.models import FunderReport, FundingPeriod
    from reporting.services import report_freeze
    from volunteering.models import Placement, Seminar

    consultant = users["consultant"]
    call = Call.objects.annotate(n=Count("applications")).order_by("-n", "-year").first()
    analysis = Analysis.objects.annotate(n=Count("interviews")).order_by("-n", "pk").first()
    analysis.team.add(consultant)
    period = FundingPeriod.objects.order_by("-start").first()
    # Frozen as the worker freezes it: the figures and the records behind each.
    report = report_freeze(
        report_id=FunderReport.objects.create(period=period, generated_by=users["lead"]).pk
    )
    workshops = Workshop.objects.annotate(n=Count("registrations")).order_by("-n", "pk")
    paid = [Status.PAID, Status.PROOF_SUBMITTED, Status.CLOSED]
    workshop = workshops.filter(trainer=consultant).first()
    if workshop is None:  # a small data set: the fullest workshop, trained by the consultant
        workshop = workshops.first()
        Workshop.objects.filter(pk=workshop.pk).update(trainer=consultant)
    return {
        "organisation": users["organisation"],
        "call": call,
        "analysis": analysis,
        "report": report,
        "workshop": workshop,
        "coaching_session": CoachingSession.objects.filter(consultant=consultant)
        .order_by("-date", "-pk")
        .first(),
        "application": Application.objects.filter(call=call, status__in=paid).order_by("pk").first()
        or Application.objects.filter(call=call).order_by("pk").first(),
        "contact": CooperationContact.objects.order_by("pk").first(),
        "event": Event.objects.annotate(n=Count("attendances")).order_by("-n", "pk").first(),
        "tandem": Tandem.objects.annotate(n=Count("meetings")).order_by("-n", "pk").first(),
        "placement": Placement.objects.filter(status="active").order_by("pk").first()
        or Placement.objects.order_by("pk").first(),
        "seminar": Seminar.objects.annotate(n=Count("attendances")).order_by("-n", "pk").first(),
        "interview": Interview.objects.filter(analysis=analysis).order_by("pk").first(),
        "recommendation": Recommendation.objects.filter(analysis=analysis).order_by("pk").first(),
    }


# Pages a persona of the bench cannot open on a first look, with the reason.
NOT_MEASURED = {
    "privacy:erase": "asks for the password again first (a redirect): a fresh sign-in is "
    "valid for minutes, the bench runs for longer",
}


def _own(users, kind: str, persona: str, world):
    """The object of a page of a member or juror: one of their own (the bench's fullest
    application, tandem and placement belong to others, and would answer 404)."""
    from django.db.models import Q

    from actionfund.models import Application, Status
    from mentoring.models import Tandem
    from volunteering.models import Placement

    organisation = users["organisation"]
    if persona == "member" and kind == "application":
        found = Application.objects.filter(organisation=organisation).exclude(status=Status.DRAFT)
    elif persona == "member" and kind == "paid_application":
        found = Application.objects.filter(organisation=organisation, status=Status.PAID)
    elif persona == "jury" and kind == "application":
        # One still to be scored: the scoring page opens for those only.
        found = Application.objects.filter(
            jury_assignments__juror=users["jury"], status=Status.IN_REVIEW
        )
    elif persona == "member" and kind == "tandem":
        # A running one: its plan and meeting log are open while it runs.
        found = Tandem.objects.filter(
            Q(mentor=organisation) | Q(mentee=organisation), status=Tandem.Status.ACTIVE
        )
    elif persona == "member" and kind == "placement":
        found = Placement.objects.filter(site=organisation)
    else:
        return None
    return found.order_by("-pk").first() or world.obj(kind)


def _world(users, objects):
    """The objects of the remaining pages (forms for one record, a record's messages, ...),
    as the query-count tests make them (tests/performance/test_query_counts.py `TARGETS`),
    around the bench's personas, call and analysis. Where the generated data has a fuller
    one, that one: the public event with the most guests, an open mentoring request, the
    contingent with the most placements, the analysis's own structure and meeting."""
    from types import SimpleNamespace

    from django.db.models import Count

    from mentoring.models import Event, MentorRequest
    from organisations.models import Organisation
    from organisations.permissions import listed_q
    from participation_check.models import ExchangeMeeting, ParticipationStructure
    from tests.performance.test_query_counts import World
    from volunteering.models import Consultation, Contingent

    personas = {who: users[who] for who in ("member", "consultant", "lead", "jury", "admin")}
    world = World(users["organisation"], **personas)
    world.focus.call, world.focus.analysis = objects["call"], objects["analysis"]
    world.generator = SimpleNamespace(period=objects["report"].period)
    analysis = objects["analysis"]
    found = {
        "public_event": Event.objects.filter(is_public=True)
        .annotate(n=Count("guests"))
        .order_by("-n", "pk")
        .first(),
        "mentor_request": MentorRequest.objects.filter(status=MentorRequest.Status.OPEN)
        .order_by("pk")
        .first(),
        "contingent": Contingent.objects.annotate(n=Count("placements"))
        .order_by("-n", "pk")
        .first(),
        "consultation": Consultation.objects.filter(consultant=users["consultant"])
        .order_by("pk")
        .first()
        or Consultation.objects.order_by("pk").first(),
        "structure": ParticipationStructure.objects.filter(analysis=analysis).first(),
        "exchange_meeting": ExchangeMeeting.objects.filter(analysis=analysis).first(),
        "listed_org": Organisation.objects.filter(listed_q()).order_by("pk").first(),
        "frozen_report": objects["report"],
    }
    world.objects.update({name: obj for name, obj in found.items() if obj is not None})
    return world


# Detail pages and the extra cases: (label or route, persona, route, kwargs from _objects).
DETAILS = [
    ("qualification:coaching", "lead", "qualification:coaching", ""),
    ("qualification:workshop_detail", "consultant", "qualification:workshop_detail", "workshop"),
    (
        "qualification:coaching_detail",
        "consultant",
        "qualification:coaching_detail",
        "coaching_session",
    ),
    ("actionfund:call_detail", "lead", "actionfund:call_detail", "call"),
    ("actionfund:application_detail", "lead", "actionfund:application_detail", "application"),
    ("actionfund:jury_list", "jury", "actionfund:jury_list", ""),
    ("mentoring:contact_detail", "consultant", "mentoring:contact_detail", "contact"),
    ("mentoring:event_detail", "consultant", "mentoring:event_detail", "event"),
    ("mentoring:tandem_detail", "consultant", "mentoring:tandem_detail", "tandem"),
    ("volunteering:placement", "consultant", "volunteering:placement", "placement"),
    ("volunteering:seminar", "consultant", "volunteering:seminar", "seminar"),
    (
        "participation_check:analysis_detail",
        "consultant",
        "participation_check:analysis_detail",
        "analysis",
    ),
    (
        "participation_check:interview_detail",
        "consultant",
        "participation_check:interview_detail",
        "interview",
    ),
    (
        "participation_check:recommendation_detail",
        "consultant",
        "participation_check:recommendation_detail",
        "recommendation",
    ),
    ("reporting:report", "lead", "reporting:report", "report"),
]


def catalogue(users) -> list[dict]:
    """Every page: {"page", "persona", "path"}, or with "skipped" when it cannot be built."""
    from django.urls import reverse

    from bench.benchsite.middleware import COLD
    from tests.performance.test_query_counts import PAGES

    objects = _objects(users)
    world = _world(users, objects)
    kwargs_of = {  # the `kwargs` kinds of test_query_counts.Page
        "": {},
        "call": {"pk": objects["call"].pk},
        "analysis": {"pk": objects["analysis"].pk},
        "org_pk": {"org_pk": objects["organisation"].pk},
        "indicator": {"key": "coaching_sessions"},
    }
    # Detail pages: the kwargs kind names the object of _objects (pk), or an indicator key.
    for name in (
        "organisation", "workshop", "coaching_session", "application", "contact", "event",
        "tandem", "placement", "seminar", "interview", "recommendation",
    ):  # fmt: skip
        if objects.get(name) is not None:
            kwargs_of[name] = {"pk": objects[name].pk}
    kwargs_of["funder_report"] = {"pk": objects["report"].pk}
    kwargs_of["period"] = {"pk": objects["report"].period_id}
    pages = [
        {"page": ANONYMOUS_BARE, "persona": "anonymous", "path": "/bench/bare/"},
        {"page": SIGNED_IN_BARE, "persona": "lead", "path": "/bench/bare/"},
    ]
    for page in PAGES:
        label = f"{page.route}?{page.query}" if page.query else page.route
        if page.route == "reporting:dashboard" and not page.query:
            label += " (figures shared)"
        entry = {"page": label, "persona": page.persona}
        if page.route in NOT_MEASURED:
            entry["skipped"] = NOT_MEASURED[page.route]
        else:
            own = _own(users, page.kwargs, page.persona, world)
            kwargs = {"pk": own.pk} if own is not None else kwargs_of.get(page.kwargs)
            if kwargs is None:  # an object of the query-count tests' (indicator keys too)
                entry["path"] = world.url(page)
            else:
                url = reverse(page.route, kwargs=kwargs)
                entry["path"] = f"{url}?{page.query}" if page.query else url
        pages.append(entry)
    for label, persona, route, name in DETAILS:
        kwargs = {"pk": objects[name].pk} if name else {}
        pages.append({"page": label, "persona": persona, "path": reverse(route, kwargs=kwargs)})
    pages.append(
        {
            "page": "reporting:dashboard (figures cold)",
            "persona": "lead",
            "path": f"{reverse('reporting:dashboard')}?{COLD}=1",
        }
    )
    pages.append(
        {
            "page": "admin: organisations changelist",
            "persona": "admin",
            "path": reverse("admin:organisations_organisation_changelist"),
        }
    )
    pages.extend(_admin_forms())
    # One entry per page and persona; one that can be measured wins over a skipped one.
    chosen: dict = {}
    for entry in pages:
        key = (entry["page"], entry["persona"])
        if key not in chosen or ("path" in entry and "path" not in chosen[key]):
            chosen[key] = entry
    unique = list(chosen.values())
    if only := os.environ.get("BENCH_PAGES"):
        # A few pages again (e.g. after a change): those whose "page (persona)" matches,
        # with both yardsticks.
        wanted = re.compile(only)
        unique = [
            e
            for e in unique
            if e["page"] in (ANONYMOUS_BARE, SIGNED_IN_BARE)
            or wanted.search(f"{e['page']} ({e['persona']})")
        ]

    def app(entry):
        name = entry["page"].partition(":")[0].partition(" ")[0]
        return APP_ORDER.index(name) if name in APP_ORDER else 0

    return sorted(unique, key=app)


def _admin_forms() -> list[dict]:
    """Django admin's forms whose choices reach into the big tables: an application (its
    budget lines, status changes, invitations inline), an organisation, a proof of use (its
    spending per budget line), and the add forms of a payment and of a cooperation's status
    change (an application, a contact to choose)."""
    from django.urls import reverse

    from actionfund.models import Application, ProofOfUse
    from organisations.models import Organisation

    forms = []
    for label, route, model in (
        ("admin: application change form", "admin:actionfund_application_change", Application),
        ("admin: organisation change form", "admin:organisations_organisation_change", Organisation),
        ("admin: proof of use change form", "admin:actionfund_proofofuse_change", ProofOfUse),
        ("admin: payment add form", "admin:actionfund_payment_add", None),
        ("admin: cooperation status change add form", "admin:mentoring_cooperationstatuschange_add", None),
    ):  # fmt: skip
        args = [model.objects.order_by("pk").values_list("pk", flat=True)[0]] if model else []
        forms.append({"page": label, "persona": "admin", "path": reverse(route, args=args)})
    return forms


def _clients(sessions: dict) -> dict:
    """A test client per persona, signed in with the persona's session (and an anonymous one)."""
    from django.conf import settings
    from django.test import Client

    clients = {}
    for who, key in [("anonymous", None), *sessions.items()]:
        client = Client(HTTP_ACCEPT_LANGUAGE="de", HTTP_HOST="127.0.0.1")
        if key:
            client.cookies[settings.SESSION_COOKIE_NAME] = key
        clients[who] = client
    return clients


def _timed(client, path: str, renders: int) -> list[float]:
    times = []
    for _ in range(renders):
        started = time.perf_counter()
        client.get(path)
        times.append((time.perf_counter() - started) * 1000)
    return times


_LITERALS = re.compile(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b")
_LISTS = re.compile(r"\((?:\s*\?\s*,)+\s*\?\s*\)")
_CURSORS = re.compile(r'"_django_curs_\w+"')  # a server-side cursor's name: thread and number


def query_shape(sql: str) -> str:
    """The SQL with its values left out: the same query for another object or another
    number of ids has the same shape, so a shape that runs more often with more rows is
    an N+1 (bench/load_pages.py's growth verdict)."""
    return _LISTS.sub("(?)", _LITERALS.sub("?", _CURSORS.sub("cursor", sql)))


def render_all(pages: list[dict], sessions: dict) -> None:
    """Add in-process "ms", "queries", "shapes" (query shape -> how often it ran), "kib"
    and "status" to each page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    clients = _clients(sessions)
    for entry in pages:
        if "skipped" in entry:
            continue
        client, path = clients[entry["persona"]], entry["path"]
        response = client.get(path)  # warms per-process caches, checks the answer
        entry["status"] = response.status_code
        if response.status_code != 200:
            continue
        renders = BARE_RENDERS if entry["page"] in (ANONYMOUS_BARE, SIGNED_IN_BARE) else RENDERS
        times = _timed(client, path, renders)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        entry.update(
            ms=statistics.median(times),
            queries=len(queries.captured_queries),
            shapes=Counter(query_shape(q["sql"]) for q in queries.captured_queries),
            kib=len(response.content) / 1024,
        )
        print(
            f"  in-process {entry['page']} ({entry['persona']}): {entry['ms']:.1f} ms, "
            f"{entry['queries']} queries, {entry['kib']:.0f} KiB",
            file=sys.stderr,
            flush=True,
        )


def serve(prepared: str) -> None:
    """Answer "<index> <renders>" lines with the render times of that page of `prepared`."""
    import django

    django.setup()
    with open(prepared) as f:
        data = json.load(f)
    clients, pages = _clients(data["sessions"]), data["pages"]
    print("ready", flush=True)
    for line in sys.stdin:
        index, renders = (int(word) for word in line.split())
        entry = pages[index]
        print(json.dumps(_timed(clients[entry["persona"]], entry["path"], renders)), flush=True)


def main(out: str) -> None:
    import django

    django.setup()
    from django.conf import settings

    assert settings.IKMO_PAGE_CACHE_SECONDS == 0, "the benchmark renders with the page cache off"
    users, sessions = personas()
    pages = catalogue(users)
    # What the worker does within seconds of the writes above (the bench runs none): the
    # stored lists of who took part (reporting/taking_part.py), as production reads them.
    from reporting import taking_part

    taking_part.refresh_stale()
    render_all(pages, sessions)
    names = {who: users[who].email for who in sessions}
    with open(out, "w") as f:
        json.dump({"sessions": sessions, "personas": names, "pages": pages}, f)


if __name__ == "__main__":
    if sys.argv[1] == "--serve":
        serve(sys.argv[2])
    else:
        main(sys.argv[1])
