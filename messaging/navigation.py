from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import permissions


def items(user) -> list[tuple[str, str]]:
    # "Notifications" is in the account menu for everyone; staff also write to many here.
    if not permissions.can_view_messages(user):
        return []
    return [(_("Messages to many"), reverse("messaging:log"))]
