"""Personal data in qualification & coaching (see privacy/registry.py)."""

from privacy.registry import by_user, not_personal, register

from .models import (
    CoachingCase,
    CoachingNudge,
    CoachingSession,
    Feedback,
    Registration,
    Topic,
    Workshop,
    WorkshopSession,
)

not_personal(Topic, "the topic catalogue")
not_personal(WorkshopSession, "dates of a workshop")
not_personal(CoachingNudge, "marker that a reminder went out for a coaching case")

register(
    Workshop,
    people=[by_user("trainer", actor=True), by_user("created_by", actor=True)],
)
register(
    Registration,
    people=[
        # Kept as a fact: who attended counts for the funders; the account is anonymised.
        by_user("participant"),
        by_user("registered_by", actor=True),
        by_user("cancelled_by", actor=True),
    ],
    organisation="organisation",
)
register(
    Feedback,
    people=[by_user("registration__participant", fields=("comment",))],
    organisation="registration__organisation",
)
register(
    CoachingCase,
    people=[by_user("consultant", actor=True)],
    organisation="organisation",
)
register(
    CoachingSession,
    people=[by_user("consultant", actor=True)],
    organisation="organisation",
    explained={
        "participants": "names in free text: the person's name is scrubbed on erasure",
        "confidential_notes": "free text, scrubbed on erasure; never in the organisation's export",
    },
    organisation_export_exclude=("confidential_notes",),
)
