"""Outgoing e-mail: a database row first, sent once after commit, retried, swept up if lost."""

import smtplib
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone
from kombu.exceptions import OperationalError

from ikmo import tasks
from ikmo.mail import email_queue, email_send_now
from ikmo.models import OutboundEmail

pytestmark = pytest.mark.django_db

TEMPLATE = "organisations/email/join_approved"


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def queue(org, to="person@example.org", language="de") -> OutboundEmail:
    return email_queue(to=to, template=TEMPLATE, context={"organisation": org}, language=language)


def test_queued_mail_is_a_row_and_is_sent_after_commit(org, on_commit):
    with on_commit() as callbacks:
        email = queue(org)
        assert mail.outbox == []  # nothing leaves before the transaction commits
    assert len(callbacks) == 1
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert email.attempts == 1
    assert email.sent_at is not None
    assert email.enqueued_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["person@example.org"]
    assert org.name in mail.outbox[0].subject


def test_mail_is_written_in_the_recipients_language(org):
    english = queue(org, language="en")
    assert english.subject == f"You are now a member of {org.name}"
    assert "Your IKMO team" in english.body
    german = queue(org, language="de")
    assert german.subject != english.subject
    assert org.name in german.subject


def test_subject_is_one_line_and_user_text_is_not_html_escaped(db):
    from tests.factories import OrganisationFactory

    org = OrganisationFactory(name='Eltern & Kinder "Zusammen" e.V.')
    email = queue(org, language="en")
    assert "\n" not in email.subject
    assert 'Eltern & Kinder "Zusammen" e.V.' in email.subject
    assert 'Eltern & Kinder "Zusammen" e.V.' in email.body
    assert "&amp;" not in email.body


def test_a_mail_is_never_sent_twice(org):
    email = queue(org)
    assert email_send_now(email_id=email.pk) is not None
    assert email_send_now(email_id=email.pk) is None
    tasks.send_email.apply(args=[email.pk])
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.attempts == 1


class _SMTPDown:
    """An e-mail backend whose server is away (or answers with `error`)."""

    error: Exception = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise type(self).error


class _SMTPRejects(_SMTPDown):
    error = smtplib.SMTPRecipientsRefused({"person@example.org": (550, b"No such user")})


def _attempt(email):
    tasks.send_email.apply(args=[email.pk])
    email.refresh_from_db()
    return email


def test_a_transient_smtp_error_keeps_the_mail_waiting_with_a_growing_pause(org, settings):
    settings.EMAIL_BACKEND = f"{__name__}._SMTPDown"
    settings.IKMO_MAIL_RETRY_BASE_SECONDS = 30
    settings.IKMO_MAIL_RETRY_MAX_SECONDS = 600
    email = queue(org)
    pauses = []
    for _ in range(7):
        before = timezone.now()
        email = _attempt(email)
        assert email.status == OutboundEmail.Status.PENDING
        pauses.append(round((email.next_attempt_at - before).total_seconds() / 30) * 30)
        # Due again (the sweeper would hand it over now).
        OutboundEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
    assert pauses == [30, 60, 120, 240, 480, 600, 600]
    assert email.attempts == 7
    assert "SMTPServerDisconnected" in email.last_error
    assert mail.outbox == []


def test_a_retry_is_handed_over_when_due_and_not_before(org, settings):
    settings.EMAIL_BACKEND = f"{__name__}._SMTPDown"
    email = queue(org)
    OutboundEmail.objects.filter(pk=email.pk).update(
        created_at=timezone.now() - timedelta(minutes=5),
        enqueued_at=timezone.now() - timedelta(minutes=1),
    )
    email = _attempt(email)
    assert email.next_attempt_at > timezone.now()
    assert tasks.sweep_background_work() == 0  # not due yet
    # An early redelivery of the old message does not try before the pause is over.
    email = _attempt(email)
    assert email.attempts == 1

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutboundEmail.objects.filter(pk=email.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )
    assert tasks.sweep_background_work() == 1
    assert tasks.sweep_background_work() == 0
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert [m.to for m in mail.outbox] == [["person@example.org"]]
    assert mail.outbox[0].extra_headers["Message-ID"] == f"<outbound-{email.pk}@127.0.0.1>"


def test_after_the_horizon_the_mail_is_given_up_and_staff_are_told(org, settings, caplog):
    settings.EMAIL_BACKEND = f"{__name__}._SMTPDown"
    settings.IKMO_MAIL_GIVE_UP_AFTER_HOURS = 48
    settings.ADMINS = [("", "ops@centre.example")]
    email = queue(org)
    OutboundEmail.objects.filter(pk=email.pk).update(
        created_at=timezone.now() - timedelta(hours=47)
    )
    assert _attempt(email).status == OutboundEmail.Status.PENDING
    assert not OutboundEmail.objects.filter(to="ops@centre.example").exists()

    OutboundEmail.objects.filter(pk=email.pk).update(
        created_at=timezone.now() - timedelta(hours=49), next_attempt_at=None
    )
    email = _attempt(email)
    assert email.status == OutboundEmail.Status.FAILED
    notice = OutboundEmail.objects.get(to="ops@centre.example")
    assert "person@example.org" in notice.subject
    assert "SMTPServerDisconnected" in notice.body
    assert f"/admin/ikmo/outboundemail/{email.pk}/" in notice.body
    assert "given up" in caplog.text


