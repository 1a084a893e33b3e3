"""Networking & mentoring's contribution to the organisation timeline.

Cooperation contacts are the centre's internal working notes: only mentoring staff see them.
Event participation and tandems are the organisation's own history and show to its members
too (without the names of other organisations' people). Three queries, however much history.
"""

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ikmo.subprojects import SubProject
from organisations.timeline import LIMIT, TimelineEvent, newest

from . import permissions
from .models import CooperationContact, Event, EventAttendance, Tandem


def mentoring_events(organisation, user, limit=LIMIT):
    is_staff = permissions.is_mentoring_staff(user)
    if is_staff:
        contacts = newest(
            CooperationContact.objects.filter(
                Q(organisation=organisation) | Q(partner=organisation)
            ).select_related("organisation", "partner", "field_of_work"),
            "contact_date",
            limit=limit,
        )
        for contact in contacts:
            other = (
                contact.partner
                if contact.organisation_id == organisation.pk
                else contact.organisation
            )
            yield TimelineEvent(
                when=contact.contact_date,
                title=_("Cooperation contact with %(name)s") % {"name": other.name},
                subproject=SubProject.MENTORING,
                detail=f"{contact.field_of_work} · {contact.get_status_display()}",
                url=contact.get_absolute_url(),
            )
    attended = newest(
        EventAttendance.objects.filter(organisation=organisation)
        .exclude(event__status=Event.Status.CANCELLED)
        .values("event_id", "event__title", "event__kind", "event__starts_at")
        .annotate(people=Count("pk")),
        "event__starts_at",
        limit=limit,
    )
    kinds = dict(Event.Kind.choices)
    for row in attended:
        url = ""
        if is_staff:
            url = Event(pk=row["event_id"]).get_absolute_url()
        yield TimelineEvent(
            when=row["event__starts_at"],
            title=_("%(kind)s: %(title)s")
            % {"kind": kinds.get(row["event__kind"], ""), "title": row["event__title"]},
            subproject=SubProject.MENTORING,
            detail=ngettext(
                "%(count)s person took part", "%(count)s people took part", row["people"]
            )
            % {"count": row["people"]},
            url=url,
        )
    tandems = Tandem.objects.filter(Q(mentor=organisation) | Q(mentee=organisation)).select_related(
        "mentor", "mentee"
    )
    if not is_staff:
        tandems = tandems.exclude(status=Tandem.Status.DECLINED)
    tandems = newest(tandems, "created_at", limit=limit)
    can_open = is_staff or permissions.is_member_of(user, organisation)
    for tandem in tandems:
        as_mentor = tandem.mentor_id == organisation.pk
        other = tandem.mentee if as_mentor else tandem.mentor
        title = (
            _("Mentoring tandem: mentors %(name)s")
            if as_mentor
            else _("Mentoring tandem: mentored by %(name)s")
        ) % {"name": other.name}
        url = tandem.get_absolute_url() if can_open else ""
        yield TimelineEvent(
            when=tandem.activated_at or tandem.created_at,
            title=title,
            subproject=SubProject.MENTORING,
            detail=_("Active") if tandem.activated_at else tandem.get_status_display(),
            url=url,
        )
        if tandem.ended_on and tandem.status != Tandem.Status.DECLINED:
            yield TimelineEvent(
                when=tandem.ended_on,
                title=title,
                subproject=SubProject.MENTORING,
                detail=tandem.get_status_display(),
                url=url,
            )
