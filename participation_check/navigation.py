"""The participation check's working links in the "My work" menu."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import permissions


def items(user) -> list[tuple[str, str]]:
    if not permissions.is_pc_staff(user):
        return []
    return [(_("Social-space analyses"), reverse("participation_check:analysis_list"))]
