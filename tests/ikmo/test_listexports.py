"""Exports of the staff lists (ikmo/listexports.py): exactly the filtered view, for exactly the
people who may see the list, with formulas neutralised, real spreadsheet types, progress,
safe to run twice, and only for the requester to open."""

import csv
import datetime
import io
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from ikmo.listexports import export_request, export_run, exportable_list, exportable_lists
from ikmo.models import AuditEntry, ListExport
from ikmo.subprojects import SubProject
from qualification.models import CoachingSession
from tests import factories
from tests.security.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def _new(world):
    """The exports a test asked for (the world holds one of its own)."""
    return ListExport.objects.exclude(pk=world.export.pk)


def _rows_of(job) -> list[list[str]]:
    with job.file.open("rb") as handle:
        content = handle.read()
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM: spreadsheet programs read umlauts
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def _page_rows(context):
    """The filtered queryset behind a list page (before paging), from its context."""
    for name in ("page", "interviews", "recommendations"):
        value = context.get(name)
        if value is None:
            continue
        items = getattr(value, "page", value).paginator.object_list
        rows = list(items)
        if rows and not hasattr(rows[0], "pk"):  # paged through ids first (viewtools.paged)
            whole = items.model._default_manager.in_bulk(rows)
            return [whole[pk] for pk in rows]
        return rows
    return list(context["registrations"])


# (list key, persona, URL kwargs from the world, a filter of the page that leaves rows out)
CASES = [
    ("organisations.directory", "lead", "organisations", None, {"q": "Alphaverein"}),
    ("qualification.coaching", "consultant", "qualification", None, {"q": "Alphaverein"}),
    ("qualification.attendance", "consultant", "qualification", "workshop", {}),
    ("mentoring.contacts", "lead", "mentoring", None, {"status": "ended"}),
    ("mentoring.tandems", "lead", "mentoring", None, {"status": "active"}),
    ("volunteering.placements", "lead", "volunteering", None, {"status": "finished"}),
    ("participation_check.interviews", "lead", "participation_check", "analysis", {}),
    ("participation_check.recommendations", "lead", "participation_check", "analysis", {}),
    (
        "participation_check.recommendations",
        "lead",
        "participation_check",
        "analysis",
        {"status": "rejected"},
    ),
    ("actionfund.applications", "lead", "actionfund", None, {"q": "Kino"}),
]


def test_every_staff_list_is_offered_once():
    assert {
        "organisations.directory",
        "qualification.coaching",
        "qualification.attendance",
        "mentoring.contacts",
        "mentoring.tandems",
        "volunteering.placements",
        "participation_check.interviews",
        "participation_check.recommendations",
        "actionfund.applications",
    } <= set(exportable_lists())
    for key, spec in exportable_lists().items():
        assert key == spec.key and key.split(".")[0] in spec.route
        assert spec.columns


@pytest.mark.parametrize(("key", "persona", "app", "parent", "filters"), CASES)
def test_an_export_holds_exactly_the_rows_of_the_filtered_page(
    world, client, key, persona, app, parent, filters, django_capture_on_commit_callbacks
):
    user = world.persona(persona, app)
    spec = exportable_list(key)
    # A second coaching session of another organisation, so the log's filter leaves one out.
    CoachingSession.objects.create(
        organisation=world.org_b,
        consultant=world.consultants[SubProject.QUALIFICATION],
        date=datetime.date.today(),
        duration_minutes=30,
        format=CoachingSession.Format.VIDEO,
    )
    scope = str(getattr(world, parent).pk) if parent else ""
    url = reverse(spec.route, args=[scope] if scope else [])
    client.force_login(user)
    query = urlencode({**filters, "page": "1"})
    page = client.get(f"{url}?{query}")
    assert page.status_code == 200
    shown = _page_rows(page.context)
    if filters:
        everything = _page_rows(client.get(url).context)
        assert len(shown) < len(everything), "the filter must leave rows out to test anything"
    else:
        assert shown, "an empty list tests nothing"
    # The control on the page posts the page's query string and its scope.
    assert reverse("exports:create", args=[key]).encode() in page.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("exports:create", args=[key]),
            {"format": "csv", "query": query, "scope": scope},
        )
    job = _new(world).get(list_key=key)
    assert response.url == reverse("exports:detail", args=[job.uuid])
    job.refresh_from_db()
    assert job.status == ListExport.Status.DONE, job.error
    assert job.params == {k: [v] for k, v in filters.items()}  # the page number is no filter
    assert [r.pk for r in spec.rows(user, job.params, job.scope)] == [r.pk for r in shown]
    rows = _rows_of(job)
    assert rows[0] == [str(header) for header, _ in spec.columns]
    first = spec.columns[0][1]
    assert [r[0] for r in rows[1:]] == [_csv_text(first(row)) for row in shown]
    assert job.row_count == len(shown) and job.progress == 100
    assert AuditEntry.objects.filter(action="ikmo.list_export.requested").count() == 1


