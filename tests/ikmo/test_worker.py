"""A real Celery worker takes the rendering task from Redis and produces the PDF.

Needs the services (DATABASE_URL pointing at PostgreSQL, REDIS_URL): skipped locally without
them, a failure in CI (CI=true). The worker runs in a thread of this process, so it uses the
same test database; the message really travels through Redis, on a queue of its own.
"""

import os
import threading
import time
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest
from celery import signals
from celery.contrib.testing.worker import start_worker
from django.db import connection, connections

from ikmo.celery import app
from ikmo.documents import document_request
from ikmo.models import GeneratedDocument
from organisations.documents import PROFILE_SHEET

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

WAIT_SECONDS = 60


def broker_url() -> str:
    """REDIS_URL's server, on a database of its own: other tests clear the cache (FLUSHDB on
    REDIS_URL's database) and would drop a message while it waits."""
    parts = urlsplit(os.environ["REDIS_URL"])
    db = os.environ.get("IKMO_TEST_BROKER_DB", "15")
    return urlunsplit(parts._replace(path=f"/{db}"))


def _reset_connections():
    # The app caches its connection pool and its queues/router from the config it saw first.
    # Drop the references without closing the pool (as tests/faults and
    # tests/security/test_faults.py do): a producer made earlier and still held would fail
    # a later test with "Acquire on closed pool".
    app._pool = None
    app.__dict__.pop("amqp", None)


@pytest.fixture
def redis_app():
    """Point the project's Celery app at Redis, non-eager, with a queue only this test reads."""
    queue = f"ikmo-test-{uuid.uuid4().hex[:12]}"
    changes = {
        "broker_url": broker_url(),
        "task_always_eager": False,
        "task_default_queue": queue,
        "broker_transport_options": {"max_retries": 3},
    }
    saved = {key: app.conf[key] for key in changes}
    app.conf.update(changes)
    _reset_connections()
    try:
        yield queue
    finally:
        app.conf.update(saved)
        _reset_connections()
        import redis

        redis.Redis.from_url(broker_url()).delete(queue)


@pytest.fixture
def task_runs():
    """What the worker saw for each task it ran; its thread's DB connection is closed after."""
    runs = []

    def prerun(sender=None, task_id=None, task=None, **kwargs):
        runs.append(
            {
                "task": sender.name,
                "eager": bool(task.request.is_eager),
                "queue": (task.request.delivery_info or {}).get("routing_key"),
                "in_test_thread": threading.current_thread() is threading.main_thread(),
            }
        )

    def postrun(**kwargs):
        connections.close_all()  # runs in the worker thread: release its test-DB connection

    signals.task_prerun.connect(prerun, weak=False)
    signals.task_postrun.connect(postrun, weak=False)
    yield runs
    signals.task_prerun.disconnect(prerun)
    signals.task_postrun.disconnect(postrun)


def test_a_worker_renders_the_profile_sheet_from_the_redis_queue(
    redis_app, task_runs, org, org_member
):
    import redis

    queue = redis_app
    assert connection.vendor == "postgresql", "the worker thread needs a shared, real database"
    assert app.conf.task_always_eager is False

    # Creating the organisation asked for the stored lists of who took part to be refreshed
    # (reporting/taking_part.py); this test follows the document alone.
    redis.Redis.from_url(broker_url()).delete(queue)
    document = document_request(kind=PROFILE_SHEET, target=org, organisation=org, by=org_member)

    # Committed (autocommit), so the task was published: it waits in Redis, nothing ran yet.
    document.refresh_from_db()
    assert document.enqueued_at is not None
    assert document.status == GeneratedDocument.Status.PENDING
    assert redis.Redis.from_url(broker_url()).llen(queue) == 1

    with start_worker(
        app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=30
    ):
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            document.refresh_from_db()
            if document.status in (GeneratedDocument.Status.DONE, GeneratedDocument.Status.FAILED):
                break
            time.sleep(0.25)

    assert document.status == GeneratedDocument.Status.DONE, document.error or "timed out"
    assert document.progress == 100
    with document.file.open("rb") as fh:
        assert fh.read(5) == b"%PDF-"
    assert redis.Redis.from_url(broker_url()).llen(queue) == 0

    # It went through the broker to the started worker, not inline.
    assert task_runs == [
        {
            "task": "ikmo.tasks.render_document",
            "eager": False,
            "queue": queue,
            "in_test_thread": False,
        }
    ]
