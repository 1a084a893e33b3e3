"""The desk's card on a person's overview page (ikmo.dashboard)."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ikmo.dashboard import Card, CardLink, first_and_total
from ikmo.subprojects import SubProject

from . import permissions, rules, selectors
from .models import PlacementStatus

ENDING_ON_CARD = 5

# What a volunteer's name (Volunteer.__str__) reads.
VOLUNTEER_NAME = ("volunteer__first_name", "volunteer__last_name", "volunteer__anonymised_at")


def cards(user):
    if not user.is_authenticated:
        return []
    today = timezone.localdate()
    if permissions.is_desk_staff(user):
        # The first five by end date (an index on the running placements' end dates: five
        # rows read, not every one ending in the weeks ahead) and how many end in all.
        ending, total = first_and_total(
            selectors.placements_ending_between(
                today, today + timedelta(days=rules.ending_notice_days())
            )
            .select_related(None)
            .select_related("volunteer", "site")
            .only("end_date", *VOLUNTEER_NAME, "site__name")
            .order_by("end_date", "pk"),
            ENDING_ON_CARD,
        )
        return [
            Card(
                title=_("Placements ending soon"),
                subproject=SubProject.VOLUNTEERING,
                count=total,
                links=[
                    CardLink(
                        label=f"{p.volunteer} · {p.site.name}",
                        url=p.get_absolute_url(),
                        detail=date_format(p.end_date, "SHORT_DATE_FORMAT"),
                    )
                    for p in ending
                ],
                empty_text=_("No placement ends in the next weeks."),
                action=CardLink(_("Volunteer service desk"), reverse("volunteering:home")),
            )
        ]
    if not permissions.active_organisation_ids(user):
        return []
    running = list(
        selectors.placements_for_user(user)
        .filter(status=PlacementStatus.ACTIVE)
        .select_related(None)
        .select_related("volunteer")
        .only(*VOLUNTEER_NAME)[:5]
    )
    if not running:
        return []
    return [
        Card(
            title=_("Our volunteers"),
            subproject=SubProject.VOLUNTEERING,
            count=len(running),
            links=[CardLink(label=str(p.volunteer), url=p.get_absolute_url()) for p in running],
            action=CardLink(_("Volunteer service desk"), reverse("volunteering:home")),
        )
    ]
