"""Every portal and admin form gets the portal's form fields (ikmo.formfields), without any
patch of Django: decimals read German and English notation, multiple choices refuse ids
beyond the database's integers."""

import importlib
from decimal import Decimal

import pytest
from django import forms
from django.apps import apps
from django.contrib import admin
from django.db import models
from django.test import RequestFactory
from django.utils import translation

from ikmo import formfields
from ikmo.forms import ModelForm
from organisations.models import Organisation, User
from reporting.models import PlanValue

PORTAL_APPS = {
    config.name
    for config in apps.get_app_configs()
    if not config.name.startswith(("django.", "allauth", "crispy", "csp", "django_"))
}
HUGE = "99999999999999999999"


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _portal_model_forms():
    for name in sorted(PORTAL_APPS):
        try:
            importlib.import_module(f"{name}.forms")
        except ModuleNotFoundError as exc:
            if exc.name != f"{name}.forms":
                raise
    found = {
        form
        for form in _subclasses(forms.ModelForm)
        if form.__module__.split(".")[0] in PORTAL_APPS and form._meta.model is not None
    }
    return sorted(found, key=lambda form: f"{form.__module__}.{form.__qualname__}")


def _wrong_fields(form_class, model):
    """Fields built from a DecimalField or ManyToManyField without the portal's form field."""
    wrong = []
    for name, field in form_class.base_fields.items():
        try:
            db_field = model._meta.get_field(name)
        except Exception:
            continue
        for model_field, form_field in formfields.FORM_CLASSES.items():
            if isinstance(db_field, model_field) and not isinstance(field, form_field):
                wrong.append(f"{name}: {type(field).__name__}")
    return wrong


MODEL_FORMS = _portal_model_forms()


def test_the_portal_has_model_forms_with_decimals_and_multiple_choices():
    """The check below is no empty loop."""
    names = {f"{form.__module__}.{form.__name__}" for form in MODEL_FORMS}
    assert {"actionfund.forms.CallForm", "organisations.forms.OrganisationForm"} <= names


@pytest.mark.parametrize("form_class", MODEL_FORMS, ids=lambda form: form.__qualname__)
def test_every_model_form_uses_the_portal_form_fields(form_class):
    assert not _wrong_fields(form_class, form_class._meta.model), (
        f"{form_class.__module__}.{form_class.__qualname__} should derive from "
        "ikmo.forms.ModelForm (or pass form=... to its formset factory)"
    )


def _admin_forms():
    request = RequestFactory().get("/admin/")
    request.user = User(is_superuser=True, is_staff=True, is_active=True)
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_config.name not in PORTAL_APPS:
            continue
        yield model_admin, model, model_admin.get_form(request)
        for inline in model_admin.get_inline_instances(request):
            yield inline, inline.model, inline.get_formset(request).form


@pytest.mark.django_db
def test_every_admin_form_uses_the_portal_form_fields():
    wrong, checked = [], 0
    for model_admin, model, form_class in _admin_forms():
        checked += 1
        for problem in _wrong_fields(form_class, model):
            wrong.append(f"{type(model_admin).__module__}.{type(model_admin).__name__} {problem}")
    assert checked > 50
    assert not wrong, "Use ikmo.admin.PortalFormFields:\n" + "\n".join(wrong)


@pytest.mark.django_db
def test_a_new_model_form_reads_german_numbers_and_refuses_huge_ids():
    class PlanForm(ModelForm):
        class Meta:
            model = PlanValue
            fields = ["value"]

    class OrganisationFieldsForm(ModelForm):
        class Meta:
            model = Organisation
            fields = ["fields_of_work"]

    with translation.override("de"):
        form = PlanForm(data={"value": "1.200,50"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["value"] == Decimal("1200.50")
    form = OrganisationFieldsForm(data={"fields_of_work": [HUGE]})
    assert not form.is_valid()
    assert form.errors.as_data()["fields_of_work"][0].code == "invalid_pk_value"


def test_django_itself_is_not_changed():
    """Only the portal's forms get the fields: Django's own classes stay as shipped."""
    plain = forms.modelform_factory(PlanValue, fields=["value"])
    assert type(plain.base_fields["value"]) is forms.DecimalField
    assert "_check_values" not in vars(formfields.ModelMultipleChoiceField)
    assert models.DecimalField.formfield.__module__ == "django.db.models.fields"


@pytest.mark.django_db
def test_the_admin_edits_a_call_with_the_portal_form():
    """CallAdminForm is CallForm (one definition): same fields, same template check, German
    amounts, the admin's own date widgets."""
    from django.contrib.admin import widgets

    from actionfund.admin import CallAdminForm
    from actionfund.forms import CallForm
    from actionfund.models import Call

    request = RequestFactory().get("/admin/")
    request.user = User(is_superuser=True, is_staff=True, is_active=True)
    form_class = admin.site._registry[Call].get_form(request)
    assert issubclass(form_class, CallAdminForm) and issubclass(CallAdminForm, CallForm)
    assert list(form_class.base_fields) == list(CallForm.base_fields)
    assert isinstance(form_class.base_fields["opens_at"].widget, widgets.AdminSplitDateTime)
    data = {
        "year": "2026",
        "title_de": "Aufruf",
        "description_de": "Text",
        "opens_at_0": "01.01.2026",
        "opens_at_1": "00:00",
        "closes_at_0": "31.03.2026",
        "closes_at_1": "23:59",
        "total_budget": "500.000,00",
        "max_single": "1.500",
        "max_cooperation": "3.000",
        "workshop_rule": Call._meta.get_field("workshop_rule").default,
        "workshop_bonus": "0",
        "max_score": "10",
        "proof_of_use_weeks": "8",
        "decision_approved_template": "{% if %}",
        "decision_rejected_template": "",
    }
    with translation.override("de"):
        form = form_class(data=data)
        assert not form.is_valid()
        assert set(form.errors) == {"decision_approved_template"}, form.errors
        assert form.cleaned_data["total_budget"] == Decimal("500000.00")
