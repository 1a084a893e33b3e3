"""Action fund factories and helpers. Fictional data only."""

from decimal import Decimal

from django.utils import timezone

from actionfund import services
from actionfund.models import Application, BudgetLine, Status
from devtools.factories import (  # noqa: F401 - the tests import them from here
    ApplicationFactory,
    CallFactory,
    CriterionFactory,
)


def add_line(application, amount, description="Honorar"):
    line = BudgetLine.objects.create(
        application=application,
        category=BudgetLine.Category.FEES,
        description=description,
        amount=Decimal(amount),
    )
    Application.objects.filter(pk=application.pk).update(
        requested_amount=services.selectors.budget_total(application)
    )
    application.refresh_from_db()
    return line


def draft(*, organisation, by, call=None, amount="1000.00", **kwargs):
    application = ApplicationFactory(
        organisation=organisation, created_by=by, **({"call": call} if call else {}), **kwargs
    )
    if amount:
        add_line(application, amount)
    return application


def submitted(*, organisation, by, **kwargs):
    application = draft(organisation=organisation, by=by, **kwargs)
    return services.application_submit(
        application=application, token=application.submission_token, by=by
    )


def in_review(*, organisation, by, lead, **kwargs):
    application = submitted(organisation=organisation, by=by, **kwargs)
    return services.application_transition(
        application=application, to_status=Status.IN_REVIEW, by=lead
    )


def approved(*, organisation, by, lead, amount=None, **kwargs):
    application = in_review(organisation=organisation, by=by, lead=lead, **kwargs)
    return services.application_decide(
        application=application,
        approve=True,
        by=lead,
        amount=Decimal(amount) if amount else application.requested_amount,
    )


def paid(*, organisation, by, lead, **kwargs):
    application = approved(organisation=organisation, by=by, lead=lead, **kwargs)
    application = services.application_transition(
        application=application, to_status=Status.AGREEMENT_SIGNED, by=lead
    )
    services.payment_record(
        application=application,
        amount=application.approved_amount,
        paid_on=timezone.localdate(),
        reference="T-1",
        by=lead,
    )
    application.refresh_from_db()
    return application
