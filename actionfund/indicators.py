"""The action fund's funder-reporting indicators, defined once (the contract's `indicators`),
each over the records it counts for a period (both ends inclusive whole days):

- applications submitted in the period;
- projects approved in the period and not withdrawn afterwards, the sum granted to them
  (EUR) and the distinct organisations behind them.
"""

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from ikmo.periods import within
from ikmo.subprojects import SubProject
from reporting.registry import Column, Indicator, Reach, Unit, choice_label, organisation_columns

from .models import COMMITTED_STATUSES, Application


def submitted_applications(period):
    """The applications behind the "applications submitted" count."""
    return within(Application.objects.all(), "submitted_at", period)


def approved_applications(period):
    """The projects behind "approved projects", "amount granted", "organisations funded"."""
    return within(Application.objects.filter(status__in=COMMITTED_STATUSES), "approved_at", period)


_STATUS_LABEL = choice_label(Application._meta.get_field("status").choices)
_APPROVED_COLUMNS = (
    *organisation_columns(),
    Column(_("Project"), "title"),
    Column(_("Approved at"), "approved_at"),
    Column(_("Amount granted (EUR)"), "approved_amount"),
    Column(_("Status"), "status", _STATUS_LABEL),
)

INDICATORS = [
    Indicator(
        key="applications_submitted",
        label=_("Action fund applications submitted"),
        subproject=SubProject.ACTIONFUND,
        records=submitted_applications,
        date_field="submitted_at",
        reach=Reach.REACHED,
        activity=True,
        columns=(
            *organisation_columns(),
            Column(_("Project"), "title"),
            Column(_("Submitted at"), "submitted_at"),
            Column(_("Status"), "status", _STATUS_LABEL),
        ),
        order=10,
    ),
    Indicator(
        key="applications_approved",
        label=_("Action fund projects approved"),
        description=_("Approved in the period and not withdrawn since."),
        subproject=SubProject.ACTIONFUND,
        records=approved_applications,
        date_field="approved_at",
        reach=Reach.SUPPORTED,
        activity=True,
        columns=_APPROVED_COLUMNS,
        order=11,
    ),
    Indicator(
        key="amount_granted",
        label=_("Action fund amount granted"),
        subproject=SubProject.ACTIONFUND,
        unit=Unit.EUR,
        records=approved_applications,
        measure=lambda: Sum("approved_amount"),
        date_field="approved_at",
        columns=_APPROVED_COLUMNS,
        order=12,
    ),
    Indicator(
        key="organisations_funded",
        label=_("Organisations funded by the action fund"),
        subproject=SubProject.ACTIONFUND,
        unit=Unit.ORGANISATIONS,
        records=approved_applications,
        measure=lambda: Count("organisation", distinct=True),
        date_field="approved_at",
        columns=_APPROVED_COLUMNS,
        order=13,
    ),
]