def _csv_text(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


@pytest.mark.parametrize(
    ("key", "parent", "refused"),
    [
        ("organisations.directory", None, ["member_a", "admin_a", "member_b", "jury"]),
        ("qualification.coaching", None, ["other_consultant", "admin_a", "member_b", "jury"]),
        ("qualification.attendance", "workshop", ["other_consultant", "member_a", "admin_a"]),
        ("mentoring.contacts", None, ["other_consultant", "admin_a", "member_b"]),
        ("mentoring.tandems", None, ["other_consultant", "admin_a", "member_a"]),
        ("volunteering.placements", None, ["other_consultant", "admin_a", "member_a"]),
        ("participation_check.interviews", "analysis", ["other_consultant", "admin_a"]),
        ("participation_check.recommendations", "analysis", ["other_consultant", "admin_a"]),
        ("actionfund.applications", None, ["other_consultant", "admin_a", "jury"]),
    ],
)
def test_who_may_not_see_the_list_cannot_export_it(world, client, key, parent, refused):
    app = key.split(".")[0]
    scope = str(getattr(world, parent).pk) if parent else ""
    spec = exportable_list(key)
    allowed = world.persona("lead", app)
    assert spec.allowed(allowed, scope)
    for persona in refused:
        user = world.persona(persona, app)
        assert not spec.allowed(user, scope), persona
        client.force_login(user)
        response = client.post(
            reverse("exports:create", args=[key]), {"format": "csv", "scope": scope}
        )
        assert response.status_code == 404, persona
        # Nor does the list page offer the control.
        page = client.get(reverse(spec.route, args=[scope] if scope else []))
        assert reverse("exports:create", args=[key]).encode() not in page.content, persona
    assert not _new(world).exists()
    assert not AuditEntry.objects.filter(action="ikmo.list_export.requested").exists()


def test_a_list_inside_a_record_is_exported_only_for_a_record_the_person_sees(world, client):
    lead = world.persona("lead", "participation_check")
    other = factories.OrganisationFactory()
    for scope in ("", "abc", str(other.pk + 10_000), "1\x00"):
        assert not exportable_list("participation_check.interviews").allowed(lead, scope)
    client.force_login(lead)
    response = client.post(
        reverse("exports:create", args=["participation_check.interviews"]),
        {"format": "csv", "scope": "999999"},
    )
    assert response.status_code == 404


def test_an_unknown_list_or_format_asks_for_nothing(world, client):
    consultant = world.persona("consultant", "qualification")
    client.force_login(consultant)
    assert client.post(reverse("exports:create", args=["nope.list"]), {}).status_code == 404
    response = client.post(
        reverse("exports:create", args=["qualification.coaching"]), {"format": "pdf"}
    )
    assert response.status_code == 302 and response.url == reverse("qualification:coaching")
    assert not _new(world).exists()


def _column(key, english) -> int:
    """The position of a column, by its English header (whatever the export's language)."""
    with translation.override("en"):
        headers = [str(header) for header, _ in exportable_list(key).columns]
    return headers.index(english)


def _coaching_export(world, fmt, *, outcome='=HYPERLINK("http://evil.example","Klick")'):
    consultant = world.consultants[SubProject.QUALIFICATION]
    session = world.coaching_a
    session.outcome = outcome
    session.follow_up_date = datetime.date(2026, 5, 4)
    session.save()
    org = world.org_a
    org.name = "+Alphaverein =1+2"
    org.save(update_fields=["name"])
    return export_request(key="qualification.coaching", by=consultant, params={}, fmt=fmt, scope="")


def test_formula_injection_is_neutralised_in_csv(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = _coaching_export(world, "csv")
    job.refresh_from_db()
    _header, row = _rows_of(job)
    column = lambda english: row[_column("qualification.coaching", english)]  # noqa: E731
    assert column("Outcome") == '\'=HYPERLINK("http://evil.example","Klick")'
    assert column("Organisation") == "'+Alphaverein =1+2"
    assert column("Follow-up date") == "2026-05-04"
    assert column("Duration (minutes)") == "60"


def test_xlsx_has_real_dates_and_numbers_a_frozen_header_and_neutralised_text(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = _coaching_export(world, "xlsx")
    job.refresh_from_db()
    assert job.status == ListExport.Status.DONE and job.row_count == 1
    with job.file.open("rb") as handle:
        sheet = load_workbook(handle).active
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:K2"
    cells = list(sheet[2])
    cell = lambda english: cells[_column("qualification.coaching", english)]  # noqa: E731
    date = cell("Date")
    assert date.is_date
    assert date.value == datetime.datetime.combine(world.coaching_a.date, datetime.time())
    assert cell("Duration (minutes)").value == 60 and cell("Duration (minutes)").data_type == "n"
    # Text that looks like a formula stays text: never a formula cell.
    assert cell("Outcome").data_type == "s"
    assert cell("Outcome").value == '\'=HYPERLINK("http://evil.example","Klick")'
    assert cell("Organisation").value == "'+Alphaverein =1+2"


def test_xlsx_amounts_are_numbers(world, django_capture_on_commit_callbacks):
    lead = world.persona("lead", "actionfund")
    with django_capture_on_commit_callbacks(execute=True):
        job = export_request(key="actionfund.applications", by=lead, params={}, fmt="xlsx")
    job.refresh_from_db()
    with job.file.open("rb") as handle:
        sheet = load_workbook(handle).active
    column = _column("actionfund.applications", "Requested (EUR)")
    amounts = [row[column] for row in sheet.iter_rows(min_row=2)]
    assert amounts and all(c.data_type == "n" for c in amounts)
    assert {Decimal(str(c.value)) for c in amounts} <= {
        a.requested_amount for a in exportable_list("actionfund.applications").rows(lead, {})
    }


def test_progress_is_written_per_batch_after_counting(world, monkeypatch):
    from ikmo import listexports

    monkeypatch.setattr(listexports, "BATCH", 2)
    consultant = world.consultants[SubProject.QUALIFICATION]
    for day in range(5):
        CoachingSession.objects.create(
            organisation=world.org_a,
            consultant=consultant,
            date=datetime.date(2026, 1, 1 + day),
            duration_minutes=30,
            format=CoachingSession.Format.VIDEO,
        )
    job = ListExport.objects.create(
        requested_by=consultant, list_key="qualification.coaching", format="csv"
    )
    seen = []
    original = ListExport.mark_progress.__func__

    def spy(cls, pk, value):
        seen.append(value)
        return original(cls, pk, value)

    monkeypatch.setattr(ListExport, "mark_progress", classmethod(spy))
    export_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.row_count == 6 and job.progress == 100 and job.attempts == 1
    assert seen == sorted(seen) and len(seen) == 1 + 3 and seen[0] == 10 and seen[-1] < 100


def test_running_twice_is_safe(world):
    consultant = world.consultants[SubProject.QUALIFICATION]
    job = ListExport.objects.create(
        requested_by=consultant, list_key="qualification.coaching", format="csv"
    )
    # A message delivered twice: worker A has claimed the job when worker B runs it through.
    assert ListExport.mark_running(job.pk)
    first = export_run(job_id=job.pk)
    name = first.file.name
    assert first.status == ListExport.Status.DONE and first.row_count == 1
    # Worker A finishing later keeps B's file; a third delivery finds the job finished.
    assert ListExport.mark_done(job.pk, b"other", row_count=99).file.name == name
    assert export_run(job_id=job.pk) is None
    job.refresh_from_db()
    assert job.file.name == name and job.attempts == 1 and job.row_count == 1
    assert len(_rows_of(job)) == 2


def test_a_double_click_asks_for_one_export(world, client):
    consultant = world.consultants[SubProject.QUALIFICATION]
    client.force_login(consultant)
    url = reverse("exports:create", args=["qualification.coaching"])
    data = {"format": "csv", "query": "q=Alpha&format=phone"}
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.url == second.url
    assert _new(world).count() == 1
    client.post(url, {**data, "format": "xlsx"})  # another format is another export
    assert _new(world).count() == 2


def test_the_rows_are_the_requesters_at_run_time(world, django_capture_on_commit_callbacks):
    """A consultant who lost the role before the worker ran gets no file."""
    consultant = world.consultants[SubProject.QUALIFICATION]
    job = export_request(key="qualification.coaching", by=consultant, params={}, fmt="csv")
    with django_capture_on_commit_callbacks(execute=True):
        consultant.staff_roles.all().delete()
    export_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ListExport.Status.FAILED and not job.file


def test_only_the_requester_opens_and_downloads_the_export(
    world, client, django_capture_on_commit_callbacks
):
    lead = world.persona("lead", "qualification")
    with django_capture_on_commit_callbacks(execute=True):
        job = export_request(key="organisations.directory", by=lead, params={}, fmt="csv")
    detail = reverse("exports:detail", args=[job.uuid])
    download = reverse("exports:download", args=[job.uuid])
    client.force_login(lead)
    assert client.get(detail).status_code == 200
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert AuditEntry.objects.filter(action="ikmo.list_export.downloaded", actor=lead).exists()
    # Anybody else, even who may export the same list themselves, asks for their own.
    for persona in ("consultant", "admin", "other_consultant", "admin_a"):
        client.force_login(world.persona(persona, "qualification"))
        assert client.get(detail).status_code == 404, persona
        assert client.get(download).status_code == 404, persona


def test_the_status_page_polls_until_the_file_is_ready(world, client):
    consultant = world.consultants[SubProject.QUALIFICATION]
    job = export_request(key="qualification.coaching", by=consultant, params={}, fmt="csv")
    client.force_login(consultant)
    detail = reverse("exports:detail", args=[job.uuid])
    waiting = client.get(detail, headers={"HX-Request": "true"})
    assert b'hx-trigger="every 2s"' in waiting.content and b"progress-bar" in waiting.content
    export_run(job_id=job.pk)
    done = client.get(detail, headers={"HX-Request": "true"})
    assert b"hx-trigger" not in done.content
    assert reverse("exports:download", args=[job.uuid]).encode() in done.content
