"""Qualification's cards on the overview page: next workshops, and due coaching follow-ups."""

from datetime import timedelta

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ikmo.content_language import columns
from ikmo.dashboard import Card, CardLink, first_and_total
from ikmo.subprojects import SubProject

from . import permissions, selectors
from .models import Workshop


def cards(user):
    if not user.is_authenticated:
        return []
    result = []
    mine = list(
        selectors.my_upcoming_registrations(user, limit=3).only(
            "status", "workshop__starts_at", *columns("workshop__title")
        )
    )
    if mine or permissions.registrable_memberships(user).exists():
        result.append(
            Card(
                title=_("My workshops"),
                subproject=SubProject.QUALIFICATION,
                links=[
                    CardLink(
                        label=r.workshop.title,
                        url=r.workshop.get_absolute_url(),
                        detail=f"{formats.date_format(timezone.localtime(r.workshop.starts_at), 'DATETIME_FORMAT')}"
                        f" · {r.get_status_display()}",
                    )
                    for r in mine
                ],
                empty_text=_("You are not registered for any coming workshop."),
                action=CardLink(_("Find a workshop"), reverse("qualification:workshop_list")),
            )
        )
    trained = list(
        Workshop.objects.filter(
            trainer=user,
            status=Workshop.Status.PUBLISHED,
            ends_at__gte=timezone.now() - timedelta(days=14),
        )
        .only("title", "starts_at")
        .order_by("starts_at")[:4]
    )
    if trained:
        result.append(
            Card(
                title=_("Workshops you run"),
                subproject=SubProject.QUALIFICATION,
                links=[
                    CardLink(
                        label=w.title,
                        url=reverse("qualification:attendance", args=[w.pk]),
                        detail=formats.date_format(
                            timezone.localtime(w.starts_at), "DATETIME_FORMAT"
                        ),
                    )
                    for w in trained
                ],
            )
        )
    if not permissions.can_log_coaching(user):
        # The organisation's side of a coaching case: its conversation with the consultant.
        cases = list(
            selectors.coaching_cases_visible_to(user)
            .order_by("organisation__name")
            .values_list("pk", "organisation__name")[:3]
        )
        if cases:
            result.append(
                Card(
                    title=_("Coaching"),
                    subproject=SubProject.QUALIFICATION,
                    links=[
                        CardLink(
                            label=_("Messages with your consultant"),
                            url=reverse("qualification:coaching_messages", args=[pk]),
                            detail=name,
                        )
                        for pk, name in cases
                    ],
                )
            )
    if permissions.can_log_coaching(user):
        result.append(_follow_up_card(user))
    return result


FOLLOW_UPS_ON_CARD = 5


def _follow_up_card(user) -> Card:
    """The consultant's follow-ups due within a week, overdue ones first and marked, with how
    many there are in all (the card shows five)."""
    today = timezone.localdate()
    due, total = first_and_total(
        selectors.open_follow_ups(user, today=today)
        .prefetch_related(None)  # the log's topics: not shown here
        .select_related(None)
        .select_related("organisation")
        .only("follow_up_date", "organisation__name"),
        FOLLOW_UPS_ON_CARD,
    )

    def detail(day):
        text = formats.date_format(day, "SHORT_DATE_FORMAT")
        if day < today:
            return _("overdue since %(date)s") % {"date": text}
        return _("due on %(date)s") % {"date": text}

    return Card(
        title=_("Coaching follow-ups due"),
        subproject=SubProject.QUALIFICATION,
        count=total,
        count_label=_("in the next seven days or overdue"),
        links=[
            CardLink(
                label=s.organisation.name,
                url=s.get_absolute_url(),
                detail=detail(s.follow_up_date),
                warning=s.follow_up_date < today,
            )
            for s in due
        ],
        action=CardLink(
            _("All follow-ups") if due else _("Coaching log"),
            reverse("qualification:coaching") + ("#follow-ups" if due else ""),
        ),
    )
