"""Personal data in networking & mentoring (see privacy/registry.py)."""

from privacy.registry import ERASED_TEXT, by_name, by_user, not_personal, register, visible_when

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


# What each person can reach in the portal (an organisation export shows no more).
def _staff_only(model):
    from .permissions import is_mentoring_staff

    return visible_when(model, is_mentoring_staff)


def _contacts(user):
    from .selectors import contacts_for_user

    return contacts_for_user(user)


def _events(user):
    from .selectors import events_for_user

    return events_for_user(user)


def _event_registrations(user):
    from .permissions import is_mentoring_staff

    if is_mentoring_staff(user):
        return EventRegistration.objects.all()
    return EventRegistration.objects.filter(person=user)


def _of_administered(model):
    """Offers and requests: edited by the organisation's admins and mentoring staff."""

    def visible(user):
        from organisations.models import Membership

        from .permissions import is_mentoring_staff

        if is_mentoring_staff(user):
            return model.objects.all()
        return model.objects.filter(
            organisation__memberships__user=user,
            organisation__memberships__role=Membership.Role.ADMIN,
            organisation__memberships__status=Membership.Status.ACTIVE,
        )

    return visible


def _tandems(user):
    from .selectors import tandems_for_user

    return tandems_for_user(user)


def _tandem_meetings(user):
    return TandemMeeting.objects.filter(tandem__in=_tandems(user).values("pk"))


def _tandem_evaluations(user):
    from .permissions import is_mentoring_staff, member_organisation_ids

    if is_mentoring_staff(user):
        return TandemEvaluation.objects.all()
    return TandemEvaluation.objects.filter(organisation_id__in=member_organisation_ids(user))


not_personal(TandemNudge, "marker that a reminder went out for a tandem")

register(
    CooperationContact,
    people=[
        by_name("contact_person", fields=("contact_person",)),
        by_user("created_by", actor=True),
    ],
    organisation=("organisation", "partner"),
    organisation_export=True,
    visible_to=_contacts,
)
register(
    CooperationStatusChange,
    people=[by_user("changed_by", actor=True)],
    organisation=("contact__organisation", "contact__partner"),
    organisation_export=True,
    visible_to=lambda user: CooperationStatusChange.objects.filter(
        contact__in=_contacts(user).values("pk")
    ),
    explained={"note": "free text, scrubbed of the person's name on erasure"},
)
register(
    Event,
    people=[by_user("created_by", actor=True)],
    organisation="invited_organisations",
    organisation_export=True,
    visible_to=_events,
)
register(
    EventRegistration,
    people=[by_user("person")],
    organisation="organisation",
    organisation_export=True,
    visible_to=_event_registrations,
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
    organisation_export=True,
    visible_to=_staff_only(EventAttendance),
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
    organisation_export=True,
    visible_to=_staff_only(FollowUpTask),
)
register(
    MentorOffer,
    people=[by_user("created_by", actor=True)],
    organisation="organisation",
    organisation_export=True,
    visible_to=_of_administered(MentorOffer),
)
register(
    MentorRequest,
    people=[by_user("created_by", actor=True)],
    organisation="organisation",
    organisation_export=True,
    visible_to=_of_administered(MentorRequest),
)
register(
    Tandem,
    people=[
        by_user("lead", actor=True),
        by_user("mentor_accepted_by", actor=True),
        by_user("mentee_accepted_by", actor=True),
    ],
    organisation=("mentor", "mentee"),
    organisation_export=True,
    visible_to=_tandems,
    explained={"end_note": "why the tandem ended; scrubbed of the person's name on erasure"},
)
register(
    TandemMeeting,
    people=[by_user("logged_by", actor=True)],
    organisation=("tandem__mentor", "tandem__mentee"),
    organisation_export=True,
    visible_to=_tandem_meetings,
)
register(
    TandemEvaluation,
    people=[by_user("submitted_by", actor=True)],
    organisation="organisation",
    organisation_export=True,
    visible_to=_tandem_evaluations,
    explained={"comment": "the organisation's evaluation; scrubbed of the person's name"},
)
