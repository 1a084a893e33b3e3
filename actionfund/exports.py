"""The application list as a staff export (ikmo/listexports.py): the list page's own
selector, filter, order and permission."""

from django.utils.translation import gettext_lazy as _

from ikmo.listexports import ExportableList

from . import permissions
from .filters import ApplicationFilter
from .journey import proof_due
from .selectors import STAFF_LIST_ORDER, applications_visible_to, with_list_data


def _applications(user):
    return with_list_data(applications_visible_to(user=user))


LISTS = [
    ExportableList(
        key="actionfund.applications",
        label=_("Applications"),
        route="actionfund:application_list",
        queryset=_applications,
        filterset=ApplicationFilter,
        can_export=permissions.can_export,
        ordering=STAFF_LIST_ORDER,  # as the list page
        columns=[
            (_("Reference"), lambda a: a.reference),
            (_("Call"), lambda a: str(a.call)),
            (_("Organisation"), lambda a: a.organisation.name),
            (_("Project title"), lambda a: a.title),
            (_("District"), lambda a: str(a.district or "")),
            (_("Status"), lambda a: a.get_status_display()),
            (_("Cooperation partners"), lambda a: a.partner_count),
            (_("Requested (EUR)"), lambda a: a.requested_amount),
            (_("Granted (EUR)"), lambda a: a.approved_amount),
            (_("Submitted at"), lambda a: a.submitted_at),
            # The date the list's proof-of-use filter goes by (stored, or from the project end).
            (_("Proof of use due"), proof_due),
        ],
    ),
]
