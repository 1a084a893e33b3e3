"""The document pipeline end to end: request, render (eager Celery), status page, download."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from ikmo import tasks
from ikmo.documents import document_record_failure, document_render, document_request
from ikmo.models import AuditEntry, GeneratedDocument
from organisations.documents import PROFILE_SHEET
from tests.ikmo.conftest import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run after-commit callbacks (the Celery sends) as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _task(proxy):
    """The real task object behind a shared_task proxy, for mock.patch.object."""
    return proxy._get_current_object()


def request_sheet(org, user) -> GeneratedDocument:
    """A requested profile sheet whose rendering has not run (the commit hook is dropped)."""
    return document_request(kind=PROFILE_SHEET, target=org, organisation=org, by=user)


def test_requesting_a_profile_sheet_renders_and_stores_it(
    client, org, org_member, on_commit, private_media
):
    client.force_login(org_member)
    with on_commit():
        response = client.post(reverse("organisations:profile_sheet", args=[org.pk]))
    document = GeneratedDocument.objects.get()
    assert response["Location"] == reverse("document_detail", args=[document.pk])
    assert document.kind == PROFILE_SHEET
    assert document.organisation == org
    assert document.requested_by == org_member
    assert document.status == GeneratedDocument.Status.DONE
    assert document.progress == 100
    assert document.finished_at is not None
    assert document.enqueued_at is not None
    assert document.language == "de"

    # Stored privately, under a random name that says nothing about whose it is.
    path = private_media / document.file.name
    assert path.is_file()
    assert re.fullmatch(r"documents/\d{4}/\d{2}/[A-Za-z0-9_-]{32}\.pdf", document.file.name)
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    if text is not None:
        assert org.name in text
        assert "Registered in the portal" not in text  # German requested, German rendered

    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert "ikmo.document.requested" in actions


def test_the_document_is_rendered_in_the_language_it_was_requested_in(
    english, org, org_member, on_commit
):
    english.force_login(org_member)
    with on_commit():
        english.post(reverse("organisations:profile_sheet", args=[org.pk]))
    document = GeneratedDocument.objects.get()
    assert document.language == "en"
    text = pdf_text(document.file.open("rb").read())
    if text is not None:
        assert "Registered in the portal" in text


def test_status_page_shows_progress_while_waiting(english, org, org_member):
    document = request_sheet(org, org_member)
    GeneratedDocument.objects.filter(pk=document.pk).update(progress=40, status="running")
    english.force_login(org_member)
    response = english.get(reverse("document_detail", args=[document.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'aria-valuenow="40"' in page
    assert "w-25" in page  # 40 % rounded down to a Bootstrap width class, no inline style
    assert f'hx-get="{reverse("document_detail", args=[document.pk])}"' in page
    assert reverse("document_download", args=[document.pk]) not in page
    assert "<html" in page

    # htmx polls for the fragment only.
    fragment = english.get(reverse("document_detail", args=[document.pk]), HTTP_HX_REQUEST="true")
    assert "<html" not in fragment.content.decode()
    assert 'id="document-status"' in fragment.content.decode()


def test_status_page_links_the_finished_file_and_stops_polling(english, org, org_member, on_commit):
    english.force_login(org_member)
    with on_commit():
        english.post(reverse("organisations:profile_sheet", args=[org.pk]))
    document = GeneratedDocument.objects.get()
    page = english.get(reverse("document_detail", args=[document.pk])).content.decode()
    assert reverse("document_download", args=[document.pk]) in page
    assert "hx-get" not in page
    assert "Download PDF" in page
    # The organisation page lists it too.
    assert document.title in english.get(org.get_absolute_url()).content.decode()


def test_status_page_says_when_rendering_failed(english, org, org_member):
    document = request_sheet(org, org_member)
    GeneratedDocument.objects.filter(pk=document.pk).update(status="failed", error="boom")
    english.force_login(org_member)
    page = english.get(reverse("document_detail", args=[document.pk])).content.decode()
    assert "could not be generated" in page
    assert "hx-get" not in page
    assert "boom" not in page  # internal errors are not shown to users


def test_download_is_an_attachment_for_permitted_users_only(
    client, org, org_member, other_org_admin, consultant, jury_member, on_commit, portal_admin
):
    client.force_login(org_member)
    with on_commit():
        client.post(reverse("organisations:profile_sheet", args=[org.pk]))
    document = GeneratedDocument.objects.get()
    url = reverse("document_download", args=[document.pk])

    # The sheet shows the requester's view: hers, and portal admins' who see everything.
    for permitted in (org_member, portal_admin):
        client.force_login(permitted)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert document.download_name in disposition
        assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="ikmo.document.downloaded").count() == 2

    # A consultant sees the organisation but asks for a sheet of his own.
    for refused in (other_org_admin, jury_member, consultant):
        client.force_login(refused)
        assert client.get(url).status_code == 404
        assert client.get(reverse("document_detail", args=[document.pk])).status_code == 404
    client.logout()
    assert client.get(url)["Location"].startswith(reverse("account_login"))


def test_a_document_not_yet_rendered_cannot_be_downloaded(client, org, org_member):
    document = request_sheet(org, org_member)
    client.force_login(org_member)
    assert client.get(reverse("document_download", args=[document.pk])).status_code == 404


def test_documents_of_an_unknown_kind_are_nobodys(client, org, consultant):
    document = request_sheet(org, consultant)
    GeneratedDocument.objects.filter(pk=document.pk).update(kind="retired_kind")
    client.force_login(consultant)
    assert client.get(reverse("document_detail", args=[document.pk])).status_code == 404


def test_rendering_twice_keeps_the_first_file(org, org_member, private_media):
    document = request_sheet(org, org_member)
    first = document_render(document_id=document.pk)
    assert first.status == GeneratedDocument.Status.DONE
    name = first.file.name
    assert document_render(document_id=document.pk) is None
    tasks.render_document.apply(args=[document.pk])
    document.refresh_from_db()
    assert document.file.name == name
    assert document.attempts == 1
    assert len(list(private_media.rglob("*.pdf"))) == 1


@pytest.fixture
def eager_retries(monkeypatch):
    """Let eager tasks retry inline the way a worker would, instead of raising Retry."""
    from ikmo.celery import app

    monkeypatch.setitem(app.conf, "task_eager_propagates", False)


def test_a_failing_render_retries_then_is_marked_failed(org, org_member, eager_retries):
    document = request_sheet(org, org_member)
    calls = []

    def broken(*args, **kwargs):
        calls.append(GeneratedDocument.objects.get(pk=document.pk).status)
        raise RuntimeError("WeasyPrint exploded")

    with mock.patch("ikmo.documents.render_pdf", side_effect=broken):
        result = tasks.render_document.apply(args=[document.pk])
    assert result.failed()
    assert len(calls) == tasks.MAX_RETRIES + 1  # bounded: the first try and four retries
    document.refresh_from_db()
    assert document.status == GeneratedDocument.Status.FAILED
    assert "WeasyPrint exploded" in document.error
    assert not document.file


def test_a_render_that_fails_once_succeeds_on_retry(org, org_member, eager_retries):
    document = request_sheet(org, org_member)
    from ikmo.pdf import render_pdf

    attempts = []

    def flaky(*args, **kwargs):
        attempts.append(1)
        if len(attempts) == 1:
            raise OSError("temporary failure")
        return render_pdf(*args, **kwargs)

    with mock.patch("ikmo.documents.render_pdf", side_effect=flaky):
        tasks.render_document.apply(args=[document.pk])
    document.refresh_from_db()
    assert len(attempts) == 2
    assert document.status == GeneratedDocument.Status.DONE
    assert document.error == ""


def test_a_failed_attempt_waits_for_its_retry_and_the_last_one_gives_up(org, org_member):
    from celery.exceptions import Retry

    document = request_sheet(org, org_member)
    with mock.patch("ikmo.documents.render_pdf", side_effect=RuntimeError("boom")):
        with pytest.raises(Retry):
            tasks.render_document.apply(args=[document.pk], retries=0)
        document.refresh_from_db()
        assert document.status == GeneratedDocument.Status.PENDING
        with pytest.raises(RuntimeError):
            tasks.render_document.apply(args=[document.pk], retries=tasks.MAX_RETRIES)
    document.refresh_from_db()
    assert document.status == GeneratedDocument.Status.FAILED


def test_a_non_final_failure_puts_the_document_back_in_the_queue(org, org_member):
    document = request_sheet(org, org_member)
    document_record_failure(document_id=document.pk, error="x", final=False)
    document.refresh_from_db()
    assert document.status == GeneratedDocument.Status.PENDING
    document_render(document_id=document.pk)
    document_record_failure(document_id=document.pk, error="late", final=True)
    document.refresh_from_db()
    assert document.status == GeneratedDocument.Status.DONE  # a finished file is never undone


def test_a_broker_outage_leaves_the_document_waiting_for_the_sweeper(
    org, org_member, on_commit, caplog
):
    render = _task(tasks.render_document)
    broker_down = mock.patch.object(
        render, "apply_async", side_effect=OperationalError("no broker")
    )
    with broker_down, on_commit():
        document = request_sheet(org, org_member)  # must not raise for the person asking
    document.refresh_from_db()
    assert document.status == GeneratedDocument.Status.PENDING
    assert document.enqueued_at is None
    assert "stays queued" in caplog.text

    # A minute later the broker is back and the sweeper sends it.
    GeneratedDocument.objects.filter(pk=document.pk).update(
        created_at=timezone.now() - timedelta(minutes=2)
    )
    assert tasks.sweep_background_work() == 1
    document.refresh_from_db()
    assert document.status == GeneratedDocument.Status.DONE
    assert document.enqueued_at is not None


def test_sweeper_resends_only_stale_unfinished_documents(org, org_member, settings):
    now = timezone.now()
    stale_after = timedelta(seconds=settings.IKMO_DOCUMENT_REQUEUE_AFTER_SECONDS)

    def doc(**fields):
        document = request_sheet(org, org_member)
        GeneratedDocument.objects.filter(pk=document.pk).update(**fields)
        return document.pk

    never_sent = doc(created_at=now - timedelta(minutes=5))
    worker_died = doc(
        status="running", enqueued_at=now - stale_after - timedelta(seconds=5), created_at=now
    )
    just_requested = doc(created_at=now - timedelta(seconds=10))
    recently_sent = doc(enqueued_at=now - timedelta(seconds=30), created_at=now)
    finished = doc(status="done", created_at=now - timedelta(hours=1))
    failed = doc(status="failed", created_at=now - timedelta(hours=1))

    render = _task(tasks.render_document)
    with mock.patch.object(render, "apply_async") as send:
        assert tasks.sweep_background_work() == 2
    assert sorted(call.kwargs["args"][0] for call in send.call_args_list) == sorted(
        [never_sent, worker_died]
    )
    resent = GeneratedDocument.objects.filter(pk__in=[never_sent, worker_died])
    assert all(d.enqueued_at > now for d in resent)
    untouched = GeneratedDocument.objects.get(pk=just_requested)
    assert untouched.enqueued_at is None
    assert {finished, failed, recently_sent}.isdisjoint(
        {call.kwargs["args"][0] for call in send.call_args_list}
    )


def test_the_sweeper_runs_periodically():
    schedule = settings.CELERY_BEAT_SCHEDULE
    entry = next(e for e in schedule.values() if e["task"] == "ikmo.tasks.sweep_background_work")
    assert entry["schedule"] <= settings.IKMO_DOCUMENT_REQUEUE_AFTER_SECONDS


def test_render_task_has_time_limits_and_bounded_retries():
    task = _task(tasks.render_document)
    assert task.max_retries == tasks.MAX_RETRIES
    assert task.time_limit and task.soft_time_limit and task.soft_time_limit < task.time_limit
    assert task.acks_late is True
