"""Who took part in each sub-project, stored and kept current on write
(reporting/taking_part.py): the stored lists equal the reach's definition; a write makes a
list stale in its own transaction (QuerySet.update and raw SQL too, a rollback not), the
filter then asks the definition, and the refresh after the commit, or the sweeper when the
broker was away or the day changed, brings the list up to date."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from devtools import factories as rows
from organisations.filters import OrganisationFilter
from organisations.models import Organisation
from qualification.models import CoachingSession
from reporting import taking_part
from reporting import tasks as reporting_tasks
from reporting.figures import organisations_taking_part
from reporting.models import TakingPart, TakingPartChange, TakingPartState
from tests import factories
from tests.organisations.test_subproject_filter import taking_part as taking_part_rows  # noqa: F401

pytestmark = pytest.mark.django_db

SUBPROJECTS = ["qualification", "mentoring", "actionfund", "volunteering", "participation_check"]


def _stored(subproject):
    return set(
        TakingPart.objects.filter(subproject=subproject).values_list("organisation_id", flat=True)
    )


def _defined(subproject):
    return set(
        Organisation.objects.filter(organisations_taking_part(subproject)).values_list(
            "pk", flat=True
        )
    )


def _filtered(subproject):
    return set(
        OrganisationFilter(
            {"subproject": subproject}, queryset=Organisation.objects.all()
        ).qs.values_list("pk", flat=True)
    )


@pytest.mark.parametrize("subproject", SUBPROJECTS)
def test_a_refreshed_list_is_the_definitions_and_the_filter_reads_it(
    subproject,
    taking_part_rows,  # noqa: F811
):
    assert not taking_part.is_current(subproject)  # written, not refreshed yet
    taking_part.refresh_stale()
    assert taking_part.is_current(subproject)
    assert _stored(subproject) == _defined(subproject) == {taking_part_rows[subproject].pk}
    assert not TakingPartChange.objects.filter(subproject=subproject).exists()
    with CaptureQueriesContext(connection) as queries:
        assert _filtered(subproject) == {taking_part_rows[subproject].pk}
    # The stored list, not the sub-project's records.
    read = " ".join(q["sql"] for q in queries.captured_queries)
    assert "reporting_takingpart" in read
    records = taking_part.source_tables()[subproject] - {"organisations_organisation"}
    assert records and not any(f'"{table}"' in read for table in records)


def test_the_lists_read_the_tables_of_their_records():
    tables = taking_part.source_tables()
    assert {"qualification_coachingsession", "qualification_registration"} <= tables[
        "qualification"
    ]
    assert "actionfund_application" in tables["actionfund"]
    assert "qualification_coachingsession" not in tables["volunteering"]


def test_a_committed_write_is_taken_in_after_the_commit(django_capture_on_commit_callbacks):
    organisation = factories.OrganisationFactory(name="Neu im Coaching e.V.")
    taking_part.refresh_stale()
    assert taking_part.is_current("qualification")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            rows.CoachingSessionFactory(organisation=organisation)
            rows.CoachingSessionFactory(organisation=organisation)
            # In the writing transaction: stale, and the filter asks the definition.
            assert not taking_part.is_current("qualification")
            assert organisation.pk in _filtered("qualification")
            assert organisation.pk not in _stored("qualification")
        assert taking_part.is_current("volunteering")  # another sub-project's tables
    # One call after the commit for the transaction, however many rows it wrote.
    assert len([c for c in callbacks if isinstance(c, taking_part._AfterCommit)]) == 1
    assert taking_part.is_current("qualification")
    assert organisation.pk in _stored("qualification")
    assert organisation.pk in _filtered("qualification")


def test_writes_without_signals_are_seen_and_a_rollback_leaves_no_trace():
    first = rows.CoachingSessionFactory(organisation=factories.OrganisationFactory()).organisation
    second = factories.OrganisationFactory()
    session = CoachingSession.objects.get(organisation=first)
    taking_part.refresh_stale()

    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic():
        CoachingSession.objects.filter(pk=session.pk).update(organisation=second)
        assert not taking_part.is_current("qualification")
        raise Rollback
    assert taking_part.is_current("qualification")
    assert _stored("qualification") == {first.pk}

    # QuerySet.update() sends no signal; the SQL is seen.
    CoachingSession.objects.filter(pk=session.pk).update(organisation=second)
    assert not taking_part.is_current("qualification")
    assert _filtered("qualification") == {second.pk}  # from the definition meanwhile
    taking_part.refresh_stale()
    assert _stored("qualification") == {second.pk} == _filtered("qualification")

    # Raw SQL too.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE qualification_coachingsession SET organisation_id = %s WHERE id = %s",
            [first.pk, session.pk],
        )
    assert not taking_part.is_current("qualification")
    taking_part.refresh_stale()
    assert _stored("qualification") == {first.pk} == _filtered("qualification")


def test_a_refresh_within_the_writing_transaction_does_not_hide_a_later_write():
    """A refresh inside a transaction that goes on writing (the scale generator, a test)
    takes in the first write; the second is logged again and keeps the list stale."""
    with transaction.atomic():
        rows.CoachingSessionFactory(organisation=factories.OrganisationFactory())
        taking_part.refresh("qualification")
        assert taking_part.is_current("qualification")
        later = rows.CoachingSessionFactory(organisation=factories.OrganisationFactory())
        assert not taking_part.is_current("qualification")
        assert later.organisation_id in _filtered("qualification")


def test_with_the_broker_away_the_change_waits_for_the_sweeper(
    monkeypatch, django_capture_on_commit_callbacks
):
    organisation = factories.OrganisationFactory(name="Broker weg e.V.")
    taking_part.refresh_stale()

    def unreachable(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(reporting_tasks.refresh_taking_part, "apply_async", unreachable)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        rows.CoachingSessionFactory(organisation=organisation)
    # Nothing lost: the change stays logged, the filter asks the definition.
    assert TakingPartChange.objects.filter(subproject="qualification").exists()
    assert not taking_part.is_current("qualification")
    assert organisation.pk in _filtered("qualification")
    monkeypatch.undo()
    assert reporting_tasks.refresh_stale_taking_part() == ["qualification"]
    assert taking_part.is_current("qualification")
    assert organisation.pk in _stored("qualification")
    assert reporting_tasks.refresh_stale_taking_part() == []


def test_a_list_of_an_earlier_day_is_not_used(django_capture_on_commit_callbacks):
    """A record dated today was "not yet" yesterday: yesterday's list is stale at midnight."""
    tomorrow = timezone.localdate() + timedelta(days=1)
    organisation = rows.CoachingSessionFactory(
        organisation=factories.OrganisationFactory(), date=tomorrow
    ).organisation
    taking_part.refresh_stale()
    assert organisation.pk not in _stored("qualification") | _filtered("qualification")
    TakingPartState.objects.update(refreshed_on=timezone.localdate() - timedelta(days=1))
    assert not taking_part.is_current("qualification")
    assert set(taking_part.refresh_stale()) == set(SUBPROJECTS)


