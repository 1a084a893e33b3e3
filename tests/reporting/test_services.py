"""The reporting services called directly, without a form: the same rules hold."""

import importlib
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from ikmo.audit import is_valid_action
from ikmo.models import AuditEntry
from reporting import services
from reporting.models import FundingPeriod, PlanValue

pytestmark = pytest.mark.django_db


def test_a_period_ending_before_it_starts_is_refused_on_the_end_field(project_lead):
    with pytest.raises(ValidationError) as refused:
        services.period_create(
            by=project_lead,
            name="Verdreht",
            funder="amif",
            start=date(2026, 12, 31),
            end=date(2026, 1, 1),
        )
    assert refused.value.error_dict["end"][0].code == "end_before_start"
    assert not FundingPeriod.objects.exists()


def test_a_period_longer_than_ten_years_is_refused(project_lead, period):
    with pytest.raises(ValidationError) as refused:
        services.period_update(period=period, by=project_lead, end=date(2040, 1, 1))
    assert refused.value.error_dict["end"][0].code == "too_long"
    period.refresh_from_db()
    assert period.end != date(2040, 1, 1)


def test_a_second_period_of_the_same_name_is_refused(project_lead, period):
    with pytest.raises(ValidationError) as refused:
        services.period_create(
            by=project_lead, name=period.name, funder="amif", start=period.start, end=period.end
        )
    assert "name" in refused.value.error_dict
    assert FundingPeriod.objects.count() == 1


def test_a_period_update_records_what_changed_and_nothing_else(project_lead, period):
    services.period_update(period=period, by=project_lead, name=period.name, notes="Verlängert")
    entry = AuditEntry.objects.get(action="reporting.period.updated")
    assert entry.changes == {"notes": ["", "Verlängert"]}
    services.period_update(period=period, by=project_lead, notes="Verlängert")
    assert AuditEntry.objects.filter(action="reporting.period.updated").count() == 1


def test_plan_values_must_be_above_zero(project_lead, period):
    with pytest.raises(ValidationError) as refused:
        services.plan_values_save(
            period=period,
            values={"organisations_supported": Decimal(0), "organisations_reached": Decimal(5)},
            by=project_lead,
        )
    assert refused.value.error_dict["organisations_supported"][0].code == "min_value"
    assert not PlanValue.objects.exists()


def test_plan_values_for_unknown_indicators_are_a_programming_error(project_lead, period):
    with pytest.raises(ValueError):
        services.plan_values_save(period=period, values={"nonsense": Decimal(1)}, by=project_lead)


def test_old_audit_action_names_are_renamed_and_back():
    migration = importlib.import_module("reporting.migrations.0002_audit_action_names")
    for old in migration.RENAMED:
        AuditEntry.objects.create(action=old)
    migration.rename(migration.RENAMED)(apps, None)
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert actions == set(migration.RENAMED.values())
    assert all(is_valid_action(action) for action in actions)
    migration.rename({new: old for old, new in migration.RENAMED.items()})(apps, None)
    assert set(AuditEntry.objects.values_list("action", flat=True)) == set(migration.RENAMED)
