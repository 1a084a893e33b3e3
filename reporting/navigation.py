from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .permissions import can_view_reporting


def items(user) -> list[tuple[str, str]]:
    if not can_view_reporting(user):
        return []
    return [
        (_("Reporting dashboard"), reverse("reporting:dashboard")),
        (_("Funder reports"), reverse("reporting:reports")),
    ]
