"""The indicators reporting owns itself: the registry's own figures and the cross-project
counts of distinct organisations, which union what every sub-project logged."""

from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation

from .registry import (
    Dimension,
    Indicator,
    Reach,
    Unit,
    register_indicator,
    union_of_organisations,
    within,
)

SUPPORTED = (Reach.SUPPORTED,)
REACHED = (Reach.SUPPORTED, Reach.REACHED)


def organisations_registered(period):
    return within(Organisation.objects.all(), "created_at", period)


def organisations_approved(period):
    return within(Organisation.objects.approved(), "decided_at", period)


def register():
    register_indicator(
        Indicator(
            key="organisations_supported",
            label=_("Organisations supported (each counted once)"),
            description=_(
                "Distinct organisations that received direct support in any sub-project "
                "(coaching, training, funding, mentoring, placements). An organisation "
                "supported by two sub-projects counts once."
            ),
            unit=Unit.ORGANISATIONS,
            records=lambda period: union_of_organisations(period, SUPPORTED),
            records_for_subproject=lambda period, sp: union_of_organisations(period, SUPPORTED, sp),
            organisation_field="",
            date_field=None,
            breakdowns=(Dimension.DISTRICT, Dimension.KIND, Dimension.SUBPROJECT),
            order=1,
        )
    )
    register_indicator(
        Indicator(
            key="organisations_reached",
            label=_("Organisations reached (each counted once)"),
            description=_(
                "Distinct organisations supported or in contact with any sub-project "
                "(including interviews, events and first talks). Each counts once."
            ),
            unit=Unit.ORGANISATIONS,
            records=lambda period: union_of_organisations(period, REACHED),
            records_for_subproject=lambda period, sp: union_of_organisations(period, REACHED, sp),
            organisation_field="",
            breakdowns=(Dimension.DISTRICT, Dimension.KIND, Dimension.SUBPROJECT),
            order=2,
        )
    )
    register_indicator(
        Indicator(
            key="organisations_registered",
            label=_("Organisations registered in the portal"),
            unit=Unit.ORGANISATIONS,
            records=organisations_registered,
            organisation_field="",
            date_field="created_at",
            order=10,
        )
    )
    register_indicator(
        Indicator(
            key="organisations_approved",
            label=_("Organisation registrations approved"),
            unit=Unit.ORGANISATIONS,
            records=organisations_approved,
            organisation_field="",
            date_field="decided_at",
            order=11,
        )
    )
