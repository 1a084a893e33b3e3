"""Every file the portal hands out: an attachment, never cached, never sniffed; and the one
job download serves a job's file only to whom its `can_download` allows."""

import pytest
from django.test import RequestFactory
from django.urls import get_resolver, reverse

from ikmo.downloads import content_download, file_download
from ikmo.models import GeneratedDocument, ListExport
from ikmo.views import job_download
from privacy.models import DataExport

from .expectations import EXPECTATIONS
from .probe import send

pytestmark = pytest.mark.django_db

DOWNLOADS = [
    "document_download",
    "privacy:export_download",
    "exports:download",
    "actionfund:attachment_download",
    "actionfund:receipt_download",
    "volunteering:document_download",
    "participation_check:report_pdf",
    "reporting:figures_csv",
    "reporting:figures_xlsx",
    "reporting:records_csv",
    "reporting:report_records_csv",
    "qualification:participants_csv",
    "qualification:workshop_calendar",
    "qualification:workshop_ics",
    "volunteering:volunteer_export",
]


def _assert_private_attachment(headers):
    assert headers["Content-Disposition"].startswith("attachment; filename=")
    assert headers["Cache-Control"] == "private, no-store"
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_every_download_route_is_in_the_list():
    names = set()
    for namespace, (_, resolver) in get_resolver().namespace_dict.items():
        names |= {f"{namespace}:{n}" for n in resolver.reverse_dict if isinstance(n, str)}
    names |= {n for n in get_resolver().reverse_dict if isinstance(n, str)}
    # allauth's recovery-code download is allauth's own (and the user's own codes).
    ours = {n for n in names if "download" in n and not n.startswith("mfa_")}
    assert ours <= set(DOWNLOADS)


@pytest.mark.parametrize("name", DOWNLOADS)
def test_every_download_is_a_private_attachment(client, world, name):
    route = EXPECTATIONS[name]
    persona = sorted(route.allow - {"anonymous"})[0]
    user = world.persona(persona, name.partition(":")[0] if ":" in name else "")
    url = reverse(name, kwargs=route.kwargs(world) if route.kwargs else None) + route.query
    outcome = send(client, user, "get", url)
    assert outcome.status == 200, (persona, outcome.location)
    _assert_private_attachment(outcome.headers)


def test_a_public_report_pdf_is_private_for_the_anonymous_visitor_too(client, world):
    """No session middleware adds the headers here: the download helper does."""
    route = EXPECTATIONS["participation_check:report_pdf"]
    outcome = send(
        client, None, "get", reverse("participation_check:report_pdf", kwargs=route.kwargs(world))
    )
    assert outcome.status == 200
    _assert_private_attachment(outcome.headers)


def test_the_helpers_set_the_headers_themselves(world):
    document = world.profile_sheet_a
    _assert_private_attachment(
        file_download(document.file, filename="a.pdf", content_type="application/pdf")
    )
    _assert_private_attachment(content_download(b"a;b", filename="a.csv", content_type="text/csv"))


@pytest.mark.parametrize(
    ("model", "job", "lookup", "owner", "outsiders"),
    [
        (GeneratedDocument, "profile_sheet_a", "pk", "admin_a", ["member_b", "member_a", "lead"]),
        (DataExport, "data_export_a", "pk", "member_a", ["member_b", "admin_a", "lead"]),
        (
            ListExport,
            "export",
            "uuid",
            "consultant",
            ["member_b", "admin_a", "admin", "lead", "other_consultant"],
        ),
    ],
)
def test_the_one_job_download_asks_the_job_who_may_have_it(
    world, model, job, lookup, owner, outsiders
):
    """Called without any middleware: the view alone decides, by the job's can_download."""
    from django.http import Http404

    job = getattr(world, job)
    kwargs = {lookup: getattr(job, lookup)}
    factory = RequestFactory()

    def get(persona):
        request = factory.get("/")
        request.user = world.persona(persona, model._meta.app_label)
        request.session = {}
        return job_download(request, model=model, **kwargs)

    response = get(owner)
    assert response.status_code == 200
    _assert_private_attachment(response)
    assert response["Content-Type"] == job.file_type
    for persona in outsiders:
        with pytest.raises(Http404):
            get(persona)
