"""Who may do what with messages to many. Plain predicates; views and selectors use these."""

from django.db.models import Q

from ikmo.segments import segments_for
from organisations.models import StaffRole
from organisations.permissions import is_centre_staff


def can_send_messages(user) -> bool:
    """Centre staff with at least one segment they may write to."""
    return is_centre_staff(user) and bool(segments_for(user))


def messages_visible_q(user) -> Q:
    """Senders see their own messages; leads those to their sub-project's segments (a lead of
    all sub-projects, and admins: all)."""
    if not is_centre_staff(user):
        return Q(pk__in=[])
    if user.is_portal_admin:
        return Q()
    led = {sp for role, sp in user.staff_role_set if role == StaffRole.Role.PROJECT_LEAD}
    if "" in led:
        return Q()
    return Q(requested_by=user) | Q(subproject__in=led, subproject__gt="")


def can_view_messages(user) -> bool:
    return is_centre_staff(user)
