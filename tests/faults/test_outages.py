"""Fault injection against real processes: Redis stopped and frozen, a worker killed with
SIGKILL, the SMTP server away. Each test measures what docs/reliability.md reports.

Time is compressed where production waits minutes: the worker's beat sweeps every 2 s
(production: 60 s), mail retries pause 2-4 s (production: 30 s doubling to 10 min), and a
dead worker's run is aged past its time limit instead of waiting for it.
"""

import base64
import json
import time
from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from actionfund.models import Status
from ikmo.mail import email_queue
from ikmo.models import GeneratedDocument, OutboundEmail
from ikmo.tasks import render_document, send_email
from organisations.models import Organisation
from reporting import taking_part
from reporting.models import TakingPart
from tests.factories import DEFAULT_PASSWORD
from tests.security.world import build_world

from .conftest import record, wait_until

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

RECOVERY_LIMIT = 120
OUTAGE_SECONDS = 8  # longer than the circuit breaker's 5 s  # seconds: what was queued during an outage is done by then


def _timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def _totp_code(user) -> str:
    secret = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"]
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def _all_delivered_once(smtp_sink):
    """Every mail row sent, and the sink got each one exactly once (by its Message-ID)."""
    rows = list(OutboundEmail.objects.values_list("pk", "status"))
    if not rows or any(status != OutboundEmail.Status.SENT for _, status in rows):
        return False
    ids = [m["message_id"] for m in smtp_sink.messages()]
    return all(sum(f"<outbound-{pk}@" in mid for mid in ids) == 1 for pk, _ in rows)


def _failed_acks(worker) -> int:
    log = worker.log.read_text()[worker._log_offset :]
    return log.count("Couldn't ack") + log.count("did not confirm the acknowledgement")


def _assert_each_mail_delivered_at_most_once(smtp_sink):
    ids = [m["message_id"] for m in smtp_sink.messages() if m["message_id"]]
    assert len(ids) == len(set(ids)), "a mail was delivered twice"


