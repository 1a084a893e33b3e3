"""The organisation segment of messages to many: the directory filter with its sub-project, the
members, and the organisations' public contact addresses (once each, service messages only
where there is no account)."""

import pytest
from django.urls import reverse

from devtools import factories as rows
from ikmo.models import OutboundEmail
from messaging import services
from messaging.models import BulkMessage, BulkRecipient
from organisations.models import Organisation
from tests import factories

pytestmark = pytest.mark.django_db

URL = reverse("messaging:compose", args=["organisations.directory"])


@pytest.fixture
def directory(db):
    """Two organisations coached (qualification) in Mitte, one elsewhere, one not coached."""
    mitte = factories.district("Mitte")
    coached = factories.OrganisationFactory(
        name="Brückenbau e.V.", district=mitte, email="Info@Brueckenbau.example"
    )
    shared = factories.OrganisationFactory(
        name="Zweigstelle e.V.", district=mitte, email="info@brueckenbau.example"
    )
    elsewhere = factories.OrganisationFactory(
        name="Woanders e.V.", district=factories.district("Spandau"), email="post@woanders.example"
    )
    resting = factories.OrganisationFactory(
        name="Ruhig e.V.", district=mitte, email="ruhig@verein.example"
    )
    for organisation in (coached, shared, elsewhere):
        rows.CoachingSessionFactory(organisation=organisation)
    factories.member_of(coached, email="vorstand@brueckenbau.example", preferred_language="tr")
    factories.member_of(resting, email="mitglied@ruhig.example")
    return {"mitte": mitte, "coached": coached, "shared": shared, "resting": resting}


def _data(directory, *, kind="service", action="preview", **extra):
    return {
        "segment-subproject": "qualification",
        "segment-district": directory["mitte"].pk,
        "kind": kind,
        "subject_de": "Einladung",
        "body_de": "Wir laden Sie ein.",
        "action": action,
        **extra,
    }


def _send(client, data, django_capture_on_commit_callbacks):
    preview = client.post(URL, data)
    assert preview.status_code == 200, preview.content.decode()[:2000]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            URL, {**data, "action": "send", "once_key": str(preview.context["once_key"])}
        )
    assert response.status_code == 302
    return preview


def test_a_service_message_reaches_members_and_contact_addresses_once_each(
    client, project_lead, directory, django_capture_on_commit_callbacks
):
    client.force_login(project_lead)
    preview = _send(client, _data(directory), django_capture_on_commit_callbacks)
    # The member, and one address for the two organisations that share it.
    assert (preview.context["total"], preview.context["count"]) == (2, 2)
    assert preview.context["addresses"] == 1
    assert "data-address-count" in preview.content.decode()
    message = BulkMessage.objects.get()
    assert message.status == BulkMessage.Status.DONE
    assert message.recipient_count == 2
    assert sorted(OutboundEmail.objects.values_list("to", flat=True)) == [
        "info@brueckenbau.example",
        "vorstand@brueckenbau.example",
    ]
    address = BulkRecipient.objects.get(user__isnull=True)
    assert (address.email, address.language) == ("info@brueckenbau.example", "de")
    assert "Sub-project" in message.segment_label or "Teilprojekt" in message.segment_label


def test_a_contact_address_that_is_a_members_address_is_mailed_once(
    client, project_lead, directory, django_capture_on_commit_callbacks
):
    Organisation.objects.filter(pk=directory["coached"].pk).update(
        email="VORSTAND@brueckenbau.example"
    )
    Organisation.objects.filter(pk=directory["shared"].pk).update(email="")
    client.force_login(project_lead)
    preview = _send(client, _data(directory), django_capture_on_commit_callbacks)
    assert (preview.context["count"], preview.context["addresses"]) == (1, 0)
    mail = OutboundEmail.objects.get()
    assert mail.to == "vorstand@brueckenbau.example"
    assert BulkRecipient.objects.get().language == "tr"  # the member's own language


def test_a_contact_address_of_an_account_outside_the_organisation_reaches_that_person(
    client, project_lead, directory, org, django_capture_on_commit_callbacks
):
    """The address belongs to someone with an account (here a member of another
    organisation): they get it as a person, in their language, once."""
    factories.member_of(org, email="info@brueckenbau.example", preferred_language="ar")
    client.force_login(project_lead)
    preview = _send(client, _data(directory), django_capture_on_commit_callbacks)
    assert (preview.context["count"], preview.context["addresses"]) == (2, 0)
    recipient = BulkRecipient.objects.get(email="info@brueckenbau.example")
    assert recipient.user is not None and recipient.language == "ar"
    assert OutboundEmail.objects.filter(to="info@brueckenbau.example").count() == 1


def test_a_newsletter_never_goes_to_a_contact_address_without_an_account(
    client, project_lead, directory, django_capture_on_commit_callbacks
):
    member = directory["coached"].memberships.get().user
    services.notification_preferences_update(user=member, reminders=True, newsletter=True)
    client.force_login(project_lead)
    preview = _send(client, _data(directory, kind="newsletter"), django_capture_on_commit_callbacks)
    assert (preview.context["total"], preview.context["count"]) == (2, 1)
    page = preview.content.decode()
    assert 'data-address-count="1"' in page
    assert list(OutboundEmail.objects.values_list("to", flat=True)) == [member.email]
    assert not BulkRecipient.objects.filter(user__isnull=True).exists()


def test_running_the_work_twice_mails_no_contact_address_twice(
    client, project_lead, directory, django_capture_on_commit_callbacks
):
    client.force_login(project_lead)
    _send(client, _data(directory), django_capture_on_commit_callbacks)
    message = BulkMessage.objects.get()
    BulkMessage.objects.filter(pk=message.pk).update(
        status=BulkMessage.Status.RUNNING, recipients_listed_at=None
    )
    services.bulk_message_run(message_id=message.pk)  # lists again, sends nobody again
    assert BulkRecipient.objects.filter(message=message).count() == 2
    assert OutboundEmail.objects.count() == 2


def test_the_sub_project_and_district_narrow_the_group(client, consultant, directory):
    client.force_login(consultant)
    everyone = {"kind": "service", "subject_de": "S", "body_de": "T", "action": "preview"}
    # All approved organisations: two members and four addresses (one of them shared).
    assert client.post(URL, everyone).context["count"] == 2 + 3
    mitte = client.post(URL, {**everyone, "segment-district": directory["mitte"].pk})
    assert mitte.context["count"] == 2 + 2
    assert client.post(URL, _data(directory)).context["count"] == 2


@pytest.mark.parametrize("value", ["nonsense", "", "x" * 300])
def test_a_bad_sub_project_is_a_form_error_never_a_5xx(client, consultant, directory, value):
    client.force_login(consultant)
    response = client.post(URL, _data(directory, **{"segment-subproject": value}))
    assert response.status_code == 200
    if value:
        assert "subproject" in response.context["segment_form"].errors
    assert not BulkMessage.objects.exists()


def test_the_compose_page_offers_the_sub_project_filter(client, consultant):
    client.force_login(consultant)
    assert 'name="segment-subproject"' in client.get(URL).content.decode()


def test_the_log_names_the_sub_project_and_kind_in_words(client, consultant, directory):
    client.force_login(consultant)
    preview = client.post(URL, _data(directory, **{"segment-kind": "mo"}))
    description = preview.context["description"]
    assert "Qualifizierung & Coaching" in description or "Qualification & coaching" in description
    assert "qualification" not in description and ": mo" not in description
