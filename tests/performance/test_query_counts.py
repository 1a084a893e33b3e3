"""Every list page and dashboard runs the same number of queries for 2 rows as for 12.

Each entry of PAGES names a route and the persona who sees it. The test fills the database
with the scale generator (devtools/scale.py, the one behind `manage.py seed_scale`) at two rows
of every kind, renders the page, adds ten more rows of every kind and renders it again. All
rows go to the persona's organisation (a `Focus`), so the member's own pages grow too.

A page whose count grows with the rows has an N+1 query. `slack` allows a page a fixed
number of extra queries where a branch shows up only once there is more data (it must
stay a constant, not grow with the rows).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from devtools.scale import Focus, Scale, generate
from organisations.models import Organisation
from tests import factories

SMALL, LARGE = 2, 12


@dataclass(frozen=True)
class Page:
    route: str
    persona: str  # member (admin of the focus organisation), consultant, lead, jury
    kwargs: str = ""  # "call", "analysis", "organisation": the focus object's pk
    query: str = ""
    slack: int = 0
    extra: str = ""  # name of a function below that adds rows the generator does not make
    grows: bool = True  # a list: its HTML grows with the rows (else a dashboard of counts)
    notes: str = field(default="", compare=False)

    @property
    def id(self) -> str:
        return f"{self.route}[{self.persona}]{'?' + self.query if self.query else ''}"


PAGES = [
    # Overview (home with each app's cards), per persona
    Page("home", "member"),
    Page("home", "consultant"),
    Page("home", "lead", grows=False),
    Page("home", "jury", grows=False),
    # Organisations
    Page("organisations:directory", "consultant"),
    Page("organisations:directory", "lead", query="q=e"),
    Page("organisations:registrations", "lead", extra="pending_organisations"),
    # Qualification
    Page("qualification:home", "member"),
    Page("qualification:home", "consultant"),
    Page("qualification:workshop_list", "member"),
    Page("qualification:workshop_list", "consultant"),
    Page("qualification:my_registrations", "member"),
    Page("qualification:coaching", "consultant"),
    Page("qualification:coaching_organisation", "consultant", kwargs="org_pk"),
    # Action fund
    Page("actionfund:home", "member", grows=False),
    Page("actionfund:home", "lead", grows=False),
    Page("actionfund:call_list", "member", extra="calls"),
    Page("actionfund:call_list", "lead", extra="calls"),
    Page("actionfund:application_list", "member"),
    Page("actionfund:application_list", "lead"),
    Page("actionfund:jury_list", "jury"),
    Page("actionfund:call_ranking", "lead", kwargs="call"),
    Page("actionfund:call_ledger", "lead", kwargs="call"),
    # Networking & mentoring
    Page("mentoring:home", "member"),
    Page("mentoring:home", "consultant"),
    Page("mentoring:contact_list", "consultant"),
    Page("mentoring:partner_search", "consultant", query="district=&field="),
    Page("mentoring:event_list", "member"),
    Page("mentoring:event_list", "consultant"),
    Page("mentoring:match_list", "consultant"),
    Page("mentoring:tandem_list", "member"),
    Page("mentoring:tandem_list", "consultant"),
    # Volunteer service desk
    Page("volunteering:home", "member"),
    Page("volunteering:home", "consultant", grows=False),
    Page("volunteering:organisations", "consultant"),
    Page("volunteering:consultations", "consultant"),
    Page("volunteering:contingents", "consultant"),
    Page("volunteering:placements", "consultant"),
    Page("volunteering:seminars", "consultant"),
    # Participation check
    Page("participation_check:home", "consultant", extra="analyses"),
    Page("participation_check:analysis_list", "consultant", extra="analyses"),
    Page("participation_check:analysis_detail", "consultant", kwargs="analysis", grows=False),
    Page("participation_check:structure_list", "consultant", kwargs="analysis"),
    Page("participation_check:interview_list", "consultant", kwargs="analysis"),
    Page("participation_check:meeting_list", "consultant", kwargs="analysis"),
    Page("participation_check:recommendation_list", "consultant", kwargs="analysis"),
    Page("participation_check:report", "consultant", kwargs="analysis"),
    # Reporting
    Page("reporting:dashboard", "lead"),
    Page("reporting:reach", "lead"),
    Page("reporting:periods", "lead", extra="periods"),
    Page("reporting:reports", "lead", extra="funder_reports"),
    Page("reporting:records", "lead", kwargs="indicator"),
]


def pending_organisations(n: int, world) -> None:
    factories.OrganisationFactory.create_batch(n, status=Organisation.Status.PENDING)


def calls(n: int, world) -> None:
    from actionfund.models import Call

    call = world.focus.call
    Call.objects.bulk_create(
        Call(
            year=call.year - 1 - i,
            title=f"{call.title} {world.runs}-{i}",
            description="–",
            opens_at=call.opens_at,
            closes_at=call.closes_at,
            total_budget=call.total_budget,
            max_single=call.max_single,
            max_cooperation=call.max_cooperation,
            is_published=True,
        )
        for i in range(n)
    )


def analyses(n: int, world) -> None:
    from participation_check.models import Analysis

    analysis = world.focus.analysis
    Analysis.objects.bulk_create(
        Analysis(
            title=f"{analysis.title} {world.runs}-{i}",
            district=analysis.district,
            social_space=analysis.social_space,
            period_start=analysis.period_start,
            period_end=analysis.period_end,
            status=analysis.status,
        )
        for i in range(n)
    )


def periods(n: int, world) -> None:
    from reporting.models import FundingPeriod

    FundingPeriod.objects.bulk_create(
        FundingPeriod(
            name=f"Senat {world.runs}-{i}",
            funder="senate",
            start=date(2020 - i, 1, 1),
            end=date(2020 - i, 12, 31),
        )
        for i in range(n)
    )


def funder_reports(n: int, world) -> None:
    from reporting.models import FunderReport

    period = world.generator.period
    FunderReport.objects.bulk_create(FunderReport(period=period, summary="–") for _ in range(n))


class World:
    def __init__(self, org, member, consultant, lead, jury):
        self.personas = {"member": member, "consultant": consultant, "lead": lead, "jury": jury}
        self.focus = Focus(organisation=org, person=member, consultant=consultant, juror=jury)
        self.runs = 0

    def add_rows(self, n: int, page: Page) -> None:
        self.generator = generator = generate(Scale.small(n), focus=self.focus)
        # Later runs add to the same call and analysis, so their pages grow too.
        self.focus.call = self.focus.call or generator.calls[-1]
        self.focus.analysis = self.focus.analysis or generator.analyses[-1]
        if page.extra:
            globals()[page.extra](n, self)
        self.runs += 1

    def url(self, page: Page) -> str:
        kwargs = {
            "": {},
            "call": {"pk": getattr(self.focus.call, "pk", None)},
            "analysis": {"pk": getattr(self.focus.analysis, "pk", None)},
            "org_pk": {"org_pk": self.focus.organisation.pk},
            "indicator": {"key": "coaching_sessions"},
        }[page.kwargs]
        url = reverse(page.route, kwargs=kwargs)
        return f"{url}?{page.query}" if page.query else url


@pytest.fixture
def world(org, org_admin, consultant, project_lead, jury_member):
    return World(org, org_admin, consultant, project_lead, jury_member)


def _count(client, url) -> tuple[int, list[str], int]:
    response = client.get(url)  # warms per-process caches (content types, catalogues)
    assert response.status_code == 200, (url, response.status_code, response.get("Location"))
    cache.clear()  # pages that keep figures for a minute must compute them here
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), [q["sql"] for q in queries.captured_queries], len(response.content)


@pytest.mark.parametrize("page", PAGES, ids=[p.id for p in PAGES])
def test_query_count_does_not_grow_with_rows(page, world, client):
    client.force_login(world.personas[page.persona])
    world.add_rows(SMALL, page)
    # URLs with an object are built after the first rows exist.
    small, _, small_size = _count(client, world.url(page))
    world.add_rows(LARGE - SMALL, page)
    large, sql, large_size = _count(client, world.url(page))
    assert large <= small + page.slack, (
        f"{page.id}: {small} queries with {SMALL} rows, {large} with {LARGE}:\n" + "\n".join(sql)
    )
    if page.grows:  # the rows were on the page, so the equal counts mean something
        assert large_size > small_size + 500, (page.id, small_size, large_size)


def test_every_list_route_of_every_app_is_declared():
    """A new list page (an app's URL without arguments that renders HTML) must be added."""
    from django.urls import get_resolver

    declared = {p.route for p in PAGES}
    # Routes without arguments that are forms, files or redirects, not lists.
    not_lists = {
        "healthz",
        "organisations:register",
        "organisations:join",
        "qualification:workshop_calendar",
        "qualification:workshop_create",
        "qualification:coaching_start",
        "actionfund:call_create",
        "actionfund:transition_table",
        "actionfund:export_create",
        "mentoring:contact_create",
        "mentoring:event_create",
        "volunteering:placement_new",
        "volunteering:seminar_new",
        "participation_check:analysis_create",
        "reporting:figures_csv",
        "reporting:figures_xlsx",
        "reporting:period_new",
    }
    apps = {
        "organisations",
        "qualification",
        "actionfund",
        "mentoring",
        "volunteering",
        "participation_check",
        "reporting",
    }
    missing = []
    for resolver in get_resolver().url_patterns:
        if getattr(resolver, "namespace", None) not in apps:
            continue
        for pattern in resolver.url_patterns:
            route = f"{resolver.namespace}:{pattern.name}"
            if pattern.pattern.regex.groups == 0 and route not in declared | not_lists:
                missing.append(route)
    assert not missing, f"declare these list routes in PAGES (or in not_lists): {missing}"
