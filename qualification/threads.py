"""The conversation of a coaching case: the organisation in coaching and its consultant.

Who may read it is who may see the case (``selectors.coaching_cases_visible_to``: the
qualification staff and the organisation's active members). The consultant of the case is
told of the organisation's messages; the organisation's admins of the centre's.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from ikmo.threads import ThreadKind
from organisations.models import Membership, User
from organisations.permissions import active_membership

from . import permissions, selectors


def consultant_recipients(case) -> list[tuple[str, str]]:
    consultant = case.consultant
    if not consultant.is_active:
        return []
    return [(consultant.email, consultant.preferred_language)]


def organisation_recipients(case) -> list[tuple[str, str]]:
    admins = User.objects.filter(
        is_active=True,
        memberships__organisation=case.organisation_id,
        memberships__role=Membership.Role.ADMIN,
        memberships__status=Membership.Status.ACTIVE,
    ).distinct()
    return [(admin.email, admin.preferred_language) for admin in admins]


def record_url(user, case) -> str:
    if permissions.can_log_coaching(user):
        return reverse("qualification:coaching_organisation", args=[case.organisation_id])
    return ""


def title_of(case) -> str:
    return _("Coaching of %(organisation)s") % {"organisation": case.organisation.name}


KINDS = [
    ThreadKind(
        model="qualification.CoachingCase",
        route="qualification:coaching_messages",
        post_route="qualification:coaching_message_post",
        download_route="qualification:coaching_message_file",
        visible=lambda user: selectors.coaching_cases_visible_to(user),
        is_centre_staff=permissions.is_qualification_staff,
        on_organisation_side=lambda user, case: (
            active_membership(user, case.organisation) is not None
        ),
        organisation_of=lambda case: case.organisation,
        centre_recipients=consultant_recipients,
        organisation_recipients=organisation_recipients,
        title_of=title_of,
        record_url=record_url,
    )
]
