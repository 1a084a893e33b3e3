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
