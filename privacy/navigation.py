from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .permissions import is_privacy_admin


def items(user) -> list[tuple[str, str]]:
    # Everyone reaches "My data" from the account menu; admins get the people page here.
    if not is_privacy_admin(user):
        return []
    return [(_("Data protection: people"), reverse("privacy:people"))]
