"""Django admin under junk input: every registered add page with junk prefill for every field,
every changelist with junk sorting, paging, search and filters. No server error anywhere."""

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from ikmo.adminsafety import clean_initial
from tests import factories
from tests.conftest import enrol_mfa

pytestmark = pytest.mark.django_db

# Each value goes into every field at once (a field that cannot hold it must not break the
# page for the others); %00, -1 and a list with junk ride along in the same requests.
JUNK = ["%00\x00", "1e999", "abc,-1", "9" * 30, "A" * 5000 + "2026-13-45"]
CHANGELIST_JUNK = [
    "o=abc&p=99999",
    "o=99.-3&p=abc",
    "q=%00\x00&unknown__lookup=1",
    "q=" + "A" * 3000 + "&all=&o=-1",
    "id__gt=abc&e=1",
]


@pytest.fixture
def admin_client(db):
    user = factories.UserFactory(is_superuser=True, is_staff=True, email="root@centre.example")
    enrol_mfa(user)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _registered():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def _field_names(model):
    return [
        f.name
        for f in model._meta.get_fields()
        if (f.concrete or f.many_to_many) and not f.auto_created
    ]


def test_the_fourteen_autocomplete_admins_are_among_those_walked():
    with_autocomplete = [m for m, ma in _registered() if ma.autocomplete_fields]
    assert len(with_autocomplete) >= 14


def test_every_add_page_survives_junk_prefill_for_every_field(admin_client):
    problems = []
    for model, model_admin in _registered():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
        fields = _field_names(model)
        for value in JUNK:
            # All fields at once, then (for autocomplete admins) each field alone.
            query = dict.fromkeys(fields, value)
            response = admin_client.get(url, query)
            if response.status_code >= 500:
                problems.append(f"{url} all fields = {value[:12]!r}: {response.status_code}")
        # The autocomplete fields each alone too (the 39 errors).
        for name in model_admin.autocomplete_fields:
            for value in ("abc", "1e999"):
                response = admin_client.get(url, {name: value})
                if response.status_code >= 500:
                    problems.append(f"{url} {name}={value!r}: {response.status_code}")
    assert not problems, "\n".join(problems)


def test_every_changelist_survives_junk_sorting_paging_search_and_filters(admin_client):
    problems = []
    for model, _model_admin in _registered():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for query in CHANGELIST_JUNK:
            response = admin_client.get(f"{url}?{query}")
            if response.status_code >= 500:
                problems.append(f"{url}?{query[:30]}: {response.status_code}")
    assert not problems, "\n".join(problems)


def test_junk_prefill_is_dropped_and_good_prefill_kept(admin_client):
    from organisations.models import Membership

    org = factories.OrganisationFactory()
    kept = clean_initial(Membership, {"organisation": str(org.pk), "role": "admin"})
    assert kept == {"organisation": str(org.pk), "role": "admin"}
    assert clean_initial(Membership, {"organisation": "1e999", "user": "\x00"}) == {}
    response = admin_client.get(
        reverse("admin:organisations_membership_add"), {"organisation": str(org.pk)}
    )
    assert response.status_code == 200
    assert org.name in response.content.decode()
