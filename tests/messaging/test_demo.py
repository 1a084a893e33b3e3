import io

import pytest
from django.core.management import call_command

from ikmo.models import NotificationPreference, OutboundEmail
from messaging.models import BulkMessage, BulkRecipient

pytestmark = pytest.mark.django_db


def test_demo_data_has_sent_messages_and_choices_and_loads_twice():
    call_command("seed_demo", stdout=io.StringIO())
    messages = BulkMessage.objects.order_by("created_at")
    assert [m.kind for m in messages] == ["service", "newsletter"]
    assert all(m.status == BulkMessage.Status.DONE and m.recipient_count for m in messages)
    service, newsletter = messages
    assert "Teilprojekt" in service.segment_label or "Sub-project" in service.segment_label
    # The newsletter reaches only the one demo person who agreed to newsletters.
    assert list(newsletter.recipients.values_list("email", flat=True)) == ["mo-a@ikmo.example"]
    assert NotificationPreference.objects.get(user__email="mo-a@ikmo.example").newsletter
    assert not NotificationPreference.objects.get(user__email="mo-a2@ikmo.example").reminders
    counts = (BulkMessage.objects.count(), BulkRecipient.objects.count())
    mails = OutboundEmail.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert (BulkMessage.objects.count(), BulkRecipient.objects.count()) == counts
    assert OutboundEmail.objects.count() == mails
