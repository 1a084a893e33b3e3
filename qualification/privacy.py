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


def _registrations(user):
    from . import selectors

    return selectors.registrations_for_user(user)


def _feedback(user):
    # Feedback is the participant's own; staff see it on the workshop.
    from . import permissions

    if permissions.is_qualification_staff(user):
        return Feedback.objects.all()
    return Feedback.objects.filter(registration__participant=user)


def _coaching_cases(user):
    from . import selectors

    return selectors.coaching_cases(user)


def _coaching_sessions(user):
    from . import selectors

    return selectors.coaching_sessions_for_user(user)


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
    organisation_export=True,
    visible_to=_registrations,
)
register(
    Feedback,
    people=[by_user("registration__participant", fields=("comment",))],
    organisation="registration__organisation",
    organisation_export=True,
    visible_to=_feedback,
)
register(
    CoachingCase,
    people=[by_user("consultant", actor=True)],
    organisation="organisation",
    # The consultants' working record: in the export only for those who see it in the portal.
    organisation_export=True,
    visible_to=_coaching_cases,
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
    organisation_export=True,
    visible_to=_coaching_sessions,
)
