"""The indicators reporting owns itself (the contract's `indicators`): the cross-project
counts of distinct organisations, which union what every sub-project logged."""

from django.utils.translation import gettext_lazy as _

from .registry import Dimension, Indicator, Reach, Unit

SUPPORTED = (Reach.SUPPORTED,)
REACHED = (Reach.SUPPORTED, Reach.REACHED)

INDICATORS = [
    Indicator(
        key="organisations_supported",
        label=_("Organisations supported (each counted once)"),
        description=_(
            "Distinct organisations that received direct support in any sub-project "
            "(coaching, training, funding, mentoring, placements). An organisation "
            "supported by two sub-projects counts once."
        ),
        unit=Unit.ORGANISATIONS,
        reach_levels=SUPPORTED,
        organisation_field="",
        date_field=None,
        breakdowns=(Dimension.DISTRICT, Dimension.KIND, Dimension.SUBPROJECT),
        order=1,
    ),
    Indicator(
        key="organisations_reached",
        label=_("Organisations reached (each counted once)"),
        description=_(
            "Distinct organisations supported or in contact with any sub-project "
            "(including interviews, events and first talks). Each counts once."
        ),
        unit=Unit.ORGANISATIONS,
        reach_levels=REACHED,
        organisation_field="",
        breakdowns=(Dimension.DISTRICT, Dimension.KIND, Dimension.SUBPROJECT),
        order=2,
    ),
]
