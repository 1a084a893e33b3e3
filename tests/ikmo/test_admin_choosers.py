"""Django admin never puts a growing table into a form as one long <select>.

At full scale a payment's add form listed all 2,000 applications, a proof of use every one
of the 6,000 budget lines of every application (848 KiB), a status change of a cooperation
all 1,000 contacts with two queries each (1.1 s). A choice of a row that grows with use is a
searchable box that asks for 20 rows at a time (autocomplete) or a row of its own parent
only; the fixed reference tables below stay plain lists. The answers of those boxes name
their rows in one query, however many rows there are.
"""

import json

import pytest
from django.contrib import admin
from django.contrib.admin.widgets import (
    AutocompleteMixin,
    ForeignKeyRawIdWidget,
    ManyToManyRawIdWidget,
    RelatedFieldWidgetWrapper,
)
from django.core.management import call_command
from django.db import connection
from django.forms import ModelChoiceField
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from tests.conftest import enrol_mfa

pytestmark = pytest.mark.django_db

# Fixed or configured lists of a handful of rows each: plain choices are the better form.
REFERENCE_TABLES = {
    "organisations.District",  # Berlin's twelve districts
    "organisations.FieldOfWork",
    "organisations.SpokenLanguage",
    "qualification.Topic",
    "actionfund.Call",  # one or two a year
    "actionfund.Criterion",  # a call's scoring criteria
    "participation_check.Analysis",  # a few a year
    "participation_check.ParticipationStructure",  # an analysis' structures
    "participation_check.GuidelineQuestion",
    "reporting.FundingPeriod",
    "volunteering.Contingent",
    "volunteering.Seminar",  # a few a year
    "mentoring.Event",  # a few dozen a year
    "mentoring.EventSpeaker",  # an event's speakers
    "qualification.Workshop",  # a few hundred a year
    "auth.Group",
    "auth.Permission",
    "contenttypes.ContentType",
}
# Limited to the rows of the object being edited (a proof of use: its application's lines).
LIMITED_TO_THE_PARENT = {"actionfund.ActualSpending.budget_line"}


@pytest.fixture
def superuser():
    user = factories.UserFactory(is_superuser=True, is_staff=True, email="root@centre.example")
    enrol_mfa(user)
    return user


def _forms(superuser):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    for model, model_admin in admin.site._registry.items():
        if model_admin.has_add_permission(request):
            yield model, model_admin.get_form(request)()
        for inline in model_admin.get_inline_instances(request):
            # As the change page has it: the parent's key is the formset's, not a choice.
            yield inline.model, inline.get_formset(request)(instance=model()).empty_form


def test_no_admin_form_lists_a_growing_table_in_a_select(superuser):
    checked, plain = 0, []
    for model, form in _forms(superuser):
        for name, field in form.fields.items():
            if not isinstance(field, ModelChoiceField) or field.widget.is_hidden:
                continue  # hidden: an inline row's own id
            checked += 1
            widget = field.widget
            if isinstance(widget, RelatedFieldWidgetWrapper):
                widget = widget.widget
            if isinstance(
                widget, AutocompleteMixin | ForeignKeyRawIdWidget | ManyToManyRawIdWidget
            ):
                continue
            if field.queryset.model._meta.label in REFERENCE_TABLES:
                continue
            where = f"{model._meta.label}.{name}"
            if where in LIMITED_TO_THE_PARENT and field.queryset.query.where:
                continue
            plain.append(f"{where} -> {field.queryset.model._meta.label}")
    assert checked > 50
    assert plain == []


def test_every_autocomplete_box_names_its_rows_in_a_constant_number_of_queries(client, superuser):
    call_command("seed_scale", "--factor", "0.01", "--i-know-this-is-not-production")
    client.force_login(superuser)
    request = RequestFactory().get("/admin/")
    request.user = superuser
    compared = 0
    for model_admin in admin.site._registry.values():
        owners = [model_admin, *model_admin.get_inline_instances(request)]
        for owner in owners:
            for field in owner.get_autocomplete_fields(request):
                query = {
                    "app_label": owner.model._meta.app_label,
                    "model_name": owner.model._meta.model_name,
                    "field_name": field,
                }
                url = reverse("admin:autocomplete")
                client.get(url, {**query, "term": ""})  # the session and person, once
                with CaptureQueriesContext(connection) as full:
                    answer = client.get(url, {**query, "term": ""})
                assert answer.status_code == 200, (owner, field)
                results = json.loads(answer.content)["results"]
                if len(results) < 2:
                    continue
                with CaptureQueriesContext(connection) as empty:
                    client.get(url, {**query, "term": "zzqqxx-nothing"})
                where = f"{owner.model._meta.label}.{field}"
                # The same as an answer without rows, plus the one query that reads them.
                assert len(full) == len(empty) + 1, (
                    where,
                    [q["sql"][:150] for q in full.captured_queries],
                    [q["sql"][:150] for q in empty.captured_queries],
                )
                compared += 1
    assert compared >= 40
