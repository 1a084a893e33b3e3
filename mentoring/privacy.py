"""Personal data in networking & mentoring (see privacy/registry.py)."""

from privacy.registry import (
    ERASED_TEXT,
    by_email,
    by_name,
    by_user,
    not_personal,
    register,
    register_retention,
    visible_when,
)

from .models import (
    CooperationContact,
    CooperationStatusChange,
    Event,
    EventAgendaItem,
    EventAttendance,
    EventGuest,
    EventInfoStand,
    EventRegistration,
    EventSpeaker,
    EventTable,
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
    from .permissions import active_organisation_ids, is_mentoring_staff

    if is_mentoring_staff(user):
        return TandemEvaluation.objects.all()
    return TandemEvaluation.objects.filter(organisation_id__in=active_organisation_ids(user))


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


# Public events --------------------------------------------------------------------------------

not_personal(EventAgendaItem, "an item of an event's programme (its speakers are EventSpeaker)")
register(
    EventInfoStand,
    explained={"organisation_name": "the name of an organisation, not of a person"},
)
register(
    EventSpeaker,
    people=[by_name("name", fields=("name", "role"))],
    explained={"publish": "the speaker's agreement to be named in the public programme"},
)
register(
    EventTable,
    people=[by_name("host", fields=("host",)), by_user("created_by", actor=True)],
    explained={"summary": "results of a discussion table; scrubbed of the person's name"},
)


def _erase_guests(rows, *, by=None, identity=None) -> int:
    # A guest who attended still counts in the event's reach: the row stays, without anything
    # that says who it was. Each row gets its own placeholder address, as one address may be
    # registered only once per event.
    count = 0
    for guest in rows.exclude(email__endswith="@erased.invalid"):
        guest.name = ERASED_TEXT
        guest.organisation_name = ""
        guest.accessibility_needs = ""
        guest.email = f"guest-{guest.pk}@erased.invalid"
        guest.save(update_fields=["name", "organisation_name", "accessibility_needs", "email"])
        count += 1
    return count


register(
    EventGuest,
    people=[
        by_email("email", fields=("email", "name", "organisation_name", "accessibility_needs")),
        by_name("name", fields=("name", "organisation_name", "accessibility_needs")),
        by_user("attendance_recorded_by", actor=True),
    ],
    explained={
        "consent_version": "which consent text the guest agreed to (proof of consent)",
        "consented_at": "when the guest agreed (proof of consent)",
        "language": "the language the guest's e-mails are written in",
    },
    erase_rows=_erase_guests,
)


def erase_old_guests(today, days: int) -> int:
    """Guests' names, addresses and accessibility needs, the period after the event."""
    import datetime

    from django.utils import timezone

    cutoff = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=days), datetime.time.min)
    )
    return _erase_guests(EventGuest.objects.filter(event__starts_at__lt=cutoff))


register_retention(
    "event_guest",
    erase_old_guests,
    "Guests of public events: name, e-mail, organisation and accessibility needs after the event",
)
