"""Working links of the volunteer service desk for the "My work" menu."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import permissions


def items(user) -> list[tuple[str, str]]:
    if permissions.is_desk_staff(user):
        return [
            (_("Volunteer services: placements"), reverse("volunteering:placements")),
            (_("Volunteer services: organisations"), reverse("volunteering:organisations")),
        ]
    if permissions.active_organisation_ids(user):
        return [(_("Our volunteers (FSJ/BFD)"), reverse("volunteering:home"))]
    return []
