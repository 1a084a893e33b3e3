"""Factories for the volunteer service desk. Fictional people only."""

from datetime import date

from devtools.factories import (  # noqa: F401 - the tests import them from here
    ConsultationFactory,
    ContingentFactory,
    OrganisationFactory,
    PlacementFactory,
    SeminarFactory,
    VolunteerFactory,
)
from volunteering.models import ServiceProfile, SiteStatus


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
