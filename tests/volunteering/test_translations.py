from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from volunteering import rules, services


def test_rule_explanations_are_german_by_default():
    with translation.override("de"):
        errors = rules.check_placement(
            service_type="fsj",
            start=date(2025, 9, 1),
            end=date(2025, 12, 31),
            weekly_hours=30,
            birth_year=None,
        )
    assert "mindestens 6 Monate" in errors["end_date"]
    assert "Vollzeitdienst" in errors["weekly_hours"]


@pytest.mark.django_db
def test_the_desk_pages_speak_german(client_for, desk_consultant, settings):
    settings.LANGUAGE_CODE = "de"
    response = client_for(desk_consultant).get(
        reverse("volunteering:home"), HTTP_ACCEPT_LANGUAGE="de"
    )
    body = response.content.decode()
    assert "Servicestelle Freiwilligendienste" in body and "Einsatz planen" in body


@pytest.mark.django_db
def test_a_full_contingent_is_explained_in_german(site, contingent, desk_consultant):
    from .test_contingents import placement_data, volunteer_data

    contingent.places = 0
    contingent.save()
    with translation.override("de"), pytest.raises(ValidationError) as error:
        services.placement_create(
            volunteer=volunteer_data(), placement=placement_data(site), by=desk_consultant
        )
    assert "ausgeschöpft (0 von 0 Plätzen)" in error.value.messages[0]
