"""Every Django admin changelist reads its rows in a fixed number of queries, however many it
shows: the same for two rows a page as for a full page.

Django follows only the non-null foreign keys of list_display on its own; a nullable one
(an attendance's organisation, a tandem's lead, a consultation's consultant) cost one query
per row: 99-106 queries for a page of 100 attendances, mentoring requests, tandems or
consultations at full scale.
"""

from unittest import mock

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from tests import factories
from tests.conftest import enrol_mfa

pytestmark = pytest.mark.django_db


def _queries(client, url, model_admin, per_page: int) -> int:
    with mock.patch.object(model_admin, "list_per_page", per_page):
        client.get(url)  # the session and the person, once
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_every_changelist_reads_a_full_page_in_as_many_queries_as_two_rows(client):
    call_command("seed_scale", "--factor", "0.01", "--i-know-this-is-not-production")
    root = factories.UserFactory(is_superuser=True, is_staff=True, email="root@centre.example")
    enrol_mfa(root)
    client.force_login(root)
    compared, growing = 0, []
    for model, model_admin in admin.site._registry.items():
        try:
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        except NoReverseMatch:
            continue
        if model._default_manager.count() < 4:
            continue  # two rows a page and a full page would show the same rows
        two, full = (_queries(client, url, model_admin, n) for n in (2, 100))
        if full != two:
            growing.append(f"{model._meta.label}: {two} -> {full}")
        compared += 1
    assert compared >= 30
    assert growing == []
