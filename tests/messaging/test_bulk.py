"""Messages to many: who may write to whom, newsletters only to those who agreed, every person
once in their language, and the newsletter link that works signed out."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ikmo.models import NotificationPreference, OutboundEmail
from messaging import services
from messaging.models import BulkMessage, BulkRecipient
from organisations.models import Membership, StaffRole
from privacy.models import ConsentRecord
from tests import factories
from tests.conftest import enrol_mfa
from tests.qualification.factories import make_workshop, register

pytestmark = pytest.mark.django_db


def _staff(role, email, subproject):
    user = factories.staff(role, subproject=subproject, email=email)
    enrol_mfa(user)
    return user


@pytest.fixture
def trainer(db):
    return _staff(StaffRole.Role.CONSULTANT, "trainerin@centre.example", "qualification")


@pytest.fixture
def workshop_people(org, trainer):
    workshop = make_workshop(trainer=trainer, starts_in=timedelta(days=3), capacity=2)
    people = {
        "de": factories.member_of(org, email="de@org.example", preferred_language="de"),
        "tr": factories.member_of(org, email="tr@org.example", preferred_language="tr"),
        "ar": factories.member_of(org, email="ar@org.example", preferred_language="ar"),
    }
    register(workshop, people["de"], org)
    register(workshop, people["tr"], org)
    from qualification.models import Registration

    register(workshop, people["ar"], org, status=Registration.Status.WAITLISTED)
    return workshop, people


def _post(workshop, *, kind="service", action="preview", once_key="", **texts):
    data = {
        "segment-workshop": workshop.pk,
        "segment-waiting_list": "on",
        "kind": kind,
        "subject_de": "Raumänderung",
        "body_de": "Wir treffen uns in Raum 2.",
        "action": action,
        **texts,
    }
    if once_key:
        data["once_key"] = once_key
    return data


URL = reverse("messaging:compose", args=["qualification.workshop"])


def test_a_service_message_reaches_everyone_registered_once_each_in_their_language(
    client, trainer, workshop_people, django_capture_on_commit_callbacks
):
    workshop, people = workshop_people
    client.force_login(trainer)
    data = _post(workshop, subject_tr="Oda değişikliği", body_tr="2 numaralı odada buluşuyoruz.")
    preview = client.post(URL, data)
    assert preview.status_code == 200
    assert preview.context["count"] == 3  # the waiting list included
    once_key = str(preview.context["once_key"])
    for _click in range(2):  # a double click: one message
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(URL, {**data, "action": "send", "once_key": once_key})
        assert response.status_code == 302
    message = BulkMessage.objects.get()
    assert message.status == BulkMessage.Status.DONE  # eager in tests
    subjects = dict(OutboundEmail.objects.values_list("to", "subject"))
    assert subjects == {
        "de@org.example": "Raumänderung",
        "tr@org.example": "Oda değişikliği",
        "ar@org.example": "Raumänderung",  # no Arabic text: German
    }
    arabic = OutboundEmail.objects.get(to="ar@org.example")
    assert "Wir treffen uns in Raum 2." in arabic.body
    assert "/messages/unsubscribe/" not in arabic.body  # a service message has no such link


def test_running_the_work_twice_sends_nobody_a_second_mail(trainer, workshop_people):
    workshop, people = workshop_people
    segment, form = services.segment_form(
        segment_key="qualification.workshop",
        by=trainer,
        data=_as_querydict({"segment-workshop": workshop.pk, "segment-waiting_list": "on"}),
    )
    assert form.is_valid()
    import uuid

    message = services.bulk_message_send(
        by=trainer,
        segment_key=segment.key,
        segment_data=form.data,
        kind="service",
        texts={"de": ("Betreff", "Text")},
        once_key=uuid.uuid4(),
        planned_count=3,
    )
    # The worker runs it, and a redelivery (or the sweeper) runs it again.
    services.bulk_message_run(message_id=message.pk)
    # A worker that died after queueing the mails but before noting it was done: run again.
    BulkMessage.objects.filter(pk=message.pk).update(status=BulkMessage.Status.RUNNING)
    services.bulk_message_run(message_id=message.pk)
    assert OutboundEmail.objects.count() == 3
    assert BulkRecipient.objects.filter(message=message).count() == 3
    assert sorted(OutboundEmail.objects.values_list("to", flat=True)) == sorted(
        p.email for p in people.values()
    )


def test_a_newsletter_goes_only_to_people_who_agreed_with_a_personal_link(
    client, trainer, workshop_people, django_capture_on_commit_callbacks
):
    workshop, people = workshop_people
    services.notification_preferences_update(user=people["tr"], reminders=True, newsletter=True)
    client.force_login(trainer)
    data = _post(workshop, kind="newsletter")
    preview = client.post(URL, data)
    assert (preview.context["total"], preview.context["count"]) == (3, 1)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, {**data, "action": "send", "once_key": str(preview.context["once_key"])})
    mail = OutboundEmail.objects.get()
    assert mail.to == "tr@org.example"
    token = services.unsubscribe_token(people["tr"])
    assert reverse("messaging:unsubscribe", args=[token]) in mail.body


# The button of the page that asks before stopping newsletters.
ASK = '<button class="btn btn-primary" type="submit">'


def test_the_unsubscribe_link_works_signed_out_and_records_the_withdrawal(client, org):
    person = factories.member_of(org, email="leser@org.example")
    services.notification_preferences_update(user=person, reminders=True, newsletter=True)
    url = reverse("messaging:unsubscribe", args=[services.unsubscribe_token(person)])
    page = client.get(url)  # mail programs open links: the GET changes nothing
    assert page.status_code == 200
    assert NotificationPreference.objects.get(user=person).newsletter is True
    done = client.post(url, follow=True)
    # Redirected to the confirmation: a reload of it sends nothing again.
    assert done.redirect_chain == [(f"{url}?done=1", 302)]
    assert "Newsletter" in done.content.decode() and ASK not in done.content.decode()
    preference = NotificationPreference.objects.get(user=person)
    assert preference.newsletter is False and preference.newsletter_withdrawn_at is not None
    consent = ConsentRecord.objects.get(person=person, purpose="newsletter")
    assert consent.withdrawn_at is not None
    # The confirmation is shown only to whom it is true: subscribed again, the same address
    # asks first.
    services.notification_preferences_update(user=person, reminders=True, newsletter=True)
    assert ASK in client.get(f"{url}?done=1").content.decode()


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
def test_a_changed_unsubscribe_link_gets_a_clear_page_and_changes_nothing(client, org, mangle):
    person = factories.member_of(org, email="leser@org.example")
    services.notification_preferences_update(user=person, reminders=True, newsletter=True)
    url = reverse("messaging:unsubscribe", args=[mangle(services.unsubscribe_token(person))])
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 400
        assert "This link does not work" in response.content.decode() or (
            "Dieser Link funktioniert nicht" in response.content.decode()
        )
    assert NotificationPreference.objects.get(user=person).newsletter is True


def test_a_consultant_of_another_sub_project_cannot_write_to_a_workshops_people(
    client, workshop_people
):
    workshop, _people = workshop_people
    mentoring = _staff(StaffRole.Role.CONSULTANT, "mentoring@centre.example", "mentoring")
    client.force_login(mentoring)
    assert client.get(URL).status_code == 403
    assert client.post(URL, _post(workshop)).status_code == 403
    assert not BulkMessage.objects.exists()


def test_a_trainer_cannot_choose_another_trainers_workshop(client, trainer, workshop_people):
    workshop, _people = workshop_people
    colleague = _staff(StaffRole.Role.CONSULTANT, "kollege@centre.example", "qualification")
    client.force_login(colleague)
    response = client.post(URL, _post(workshop))
    assert response.status_code == 200
    assert "workshop" in response.context["segment_form"].errors
    response = client.post(URL, _post(workshop, action="send", once_key="9" * 32))
    assert response.status_code == 200
    assert not BulkMessage.objects.exists() and not OutboundEmail.objects.exists()


def test_a_missing_subject_is_an_error_and_the_text_stays(client, trainer, workshop_people):
    workshop, _people = workshop_people
    client.force_login(trainer)
    response = client.post(URL, _post(workshop, subject_de=""))
    assert response.status_code == 200
    assert "subject_de" in response.context["form"].errors
    assert "Wir treffen uns in Raum 2." in response.content.decode()


def test_the_organisation_segment_is_the_directory_filter(client, org, other_org, consultant):
    factories.member_of(org, email="a@org.example")
    factories.member_of(other_org, email="b@org.example")
    waiting = factories.member_of(other_org, email="weg@org.example")
    Membership.objects.filter(user=waiting).update(status=Membership.Status.PENDING)
    client.force_login(consultant)
    url = reverse("messaging:compose", args=["organisations.directory"])
    data = {"kind": "service", "subject_de": "S", "body_de": "T", "action": "preview"}
    everyone = client.post(url, data).context
    # The active members, and each organisation's public contact address.
    assert (everyone["count"], everyone["addresses"]) == (4, 2)
    search = {**data, "segment-q": other_org.name}
    assert client.post(url, search).context["count"] == 1 + 1


def test_the_compose_form_costs_the_same_queries_with_more_workshops(client, trainer, org):
    client.force_login(trainer)
    make_workshop(trainer=trainer, starts_in=timedelta(days=3))
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for days in range(10):
        make_workshop(trainer=trainer, starts_in=timedelta(days=4 + days))
    with CaptureQueriesContext(connection) as many:
        client.get(URL)
    assert len(many) == len(few)


def test_the_notifications_page_saves_the_choice_with_the_time_of_consent(client, org):
    person = factories.member_of(org, email="ich@org.example")
    client.force_login(person)
    url = reverse("messaging:notifications")
    page = client.get(url)
    assert page.context["form"].initial == {"reminders": True, "newsletter": False}
    assert client.post(url, {"newsletter": "on"}).status_code == 302
    preference = NotificationPreference.objects.get(user=person)
    assert (preference.reminders, preference.newsletter) == (False, True)
    assert preference.newsletter_consent_at is not None
    assert ConsentRecord.objects.get(person=person, purpose="newsletter").withdrawn_at is None


def _as_querydict(data):
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    for key, value in data.items():
        query[key] = str(value)
    return query
