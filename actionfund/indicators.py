"""The action fund's funder-reporting indicators, defined once (the contract's `indicators`),
each over the records it counts for a period (both ends inclusive whole days):

- applications submitted in the period;
- projects approved in the period and not withdrawn afterwards, the sum granted to them
  (EUR) and the distinct organisations behind them;
- outcomes: organisations that won funding from outside the centre after their action-fund
  project was approved, and the sum (recorded by staff as organisations.Outcome).
"""

from django.db.models import Count, Exists, OuterRef, Sum
from django.utils.translation import gettext_lazy as _

from ikmo.periods import within
from ikmo.subprojects import SubProject
from organisations.indicators import OUTCOME_COLUMNS
from organisations.models import Outcome
from reporting.registry import (
    Column,
    Indicator,
    Level,
    Reach,
    Unit,
    choice_label,
    organisation_columns,
)

from .models import COMMITTED_STATUSES, Application


def submitted_applications(period):
    """The applications behind the "applications submitted" count."""
    return within(Application.objects.all(), "submitted_at", period)


def approved_applications(period):
    """The projects behind "approved projects", "amount granted", "organisations funded"."""
    return within(Application.objects.filter(status__in=COMMITTED_STATUSES), "approved_at", period)


def outside_funding_after_fund(period):
    """Outside funding won in the period by organisations whose action-fund project had
    been approved by then (an outcome: the fund as a first step to larger grants)."""
    funded_before = Application.objects.filter(
        organisation=OuterRef("organisation"),
        status__in=COMMITTED_STATUSES,
        approved_at__date__lte=OuterRef("date"),
    )
    outside = Outcome.objects.filter(kind=Outcome.Kind.OUTSIDE_FUNDING)
    return within(outside, "date", period).filter(Exists(funded_before))


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
    Indicator(
        key="outcome_outside_funding",
        label=_("Organisations that won outside funding after an action-fund project"),
        description=_(
            "Outcome: funding from outside the centre, recorded by staff, won after the "
            "organisation's action-fund project was approved."
        ),
        subproject=SubProject.ACTIONFUND,
        unit=Unit.ORGANISATIONS,
        level=Level.OUTCOME,
        records=outside_funding_after_fund,
        measure=lambda: Count("organisation", distinct=True),
        date_field="date",
        columns=OUTCOME_COLUMNS,
        order=30,
    ),
    Indicator(
        key="outcome_outside_funding_amount",
        label=_("Outside funding won after an action-fund project"),
        subproject=SubProject.ACTIONFUND,
        unit=Unit.EUR,
        level=Level.OUTCOME,
        records=outside_funding_after_fund,
        measure=lambda: Sum("amount"),
        date_field="date",
        columns=OUTCOME_COLUMNS,
        order=31,
    ),
]
