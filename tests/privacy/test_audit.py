"""The audit trail covers bulk updates, and every download or export of data leaves an entry."""

import re
from datetime import date, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from ikmo.models import AuditEntry, GeneratedDocument
from organisations.models import Membership, Organisation
from participation_check.models import Analysis, Interview
from privacy.audit import REDACTED, audited_update
from tests import factories
from tests.qualification.factories import make_workshop, register

pytestmark = pytest.mark.django_db


def test_a_bulk_update_writes_one_entry_per_changed_row_with_actor_time_and_values(
    org, other_org, portal_admin
):
    from volunteering.models import Contingent

    first = Contingent.objects.create(carrier=org, year=2025, service_type="fsj", places=2)
    second = Contingent.objects.create(carrier=other_org, year=2025, service_type="fsj", places=5)
    Contingent.objects.create(carrier=org, year=2024, service_type="fsj", places=5)

    updated = audited_update(
        Contingent.objects.filter(year=2025),
        actor=portal_admin,
        action="volunteering.contingent.bulk",
        places=5,
    )

    assert updated == 2
    entries = AuditEntry.objects.filter(action="volunteering.contingent.bulk")
    # The second row already had 5 places: nothing changed, nothing logged.
    assert [e.object_id for e in entries] == [str(first.pk)]
    entry = entries.get()
    assert entry.actor == portal_admin and entry.created_at
    assert entry.changes == {"places": ["2", "5"], "bulk": True}
    assert entry.organisation == org  # found through the registry's organisation path
    assert entry.content_type == ContentType.objects.get_for_model(Contingent)
    second.refresh_from_db()
    assert second.places == 5


def test_bulk_changes_of_personal_fields_say_that_they_changed_not_what_they_were(
    org, portal_admin
):
    membership = Membership.objects.create(
        user=factories.UserFactory(), organisation=org, message="Hallo, ich bin Frau Beispiel"
    )
    Organisation.objects.filter(pk=org.pk).update(email="vorstand@verein.example")
    audited_update(
        Organisation.objects.filter(pk=org.pk),
        actor=portal_admin,
        action="organisations.bulk",
        email="info@verein.example",
        city="Berlin-Mitte",
    )
    entry = AuditEntry.objects.get(action="organisations.bulk")
    assert entry.changes["email"] == [REDACTED, REDACTED]
    assert entry.changes["city"] == ["Berlin", "Berlin-Mitte"]
    assert entry.organisation_id == org.pk
    assert "vorstand@verein.example" not in str(entry.changes)
    assert membership.pk


def test_interview_retention_is_audited_without_copying_the_contents(org, project_lead, settings):
    from privacy.retention import apply_retention

    settings.IKMO_RETENTION_DAYS = {"interview": 365}
    analysis = Analysis.objects.create(
        title="Analyse",
        district=factories.district(),
        period_start=date(2023, 1, 1),
        period_end=date(2023, 6, 30),
        created_by=project_lead,
    )
    interview = Interview.objects.create(
        analysis=analysis,
        organisation=org,
        date=date(2023, 2, 1),
        interviewer=project_lead,
        interviewee="Frau Vertraulich",
        consent_given=True,
        consent_form="oral",
        consent_date=date(2023, 2, 1),
        summary="Geheimer Inhalt",
    )
    done = apply_retention(today=date(2026, 1, 1))
    assert done == {"interview": 1}, list(AuditEntry.objects.values_list("action", flat=True))
    entry = AuditEntry.objects.get(action="participation_check.interview.retention_anonymised")
    assert entry.object_id == str(interview.pk) and entry.actor is None
    assert entry.organisation_id == org.pk
    assert "Vertraulich" not in str(entry.changes) and "Geheimer" not in str(entry.changes)
    assert AuditEntry.objects.filter(action="privacy.retention.applied").count() == 1


# The access log -------------------------------------------------------------------------------

