"""Action fund factories and helpers. Fictional data only."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from actionfund import services
from actionfund.models import Application, BudgetLine, Call, Criterion, Status
from tests.factories import district


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call

    year = 2026
    title = factory.Sequence(lambda n: f"Kaleidoskop Testaufruf {n}")
    description = "Fiktiver Aufruf für Tests."
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=10))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=20))
    total_budget = Decimal("10000.00")
    max_single = Decimal("1500.00")
    max_cooperation = Decimal("3000.00")
    is_published = True


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    call = factory.SubFactory(CallFactory)
    title = factory.Sequence(lambda n: f"Kriterium {n}")
    weight = Decimal("1.00")


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A complete draft: every required field filled, no budget lines yet."""

    class Meta:
        model = Application

    call = factory.SubFactory(CallFactory)
    title = factory.Sequence(lambda n: f"Nachbarschaftsfest {n}")
    summary = "Ein Fest im Kiez."
    goals = "Begegnung fördern."
    target_group = "Familien im Kiez."
    district = factory.LazyFunction(district)
    start_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=40))
    end_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=100))
    activities = "Vorbereitung, Fest, Auswertung."


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
