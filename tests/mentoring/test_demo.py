import io

import pytest
from django.core.management import call_command

from mentoring.models import CooperationContact, Event, MentorOffer, MentorRequest, Tandem

pytestmark = pytest.mark.django_db


def test_demo_data_loads_and_can_be_loaded_again():
    call_command("seed_demo", stdout=io.StringIO())
    counts = [
        m.objects.count() for m in (MentorOffer, MentorRequest, Tandem, CooperationContact, Event)
    ]
    assert all(counts)
    call_command("seed_demo", stdout=io.StringIO())
    assert [
        m.objects.count() for m in (MentorOffer, MentorRequest, Tandem, CooperationContact, Event)
    ] == counts
