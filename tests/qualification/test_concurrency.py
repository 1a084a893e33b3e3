"""The last place of a workshop, asked for by several people at the same moment."""

import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qualification import services
from qualification.models import Registration
from tests import factories

from .factories import make_workshop


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_racing_for_the_last_place_never_overbooks(org, trainer):
    workshop = make_workshop(trainer=trainer, capacity=2)
    first = factories.member_of(org)
    services.registration_create(workshop=workshop, participant=first, organisation=org, by=first)
    people = [factories.member_of(org) for _ in range(6)]
    barrier = threading.Barrier(len(people))
    statuses, errors = [], []

    def attempt(person):
        try:
            barrier.wait(timeout=10)
            registration = services.registration_create(
                workshop=workshop, participant=person, organisation=org, by=person
            )
            statuses.append(registration.status)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(statuses) == ["confirmed"] + ["waitlisted"] * 5
    assert workshop.registrations.filter(status=Registration.Status.CONFIRMED).count() == 2
    positions = sorted(workshop.registrations.values_list("position", flat=True))
    assert positions == list(range(1, 8))


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_cancellation_and_registration_racing_keep_the_count_right(org, trainer):
    """A cancellation (which promotes) and new registrations at once: never above capacity."""
    workshop = make_workshop(trainer=trainer, capacity=1)
    holder = factories.member_of(org)
    held = services.registration_create(
        workshop=workshop, participant=holder, organisation=org, by=holder
    )
    waiting = factories.member_of(org)
    services.registration_create(
        workshop=workshop, participant=waiting, organisation=org, by=waiting
    )
    newcomers = [factories.member_of(org) for _ in range(4)]
    barrier = threading.Barrier(len(newcomers) + 1)
    errors = []

    def cancel():
        try:
            barrier.wait(timeout=10)
            services.registration_cancel(registration=held, by=holder)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    def join(person):
        try:
            barrier.wait(timeout=10)
            services.registration_create(
                workshop=workshop, participant=person, organisation=org, by=person
            )
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=cancel)] + [
        threading.Thread(target=join, args=(p,)) for p in newcomers
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    confirmed = workshop.registrations.filter(status=Registration.Status.CONFIRMED)
    assert confirmed.count() == 1
    # The freed place goes to whoever was first in line when it was freed: the earliest
    # waiting person, unless a newcomer registered before the cancellation and found it free.
    assert confirmed.get().participant != holder


@pytest.mark.services
@pytest.mark.django_db
def test_registration_locks_the_workshop_row_before_counting(org, org_member, trainer):
    workshop = make_workshop(trainer=trainer, capacity=1)
    with CaptureQueriesContext(connection) as ctx:
        services.registration_create(
            workshop=workshop, participant=org_member, organisation=org, by=org_member
        )
    sql = [q["sql"] for q in ctx.captured_queries]
    lock = next(i for i, q in enumerate(sql) if "FOR UPDATE" in q)
    count = next(i for i, q in enumerate(sql) if "COUNT(" in q.upper())
    assert 'FROM "qualification_workshop"' in sql[lock]
    assert lock < count


@pytest.mark.django_db
def test_last_place_goes_to_the_first_and_the_second_waits(org, trainer):
    """The deterministic version: one after the other, exactly one gets the last place."""
    workshop = make_workshop(trainer=trainer, capacity=1)
    a, b = factories.member_of(org), factories.member_of(org)
    ra = services.registration_create(workshop=workshop, participant=a, organisation=org, by=a)
    rb = services.registration_create(workshop=workshop, participant=b, organisation=org, by=b)
    assert (ra.status, rb.status) == ("confirmed", "waitlisted")
