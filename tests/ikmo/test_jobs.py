"""One background-job model, one sweeper over every kind of job, file expiry."""

from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.utils import timezone

from ikmo import tasks
from ikmo.jobs import BackgroundJob, JobStatus, job_models
from ikmo.models import GeneratedDocument, ListExport
from privacy.models import DataExport

from .test_documents import request_sheet

pytestmark = pytest.mark.django_db


def test_the_three_jobs_are_background_jobs_found_without_a_list():
    assert {GeneratedDocument, ListExport, DataExport} <= set(job_models())
    assert all(issubclass(model, BackgroundJob) for model in job_models())
    # Each names its task and, if it makes a file, a download audit action; one status
    # vocabulary for all.
    for model in job_models():
        assert model.job_task().name == model.task_name
        assert model.download_action or not model.produces_file
        assert model.Status is JobStatus


@pytest.fixture
def one_of_each(org, org_member, portal_admin):
    """A waiting job of each kind whose on-commit send never happened (the broker was down)."""
    return [
        request_sheet(org, org_member),
        DataExport.objects.create(scope=DataExport.Scope.PERSON, person=org_member),
        ListExport.objects.create(
            requested_by=portal_admin, list_key="organisations.directory", format="csv"
        ),
    ]


@pytest.fixture
def sends():
    """Who the sweeper hands over, per task, without a broker."""
    sent = []
    patches = [
        mock.patch.object(
            model.job_task()._get_current_object(),  # the task behind the shared_task proxy
            "apply_async",
            side_effect=lambda args, _m=model: sent.append((_m, args[0])),
        )
        for model in (GeneratedDocument, DataExport, ListExport)
    ]
    for patch in patches:
        patch.start()
    yield sent
    for patch in patches:
        patch.stop()


def test_the_one_sweeper_hands_over_every_kind_of_waiting_job_once(one_of_each, sends):
    for job in one_of_each:
        type(job).objects.filter(pk=job.pk).update(
            created_at=timezone.now() - timedelta(seconds=settings.IKMO_ENQUEUE_GRACE_SECONDS + 5)
        )
    assert tasks.sweep_background_work() == 3
    assert tasks.sweep_background_work() == 0  # handed over: not lost again within minutes
    assert sorted(sends, key=str) == sorted(((type(j), j.pk) for j in one_of_each), key=str)
    for job in one_of_each:
        job.refresh_from_db()
        assert job.enqueued_at is not None and job.status == JobStatus.PENDING


def test_jobs_just_requested_are_left_to_their_own_send(one_of_each, sends):
    assert tasks.sweep_background_work() == 0
    assert sends == []


def test_each_kind_is_restarted_after_its_own_task_time_limit(one_of_each, sends):
    now = timezone.now()
    for job in one_of_each:
        dead_after = timedelta(
            seconds=type(job).job_task().time_limit + settings.IKMO_TASK_STALE_GRACE_SECONDS
        )
        type(job).objects.filter(pk=job.pk).update(
            status=JobStatus.RUNNING,
            enqueued_at=now - dead_after,
            started_at=now - dead_after - timedelta(seconds=5),
        )
        job.refresh_from_db()
        assert job.is_stale()
    assert tasks.sweep_background_work() == 3
    assert tasks.sweep_background_work() == 0  # waiting again, not counted as dead twice
    for job in one_of_each:
        job.refresh_from_db()
        assert job.status == JobStatus.PENDING and job.started_at is None


def test_a_data_export_still_within_the_build_limit_is_not_restarted(one_of_each, sends):
    # A data export may run for 10 minutes; a PDF only 3: the same age means different things.
    document, export, _ = one_of_each
    started = timezone.now() - timedelta(
        seconds=GeneratedDocument.job_task().time_limit + settings.IKMO_TASK_STALE_GRACE_SECONDS + 5
    )
    for job in (document, export):
        type(job).objects.filter(pk=job.pk).update(
            status=JobStatus.RUNNING, enqueued_at=started, started_at=started
        )
    assert tasks.sweep_background_work() == 1
    assert sends == [(GeneratedDocument, document.pk)]


def test_transitions_are_shared(org_member, private_media):
    export = DataExport.objects.create(scope=DataExport.Scope.PERSON, person=org_member)
    assert DataExport.mark_running(export.pk)
    DataExport.mark_progress(export.pk, 40)
    DataExport.mark_failed(export.pk, error="x" * 600, final=False)
    export.refresh_from_db()
    assert export.status == JobStatus.PENDING and len(export.error) == 500
    done = DataExport.mark_done(export.pk, b"zip", record_count=3)
    assert done.status == JobStatus.DONE and done.progress == 100 and done.record_count == 3
    assert done.attempts == 1 and done.is_downloadable
    assert not DataExport.mark_running(export.pk)  # finished: a late message does nothing
    DataExport.mark_failed(export.pk, error="late", final=True)
    done.refresh_from_db()
    assert done.status == JobStatus.DONE and done.error == ""


def test_a_finished_data_export_expires_after_the_retention_period(
    org_member, private_media, settings, django_capture_on_commit_callbacks
):
    settings.IKMO_RETENTION_DAYS = {**settings.IKMO_RETENTION_DAYS, "export": 30}
    export = DataExport.objects.create(scope=DataExport.Scope.PERSON, person=org_member)
    export = DataExport.mark_done(export.pk, b"zip")
    assert export.expires_at - export.finished_at == timedelta(days=30)
    path = private_media / export.file.name
    assert path.exists()
    # Not yet: the sweeper leaves it.
    with django_capture_on_commit_callbacks(execute=True):
        tasks.sweep_background_work()
    export.refresh_from_db()
    assert export.status == JobStatus.DONE and path.exists()
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    export.refresh_from_db()
    assert export.is_expired() and not export.is_downloadable
    with django_capture_on_commit_callbacks(execute=True):
        tasks.sweep_background_work()
    export.refresh_from_db()
    assert export.status == JobStatus.EXPIRED and not export.file
    assert not path.exists()


def test_documents_are_kept_and_list_exports_expire_with_the_export_retention(
    org, org_member, portal_admin, private_media
):
    document = GeneratedDocument.mark_done(request_sheet(org, org_member).pk, b"%PDF-1.4")
    assert document.expires_at is None
    job = ListExport.objects.create(requested_by=portal_admin, list_key="organisations.directory")
    job = ListExport.mark_done(job.pk, b"a;b")
    days = settings.IKMO_RETENTION_DAYS["export"]
    assert job.expires_at == job.finished_at + timedelta(days=days)
