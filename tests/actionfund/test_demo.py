import io

import pytest
from django.core.management import call_command

from actionfund.models import Application, Call, Status

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_action_fund_data_once():
    call_command("seed_demo", stdout=io.StringIO())
    assert Call.objects.count() == 2
    statuses = sorted(Application.objects.values_list("status", flat=True))
    assert statuses == sorted([Status.PAID, Status.CLOSED, Status.DRAFT, Status.IN_REVIEW])
    assert sum(c.is_open for c in Call.objects.all()) == 1
    call_command("seed_demo", stdout=io.StringIO())
    assert Application.objects.count() == 4


def test_last_years_demo_approvals_are_dated_last_year():
    """The demo must not inflate this year's figures with last year's call."""
    from django.utils import timezone

    from actionfund.models import Payment, StatusChange

    call_command("seed_demo", stdout=io.StringIO())
    today = timezone.localdate()
    past = Call.objects.get(year=today.year - 1)
    applications = list(Application.objects.filter(call=past))
    assert applications
    for application in applications:
        assert application.submitted_at < past.closes_at
        assert (
            application.approved_at.year < today.year
            or (application.approved_at.date() < today.replace(month=1, day=1))
            or (today - application.approved_at.date()).days > 200
        )
        assert application.end_date < today
        history = list(
            StatusChange.objects.filter(application=application).values_list(
                "created_at", flat=True
            )
        )
        assert history == sorted(history) and max(history).year == today.year - 1
    paid = Payment.objects.filter(application__call=past)
    assert paid and all(p.paid_on.year == today.year - 1 for p in paid)
    # This year's committed money is this year's call's only.
    committed_now = Application.objects.filter(approved_at__date__gte=today.replace(day=1, month=1))
    assert not committed_now.filter(call=past).exists()


def test_the_demo_decision_letter_names_the_proof_date_the_application_shows():
    """Last year's approval is backdated; its letter must not name the date the services
    computed at seeding time (a year later than the one the page shows)."""
    from django.utils.formats import date_format

    call_command("seed_demo", stdout=io.StringIO())
    for application in Application.objects.exclude(proof_due_date=None):
        assert application.decision_message
        assert (
            date_format(application.proof_due_date, "DATE_FORMAT") in application.decision_message
        )