def test_the_refresh_task_computes_the_list_and_reports_what_changed():
    taking_part.refresh_stale()
    organisation = rows.CoachingSessionFactory(
        organisation=factories.OrganisationFactory()
    ).organisation
    assert reporting_tasks.refresh_taking_part("qualification") == (1, 0)
    assert organisation.pk in _stored("qualification")
    assert reporting_tasks.refresh_taking_part("qualification") == (0, 0)


def test_a_list_older_than_an_hour_is_computed_again():
    """A process that died between its commit and the after-commit call left a change
    unlogged: the sweeper computes every list at least hourly."""
    taking_part.refresh_stale()
    assert taking_part.refresh_stale() == []
    TakingPartState.objects.filter(subproject="mentoring").update(
        refreshed_at=timezone.now() - timedelta(hours=2)
    )
    assert taking_part.refresh_stale() == ["mentoring"]


def test_writes_outside_a_transaction_are_logged_between_statements(transactional_db):
    """Outside a transaction (autocommit, as the portal's requests run) a write is logged
    after its statement (here: when the next reader asks), never inside the SQL watcher,
    where SQLite still has the written statement open; the refresh follows at once."""
    organisation = factories.OrganisationFactory(name="Ohne Transaktion e.V.")
    taking_part.refresh_stale()
    session = rows.CoachingSessionFactory(organisation=organisation)
    assert taking_part.is_current("qualification")  # logged, refreshed (Celery eager)
    assert organisation.pk in _stored("qualification")
    CoachingSession.objects.filter(pk=session.pk).delete()
    assert organisation.pk not in _filtered("qualification")
    assert taking_part.is_current("qualification")
    assert organisation.pk not in _stored("qualification")
    assert not TakingPartChange.objects.exists()


def test_the_directory_page_reads_the_stored_list(client, consultant, taking_part_rows):  # noqa: F811
    client.force_login(consultant)
    url = reverse("organisations:directory")
    # Written, not refreshed: every record, counted with the page in one query.
    stale = client.get(url, {"subproject": "mentoring"})
    assert {o.name for o in stale.context["page"]} == {"Fachrunde e.V."}
    assert stale.context["filter"].reads_every_record
    taking_part.refresh_stale()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"subproject": "mentoring"})
    assert {o.name for o in response.context["page"]} == {"Fachrunde e.V."}
    assert not response.context["filter"].reads_every_record
    assert response.context["page"].paginator.count == 1
    read = " ".join(q["sql"] for q in queries.captured_queries)
    assert "mentoring_eventattendance" not in read and "reporting_takingpart" in read
