"""Per-person and per-organisation exports: complete, private, built in the background, audited."""

import io
import json
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from ikmo.models import AuditEntry
from mentoring.models import EventAttendance
from privacy import services
from privacy.models import ConsentRecord, DataExport
from qualification.models import CoachingSession, Feedback
from tests.mentoring.factories import EventFactory
from tests.qualification.factories import make_workshop, register
from tests.volunteering.factories import VolunteerFactory

from .conftest import EMAIL

pytestmark = pytest.mark.django_db


def _zip(export) -> tuple[dict, zipfile.ZipFile]:
    export.refresh_from_db()
    archive = zipfile.ZipFile(io.BytesIO(export.file.read()))
    return json.loads(archive.read("data.json")), archive


@pytest.fixture
def scene(subject, org, other_org, consultant):
    """The subject's traces in several apps, and someone else's next to them."""
    workshop = make_workshop(trainer=consultant)
    registration = register(workshop, subject, org, attended=True)
    Feedback.objects.create(registration=registration, rating=5, comment="Sehr hilfreich")
    event = EventFactory(created_by=consultant)
    EventAttendance.objects.create(event=event, organisation=org, person=subject)
    services.consent_give(person=subject, purpose="photos", text_version="2025-01", by=consultant)
    VolunteerFactory(email=EMAIL.upper(), first_name="Zelinda", last_name="Quastorf")
    CoachingSession.objects.create(
        organisation=org,
        consultant=consultant,
        date="2025-03-01",
        duration_minutes=60,
        format="phone",
        outcome="Satzung besprochen",
        confidential_notes="Nur für das Team",
    )
    CoachingSession.objects.create(
        organisation=other_org,
        consultant=consultant,
        date="2025-03-02",
        duration_minutes=30,
        format="phone",
        outcome="Anderer Verein",
    )
    return {"workshop": workshop, "registration": registration}


def test_a_person_export_holds_their_records_from_every_app(
    client_for, subject, scene, now_and_commit
):
    client = client_for(subject)
    with now_and_commit():
        response = client.post(reverse("privacy:export_me"))
    export = DataExport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("privacy:export_detail", args=[export.pk])
    assert export.status == DataExport.Status.DONE  # Celery runs eagerly in tests
    data, _archive = _zip(export)
    records = data["records"]
    assert records["organisations.User"][0]["email"] == EMAIL
    assert "password" not in records["organisations.User"][0]
    assert records["qualification.Registration"][0]["attended"] is True
    assert records["qualification.Feedback"][0]["comment"] == "Sehr hilfreich"
    assert records["mentoring.EventAttendance"][0]["person"] == subject.pk
    assert records["privacy.ConsentRecord"][0]["purpose"] == "photos"
    assert (
        records["organisations.Membership"][0]["organisation"]
        == subject.memberships.get().organisation_id
    )
    # Found by e-mail address, whatever its case: the volunteer record with the same address.
    assert records["volunteering.Volunteer"][0]["last_name"] == "Quastorf"
    # Records about organisations the person only acted on are references, not copies.
    assert "qualification.CoachingSession" not in records
    assert {
        "model": "qualification.Registration",
        "id": scene["registration"].pk,
        "as": "registered_by",
    } in data["references"]
    assert export.record_count == sum(len(rows) for rows in records.values())


def test_an_export_contains_the_files_and_the_json_points_to_them(
    client_for, org, org_admin, now_and_commit
):
    from actionfund.models import Attachment
    from tests.actionfund.factories import draft

    application = draft(organisation=org, by=org_admin)
    attachment = Attachment(
        application=application,
        original_name="plan.pdf",
        content_type="application/pdf",
        size=8,
        uploaded_by=org_admin,
    )
    attachment.file.save("plan.pdf", ContentFile(b"%PDF-1.4"), save=False)
    attachment.save()
    with now_and_commit():
        export = services.export_request(by=org_admin, organisation=org)
    data, archive = _zip(export)
    row = data["records"]["actionfund.Attachment"][0]
    assert archive.read(row["file"]) == b"%PDF-1.4"
    assert export.file_count == 1
    assert data["missing_files"] == []