def test_a_permanent_rejection_is_given_up_at_once(org, settings):
    settings.EMAIL_BACKEND = f"{__name__}._SMTPRejects"
    settings.ADMINS = [("", "ops@centre.example")]
    email = _attempt(queue(org))
    assert email.status == OutboundEmail.Status.FAILED
    assert "550" in email.last_error
    assert OutboundEmail.objects.filter(to="ops@centre.example").count() == 1


def test_smtp_failure_then_success_sends_once(org, settings):
    settings.EMAIL_BACKEND = f"{__name__}._SMTPDown"
    email = _attempt(queue(org))
    assert email.status == OutboundEmail.Status.PENDING
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutboundEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
    email = _attempt(email)
    assert email.status == OutboundEmail.Status.SENT
    assert len(mail.outbox) == 1
    assert email.last_error == ""
    assert email.attempts == 2
    assert _attempt(email).attempts == 2  # a redelivery sends nothing


def test_a_broker_outage_leaves_the_mail_pending_for_the_sweeper(org, on_commit, caplog):
    send = tasks.send_email._get_current_object()
    broker_down = mock.patch.object(send, "apply_async", side_effect=OperationalError("no broker"))
    with broker_down, on_commit():
        email = queue(org)
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.PENDING
    assert email.enqueued_at is None
    assert mail.outbox == []
    assert "stays queued" in caplog.text

    OutboundEmail.objects.filter(pk=email.pk).update(
        created_at=timezone.now() - timedelta(minutes=2)
    )
    assert tasks.sweep_background_work() == 1
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert len(mail.outbox) == 1


def test_sweeper_resends_only_stale_pending_mails(org, settings):
    now = timezone.now()
    stale_after = timedelta(seconds=settings.IKMO_DOCUMENT_REQUEUE_AFTER_SECONDS)

    def row(**fields):
        email = queue(org)
        OutboundEmail.objects.filter(pk=email.pk).update(**fields)
        return email.pk

    never_sent = row(created_at=now - timedelta(minutes=5))
    lost_in_broker = row(enqueued_at=now - stale_after - timedelta(seconds=5))
    row(created_at=now - timedelta(seconds=10))  # its on-commit send may still be running
    row(enqueued_at=now - timedelta(seconds=30))
    row(status="sent", created_at=now - timedelta(hours=1))
    row(status="failed", created_at=now - timedelta(hours=1))

    send = tasks.send_email._get_current_object()
    with mock.patch.object(send, "apply_async") as sent:
        assert tasks.sweep_background_work() == 2
    assert sorted(c.kwargs["args"][0] for c in sent.call_args_list) == sorted(
        [never_sent, lost_in_broker]
    )


def test_sweeping_twice_still_sends_each_mail_once(org):
    email = queue(org)
    OutboundEmail.objects.filter(pk=email.pk).update(
        created_at=timezone.now() - timedelta(minutes=5)
    )
    tasks.sweep_background_work()
    OutboundEmail.objects.filter(pk=email.pk).update(
        enqueued_at=timezone.now() - timedelta(hours=1)
    )
    tasks.sweep_background_work()
    assert len(mail.outbox) == 1


def test_send_task_has_time_limits():
    task = tasks.send_email._get_current_object()
    assert task.time_limit and task.soft_time_limit < task.time_limit


def test_a_sign_up_while_smtp_is_away_answers_and_the_mail_follows(client, settings):
    """allauth sends its mails directly: a refusing server must not make the sign-up fail."""
    settings.EMAIL_BACKEND = f"{__name__}._SMTPDown"
    response = client.post(
        "/accounts/signup/",
        {
            "email": "neu@verein.example",
            "first_name": "Nour",
            "last_name": "Beispiel",
            "password1": "a-long-new-password-7",
            "password2": "a-long-new-password-7",
        },
    )
    assert response.status_code == 302
    kept = OutboundEmail.objects.get(to="neu@verein.example")
    assert kept.status == OutboundEmail.Status.PENDING and kept.body
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutboundEmail.objects.filter(pk=kept.pk).update(
        created_at=timezone.now() - timedelta(minutes=5), next_attempt_at=timezone.now()
    )
    assert tasks.sweep_background_work() == 1
    assert [m.to for m in mail.outbox] == [["neu@verein.example"]]
    assert mail.outbox[0].body == kept.body


@pytest.mark.parametrize(
    ("error", "permanent"),
    [
        (smtplib.SMTPRecipientsRefused({"a@b.example": (550, b"No such user")}), True),
        (smtplib.SMTPRecipientsRefused({"a@b.example": (450, b"Mailbox busy")}), False),
        (smtplib.SMTPDataError(554, b"Message rejected"), True),
        (smtplib.SMTPDataError(451, b"Try later"), False),
        (smtplib.SMTPAuthenticationError(535, b"Bad login"), False),  # ours to fix, then sent
        (smtplib.SMTPSenderRefused(553, b"Sender refused", "portal@x"), False),
        (smtplib.SMTPServerDisconnected("gone"), False),
        (ConnectionRefusedError(111, "refused"), False),
        (TimeoutError("timed out"), False),
    ],
)
def test_only_a_rejection_of_the_message_itself_is_permanent(error, permanent):
    from ikmo.mail import is_permanent_smtp_error

    assert is_permanent_smtp_error(error) is permanent
