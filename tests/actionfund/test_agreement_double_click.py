"""The funding agreement PDF asked for twice (a double click, a second tab) is made once."""

import pytest
from django.db import connection
from django.urls import reverse

from actionfund import services
from ikmo.models import GeneratedDocument

from .factories import approved
from .test_concurrency import _race


@pytest.mark.django_db
def test_a_second_click_gets_the_same_agreement(client_for, org, org_admin, fund_lead):
    application = approved(organisation=org, by=org_admin, lead=fund_lead, amount="750.00")
    client = client_for(org_admin)
    url = reverse("actionfund:agreement_request", args=[application.pk])
    first = client.post(url)
    second = client.post(url)
    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    assert GeneratedDocument.objects.filter(kind=services.AGREEMENT_KIND).count() == 1


@pytest.mark.django_db
def test_a_changed_or_failed_agreement_is_made_again(org, org_admin, fund_lead):
    application = approved(organisation=org, by=org_admin, lead=fund_lead, amount="750.00")
    first = services.agreement_request(application=application, by=org_admin)
    GeneratedDocument.objects.filter(pk=first.pk).update(status=GeneratedDocument.Status.FAILED)
    second = services.agreement_request(application=application, by=org_admin)
    assert second.pk != first.pk
    application.save()  # any change to the application after the document was asked for
    third = services.agreement_request(application=application, by=org_admin)
    assert third.pk not in (first.pk, second.pk)


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_clicks_make_one_agreement(org, org_admin, fund_lead):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    application = approved(organisation=org, by=org_admin, lead=fund_lead, amount="750.00")

    def click():
        return services.agreement_request(application=application, by=org_admin).pk

    results, errors = _race([click, click, click])
    assert errors == []
    assert len(set(results)) == 1
    assert GeneratedDocument.objects.filter(kind=services.AGREEMENT_KIND).count() == 1
