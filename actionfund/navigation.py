"""Action fund entries in the "My work" menu (see ikmo.context_processors)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from organisations.models import Membership

from . import permissions


def items(user) -> list[tuple[str, str]]:
    entries = []
    if permissions.is_fund_staff(user):
        entries.append((_("Applications"), reverse("actionfund:application_list")))
        entries.append((_("Calls"), reverse("actionfund:call_list")))
    elif user.memberships.filter(status=Membership.Status.ACTIVE).exists():
        entries.append((_("My applications"), reverse("actionfund:application_list")))
    if permissions.is_juror(user):
        entries.append((_("Jury"), reverse("actionfund:jury_list")))
    return entries
