from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .permissions import can_edit_mails


def items(user) -> list[tuple[str, str]]:
    if not can_edit_mails(user):
        return []
    return [(_("E-mail texts"), reverse("mailtexts:list"))]
