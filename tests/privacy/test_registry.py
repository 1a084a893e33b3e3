"""The registry of personal data covers every model of the portal, field by field."""

import pytest
from django.apps import apps
from django.db import models

from privacy import registry
from privacy.registry import coverage_problems, looks_personal, portal_app_labels


def test_every_model_with_personal_data_is_declared_and_every_personal_field_accounted_for():
    problems = coverage_problems()
    assert problems == [], "\n".join(problems)


def test_the_walk_reaches_every_portal_app_and_model():
    labels = portal_app_labels()
    seen = {m._meta.app_label for label in labels for m in apps.get_app_config(label).get_models()}
    assert seen == set(labels)
    # Sub-project apps on main are all present, actionfund included.
    for label in ("qualification.Registration", "actionfund.Application", "volunteering.Volunteer"):
        assert registry.personal_model(apps.get_model(label)) is not None


@pytest.mark.parametrize(
    "label", ["qualification.Feedback", "volunteering.Volunteer", "organisations.Membership"]
)
def test_a_missing_declaration_makes_the_check_fail(label, monkeypatch):
    model = apps.get_model(label)
    monkeypatch.delitem(registry._REGISTRY, model._meta.label)
    problems = coverage_problems()
    assert any(p.startswith(model._meta.label) for p in problems)


def test_a_new_personal_field_without_a_word_in_the_declaration_makes_the_check_fail(monkeypatch):
    from dataclasses import replace

    from volunteering.models import Placement

    spec = registry.personal_model(Placement)
    # Forget that mentor_name is handled: the field is no longer accounted for.
    people = tuple(p for p in spec.people if "mentor_name" not in (p.path, *p.fields))
    monkeypatch.setitem(registry._REGISTRY, spec.label, replace(spec, people=people))
    assert any("mentor_name" in p for p in coverage_problems())


def test_not_personal_needs_a_reason():
    from organisations.models import District

    with pytest.raises(ValueError):
        registry.not_personal(District, "  ")


def test_a_declaration_naming_a_missing_field_fails_at_once():
    from qualification.models import Feedback

    with pytest.raises(ValueError, match="no field"):
        registry.register(Feedback, people=[registry.by_user("nobody")])


@pytest.mark.parametrize(
    ("field", "personal"),
    [
        (models.EmailField(name="contact"), True),
        (models.FileField(name="scan"), True),
        (models.CharField(name="first_name"), True),
        (models.CharField(name="mentor_name"), True),
        (models.TextField(name="notes"), True),
        (models.DateField(name="birth_date"), True),
        (models.CharField(name="phone_number"), True),
        (models.CharField(name="street"), True),
        (models.CharField(name="title"), False),
        (models.DecimalField(name="amount"), False),
        (models.CharField(name="status"), False),
    ],
)
def test_what_looks_personal(field, personal):
    field.concrete = True
    assert looks_personal(field) is personal


def test_foreign_keys_to_people_look_personal():
    from qualification.models import Registration

    assert looks_personal(Registration._meta.get_field("participant"))
    assert not looks_personal(Registration._meta.get_field("workshop"))
