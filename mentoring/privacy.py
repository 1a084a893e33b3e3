"""Personal data in networking & mentoring (see privacy/registry.py)."""

from privacy.registry import ERASED_TEXT, by_name, by_user, not_personal, register

from .models import (
    CooperationContact,
    CooperationStatusChange,
    Event,
    EventAttendance,
    EventRegistration,
    FollowUpTask,
    MentorOffer,
    MentorRequest,
    Tandem,
    TandemEvaluation,
    TandemMeeting,
    TandemNudge,
)

not_personal(TandemNudge, "marker that a reminder went out for a tandem")

register(
    CooperationContact,
    people=[
        by_name("contact_person", fields=("contact_person",)),
        by_user("created_by", actor=True),
    ],
    organisation=("organisation", "partner"),
)
register(
    CooperationStatusChange,
    people=[by_user("changed_by", actor=True)],
    organisation=("contact__organisation", "contact__partner"),
    explained={"note": "free text, scrubbed of the person's name on erasure"},
)
register(
    Event,
    people=[by_user("created_by", actor=True)],
    organisation="invited_organisations",
)
register(
    EventRegistration,
    people=[by_user("person")],
    organisation="organisation",
)


def _erase_attendance(rows, *, by, identity) -> int:
    # Attendance is counted as reach: the row stays, without the name (an attendance needs
    # someone, so a free-text name becomes a placeholder).
    with_account = rows.filter(person__isnull=False).update(name="")
    by_name_only = rows.filter(person__isnull=True).update(name=ERASED_TEXT)
    return with_account + by_name_only


register(
    EventAttendance,
    people=[
        by_user("person", fields=("name",)),
        by_name("name", fields=("name",)),
        by_user("recorded_by", actor=True),
    ],
    organisation="organisation",
    erase_rows=_erase_attendance,
)
register(
    FollowUpTask,
    people=[
        by_user("assignee", actor=True),
        by_user("done_by", actor=True),
        by_user("created_by", actor=True),
    ],
    organisation="event__invited_organisations",
)
register(MentorOffer, people=[by_user("created_by", actor=True)], organisation="organisation")
register(MentorRequest, people=[by_user("created_by", actor=True)], organisation="organisation")
register(
    Tandem,
    people=[
        by_user("lead", actor=True),
        by_user("mentor_accepted_by", actor=True),
        by_user("mentee_accepted_by", actor=True),
    ],
    organisation=("mentor", "mentee"),
    explained={"end_note": "why the tandem ended; scrubbed of the person's name on erasure"},
)
register(
    TandemMeeting,
    people=[by_user("logged_by", actor=True)],
    organisation=("tandem__mentor", "tandem__mentee"),
)
register(
    TandemEvaluation,
    people=[by_user("submitted_by", actor=True)],
    organisation="organisation",
    explained={"comment": "the organisation's evaluation; scrubbed of the person's name"},
)
