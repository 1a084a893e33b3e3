"""Factories for the volunteer service desk. Fictional people only."""

from datetime import date
from decimal import Decimal

import factory

from tests.factories import OrganisationFactory
from volunteering.models import (
    Consultation,
    Contingent,
    Placement,
    Seminar,
    ServiceProfile,
    SiteStatus,
    Volunteer,
)


def carrier_profile(organisation=None, **kwargs) -> ServiceProfile:
    organisation = organisation or OrganisationFactory(kind="carrier")
    defaults = {
        "status": SiteStatus.CARRIER,
        "offers_fsj": True,
        "offers_bfd": True,
        "recognised_on": date(2020, 1, 15),
        "places": 20,
    }
    return ServiceProfile.objects.create(organisation=organisation, **{**defaults, **kwargs})


def site_profile(organisation, carrier, **kwargs) -> ServiceProfile:
    defaults = {
        "status": SiteStatus.RECOGNISED,
        "carrier": carrier,
        "offers_fsj": True,
        "offers_bfd": True,
        "recognised_on": date(2024, 3, 1),
        "places": 3,
    }
    return ServiceProfile.objects.create(organisation=organisation, **{**defaults, **kwargs})


class ContingentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contingent

    carrier = factory.SubFactory(OrganisationFactory)
    year = 2025
    service_type = "fsj"
    places = 10


class VolunteerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Volunteer

    first_name = factory.Sequence(lambda n: f"Vorname{n}")
    last_name = "Testperson"
    consent_given_on = date(2025, 6, 1)
    consent_text_version = "2025-01"


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Placement

    volunteer = factory.SubFactory(VolunteerFactory)
    site = factory.SubFactory(OrganisationFactory)
    contingent = factory.SubFactory(ContingentFactory)
    service_type = factory.SelfAttribute("contingent.service_type")
    start_date = date(2025, 9, 1)
    end_date = date(2026, 8, 31)
    weekly_hours = Decimal("39")
    mentor_name = "Mentorin Muster"
    status = "active"


class SeminarFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Seminar

    title = factory.Sequence(lambda n: f"Seminar {n}")
    carrier = factory.SubFactory(OrganisationFactory)
    service_type = ""
    start_date = date(2025, 10, 6)
    end_date = date(2025, 10, 10)
    days = 5


class ConsultationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consultation

    organisation = factory.SubFactory(OrganisationFactory)
    held_on = date(2025, 5, 5)
    topic = "Anerkennung als Einsatzstelle"
