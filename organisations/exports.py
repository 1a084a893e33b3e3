"""The organisation directory as a staff export (ikmo/listexports.py): the directory page's
own selector, filter and permission."""

from django.utils.translation import gettext_lazy as _

from ikmo.listexports import ExportableList

from . import permissions, selectors
from .filters import OrganisationFilter


def _directory(user):
    return selectors.organisations_for_user(user).with_lists()


LISTS = [
    ExportableList(
        key="organisations.directory",
        label=_("Organisations"),
        route="organisations:directory",
        queryset=_directory,
        filterset=OrganisationFilter,
        can_export=permissions.can_browse_directory,
        columns=[
            (_("Name"), lambda o: o.name),
            (_("Kind"), lambda o: o.get_kind_display()),
            (_("Status"), lambda o: o.get_status_display()),
            (_("Stage"), lambda o: o.get_stage_display()),
            (_("District"), lambda o: str(o.district or "")),
            (_("Fields of work"), lambda o: ", ".join(str(f) for f in o.fields_of_work.all())),
            (_("Languages"), lambda o: ", ".join(str(lang) for lang in o.languages.all())),
            (_("E-mail"), lambda o: o.email),
            (_("Phone"), lambda o: o.phone),
            (_("Street and number"), lambda o: o.street),
            (_("Postcode"), lambda o: o.postcode),
            (_("City"), lambda o: o.city),
            (_("Website"), lambda o: o.website),
            (_("Registered at"), lambda o: o.created_at),
        ],
    ),
]
