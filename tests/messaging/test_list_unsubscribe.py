"""A newsletter as sent carries List-Unsubscribe with the signed one-click address (RFC 8058);
mail programs' one-click POST stops the newsletters, nothing else does."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from ikmo.mail import email_queue
from ikmo.models import NotificationPreference, OutboundEmail
from messaging import services
from organisations.models import StaffRole
from privacy.models import ConsentRecord
from tests import factories
from tests.conftest import enrol_mfa
from tests.qualification.factories import make_workshop, register

pytestmark = pytest.mark.django_db

URL = reverse("messaging:compose", args=["qualification.workshop"])


@pytest.fixture
def trainer(db):
    user = factories.staff(
        StaffRole.Role.CONSULTANT, subproject="qualification", email="trainerin@centre.example"
    )
    enrol_mfa(user)
    return user


@pytest.fixture
def reader(org):
    person = factories.member_of(org, email="leser@org.example", preferred_language="tr")
    services.notification_preferences_update(user=person, reminders=True, newsletter=True)
    return person


def _send(client, trainer, org, people, kind, capture):
    workshop = make_workshop(trainer=trainer, starts_in=timedelta(days=3))
    for person in people:
        register(workshop, person, org)
    client.force_login(trainer)
    data = {
        "segment-workshop": workshop.pk,
        "kind": kind,
        "subject_de": "Neuigkeiten",
        "body_de": "Hallo zusammen.",
        "action": "preview",
    }
    once_key = str(client.post(URL, data).context["once_key"])
    with capture(execute=True):
        client.post(URL, {**data, "action": "send", "once_key": once_key})


def test_a_newsletter_as_sent_carries_the_one_click_unsubscribe_headers(
    client, trainer, org, reader, django_capture_on_commit_callbacks
):
    _send(client, trainer, org, [reader], "newsletter", django_capture_on_commit_callbacks)
    [sent] = mail.outbox
    message = sent.message()
    one_click = reverse(
        "messaging:unsubscribe_one_click", args=[services.unsubscribe_token(reader)]
    )
    header = message["List-Unsubscribe"]
    assert header.startswith("<http") and header.endswith(one_click + ">")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The portal's own Message-ID is kept beside them.
    row = OutboundEmail.objects.get(to=reader.email)
    assert message["Message-ID"].startswith(f"<outbound-{row.pk}@")
    assert row.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_service_message_as_sent_has_no_unsubscribe_header(
    client, trainer, org, reader, django_capture_on_commit_callbacks
):
    _send(client, trainer, org, [reader], "service", django_capture_on_commit_callbacks)
    [sent] = mail.outbox
    assert sent.message()["List-Unsubscribe"] is None
    assert sent.message()["List-Unsubscribe-Post"] is None
    assert OutboundEmail.objects.get().headers == {}


def test_queued_headers_are_single_lines_and_cannot_replace_the_message_id(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        row = email_queue(
            to="x@example.org",
            template="ikmo/email/delivery_failed",
            context={"email": OutboundEmail(to="y@example.org", subject="s"), "link": "l"},
            headers={"X-Test": "eins\r\nBcc: boese@example.org", "Message-ID": "<mine@x>"},
        )
    assert row.headers == {"X-Test": "eins Bcc: boese@example.org"}
    message = mail.outbox[0].message()
    assert message["X-Test"] == "eins Bcc: boese@example.org"
    assert message["Bcc"] is None
    assert message["Message-ID"].startswith(f"<outbound-{row.pk}@")


def _one_click(person_or_token):
    token = (
        person_or_token
        if isinstance(person_or_token, str)
        else services.unsubscribe_token(person_or_token)
    )
    return reverse("messaging:unsubscribe_one_click", args=[token])


def test_the_one_click_post_of_a_mail_program_stops_the_newsletters(reader):
    # A mail program has no CSRF token: the endpoint does not need one.
    client = Client(enforce_csrf_checks=True)
    response = client.post(_one_click(reader), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    preference = NotificationPreference.objects.get(user=reader)
    assert preference.newsletter is False and preference.newsletter_withdrawn_at is not None
    assert ConsentRecord.objects.get(person=reader, purpose="newsletter").withdrawn_at
    # A second click (mail programs retry) is harmless.
    assert client.post(_one_click(reader), {"List-Unsubscribe": "One-Click"}).status_code == 200


@pytest.mark.parametrize(
    "method,data",
    [("get", {}), ("post", {}), ("post", {"List-Unsubscribe": "Yes"}), ("post", {"x": "1"})],
    ids=["browser-opens-it", "empty-post", "other-value", "other-field"],
)
def test_anything_but_the_one_click_body_only_leads_to_the_page_that_asks(reader, method, data):
    client = Client(enforce_csrf_checks=True)
    response = getattr(client, method)(_one_click(reader), data)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "messaging:unsubscribe", args=[services.unsubscribe_token(reader)]
    )
    assert NotificationPreference.objects.get(user=reader).newsletter is True


def test_the_page_that_asks_still_requires_its_own_form(reader):
    url = reverse("messaging:unsubscribe", args=[services.unsubscribe_token(reader)])
    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 403
    assert NotificationPreference.objects.get(user=reader).newsletter is True


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # signature changed
        lambda t: t.replace(t.split(":")[0], "eyJ1Ijo5OTk5OX0"),  # another person's id
        lambda t: "kein-token",
        lambda t: "x" * 500,
    ],
    ids=["signature", "payload", "garbage", "long"],
)
def test_a_tampered_one_click_token_changes_nothing_and_says_so(reader, mangle):
    client = Client(enforce_csrf_checks=True)
    url = _one_click(mangle(services.unsubscribe_token(reader)))
    for method in (client.get, client.post):
        response = method(url, {"List-Unsubscribe": "One-Click"})
        assert response.status_code == 400
        content = response.content.decode()
        assert "This link does not work" in content or "Dieser Link funktioniert nicht" in content
    assert NotificationPreference.objects.get(user=reader).newsletter is True
