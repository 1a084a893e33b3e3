"""The registry's own funder-reporting indicators (the contract's `indicators`)."""

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from ikmo.periods import within
from reporting.registry import Column, Indicator, Level, Unit, organisation_columns

from .models import Organisation, Outcome


def organisations_registered(period):
    return within(Organisation.objects.all(), "created_at", period)


def organisations_approved(period):
    return within(Organisation.objects.approved(), "decided_at", period)


def associations_founded(period):
    """Organisations that founded a registered association (e.V.) in the period: recorded by
    staff, or by the profile's legal form changing to e.V."""
    return within(Outcome.objects.filter(kind=Outcome.Kind.FOUNDED_ASSOCIATION), "date", period)


OUTCOME_COLUMNS = (
    *organisation_columns(),
    Column(_("Date"), "date"),
    Column(_("Funder"), "funder"),
    Column(_("Amount (EUR)"), "amount"),
    Column(_("Note"), "note"),
)

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
    Indicator(
        key="outcome_associations_founded",
        label=_("Organisations that founded a registered association (e.V.)"),
        description=_("Outcome: recorded by staff, or when the profile's legal form became e.V."),
        unit=Unit.ORGANISATIONS,
        level=Level.OUTCOME,
        records=associations_founded,
        measure=lambda: Count("organisation", distinct=True),
        date_field="date",
        columns=OUTCOME_COLUMNS,
        order=20,
    ),
]
