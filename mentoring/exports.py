"""The mentoring lists staff can export (ikmo/listexports.py): cooperation contacts and
tandems, each with the page's own selector and filter. Tandems are exported by the
sub-project's staff only: members see their own tandems on the page, but take no lists away."""

from django.utils.translation import gettext_lazy as _

from ikmo.listexports import ExportableList

from . import permissions, selectors
from .filters import ContactFilter, TandemFilter

LISTS = [
    ExportableList(
        key="mentoring.contacts",
        label=_("Cooperation contacts"),
        route="mentoring:contact_list",
        queryset=selectors.contacts_for_user,
        filterset=ContactFilter,
        can_export=permissions.can_manage_contacts,
        columns=[
            (_("Organisation"), lambda c: c.organisation.name),
            (_("Partner"), lambda c: c.partner.name),
            (_("Partner's district"), lambda c: str(c.partner.district or "")),
            (_("Field of work"), lambda c: str(c.field_of_work or "")),
            (_("Contact person"), lambda c: c.contact_person),
            (_("First contact"), lambda c: c.contact_date),
            (_("Status"), lambda c: c.get_status_display()),
            (_("Status changed at"), lambda c: c.status_changed_at),
            (_("What came of it"), lambda c: c.outcome),
        ],
    ),
    ExportableList(
        key="mentoring.tandems",
        label=_("Mentoring tandems"),
        route="mentoring:tandem_list",
        queryset=selectors.tandems_for_user,
        filterset=TandemFilter,
        can_export=permissions.is_mentoring_staff,
        columns=[
            (_("Mentor"), lambda t: t.mentor.name),
            (_("Mentee"), lambda t: t.mentee.name),
            (_("Status"), lambda t: t.get_status_display()),
            (_("Project lead"), lambda t: str(t.lead or "")),
            (_("Start"), lambda t: t.starts_on),
            (_("Planned end"), lambda t: t.planned_end_on),
            (_("Ended on"), lambda t: t.ended_on),
            (_("Meetings"), lambda t: t.meeting_count),
            (_("Last meeting"), lambda t: t.last_meeting),
        ],
    ),
]
