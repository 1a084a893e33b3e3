"""Qualification's entries in the "My work" menu (see ikmo.context_processors)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import permissions


def items(user) -> list[tuple[str, str]]:
    entries = [(_("Workshops"), reverse("qualification:workshop_list"))]
    if permissions.registrable_memberships(user).exists():
        entries.append((_("My registrations"), reverse("qualification:my_registrations")))
    if permissions.can_log_coaching(user):
        entries.append((_("Coaching log"), reverse("qualification:coaching")))
    return entries
