"""Fictional demo data for messages to many and notification choices. Safe to run again:
the messages have fixed once-keys (a second run finds them), choices are made once.

Relies on the demo organisations and logins of organisations' seed_demo command. The
messages go through the same services as the compose page, so the log shows them sent;
their mails go to the demo's invented addresses.
"""

import uuid

from django.http import QueryDict

from ikmo.models import NotificationPreference
from organisations.models import User

from . import selectors, services
from .models import BulkMessage

# once-key, segment filter, kind, German subject and text, Turkish subject and text
MESSAGES = [
    (
        uuid.UUID("6f1c4c1e-5d1a-4c55-9a51-0d3e4b1f0a01"),
        {"segment-subproject": "qualification"},
        BulkMessage.Kind.SERVICE,
        (
            "Neue Workshop-Reihe im Herbst",
            "Liebe Vereine, ab Oktober bieten wir wieder "
            "Workshops zu Vereinsfinanzen und Förderanträgen an. Die Anmeldung ist im Portal "
            "offen.",
        ),
        (
            "Sonbaharda yeni atölye dizisi",
            "Sevgili dernekler, Ekim ayından itibaren dernek "
            "finansmanı ve hibe başvuruları üzerine yeniden atölyeler sunuyoruz.",
        ),
    ),
    (
        uuid.UUID("6f1c4c1e-5d1a-4c55-9a51-0d3e4b1f0a02"),
        {},
        BulkMessage.Kind.NEWSLETTER,
        (
            "Rundbrief: Neues aus dem Kompetenzzentrum",
            "In diesem Rundbrief: der neue "
            "Aufruf des Aktionsfonds, Termine der Fachrunden und ein Rückblick auf das "
            "Netzwerktreffen.",
        ),
        ("", ""),
    ),
]

# email, reminders, newsletter: choices some demo people made on their "Notifications" page
PREFERENCES = [
    ("mo-a@ikmo.example", True, True),
    ("mo-a2@ikmo.example", False, False),
]


def seed(stdout=None):
    for email, reminders, newsletter in PREFERENCES:
        person = User.objects.filter(email=email).first()
        if person is None or NotificationPreference.objects.filter(user=person).exists():
            continue
        services.notification_preferences_update(
            user=person, reminders=reminders, newsletter=newsletter
        )

    lead = User.objects.filter(email="lead@ikmo.example").first()
    if lead is None:
        return
    sent = 0
    for once_key, params, kind, german, turkish in MESSAGES:
        if BulkMessage.objects.filter(uuid=once_key).exists():
            continue
        data = QueryDict(mutable=True)
        for key, value in params.items():
            data[key] = value
        segment, form = services.segment_form(
            segment_key="organisations.directory", by=lead, data=data
        )
        if not form.is_valid():
            continue
        counts = selectors.segment_counts(segment=segment, form=form, by=lead, kind=kind)
        message = services.bulk_message_send(
            by=lead,
            segment_key=segment.key,
            segment_data=data,
            kind=kind,
            texts={"de": german, "tr": turkish},
            once_key=once_key,
            planned_count=counts.count,
        )
        # Sent now, so the log shows it done (a worker that gets it too finds nothing to do).
        services.bulk_message_run(message_id=message.pk)
        sent += 1
    if stdout is not None and sent:
        stdout.write(f"Messages to many: {sent} demo message(s) sent.")
