"""Races on the real database (PostgreSQL, row locks): the last money and double submits."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from actionfund import selectors, services
from actionfund.models import Application, Status, StatusChange
from tests import factories

from .factories import draft, in_review


def _race(functions):
    barrier = threading.Barrier(len(functions))
    results, errors = [], []

    def run(function):
        try:
            barrier.wait(timeout=10)
            results.append(function())
        except ValidationError as exc:
            errors.append(exc)
        except Exception as exc:  # anything else is a bug; asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(f,)) for f in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results, errors


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_approvals_racing_for_the_last_money_never_overspend(call, fund_lead):
    call.total_budget = Decimal("3000.00")
    call.save()
    applications = []
    for _i in range(4):
        organisation = factories.OrganisationFactory()
        admin = factories.member_of(organisation, role="admin")
        applications.append(
            in_review(
                organisation=organisation, by=admin, lead=fund_lead, call=call, amount="1000.00"
            )
        )
    # 4 x 1000 EUR asked for at once, 3000 EUR in the call: exactly one must be refused.
    results, errors = _race(
        [
            (
                lambda a=a: services.application_decide(
                    application=a, approve=True, by=fund_lead, amount=Decimal("1000.00")
                )
            )
            for a in applications
        ]
    )
    assert len(results) == 3
    assert len(errors) == 1 and getattr(errors[0], "code", None) == "budget_exceeded"
    ledger = selectors.call_ledger(call)
    assert ledger["committed"] == Decimal("3000.00") and ledger["remaining"] == Decimal("0.00")


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_submits_make_one_submission(org, org_admin):
    application = draft(organisation=org, by=org_admin)
    token = application.submission_token
    results, errors = _race(
        [
            lambda: services.application_submit(
                application=Application.objects.get(pk=application.pk), token=token, by=org_admin
            )
            for _i in range(3)
        ]
    )
    assert len(results) == 1
    assert [getattr(e, "code", None) for e in errors] == ["already_submitted"] * 2
    assert (
        StatusChange.objects.filter(application=application, to_status=Status.SUBMITTED).count()
        == 1
    )
