"""Consent records: given for a purpose and a text version, withdrawn by the person or an admin."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ikmo.models import AuditEntry
from privacy import services
from privacy.models import ConsentRecord

pytestmark = pytest.mark.django_db


def test_giving_consent_records_purpose_version_time_and_who_recorded_it(subject, consultant):
    consent = services.consent_give(
        person=subject,
        purpose="photos",
        text_version="2025-01",
        by=consultant,
        details="Sommerfest",
    )
    assert consent.is_active and consent.given_at and consent.recorded_by == consultant
    assert services.has_consent(purpose="photos", person=subject)
    assert AuditEntry.objects.filter(
        action="privacy.consent.given", object_id=str(consent.pk)
    ).exists()


def test_a_person_without_an_account_is_named_by_name_or_email(consultant):
    consent = services.consent_give(
        name="Interviewpartnerin",
        email="Partnerin@Example.org",
        purpose="interview",
        text_version="v2",
        by=consultant,
    )
    assert consent.email == "partnerin@example.org"
    assert services.has_consent(purpose="interview", email="PARTNERIN@example.org")
    with pytest.raises(ValidationError):
        services.consent_give(purpose="interview", text_version="v2", by=consultant)
    with pytest.raises(ValidationError):
        services.consent_give(name="X", purpose="nonsense", text_version="v2", by=consultant)
    with pytest.raises(ValidationError):
        services.consent_give(name="X", purpose="photos", text_version=" ", by=consultant)


def test_withdrawal_is_recorded_once_and_ends_the_consent(subject, consultant):
    consent = services.consent_give(
        person=subject, purpose="newsletter", text_version="1", by=consultant
    )
    services.consent_withdraw(consent=consent, by=subject)
    consent.refresh_from_db()
    first = consent.withdrawn_at
    assert first is not None and consent.withdrawn_by == subject
    assert not services.has_consent(purpose="newsletter", person=subject)
    services.consent_withdraw(consent=consent, by=consultant)
    consent.refresh_from_db()
    assert consent.withdrawn_at == first and consent.withdrawn_by == subject
    assert AuditEntry.objects.filter(action="privacy.consent.withdrawn").count() == 1


def test_my_data_shows_consents_and_the_person_withdraws_one(client_for, subject, consultant):
    consent = services.consent_give(
        person=subject, purpose="photos", text_version="2025-01", by=consultant
    )
    client = client_for(subject)
    page = client.get(reverse("privacy:my_data"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Photos and recordings at events" in html and "2025-01" in html
    assert reverse("privacy:consent_withdraw", args=[consent.pk]) in html
    response = client.post(reverse("privacy:consent_withdraw", args=[consent.pk]), follow=True)
    assert "has been withdrawn" in response.content.decode()
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert "Withdrawn" in response.content.decode()


def test_nobody_else_withdraws_someone_elses_consent(client_for, subject, bystander, consultant):
    consent = services.consent_give(
        person=subject, purpose="photos", text_version="1", by=consultant
    )
    for user in (bystander, consultant):
        assert (
            client_for(user)
            .post(reverse("privacy:consent_withdraw", args=[consent.pk]))
            .status_code
            == 404
        )
    assert (
        client_for(bystander)
        .get(reverse("privacy:consent_withdraw", args=[consent.pk]))
        .status_code
        == 405
    )
    consent.refresh_from_db()
    assert consent.is_active


def test_an_admin_records_a_withdrawal_in_the_portal_and_in_django_admin(
    client_for, subject, portal_admin
):
    first = services.consent_give(
        person=subject, purpose="photos", text_version="1", by=portal_admin
    )
    second = services.consent_give(
        name="Ohne Konto", purpose="photos", text_version="1", by=portal_admin
    )
    client = client_for(portal_admin)
    response = client.post(reverse("privacy:consent_withdraw", args=[first.pk]))
    assert response["Location"] == reverse("privacy:person", args=[subject.pk])
    client.post(
        reverse("admin:privacy_consentrecord_changelist"),
        {"action": "withdraw", "_selected_action": [second.pk]},
    )
    assert ConsentRecord.objects.filter(withdrawn_at__isnull=False).count() == 2
    assert set(ConsentRecord.objects.values_list("withdrawn_by", flat=True)) == {portal_admin.pk}


def test_an_admin_records_a_consent_in_django_admin(client_for, portal_admin, subject):
    client = client_for(portal_admin)
    response = client.post(
        reverse("admin:privacy_consentrecord_add"),
        {
            "person": subject.pk,
            "name": "",
            "email": "",
            "purpose": "newsletter",
            "details": "",
            "text_version": "2025-02",
            "given_at_0": "2025-02-01",
            "given_at_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    consent = ConsentRecord.objects.get()
    assert consent.recorded_by == portal_admin and consent.text_version == "2025-02"
    assert AuditEntry.objects.filter(action="privacy.consent.given").count() == 1