# Every route that hands data out of the portal, and the audit action its response leaves (a
# suffix of "downloaded"/"exported"/"requested"), or why it needs none. A new download or export
# route fails test_every_download_and_export_route_is_listed until it is added here.
ACCESS_LOG = {
    "document_download": "ikmo.document.downloaded",
    "organisations:profile_sheet": "ikmo.document.requested",
    "qualification:participants_csv": "qualification.participants.exported",
    "qualification:participants_pdf": "ikmo.document.requested",
    "mentoring:guest_documents": "ikmo.document.requested",
    "mentoring:event_report": "ikmo.document.requested",
    "participation_check:report_pdf": "participation_check.report.downloaded",
    "participation_check:report_pdf_request": "ikmo.document.requested",
    "actionfund:attachment_download": "actionfund.attachment.downloaded",
    "actionfund:receipt_download": "actionfund.receipt.downloaded",
    "exports:create": "ikmo.list_export.requested",
    "exports:download": "ikmo.list_export.downloaded",
    "volunteering:document_download": "volunteering.document.downloaded",
    "volunteering:volunteer_export": "volunteering.volunteer.exported",
    "reporting:records_csv": "reporting.records.exported",
    "reporting:report_records_csv": "reporting.records.exported",
    "privacy:export_me": "privacy.export.requested",
    "privacy:export_person": "privacy.export.requested",
    "privacy:export_organisation": "privacy.export.requested",
    "privacy:export_download": "privacy.export.downloaded",
}
NOT_PERSONAL = {
    "qualification:workshop_calendar": "the public workshop calendar: dates and places, no people",
    "qualification:workshop_ics": "one workshop's dates as a calendar entry, no people",
    "mentoring:event_ics": "one event's date and place as a calendar entry, no people",
    "exports:detail": "the status page of a list export; the file is logged when downloaded",
    "privacy:export_detail": "the status page of an export; the file is logged when downloaded",
    "mfa_download_recovery_codes": "the person's own recovery codes (allauth), no one else's data",
    "reporting:figures_csv": "aggregate figures per indicator, no records of people",
    "reporting:figures_xlsx": "aggregate figures per indicator, no records of people",
    "reporting:report_csv": "a funder report's aggregate figures",
    "reporting:report_xlsx": "a funder report's aggregate figures",
}
DATA_ROUTE = re.compile(r"download|export|csv|xlsx|pdf|ics|sheet|calendar|json", re.I)


def _routes(resolver=None, prefix="", namespace=None):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = (
                ":".join(filter(None, [namespace, pattern.namespace]))
                if pattern.namespace
                else namespace
            )
            yield from _routes(pattern, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield prefix + str(pattern.pattern), name


def test_every_download_and_export_route_is_listed():
    found = {
        name
        for route, name in _routes()
        if not route.startswith("admin/") and DATA_ROUTE.search(route + name)
    }
    unlisted = found - set(ACCESS_LOG) - set(NOT_PERSONAL)
    assert unlisted == set(), f"say which audit entry these routes write (or why none): {unlisted}"
    assert set(ACCESS_LOG) <= found


@pytest.mark.parametrize("action", sorted(set(ACCESS_LOG.values())))
def test_each_listed_action_is_written_somewhere_in_the_code(action):
    from pathlib import Path

    root = Path(__file__).parents[2]
    sources = [
        p.read_text()
        for app in (
            "reporting",
            "ikmo",
            "organisations",
            "qualification",
            "participation_check",
            "actionfund",
            "volunteering",
            "privacy",
        )
        for p in (root / app).glob("*.py")
    ]
    head, _, last = action.rpartition(".")
    pattern = re.compile(
        re.escape(action) + "|" + re.escape(head) + r"\.\{" + "|" + re.escape(f'"{last}"')
    )
    assert any(pattern.search(source) for source in sources), action


def test_the_participants_list_export_is_logged(client_for, consultant, org):
    workshop = make_workshop(trainer=consultant)
    register(workshop, factories.member_of(org), org)
    response = client_for(consultant).get(
        reverse("qualification:participants_csv", args=[workshop.pk])
    )
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="qualification.participants.exported")
    assert entry.actor == consultant and entry.object_id == str(workshop.pk)


def test_the_report_pdf_download_is_logged(client_for, portal_admin, project_lead):
    analysis = Analysis.objects.create(
        title="Analyse",
        district=factories.district(),
        period_start=date(2025, 1, 1),
        period_end=date(2025, 6, 30),
        created_by=project_lead,
    )
    document = GeneratedDocument.objects.create(
        kind="participation_report",
        content_type=ContentType.objects.get_for_model(Analysis),
        object_id=str(analysis.pk),
        title="Bericht",
        status=GeneratedDocument.Status.DONE,
        finished_at=timezone.now() - timedelta(minutes=1),
    )
    document.file.save("report.pdf", ContentFile(b"%PDF-1.4"), save=True)
    response = client_for(portal_admin).get(
        reverse("participation_check:report_pdf", args=[analysis.pk])
    )
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="participation_check.report.downloaded")
    assert entry.actor == portal_admin and entry.object_id == str(document.pk)


def test_the_records_behind_an_indicator_are_logged_when_exported(client_for, project_lead):
    from reporting.registry import all_indicators

    key = all_indicators()[0].key
    response = client_for(project_lead).get(reverse("reporting:records_csv", args=[key]))
    assert response.status_code == 200
    b"".join(response.streaming_content)
    entry = AuditEntry.objects.get(action="reporting.records.exported")
    assert entry.actor == project_lead and entry.changes["indicator"] == key
