"""Networking & mentoring's cards on the overview page (see ikmo.dashboard)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from ikmo.content_language import columns
from ikmo.dashboard import Card, CardLink
from ikmo.subprojects import SubProject

from . import permissions, selectors
from .models import MentorRequest, Tandem


def cards(user):
    if not user.is_authenticated:
        return []
    if permissions.is_mentoring_staff(user):
        waiting = MentorRequest.objects.filter(status=MentorRequest.Status.OPEN).count()
        tasks = list(selectors.open_tasks_for(user).only("title", *columns("event__title"))[:3])
        return [
            Card(
                title=_("Mentoring"),
                subproject=SubProject.MENTORING,
                count=waiting,
                count_label=_("start-ups looking for a mentor"),
                links=[
                    CardLink(
                        label=t.title,
                        url=f"{t.event.get_absolute_url()}#tasks",
                        detail=t.event.title,
                    )
                    for t in tasks
                ],
                action=CardLink(_("Mentor matching"), reverse("mentoring:match_list")),
            )
        ]
    tandems = list(
        selectors.tandems_for_user(user)
        .filter(status__in=[Tandem.Status.PROPOSED, Tandem.Status.ACTIVE])
        .select_related(None)
        .select_related("mentor", "mentee")
        .only("status", "mentor__name", "mentee__name")[:3]
    )
    if not tandems:
        return []
    return [
        Card(
            title=_("Our mentoring tandems"),
            subproject=SubProject.MENTORING,
            links=[
                CardLink(
                    label=f"{t.mentor.name} → {t.mentee.name}",
                    url=t.get_absolute_url(),
                    detail=t.get_status_display(),
                )
                for t in tandems
            ],
            action=CardLink(_("Mentoring"), reverse("mentoring:home")),
        )
    ]
