"""The registry's own funder-reporting indicators (the contract's `indicators`)."""

from django.utils.translation import gettext_lazy as _

from ikmo.periods import within
from reporting.registry import Indicator, Unit

from .models import Organisation


def organisations_registered(period):
    return within(Organisation.objects.all(), "created_at", period)


def organisations_approved(period):
    return within(Organisation.objects.approved(), "decided_at", period)


INDICATORS = [
    Indicator(
        key="organisations_registered",
        label=_("Organisations registered in the portal"),
        unit=Unit.ORGANISATIONS,
        records=organisations_registered,
        organisation_field="",
        date_field="created_at",
        order=10,
    ),
    Indicator(
        key="organisations_approved",
        label=_("Organisation registrations approved"),
        unit=Unit.ORGANISATIONS,
        records=organisations_approved,
        organisation_field="",
        date_field="decided_at",
        order=11,
    ),
]
