"""Networking & mentoring's entries in the "My work" menu (see ikmo.context_processors)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import permissions


def items(user) -> list[tuple[str, str]]:
    if not user.is_authenticated:
        return []
    if permissions.is_mentoring_staff(user):
        return [
            (_("Mentor matching"), reverse("mentoring:match_list")),
            (_("Tandems"), reverse("mentoring:tandem_list")),
            (_("Cooperation contacts"), reverse("mentoring:contact_list")),
            (_("Find partners"), reverse("mentoring:partner_search")),
            (_("Expert rounds & events"), reverse("mentoring:event_list")),
        ]
    if permissions.active_organisation_ids(user):
        return [
            (_("Mentoring"), reverse("mentoring:home")),
            (_("Expert rounds & events"), reverse("mentoring:event_list")),
        ]
    return []
