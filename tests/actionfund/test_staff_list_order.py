"""The staff application list, and its export, open on the newest submissions: drafts,
never submitted, come after every submitted application. A descending order on the
submission time alone put them first on PostgreSQL (NULL sorts first there), so the list
opened on a page of drafts."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from actionfund.models import Status
from ikmo.listexports import exportable_list

from .factories import ApplicationFactory, CallFactory

pytestmark = pytest.mark.django_db


def test_the_newest_submission_comes_first_and_drafts_last(client_for, fund_lead, org):
    now = timezone.now()
    older = ApplicationFactory(
        organisation=org, status=Status.IN_REVIEW, submitted_at=now - timedelta(days=9)
    )
    newest = ApplicationFactory(
        organisation=org, status=Status.SUBMITTED, submitted_at=now - timedelta(days=1)
    )
    # Drafts each of a call of their own (one open draft per call), the second the newest
    # row of all.
    drafts = [
        ApplicationFactory(
            organisation=org, call=CallFactory(), status=Status.DRAFT, submitted_at=None
        )
        for _ in range(2)
    ]
    expected = [newest.pk, older.pk, drafts[1].pk, drafts[0].pk]

    response = client_for(fund_lead).get(reverse("actionfund:application_list"))
    assert response.status_code == 200
    assert [a.pk for a in response.context["page"].object_list] == expected
    rows = exportable_list("actionfund.applications").rows(fund_lead, {})
    assert [a.pk for a in rows] == expected
