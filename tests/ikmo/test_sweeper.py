"""The sweeper restarts work whose worker died, judged by when a worker took it up."""

from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.utils import timezone

from ikmo import tasks
from ikmo.mail import email_queue
from ikmo.models import GeneratedDocument, OutboundEmail

from .test_documents import _task, request_sheet

pytestmark = pytest.mark.django_db


def _dead_after(task) -> timedelta:
    return timedelta(seconds=task.time_limit + settings.IKMO_TASK_STALE_GRACE_SECONDS)


def test_a_document_started_longer_ago_than_its_time_limit_is_restarted_once(org, org_member):
    now = timezone.now()
    limit = _dead_after(tasks.render_document)
    dead = request_sheet(org, org_member)
    alive = request_sheet(org, org_member)
    GeneratedDocument.objects.filter(pk=dead.pk).update(
        status="running", enqueued_at=now - limit, started_at=now - limit - timedelta(seconds=5)
    )
    # Still within its time limit: a live worker may be rendering it.
    GeneratedDocument.objects.filter(pk=alive.pk).update(
        status="running", enqueued_at=now - limit, started_at=now - limit + timedelta(seconds=20)
    )
    with mock.patch.object(_task(tasks.render_document), "apply_async") as send:
        assert tasks.sweep_background_work() == 1
        # Waiting again (not "running"): the next sweep does not count it as dead twice.
        assert tasks.sweep_background_work() == 0
    assert [c.kwargs["args"][0] for c in send.call_args_list] == [dead.pk]
    dead.refresh_from_db()
    assert dead.status == GeneratedDocument.Status.PENDING and dead.started_at is None


def test_a_mail_whose_worker_died_mid_send_is_handed_over_again(org):
    now = timezone.now()
    limit = _dead_after(tasks.send_email)
    email = email_queue(
        to="person@example.org",
        template="organisations/email/join_approved",
        context={"organisation": org},
    )
    # Handed over, taken up by a worker, which then died (the row is still pending).
    OutboundEmail.objects.filter(pk=email.pk).update(
        created_at=now - limit * 2,
        enqueued_at=now - limit - timedelta(seconds=10),
        started_at=now - limit - timedelta(seconds=5),
    )
    with mock.patch.object(_task(tasks.send_email), "apply_async") as send:
        assert tasks.sweep_background_work() == 1
        assert tasks.sweep_background_work() == 0  # handed over again: not dead twice
    assert [c.kwargs["args"][0] for c in send.call_args_list] == [email.pk]


def test_a_failed_sweep_publish_leaves_the_row_for_the_next_sweep(org, org_member):
    document = request_sheet(org, org_member)
    GeneratedDocument.objects.filter(pk=document.pk).update(
        created_at=timezone.now() - timedelta(minutes=5)
    )
    with mock.patch("ikmo.tasks.publish", return_value=False):
        assert tasks.sweep_background_work() == 0
    document.refresh_from_db()
    assert document.enqueued_at is None
