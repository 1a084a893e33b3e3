import datetime

import pytest
from django.db import IntegrityError, transaction
from django.db.models import DateField, Value
from django.utils import timezone

from ikmo.models import OutboundEmail
from mentoring import services, tasks
from mentoring.models import Tandem, TandemMeeting, TandemNudge

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 1)


def weeks_ago(n, days=0):
    return TODAY - datetime.timedelta(weeks=n, days=days)


@pytest.fixture
def tandem(active_tandem):
    Tandem.objects.filter(pk=active_tandem.pk).update(starts_on=weeks_ago(10))
    OutboundEmail.objects.all().delete()
    return active_tandem


@pytest.fixture
def frozen_today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)


def meet(tandem, on):
    return TandemMeeting.objects.create(tandem=tandem, met_on=on, summary="Treffen")


def test_both_sides_and_the_lead_are_reminded_after_n_weeks_without_a_meeting(
    tandem, frozen_today, org_admin, other_org_admin, project_lead
):
    meet(tandem, weeks_ago(6, days=1))
    assert tasks.sweep_tandem_nudges() == 1
    assert sorted(OutboundEmail.objects.values_list("to", flat=True)) == sorted(
        [org_admin.email, other_org_admin.email, project_lead.email]
    )
    assert TandemNudge.objects.get().gap_since == weeks_ago(6, days=1)


def test_a_recent_meeting_means_no_reminder(tandem, frozen_today):
    meet(tandem, weeks_ago(10))
    meet(tandem, weeks_ago(5))
    assert tasks.sweep_tandem_nudges() == 0
    assert not OutboundEmail.objects.exists()


def test_without_any_meeting_the_start_counts(tandem, frozen_today):
    assert tasks.sweep_tandem_nudges() == 1
    assert TandemNudge.objects.get().gap_since == weeks_ago(10)


def test_exactly_once_per_gap_and_again_for_the_next_gap(tandem, frozen_today, monkeypatch):
    meet(tandem, weeks_ago(8))
    tasks.sweep_tandem_nudges()
    tasks.sweep_tandem_nudges()
    assert services.tandem_nudge(tandem_id=tandem.pk) is False  # a redelivered task
    assert TandemNudge.objects.count() == 1 and OutboundEmail.objects.count() == 3

    # They meet again; weeks later that new gap is reminded once more.
    meet(tandem, weeks_ago(7))
    assert tasks.sweep_tandem_nudges() == 1
    assert TandemNudge.objects.count() == 2 and OutboundEmail.objects.count() == 6


def test_the_number_of_weeks_is_a_setting(tandem, frozen_today, settings):
    meet(tandem, weeks_ago(3))
    settings.IKMO_TANDEM_NUDGE_WEEKS = 4
    assert tasks.sweep_tandem_nudges() == 0
    settings.IKMO_TANDEM_NUDGE_WEEKS = 2
    assert tasks.sweep_tandem_nudges() == 1


def test_finished_or_proposed_tandems_are_not_reminded(tandem, frozen_today, project_lead):
    services.tandem_close(tandem=tandem, status=Tandem.Status.COMPLETED, by=project_lead)
    OutboundEmail.objects.all().delete()
    assert tasks.sweep_tandem_nudges() == 0
    assert services.tandem_nudge(tandem_id=tandem.pk) is False
    assert not OutboundEmail.objects.exists()


def test_the_marker_row_is_unique_per_gap(tandem):
    TandemNudge.objects.create(tandem=tandem, gap_since=weeks_ago(7))
    with pytest.raises(IntegrityError), transaction.atomic():
        TandemNudge.objects.create(tandem=tandem, gap_since=weeks_ago(7))


def test_a_claim_lost_to_another_worker_sends_nothing(tandem, frozen_today, monkeypatch):
    """Two workers both see the tandem as due; the second hits the marker and stays quiet."""
    from mentoring import selectors

    due = selectors.tandems_due_for_nudge

    def stale_view(**kwargs):
        # The slower worker read the tandem as due before the faster one committed its marker.
        pks = list(due(**kwargs).values_list("pk", flat=True))
        TandemNudge.objects.create(tandem=tandem, gap_since=weeks_ago(10))
        return Tandem.objects.filter(pk__in=pks).annotate(
            gap_since=Value(weeks_ago(10), output_field=DateField())
        )

    monkeypatch.setattr(selectors, "tandems_due_for_nudge", stale_view)
    assert services.tandem_nudge(tandem_id=tandem.pk) is False
    assert not OutboundEmail.objects.exists()
    assert TandemNudge.objects.count() == 1