@pytest.mark.parametrize("fault", ["stopped", "frozen"])
def test_redis_outage(fault, redis_server, worker, smtp_sink, production_web):
    world = build_world()
    application = world.af_draft
    person = world.users["admin_a"]
    client = Client()
    client.force_login(person)
    listing = reverse("actionfund:application_list")
    assert client.get(listing).status_code == 200
    assert client.get(listing)["X-Page-Cache"] == "hit"
    preview = client.get(reverse("actionfund:application_edit", args=[application.pk, "preview"]))
    assert preview.status_code == 200
    application.refresh_from_db()

    # The worker has stored who took part in the action fund (after build_world's writes).
    assert wait_until(lambda: taking_part.is_current("actionfund"), timeout=30, interval=0.2)[0]

    # --- Redis goes away ---------------------------------------------------------------
    (redis_server.stop if fault == "stopped" else redis_server.freeze)()
    down_at = time.monotonic()

    timings = {}
    # Pages, for longer than the circuit stays open (so the probes of Redis are in it too).
    loads = []
    while time.monotonic() - down_at < OUTAGE_SECONDS:
        for url in (reverse("home"), listing):
            response, seconds = _timed(lambda url=url: client.get(url))
            assert response.status_code == 200, url
            loads.append(seconds)
    timings["signed-in page, first"] = loads[0]
    timings["signed-in page, slowest"] = max(loads)
    timings["signed-in page, median"] = sorted(loads)[len(loads) // 2]
    record(f"redis {fault}: signed-in page loads during the outage", len(loads))
    anonymous = Client()
    response, timings["public sign-in page"] = _timed(lambda: anonymous.get("/accounts/login/"))
    assert response.status_code == 200

    # Sign in (password), with TOTP, and sign up: all work without Redis.
    member = Client()
    response, timings["sign-in"] = _timed(
        lambda: member.post(
            "/accounts/login/",
            {"login": world.users["member_a"].email, "password": DEFAULT_PASSWORD},
        )
    )
    assert response.status_code == 302 and "_auth_user_id" in member.session
    staff = Client()
    lead = world.users["admin"]  # portal admin: staff, TOTP enrolled
    response = staff.post("/accounts/login/", {"login": lead.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302 and "2fa" in response["Location"], response.status_code
    response, timings["TOTP code"] = _timed(
        lambda: staff.post(response["Location"], {"code": _totp_code(lead)})
    )
    assert response.status_code == 302 and "_auth_user_id" in staff.session
    newcomer = Client()
    response, timings["sign-up"] = _timed(
        lambda: newcomer.post(
            "/accounts/signup/",
            {
                "email": f"new-{fault}@org.example",
                "first_name": "Neue",
                "last_name": "Person",
                "password1": "a-long-new-password-7",
                "password2": "a-long-new-password-7",
            },
        )
    )
    assert response.status_code == 302, response.content[:300]

    # A submission: saved at once, its mails and a PDF wait in the database.
    response, timings["submission"] = _timed(
        lambda: client.post(
            reverse("actionfund:application_submit", args=[application.pk]),
            {"token": application.submission_token, "confirm": "on"},
        )
    )
    assert response.status_code == 302
    response, timings["PDF request"] = _timed(
        lambda: client.post(reverse("organisations:profile_sheet", args=[world.org_a.pk]))
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    # Who took part in the action fund (the directory's filter) could not be refreshed after
    # the submission: the change stays logged, and the filter asks the definition meanwhile.
    assert not taking_part.is_current("actionfund")
    assert Organisation.objects.filter(
        taking_part.condition("actionfund"), pk=application.organisation_id
    ).exists()

    for name, seconds in timings.items():
        record(f"redis {fault}: {name} (s)", seconds)
    pages = {k: v for k, v in timings.items() if "page" in k or "signed-in" in k}
    assert max(pages.values()) < 1, pages  # pages: under a second
    assert max(timings.values()) < 2, timings  # sign-in, TOTP, sign-up, submission
    outage = time.monotonic() - down_at

    # --- Redis is back -----------------------------------------------------------------
    if fault == "stopped":
        redis_server.start()
    else:
        redis_server.thaw()
    back_at = time.monotonic()
    record(f"redis {fault}: outage length (s)", outage)

    # No page from before the outage: the list shows the submission made meanwhile.
    time.sleep(0.1)
    page = client.get(listing)
    assert page.status_code == 200
    row = page.content.decode()
    assert f'href="{application.get_absolute_url()}"' in row
    assert str(Status.SUBMITTED.label) in row and page.get("X-Page-Cache") != "hit", (
        "a page from before the outage was served"
    )

    document = GeneratedDocument.objects.filter(requested_by=person).latest("pk")
    done, waited = wait_until(
        lambda: (
            GeneratedDocument.objects.filter(pk=document.pk, status="done").exists()
            and _all_delivered_once(smtp_sink)
        ),
        timeout=RECOVERY_LIMIT,
        interval=0.5,
    )
    record(f"redis {fault}: queued work done after Redis returned (s)", waited)
    record(f"redis {fault}: mails delivered", OutboundEmail.objects.count())
    assert done, (
        list(OutboundEmail.objects.values_list("pk", "status", "last_error")),
        GeneratedDocument.objects.filter(pk=document.pk).values_list("status", "error").first(),
    )
    assert time.monotonic() - back_at < RECOVERY_LIMIT
    _assert_each_mail_delivered_at_most_once(smtp_sink)
    # The beat sweeper brought the stored list up to date.
    current, waited = wait_until(
        lambda: taking_part.is_current("actionfund"), timeout=RECOVERY_LIMIT, interval=0.5
    )
    record(f"redis {fault}: taking part refreshed after Redis returned (s)", waited)
    assert current
    assert TakingPart.objects.filter(
        subproject="actionfund", organisation_id=application.organisation_id
    ).exists()


def _two_mails_being_sent(world, smtp_sink, name: str) -> list[int]:
    """Once the worker is idle: two mails, each taking 3 s at the SMTP sink, so both of the
    worker's processes are busy with one. Their ids, once both have been taken up."""
    waiting = OutboundEmail.objects.exclude(status=OutboundEmail.Status.SENT)
    idle, _ = wait_until(lambda: not waiting.exists(), timeout=60)
    assert idle, list(waiting.values_list("pk", "status", "last_error"))
    smtp_sink.restart(hold=3)
    pks = [
        email_queue(
            to=f"{name}{n}@org.example",
            template="organisations/email/join_approved",
            context={"organisation": world.org_a},
        ).pk
        for n in range(2)
    ]
    busy, _ = wait_until(
        lambda: OutboundEmail.objects.filter(pk__in=pks, started_at__isnull=False).count() == 2,
        timeout=30,
    )
    assert busy, "the worker did not take both mails up"
    return pks


def _wait_until_sent(pks) -> None:
    sent, _ = wait_until(
        lambda: OutboundEmail.objects.filter(pk__in=pks, status="sent").count() == len(pks),
        timeout=30,
    )
    assert sent, list(OutboundEmail.objects.values_list("pk", "status", "last_error"))


def _next_mail_sent(world, smtp_sink, name: str, *, timeout: float) -> float:
    """With the SMTP sink answering at once again: a new mail, sent within ``timeout``
    seconds (the worker takes new work). How long it took."""
    smtp_sink.restart()
    after = email_queue(
        to=f"{name}@org.example",
        template="organisations/email/join_approved",
        context={"organisation": world.org_a},
    )
    done, waited = wait_until(
        lambda: OutboundEmail.objects.filter(pk=after.pk, status="sent").exists(),
        timeout=timeout,
    )
    assert done, "the worker took no new work after Redis was back"
    return waited


def test_redis_frozen_while_tasks_finish(redis_server, worker, smtp_sink, production_web):
    """Redis stops answering just as the worker finishes its tasks, so their (late)
    acknowledgements fail. Once it answers again the worker takes new work at once, and
    Redis drops the finished messages (they are not handed out again)."""
    import redis

    world = build_world()
    pks = _two_mails_being_sent(world, smtp_sink, "busy")
    redis_server.freeze()
    try:
        _wait_until_sent(pks)
        # Both tasks finish and their (late) acknowledgements go unanswered: kombu's message
        # ("Couldn't ack"), or ikmo/broker.py's.
        failed, _ = wait_until(lambda: _failed_acks(worker) >= 2, timeout=15)
        assert failed, "the acknowledgements were not made while Redis was frozen"
    finally:
        redis_server.thaw()

    waited = _next_mail_sent(world, smtp_sink, "after", timeout=30)
    record("redis frozen during acknowledgements: next mail sent after it returned (s)", waited)
    broker = redis.Redis.from_url(redis_server.url)

    def left_unacknowledged():
        # Redis's "unacked" hash: delivery tag -> [message, exchange, routing key].
        messages = [json.loads(value)[0] for value in broker.hvals("unacked")]
        return [
            args
            for m in messages
            if m["headers"].get("task") == send_email.name
            and (args := json.loads(base64.b64decode(m["body"]))[0])[0] in pks
        ]

    confirmed, _ = wait_until(lambda: not left_unacknowledged(), timeout=30)
    assert confirmed, f"finished messages left to be handed out again: {left_unacknowledged()}"
    _assert_each_mail_delivered_at_most_once(smtp_sink)


def test_redis_stopped_while_tasks_run(redis_server, worker, smtp_sink, production_web):
    """Redis goes away while both of the worker's processes are sending a mail: the worker
    loses its connection with two messages in hand. It stays alive, reconnects when Redis
    is back and takes new work; neither mail is sent twice."""
    world = build_world()
    pks = _two_mails_being_sent(world, smtp_sink, "running")
    redis_server.stop()
    try:
        _wait_until_sent(pks)
        time.sleep(2)  # the tasks end and are acknowledged (or not) with Redis away
        assert worker.process.poll() is None, f"the worker exited: see {worker.log}"
    finally:
        redis_server.start()
    waited = _next_mail_sent(world, smtp_sink, "after-stop", timeout=60)
    record("redis stopped while tasks ran: next mail sent after it returned (s)", waited)
    assert worker.process.poll() is None
    _assert_each_mail_delivered_at_most_once(smtp_sink)


def test_a_worker_killed_mid_task(redis_server, worker, smtp_sink, production_web):
    """SIGKILL to the worker and its pool while it renders a PDF and sends a mail."""
    world = build_world()
    person = world.users["admin_a"]
    # The restarted worker renders slowly and the SMTP server answers MAIL FROM late: both
    # pieces of work are in the middle of being done when the worker dies.
    worker.stop()
    worker.start(IKMO_FAULTS_RENDER_DELAY=30)
    smtp_sink.restart(hold=30)
    client = Client()
    client.force_login(person)
    assert (
        client.post(reverse("organisations:profile_sheet", args=[world.org_a.pk])).status_code
        == 302
    )
    document = GeneratedDocument.objects.filter(requested_by=person).latest("pk")
    email = email_queue(
        to="someone@org.example",
        template="organisations/email/join_approved",
        context={"organisation": world.org_a},
    )
    busy, _ = wait_until(
        lambda: (
            GeneratedDocument.objects.filter(pk=document.pk, status="running").exists()
            and OutboundEmail.objects.filter(pk=email.pk, started_at__isnull=False).exists()
        ),
        timeout=60,
    )
    assert busy, "the worker never took both up"
    worker.kill()
    smtp_sink.restart()
    document.refresh_from_db()
    assert document.status == GeneratedDocument.Status.RUNNING
    assert OutboundEmail.objects.get(pk=email.pk).status == OutboundEmail.Status.PENDING

    # Time passes beyond each task's hard time limit (no live worker can still be on them).
    from django.conf import settings

    for model, task, pk in [
        (GeneratedDocument, render_document, document.pk),
        (OutboundEmail, send_email, email.pk),
    ]:
        dead_since = timezone.now() - timedelta(
            seconds=task.time_limit + settings.IKMO_TASK_STALE_GRACE_SECONDS + 1
        )
        model.objects.filter(pk=pk).update(
            enqueued_at=dead_since - timedelta(seconds=1), started_at=dead_since
        )
    from ikmo.tasks import waiting_emails

    assert GeneratedDocument.stale().filter(pk=document.pk).exists()
    assert waiting_emails().filter(pk=email.pk).exists(), (
        OutboundEmail.objects.filter(pk=email.pk).values().first()
    )
    started = time.monotonic()
    worker.start()
    ready = time.monotonic() - started
    done, waited = wait_until(
        lambda: (
            GeneratedDocument.objects.filter(pk=document.pk, status="done").exists()
            and OutboundEmail.objects.filter(pk=email.pk, status="sent").exists()
        ),
        timeout=RECOVERY_LIMIT,
        interval=0.5,
    )
    record("worker killed: new worker ready (s)", ready)
    record("worker killed: work finished after the new worker started (s)", waited)
    assert done
    delivered = [m for m in smtp_sink.messages() if f"<outbound-{email.pk}@" in m["message_id"]]
    assert len(delivered) == 1
    document.refresh_from_db()
    assert (worker.media / document.file.name).read_bytes()[:5] == b"%PDF-"


def test_smtp_away(redis_server, worker, smtp_sink, production_web):
    """The mail server is gone for a while: nothing is given up, everything arrives once."""
    world = build_world()
    smtp_sink.stop()
    OutboundEmail.objects.all().delete()
    emails = [
        email_queue(
            to=f"person{n}@org.example",
            template="organisations/email/join_approved",
            context={"organisation": world.org_a},
        )
        for n in range(3)
    ]
    retried, _ = wait_until(
        lambda: all(
            e.attempts >= 3 for e in OutboundEmail.objects.filter(pk__in=[e.pk for e in emails])
        ),
        timeout=60,
    )
    assert retried, list(OutboundEmail.objects.values_list("attempts", "status", "last_error"))
    rows = OutboundEmail.objects.filter(pk__in=[e.pk for e in emails])
    assert set(rows.values_list("status", flat=True)) == {"pending"}
    record("smtp away: attempts per mail during the outage", min(r.attempts for r in rows))
    smtp_sink.start()
    done, waited = wait_until(lambda: _all_delivered_once(smtp_sink), timeout=RECOVERY_LIMIT)
    record("smtp away: all mails delivered after it returned (s)", waited)
    assert done
    _assert_each_mail_delivered_at_most_once(smtp_sink)
