"""The participation check's funder-reporting indicators, defined once (the contract's
`indicators`), each over the records it counts for a period (both ends inclusive whole days):

- recommendations_made: recommendations written in the period, broken down by addressee;
- organisations_interviewed: distinct organisations interviewed, with consent, in the period;
- outcomes: recommendations implemented in the period, and the organisations behind them.
"""

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from ikmo.periods import within
from ikmo.subprojects import SubProject
from reporting.registry import (
    Column,
    Indicator,
    Level,
    Reach,
    Unit,
    choice_label,
    organisation_columns,
)

from .models import Interview, Recommendation


def recommendations_made(period):
    return within(Recommendation.objects.all(), "created_at", period)


def interviews_held(period):
    """Interviews with consent in the period (one organisation may be interviewed twice)."""
    return within(Interview.objects.filter(consent_given=True), "date", period)


def recommendations_implemented(period):
    """Recommendations whose follow-up status became "implemented" in the period."""
    done = Recommendation.objects.filter(status=Recommendation.Status.IMPLEMENTED)
    return within(done, "status_date", period)


_IMPLEMENTED_COLUMNS = (
    *organisation_columns("addressee"),
    Column(_("Recommendation"), "text"),
    Column(_("Implemented on"), "status_date"),
)

INDICATORS = [
    Indicator(
        key="recommendations_made",
        label=_("Recommendations made"),
        description=_("Written recommendations; broken down by their addressee."),
        subproject=SubProject.PARTICIPATION_CHECK,
        records=recommendations_made,
        organisation_field="addressee",
        date_field="created_at",
        activity=True,
        columns=(
            Column(_("Analysis"), "analysis__title"),
            *organisation_columns("addressee"),
            Column(_("Priority"), "priority", choice_label(Recommendation.Priority.choices)),
            Column(_("Written on"), "created_at"),
            Column(_("Status"), "status", choice_label(Recommendation.Status.choices)),
        ),
        order=20,
    ),
    Indicator(
        key="organisations_interviewed",
        label=_("Organisations interviewed"),
        description=_("Needs-and-possibilities talks with consent; each organisation once."),
        subproject=SubProject.PARTICIPATION_CHECK,
        unit=Unit.ORGANISATIONS,
        records=interviews_held,
        measure=lambda: Count("organisation", distinct=True),
        date_field="date",
        reach=Reach.REACHED,
        activity=True,
        columns=(
            *organisation_columns(),
            Column(_("Analysis"), "analysis__title"),
            Column(_("Date"), "date"),
        ),
        order=10,
    ),
    Indicator(
        key="outcome_recommendations_implemented",
        label=_("Recommendations implemented"),
        description=_("Outcome: recommendations the addressee has put into practice."),
        subproject=SubProject.PARTICIPATION_CHECK,
        level=Level.OUTCOME,
        records=recommendations_implemented,
        organisation_field="addressee",
        date_field="status_date",
        columns=_IMPLEMENTED_COLUMNS,
        order=40,
    ),
    Indicator(
        key="outcome_organisations_implementing",
        label=_("Organisations that implemented recommendations"),
        subproject=SubProject.PARTICIPATION_CHECK,
        unit=Unit.ORGANISATIONS,
        level=Level.OUTCOME,
        records=recommendations_implemented,
        organisation_field="addressee",
        measure=lambda: Count("addressee", distinct=True),
        date_field="status_date",
        columns=_IMPLEMENTED_COLUMNS,
        order=41,
    ),
]
