import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_member_sees_own_organisation_but_not_another(client_for, org, other_org, org_member):
    client = client_for(org_member)
    assert client.get(reverse("organisations:detail", args=[org.pk])).status_code == 200
    assert client.get(reverse("organisations:detail", args=[other_org.pk])).status_code == 404
