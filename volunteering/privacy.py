"""Personal data at the volunteer service desk (see privacy/registry.py).

Volunteers have no account: they are found by e-mail address. Their erasure and retention
use this app's own ``volunteer_erase`` / ``volunteer_erase_expired`` (placements, seminar
days and the consented statistics flag stay, without a name).
"""

from django.utils.translation import gettext as _

from privacy.registry import (
    by_email,
    by_name,
    by_user,
    not_personal,
    register,
    register_retention,
    visible_when,
)

from .models import (
    CLOSED_STATUSES,
    Consultation,
    Contingent,
    Placement,
    RecognitionDocument,
    ReminderSent,
    Seminar,
    SeminarAttendance,
    ServiceProfile,
    StatusChange,
    Volunteer,
)


# What each person can reach in the portal (an organisation export shows no more).
def _staff_only(model):
    from .permissions import is_desk_staff

    return visible_when(model, is_desk_staff)


def _profiles(user):
    from .selectors import profiles_for_user

    return profiles_for_user(user)


def _documents(user):
    from .permissions import active_organisation_ids, is_desk_staff

    if is_desk_staff(user):
        return RecognitionDocument.objects.all()
    return RecognitionDocument.objects.filter(
        profile__organisation_id__in=active_organisation_ids(user)
    )


def _placements(user):
    from .selectors import placements_for_user

    return placements_for_user(user)


not_personal(ReminderSent, "marker that a reminder went out for a placement")
not_personal(Seminar, "a seminar offered by a carrier")

register(
    ServiceProfile,
    organisation=("organisation", "carrier"),
    organisation_export=True,
    visible_to=_profiles,
)
register(
    StatusChange,
    people=[by_user("changed_by", actor=True)],
    organisation="profile__organisation",
    organisation_export=True,
    visible_to=_staff_only(StatusChange),
    explained={"note": "free text, scrubbed of the person's name on erasure"},
)
register(
    RecognitionDocument,
    people=[by_user("uploaded_by", actor=True)],
    organisation="profile__organisation",
    organisation_export=True,
    visible_to=_documents,
    explained={
        "file": "the site's recognition document; kept",
        "original_name": "the file name the uploader chose; kept with the file",
    },
)
register(
    Consultation,
    people=[by_user("consultant", actor=True)],
    organisation="organisation",
    # The desk's working notes (participants, outcome, next step): staff only.
    organisation_export=True,
    visible_to=_staff_only(Consultation),
)
register(
    Contingent,
    organisation="carrier",
    organisation_export=True,
    visible_to=_staff_only(Contingent),
    explained={"note": "free text about places, scrubbed of the person's name on erasure"},
)


def _erase_volunteers(rows, *, by, identity) -> int:
    from . import services

    count = 0
    for volunteer in rows.filter(anonymised_at__isnull=True):
        services.volunteer_erase(volunteer=volunteer, by=by)
        count += 1
    return count


def _volunteer_blocker(rows):
    if (
        rows.filter(anonymised_at__isnull=True)
        .exclude(placements__status__in=CLOSED_STATUSES)
        .filter(placements__isnull=False)
        .exists()
    ):
        return _("The volunteer still has a planned or running placement; end it first.")
    return None


_erase_volunteers.blocker = _volunteer_blocker

register(
    Volunteer,
    people=[by_email("email", fields=("first_name", "last_name", "email", "birth_year"))],
    organisation="placements__site",
    organisation_export=True,
    visible_to=lambda user: Volunteer.objects.filter(placements__in=_placements(user).values("pk")),
    erase_rows=_erase_volunteers,
)
register(
    Placement,
    people=[
        by_email("volunteer__email"),
        by_email("mentor_email", fields=("mentor_name", "mentor_email")),
        by_name("mentor_name", fields=("mentor_name", "mentor_email")),
        by_user("created_by", actor=True),
    ],
    organisation="site",
    organisation_export=True,
    visible_to=_placements,
)
register(
    SeminarAttendance,
    people=[by_user("recorded_by", actor=True)],
    organisation="placement__site",
    organisation_export=True,
    visible_to=_staff_only(SeminarAttendance),
)


def erase_expired_volunteers(today, days: int) -> int:
    # The desk's own job; its period is IKMO_VOLUNTEER_RETENTION_DAYS, which
    # IKMO_RETENTION_DAYS["volunteer"] repeats.
    from . import services

    return services.volunteer_erase_expired(today=today)


register_retention(
    "volunteer",
    erase_expired_volunteers,
    "Volunteers' names, e-mail and birth year after their last placement ended",
)
