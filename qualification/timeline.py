"""Qualification's contribution to the organisation timeline: workshops attended and coaching.

Confidential notes never appear here, for anyone: the timeline also feeds the organisation's
profile sheet, which members of the organisation may download.
"""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ikmo.subprojects import SubProject
from organisations.selectors import translated_names
from organisations.timeline import LIMIT, TimelineEvent, newest

from . import permissions
from .models import CoachingSession, Registration


def qualification_events(organisation, user, limit=LIMIT):
    attended = newest(
        Registration.objects.filter(
            organisation=organisation, status=Registration.Status.CONFIRMED, attended=True
        ).select_related("workshop", "participant"),
        "workshop__starts_at",
        limit=limit,
    )
    for registration in attended:
        workshop = registration.workshop
        yield TimelineEvent(
            when=workshop.starts_at or registration.created_at,
            title=_("Workshop attended: %(title)s") % {"title": workshop.title},
            subproject=SubProject.QUALIFICATION,
            detail=str(registration.participant),
            url=workshop.get_absolute_url(),
        )
    is_staff = permissions.is_qualification_staff(user)
    sessions = list(
        newest(
            CoachingSession.objects.filter(organisation=organisation).only(
                "pk", "date", "duration_minutes", "format"
            ),
            "date",
            limit=limit,
        )
    )
    topics_of = translated_names(sessions, "topics")
    for session in sessions:
        topics = ", ".join(topics_of.get(session.pk, ()))
        minutes = ngettext(
            "%(minutes)d minute", "%(minutes)d minutes", session.duration_minutes
        ) % {"minutes": session.duration_minutes}
        parts = [session.get_format_display(), minutes]
        if topics:
            parts.append(topics)
        yield TimelineEvent(
            when=session.date,
            title=_("Coaching session"),
            subproject=SubProject.QUALIFICATION,
            detail=" · ".join(parts),
            url=session.get_absolute_url() if is_staff else "",
        )