def test_an_organisation_export_holds_only_that_organisation_and_no_confidential_notes(
    client_for, org, org_admin, scene, now_and_commit
):
    with now_and_commit():
        response = client_for(org_admin).post(reverse("privacy:export_organisation", args=[org.pk]))
    assert response.status_code == 302
    export = DataExport.objects.get(scope="organisation")
    data, _ = _zip(export)
    # Coaching sessions are the consultants' record: the organisation's admin never sees
    # them in the portal, so not in her export either.
    assert "qualification.CoachingSession" not in data["records"]
    assert data["records"]["organisations.Organisation"][0]["name"] == org.name
    members = {u["email"] for u in data["records"]["organisations.User"]}
    assert EMAIL in members and "admin@org-b.example" not in members
    assert "last_login" not in data["records"]["organisations.User"][0]
    # The jury's scores and the audit trail are the centre's internal records.
    assert "actionfund.Score" not in data["records"] and "ikmo.AuditEntry" not in data["records"]


def test_a_portal_admins_organisation_export_has_the_coaching_log_but_no_confidential_notes(
    client_for, org, portal_admin, scene, now_and_commit
):
    with now_and_commit():
        response = client_for(portal_admin).post(
            reverse("privacy:export_organisation", args=[org.pk])
        )
    assert response.status_code == 302
    data, _ = _zip(DataExport.objects.get(scope="organisation"))
    sessions = data["records"]["qualification.CoachingSession"]
    assert [s["outcome"] for s in sessions] == ["Satzung besprochen"]
    assert "confidential_notes" not in sessions[0]


def test_exports_are_audited_when_built_and_when_downloaded(
    client_for, subject, scene, now_and_commit
):
    client = client_for(subject)
    with now_and_commit():
        client.post(reverse("privacy:export_me"))
    export = DataExport.objects.get()
    assert (
        AuditEntry.objects.filter(
            action="privacy.export.requested", object_id=str(export.pk)
        ).count()
        == 1
    )
    assert (
        AuditEntry.objects.filter(
            action="privacy.export.exported", object_id=str(export.pk)
        ).count()
        == 1
    )
    response = client.get(reverse("privacy:export_download", args=[export.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "private, no-store"
    b"".join(response.streaming_content)
    entry = AuditEntry.objects.get(action="privacy.export.downloaded")
    assert entry.actor == subject and entry.object_id == str(export.pk)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("subject", 200),
        ("portal_admin", 200),
        ("bystander", 404),
        ("org_admin", 404),  # an organisation's admin does not see a member's personal export
        ("consultant", 404),
    ],
)
def test_only_the_person_and_portal_admins_open_a_person_export(
    request, client_for, subject, bystander, now_and_commit, who, status
):
    with now_and_commit():
        export = services.export_request(by=subject, person=subject)
    user = request.getfixturevalue(who)
    client = client_for(user)
    assert client.get(reverse("privacy:export_detail", args=[export.pk])).status_code == status
    assert client.get(reverse("privacy:export_download", args=[export.pk])).status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [
        # Built with the portal admin's view: not for the organisation's admin.
        ("org_admin", 404),
        ("portal_admin", 200),
        ("org_member", 404),
        ("other_org_admin", 404),
        ("consultant", 404),
    ],
)
def test_only_the_organisations_admins_and_portal_admins_open_an_organisation_export(
    request, client_for, org, now_and_commit, portal_admin, who, status
):
    with now_and_commit():
        export = services.export_request(by=portal_admin, organisation=org)
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("privacy:export_download", args=[export.pk])).status_code == status


def test_a_member_cannot_request_an_organisation_export_or_someone_elses(
    client_for, org, org_member, subject
):
    client = client_for(org_member)
    assert client.post(reverse("privacy:export_organisation", args=[org.pk])).status_code == 404
    assert client.post(reverse("privacy:export_person", args=[subject.pk])).status_code == 404
    assert not DataExport.objects.exists()


def test_an_admin_can_export_anyone_in_the_portal_and_in_django_admin(
    client_for, portal_admin, subject, org
):
    client = client_for(portal_admin)
    client.post(reverse("privacy:export_person", args=[subject.pk]))
    assert DataExport.objects.filter(person=subject).count() == 1
    response = client.post(
        reverse("admin:organisations_user_changelist"),
        {"action": "export_people", "_selected_action": [subject.pk]},
    )
    assert response.status_code == 302
    assert DataExport.objects.filter(person=subject).count() == 2
    client.post(
        reverse("admin:organisations_organisation_changelist"),
        {"action": "export_organisations", "_selected_action": [org.pk]},
    )
    assert DataExport.objects.filter(organisation=org).count() == 1


