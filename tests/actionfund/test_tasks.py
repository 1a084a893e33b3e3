import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from actionfund import services, tasks
from actionfund.models import ReminderLog, Status
from ikmo.models import GeneratedDocument, ListExport
from ikmo.tasks import sweep_background_work
from organisations.timeline import timeline_for
from reporting.registry import DateRange, get_indicator

from .factories import CallFactory, approved, draft, paid, submitted

pytestmark = pytest.mark.django_db


def test_the_funding_agreement_pdf_is_rendered_by_the_worker(
    private_storage, client_for, org, org_admin, fund_lead, django_capture_on_commit_callbacks
):
    application = approved(organisation=org, by=org_admin, lead=fund_lead, amount="750.00")
    client = client_for(org_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("actionfund:agreement_request", args=[application.pk]))
    document = GeneratedDocument.objects.get(kind=services.AGREEMENT_KIND)
    assert response.url == reverse("document_detail", args=[document.pk])
    document.refresh_from_db()
    assert document.status == GeneratedDocument.Status.DONE
    assert document.organisation == org
    download = client.get(reverse("document_download", args=[document.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_no_agreement_before_approval(client_for, org, org_admin):
    application = submitted(organisation=org, by=org_admin)
    client_for(org_admin).post(reverse("actionfund:agreement_request", args=[application.pk]))
    assert not GeneratedDocument.objects.exists()


EXPORT = f"/exports/lists/{'actionfund.applications'}/"


def _rows(job):
    content = job.file.open("rb").read().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content), delimiter=";"))


def test_csv_export_contains_every_filtered_row(
    private_storage, client_for, call, fund_lead, django_capture_on_commit_callbacks
):
    from tests import factories

    titles = set()
    for i in range(30):
        organisation = factories.OrganisationFactory()
        admin = factories.member_of(organisation, role="admin")
        application = submitted(
            organisation=organisation, by=admin, call=call, title=f"=Projekt {i}"
        )
        titles.add(application.title)
    other_call = CallFactory()
    organisation = factories.OrganisationFactory()
    submitted(organisation=organisation, by=factories.member_of(organisation), call=other_call)
    client = client_for(fund_lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(EXPORT, {"format": "csv", "query": f"call={call.pk}&page=2"})
    job = ListExport.objects.get()
    assert response.url == reverse("exports:detail", args=[job.uuid])
    job.refresh_from_db()
    assert job.params == {"call": [str(call.pk)]}  # the page number is no filter
    assert job.status == ListExport.Status.DONE and job.row_count == 30 and job.progress == 100
    rows = _rows(job)
    assert len(rows) == 31
    # Formula-looking text is neutralised for spreadsheet programs.
    assert {r[3] for r in rows[1:]} == {"'" + t for t in titles}
    assert client.get(reverse("exports:download", args=[job.uuid])).status_code == 200


def test_xlsx_export(
    private_storage, client_for, org, org_admin, fund_lead, django_capture_on_commit_callbacks
):
    from openpyxl import load_workbook

    application = submitted(organisation=org, by=org_admin, title="Kiezfest")
    with django_capture_on_commit_callbacks(execute=True):
        client_for(fund_lead).post(EXPORT, {"format": "xlsx"})
    job = ListExport.objects.get()
    sheet = load_workbook(job.file.open("rb")).active
    values = list(sheet.values)
    assert len(values) == 2
    assert values[1][0] == application.reference and values[1][3] == "Kiezfest"
    assert Decimal(str(values[1][7])) == Decimal("1000.00")


def test_an_export_is_downloadable_only_by_who_asked(
    private_storage, client_for, fund_lead, consultant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(fund_lead).post(EXPORT, {"format": "csv"})
    job = ListExport.objects.get()
    assert (
        client_for(consultant).get(reverse("exports:download", args=[job.uuid])).status_code == 404
    )
    assert client_for(consultant).get(reverse("exports:detail", args=[job.uuid])).status_code == 404


def test_the_beat_task_sends_reminders_once(org, org_admin):
    call = CallFactory(closes_at=timezone.now() + timedelta(days=1))
    draft(organisation=org, by=org_admin, call=call)
    assert tasks.send_reminders.delay().get()["draft_deadline"] == 1
    assert tasks.send_reminders.delay().get()["draft_deadline"] == 0
    assert ReminderLog.objects.count() == 1


def test_timeline_shows_applications_to_who_may_see_them(
    org, org_admin, other_org_admin, fund_lead, jury_member
):
    application = approved(organisation=org, by=org_admin, lead=fund_lead)
    titles = [e.title for e in timeline_for(organisation=org, user=org_admin)]
    assert sum(application.title in t for t in titles) == 2
    staff_titles = [e.title for e in timeline_for(organisation=org, user=fund_lead)]
    assert sum(application.title in t for t in staff_titles) == 2
    # someone without access (here: an unassigned juror) sees none of it
    assert not any(
        application.title in e.title for e in timeline_for(organisation=org, user=jury_member)
    )
    assert not any(
        application.title in e.title for e in timeline_for(organisation=org, user=other_org_admin)
    )


def test_indicators_count_applications_projects_money_and_organisations(
    org, org_admin, other_org, other_org_admin, fund_lead
):
    paid(organisation=org, by=org_admin, lead=fund_lead, amount="600.00")
    approved(organisation=org, by=org_admin, lead=fund_lead, amount="400.00")
    withdrawn = approved(organisation=other_org, by=other_org_admin, lead=fund_lead)
    services.application_transition(
        application=withdrawn, to_status=Status.WITHDRAWN, by=other_org_admin
    )
    submitted(organisation=other_org, by=other_org_admin)
    draft(organisation=other_org, by=other_org_admin)
    today = timezone.localdate()
    figures = fund_figures(DateRange(today - timedelta(days=1), today))
    assert figures == {
        "applications_submitted": 4,
        "applications_approved": 2,
        "amount_granted": Decimal("1000.00"),
        "organisations_funded": 1,
    }
    earlier = fund_figures(DateRange(today - timedelta(days=60), today - timedelta(days=30)))
    assert earlier["applications_submitted"] == 0 and earlier["amount_granted"] == 0


def fund_figures(period) -> dict:
    """The action fund's figures as funder reporting computes them (actionfund/indicators.py)."""
    keys = ("applications_submitted", "applications_approved", "amount_granted")
    return {key: get_indicator(key).value(period) for key in (*keys, "organisations_funded")}


def test_export_jobs_lost_on_the_way_to_the_worker_are_sent_again(private_storage, fund_lead):
    job = ListExport.objects.create(
        requested_by=fund_lead, list_key="actionfund.applications", format="csv"
    )
    ListExport.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=30))
    fresh = ListExport.objects.create(
        requested_by=fund_lead, list_key="actionfund.applications", format="csv"
    )
    assert sweep_background_work() == 1  # eager: runs at once
    job.refresh_from_db()
    fresh.refresh_from_db()
    assert job.status == ListExport.Status.DONE
    assert fresh.status == ListExport.Status.PENDING  # its own message may still be on the way
    assert sweep_background_work() == 0
