"""Outcomes of an organisation: recorded and corrected by the centre's staff, never shown to
the organisation's members, and the founding of an e.V. recorded by the profile itself."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from ikmo.models import AuditEntry
from organisations import services
from organisations.models import Organisation, Outcome
from organisations.services import OrganisationProfile, OutcomeValues
from tests import factories

pytestmark = pytest.mark.django_db


def form_data(**overrides) -> dict:
    return {
        "kind": Outcome.Kind.OUTSIDE_FUNDING,
        "date": "2026-03-01",
        "funder": "Stiftung Beispielhaft",
        "amount": "1.200,50",
        "note": "Zweijährige Förderung für die Elternarbeit.",
        **overrides,
    }


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_staff_record_an_outcome_with_a_german_amount(client_for, consultant, org):
    client = client_for(consultant)
    response = client.post(reverse("organisations:outcome_new", args=[org.pk]), form_data())
    assert response.status_code == 302
    assert response["Location"].endswith(f"/organisations/{org.pk}/#outcomes")
    outcome = Outcome.objects.get(organisation=org)
    assert outcome.amount == Decimal("1200.50")
    assert outcome.date == date(2026, 3, 1)
    assert outcome.recorded_by == consultant
    assert AuditEntry.objects.filter(action="organisations.outcome.recorded").count() == 1
    page = client.get(reverse("organisations:detail", args=[org.pk])).content.decode()
    assert "Stiftung Beispielhaft" in page
    assert reverse("organisations:outcome_edit", args=[org.pk, outcome.pk]) in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"funder": "  "}, "funder", "Name the funder of the outside funding."),
        ({"date": "2999-01-01"}, "date", "An outcome can only be recorded once it has happened."),
        ({"amount": "-5"}, "amount", None),
        ({"amount": "1.2.3,4"}, "amount", None),
        ({"kind": "other", "note": ""}, "note", "Describe the outcome in the note."),
        ({"kind": "bogus"}, "kind", None),
        ({"date": "31.02.2026"}, "date", None),
    ],
)
def test_bad_input_is_refused_in_the_users_language_and_kept(
    english, consultant, org, overrides, field, message
):
    english.force_login(consultant)
    data = form_data(**overrides)
    response = english.post(reverse("organisations:outcome_new", args=[org.pk]), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    if message:
        assert message in form.errors[field]
    # What was typed is shown again.
    page = response.content.decode()
    assert all(str(v) in page for k, v in data.items() if k not in ("kind", "date") and v.strip())
    assert not Outcome.objects.exists()


def test_error_messages_are_german_by_default(client_for, consultant, org):
    response = client_for(consultant).post(
        reverse("organisations:outcome_new", args=[org.pk]), form_data(funder="")
    )
    assert response.context["form"].errors["funder"] == [
        "Bitte geben Sie an, wer die externe Förderung vergibt."
    ]


def test_correct_and_delete_an_outcome(client_for, consultant, org):
    outcome = factories.OutcomeFactory(organisation=org, date=date(2026, 1, 5))
    client = client_for(consultant)
    url = reverse("organisations:outcome_edit", args=[org.pk, outcome.pk])
    assert client.get(url).status_code == 200
    client.post(url, form_data(amount="7.500", date="2026-01-06"))
    outcome.refresh_from_db()
    assert outcome.amount == Decimal("7500")
    assert outcome.date == date(2026, 1, 6)
    entry = AuditEntry.objects.get(action="organisations.outcome.updated")
    before, after = entry.changes["amount"]
    assert (Decimal(before), Decimal(after)) == (Decimal(5000), Decimal(7500))
    response = client.post(reverse("organisations:outcome_delete", args=[org.pk, outcome.pk]))
    assert response.status_code == 302
    assert not Outcome.objects.exists()
    assert AuditEntry.objects.filter(action="organisations.outcome.deleted").exists()
    assert client.get(reverse("organisations:outcome_delete", args=[org.pk, 1])).status_code == 405


def test_members_neither_see_nor_record_outcomes(client_for, org_admin, org, other_org):
    outcome = factories.OutcomeFactory(organisation=org, funder="Geheime Stiftung")
    client = client_for(org_admin)
    page = client.get(reverse("organisations:detail", args=[org.pk])).content.decode()
    assert "Geheime Stiftung" not in page
    assert reverse("organisations:outcome_new", args=[org.pk]) not in page
    assert client.get(reverse("organisations:outcome_new", args=[org.pk])).status_code == 403
    edit = reverse("organisations:outcome_edit", args=[org.pk, outcome.pk])
    assert client.get(edit).status_code == 403
    assert client.post(edit, form_data()).status_code == 403
    delete = reverse("organisations:outcome_delete", args=[org.pk, outcome.pk])
    assert client.post(delete).status_code == 403
    # Another organisation's pages do not even exist for them.
    assert client.get(reverse("organisations:outcome_new", args=[other_org.pk])).status_code == 404
    assert Outcome.objects.filter(pk=outcome.pk).exists()


def test_an_outcome_is_only_reachable_under_its_own_organisation(
    client_for, consultant, org, other_org
):
    outcome = factories.OutcomeFactory(organisation=org)
    client = client_for(consultant)
    wrong = reverse("organisations:outcome_edit", args=[other_org.pk, outcome.pk])
    assert client.get(wrong).status_code == 404
    assert (
        client.post(
            reverse("organisations:outcome_delete", args=[other_org.pk, outcome.pk])
        ).status_code
        == 404
    )
    assert (
        client.get(reverse("organisations:outcome_edit", args=[org.pk, 10**30])).status_code == 404
    )


def test_outcomes_appear_in_the_staff_timeline(client_for, consultant, org_admin, org):
    factories.OutcomeFactory(organisation=org, funder="Stiftung Zeitstrahl")
    url = reverse("organisations:timeline", args=[org.pk])
    staff_timeline = client_for(consultant).get(url, headers={"HX-Request": "true"})
    titles = [event.title for event in staff_timeline.context["events"]]
    assert str(Outcome.Kind.OUTSIDE_FUNDING.label) in titles
    assert "Stiftung Zeitstrahl" in staff_timeline.content.decode()
    member_timeline = client_for(org_admin).get(url, headers={"HX-Request": "true"})
    assert str(Outcome.Kind.OUTSIDE_FUNDING.label) not in [
        e.title for e in member_timeline.context["events"]
    ]
    assert "Stiftung Zeitstrahl" not in member_timeline.content.decode()


def profile(org, **changes) -> OrganisationProfile:
    values = {
        "name": org.name,
        "kind": org.kind,
        "legal_form": org.legal_form,
        "district": org.district,
        "founding_year": org.founding_year,
        **changes,
    }
    return OrganisationProfile.from_values(values)


def test_changing_the_legal_form_to_ev_records_a_founding_once(org_admin):
    org = factories.OrganisationFactory(
        legal_form=Organisation.LegalForm.IN_FOUNDING, founding_year=None
    )
    services.organisation_update(
        organisation=org,
        profile=profile(
            org, legal_form=Organisation.LegalForm.REGISTERED_ASSOCIATION, founding_year=2026
        ),
        by=org_admin,
    )
    founded = Outcome.objects.get(organisation=org)
    assert founded.kind == Outcome.Kind.FOUNDED_ASSOCIATION
    assert founded.date == timezone.localdate()
    # Back and forth again: still one founding.
    org.refresh_from_db()
    services.organisation_update(
        organisation=org,
        profile=profile(org, legal_form=Organisation.LegalForm.OTHER),
        by=org_admin,
    )
    org.refresh_from_db()
    services.organisation_update(
        organisation=org,
        profile=profile(org, legal_form=Organisation.LegalForm.REGISTERED_ASSOCIATION),
        by=org_admin,
    )
    assert Outcome.objects.filter(organisation=org).count() == 1


def test_an_unchanged_ev_records_nothing(org_admin, org):
    services.organisation_update(
        organisation=org, profile=profile(org, name="Neu e.V.", founding_year=2010), by=org_admin
    )
    assert not Outcome.objects.exists()


def test_the_service_refuses_what_the_form_refuses(consultant, org):
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(Exception) as error:
        services.outcome_record(
            organisation=org,
            values=OutcomeValues(kind=Outcome.Kind.OUTSIDE_FUNDING, date=tomorrow),
            by=consultant,
        )
    assert set(error.value.message_dict) == {"date", "funder"}
    assert not Outcome.objects.exists()


def test_erasing_an_organisation_removes_its_outcomes(org):
    factories.OutcomeFactory(organisation=org)
    org.delete()
    assert not Outcome.objects.exists()
