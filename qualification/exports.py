"""The qualification lists staff can export (ikmo/listexports.py): each with the page's own
selector, filter and permission."""

from django.utils.translation import gettext_lazy as _

from ikmo.listexports import ExportableList

from . import permissions, selectors
from .filters import CoachingLogFilter
from .models import Registration


def _attended(registration):
    return {True: _("yes"), False: _("no"), None: ""}[registration.attended]


def _managed_workshop(user, pk):
    """The attendance page's lookup: a workshop the person sees and manages."""
    workshop = selectors.workshops_for_user(user).filter(pk=pk).first()
    if workshop is None or not permissions.can_manage_workshop(user, workshop):
        return None
    return workshop


def _confirmed_participants(user, workshop):
    # As on the attendance page: the confirmed places, each with its attendance.
    return (
        selectors.workshop_participants(workshop)
        .filter(status=Registration.Status.CONFIRMED)
        .select_related("workshop")
    )


LISTS = [
    ExportableList(
        key="qualification.coaching",
        label=_("Coaching log"),
        route="qualification:coaching",
        queryset=selectors.coaching_log,
        filterset=CoachingLogFilter,
        can_export=permissions.can_log_coaching,
        columns=[
            (_("Date"), lambda s: s.date),
            (_("Organisation"), lambda s: s.organisation.name),
            (_("Consultant"), lambda s: str(s.consultant or "")),
            (_("Format"), lambda s: s.get_format_display()),
            (_("Duration (minutes)"), lambda s: s.duration_minutes),
            (_("Topics"), lambda s: ", ".join(str(t) for t in s.topics.all())),
            (_("Participants"), lambda s: s.participant_count),
            (_("Outcome"), lambda s: s.outcome),
            (_("Next step"), lambda s: s.next_step),
            (_("Follow-up date"), lambda s: s.follow_up_date),
            (_("Follow-up done"), lambda s: s.follow_up_done_at),
        ],
    ),
    ExportableList(
        key="qualification.attendance",
        label=_("Participants & attendance"),
        route="qualification:attendance",
        parent=_managed_workshop,
        queryset=_confirmed_participants,
        can_export=permissions.can_manage_workshop,
        columns=[
            (_("Workshop"), lambda r: r.workshop.title),
            (_("Position"), lambda r: r.position),
            (_("Name"), lambda r: r.participant.get_full_name()),
            (_("E-mail"), lambda r: r.participant.email),
            (_("Organisation"), lambda r: r.taking_part_label),
            (_("Status"), lambda r: r.get_status_display()),
            (_("Attended"), _attended),
            (_("Registered at"), lambda r: r.created_at),
        ],
    ),
]
