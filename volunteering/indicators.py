"""The volunteer service desk's funder-reporting indicators, defined once (the contract's
`indicators`), each over the records it counts for a period (both ends inclusive):

- organisations advised: distinct organisations with at least one consultation in the period;
- sites recognised: organisations whose recognition date as a placement site (or carrier)
  lies in the period;
- placements: placements running at some time in the period (not cancelled);
- volunteers: distinct volunteers in those placements;
- outcome: migrant organisations and initiatives recognised as placement sites.
"""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from ikmo.periods import within
from ikmo.subprojects import SubProject
from organisations.models import MO_KINDS
from reporting.registry import (
    Column,
    Indicator,
    Level,
    Reach,
    Unit,
    choice_label,
    organisation_columns,
)

from .models import (
    Consultation,
    Placement,
    PlacementStatus,
    ServiceProfile,
    ServiceType,
    SiteStatus,
)


def consultations(period):
    return within(Consultation.objects.all(), "held_on", period)


def sites_recognised(period):
    # A site that later became a carrier keeps its recognition date and still counts.
    recognised = ServiceProfile.objects.filter(
        status__in=[SiteStatus.RECOGNISED, SiteStatus.CARRIER]
    )
    return within(recognised, "recognised_on", period)


def placements(period):
    """Placements overlapping the period: started by its end, not ended before its start."""
    return (
        Placement.objects.exclude(status=PlacementStatus.CANCELLED)
        .filter(start_date__lte=period.end)
        .filter(
            Q(ended_on__isnull=True, end_date__gte=period.start)
            | Q(ended_on__isnull=False, ended_on__gte=period.start)
        )
    )


_PLACEMENT_COLUMNS = (
    *organisation_columns("site"),
    Column(_("Service"), "service_type", choice_label(ServiceType.choices)),
    Column(_("Start"), "start_date"),
    Column(_("Planned end"), "end_date"),
    Column(_("Actual end"), "ended_on"),
    Column(_("Status"), "status", choice_label(PlacementStatus.choices)),
)

INDICATORS = [
    Indicator(
        key="organisations_advised",
        label=_("Organisations advised on volunteer services"),
        subproject=SubProject.VOLUNTEERING,
        unit=Unit.ORGANISATIONS,
        records=consultations,
        measure=lambda: Count("organisation", distinct=True),
        date_field="held_on",
        reach=Reach.SUPPORTED,
        activity=True,
        columns=(*organisation_columns(), Column(_("Date"), "held_on")),
        order=10,
    ),
    Indicator(
        key="sites_recognised",
        label=_("Placement sites recognised"),
        subproject=SubProject.VOLUNTEERING,
        unit=Unit.ORGANISATIONS,
        records=sites_recognised,
        date_field="recognised_on",
        reach=Reach.SUPPORTED,
        columns=(
            *organisation_columns(),
            Column(_("Recognised on"), "recognised_on"),
            Column(_("Status"), "status", choice_label(SiteStatus.choices)),
        ),
        order=11,
    ),
    Indicator(
        key="placements",
        label=_("Volunteer placements"),
        description=_("Placements running at some time in the period."),
        subproject=SubProject.VOLUNTEERING,
        records=placements,
        organisation_field="site",
        date_field="start_date",
        reach=Reach.SUPPORTED,
        columns=_PLACEMENT_COLUMNS,
        order=20,
    ),
    Indicator(
        key="volunteers",
        label=_("Volunteers in placements"),
        description=_("Distinct people; the list shows their placements, not their names."),
        subproject=SubProject.VOLUNTEERING,
        unit=Unit.PEOPLE,
        records=placements,
        measure=lambda: Count("volunteer", distinct=True),
        organisation_field="site",
        date_field="start_date",
        columns=_PLACEMENT_COLUMNS,
        order=21,
    ),
    Indicator(
        key="outcome_new_placement_sites",
        label=_("Migrant organisations that became placement sites"),
        description=_(
            "Outcome: migrant organisations and initiatives recognised as placement sites."
        ),
        subproject=SubProject.VOLUNTEERING,
        unit=Unit.ORGANISATIONS,
        level=Level.OUTCOME,
        records=sites_recognised,
        condition=Q(organisation__kind__in=MO_KINDS),
        date_field="recognised_on",
        columns=(*organisation_columns(), Column(_("Recognised on"), "recognised_on")),
        order=40,
    ),
]
