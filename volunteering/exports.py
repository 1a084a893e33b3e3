"""The placements list as a staff export (ikmo/listexports.py): the page's own selector and
filter; the desk exports it (sites and carriers see their placements on the page only)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ikmo.listexports import ExportableList

from . import permissions, selectors
from .filters import PlacementFilter


def _progress(placement):
    return selectors.progress_of(placement, today=timezone.localdate())


LISTS = [
    ExportableList(
        key="volunteering.placements",
        label=_("Placements"),
        route="volunteering:placements",
        queryset=selectors.placements_for_user,
        filterset=PlacementFilter,
        can_export=permissions.can_manage_placements,
        columns=[
            (_("Volunteer"), lambda p: str(p.volunteer)),
            (_("Placement site"), lambda p: p.site.name),
            (_("Carrier"), lambda p: p.contingent.carrier.name),
            (_("Service"), lambda p: p.get_service_type_display()),
            (_("Weekly hours"), lambda p: p.weekly_hours),
            (_("Start"), lambda p: p.start_date),
            (_("Planned end"), lambda p: p.end_date),
            (_("Actual end"), lambda p: p.ended_on),
            (_("Status"), lambda p: p.get_status_display()),
            (_("Seminar days attended"), lambda p: _progress(p).attended),
            (_("Seminar days required"), lambda p: _progress(p).required),
        ],
    ),
]