def test_asking_twice_while_one_is_waiting_reuses_it(
    client_for, subject, settings, django_capture_on_commit_callbacks
):
    client = client_for(subject)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("privacy:export_me"))
    client.post(reverse("privacy:export_me"))
    assert DataExport.objects.count() == 1


def test_building_twice_keeps_the_first_file(subject, now_and_commit):
    with now_and_commit():
        export = services.export_request(by=subject, person=subject)
    export.refresh_from_db()
    first = export.file.name
    assert services.export_build(export_id=export.pk) is None
    export.refresh_from_db()
    assert export.file.name == first and export.attempts == 1


def test_a_failing_build_is_retried_and_finally_marked_failed(subject, now_and_commit, monkeypatch):
    from privacy import tasks

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("privacy.exports.build_zip", broken)
    with now_and_commit():
        export = services.export_request(by=subject, person=subject)
    export.refresh_from_db()
    # A failed attempt puts the export back in the queue with the error, for the retry.
    assert export.status == DataExport.Status.PENDING
    assert "disk full" in export.error
    # The last allowed attempt gives up and says so.
    tasks.build_export.apply(args=[export.pk], retries=tasks.MAX_RETRIES, throw=False)
    export.refresh_from_db()
    assert export.status == DataExport.Status.FAILED
    assert 0 < tasks.build_export.max_retries <= 5


def test_the_status_page_polls_until_done(client_for, subject, django_capture_on_commit_callbacks):
    client = client_for(subject)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("privacy:export_me"))
    export = DataExport.objects.get()
    page = client.get(reverse("privacy:export_detail", args=[export.pk]), HTTP_HX_REQUEST="true")
    assert b'hx-trigger="every 2s"' in page.content
    services.export_build(export_id=export.pk)
    page = client.get(reverse("privacy:export_detail", args=[export.pk]), HTTP_HX_REQUEST="true")
    assert b"hx-trigger" not in page.content
    assert reverse("privacy:export_download", args=[export.pk]).encode() in page.content


def test_lost_export_tasks_are_sent_again(subject, django_capture_on_commit_callbacks, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    from ikmo.tasks import sweep_background_work

    with django_capture_on_commit_callbacks(execute=False):
        export = services.export_request(by=subject, person=subject)
    DataExport.objects.filter(pk=export.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    assert sweep_background_work() == 1
    export.refresh_from_db()
    assert export.status == DataExport.Status.DONE


def test_consent_records_by_email_are_in_the_export(subject, portal_admin, now_and_commit):
    ConsentRecord.objects.create(
        name="Z. Quastorf", email=EMAIL, purpose="newsletter", text_version="1"
    )
    with now_and_commit():
        export = services.export_request(by=portal_admin, person=subject)
    data, _ = _zip(export)
    assert {c["purpose"] for c in data["records"]["privacy.ConsentRecord"]} == {"newsletter"}


def test_requesting_and_downloading_an_export_asks_for_the_password_again(
    client_for, subject, settings, now_and_commit
):
    settings.IKMO_REAUTHENTICATION_REQUIRED = True
    client = client_for(subject)
    response = client.post(reverse("privacy:export_me"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not DataExport.objects.exists()
    with now_and_commit():
        export = services.export_request(by=subject, person=subject)
    response = client.get(reverse("privacy:export_download", args=[export.pk]))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not AuditEntry.objects.filter(action="privacy.export.downloaded").exists()


def test_a_person_export_never_matches_by_name_alone(subject, org, consultant, now_and_commit):
    """Someone else with the same name must not appear in the copy; only the account and the
    person's verified addresses identify them."""
    from allauth.account.models import EmailAddress

    event = EventFactory(created_by=consultant)
    EventAttendance.objects.create(event=event, organisation=org, name="Zelinda Quastorf")
    EmailAddress.objects.create(user=subject, email="unverified@example.org", verified=False)
    VolunteerFactory(email="unverified@example.org", first_name="Other", last_name="Person")
    with now_and_commit():
        export = services.export_request(by=subject, person=subject)
    data, _ = _zip(export)
    assert "mentoring.EventAttendance" not in data["records"]
    assert "volunteering.Volunteer" not in data["records"]
