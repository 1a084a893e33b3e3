"""The organisation segment of messages to many (ikmo/segments.py): the staff directory's
own filter, reaching the active members of the organisations it finds."""

from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from ikmo.segments import PREFIX, Segment

from . import permissions
from .filters import OrganisationFilter
from .models import Membership, Organisation, User
from .selectors import organisations_for_user


class DirectorySegmentFilter(OrganisationFilter):
    """The directory's filter over approved organisations (so no status choice)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters.pop("status", None)
        # Networks and contacts are not (yet) offered as a segment of messages to many.
        self.filters.pop("network", None)
        self.filters.pop("contact", None)


class OrganisationsSegment(Segment):
    key = "organisations.directory"
    label = _("Organisations")
    help_text = _(
        "The members of every approved organisation that matches the directory filter "
        "(district, kind, field of work, language, sub-project), and the organisation's "
        "public contact address. A contact address without an account gets service "
        "messages only, never newsletters."
    )

    def allowed(self, user) -> bool:
        return permissions.can_browse_directory(user)

    def form(self, user, data=None):
        queryset = organisations_for_user(user).filter(status=Organisation.Status.APPROVED)
        filterset = DirectorySegmentFilter(data, queryset=queryset, prefix=PREFIX, user=user)
        form = filterset.form
        form.filterset = filterset
        return form

    def recipients(self, user, form):
        organisations = form.filterset.qs.values("pk")
        return User.objects.filter(
            is_active=True,
            memberships__organisation__in=organisations,
            memberships__status=Membership.Status.ACTIVE,
        ).distinct()

    def contact_addresses(self, user, form):
        return (
            form.filterset.qs.exclude(email="")
            .annotate(address=Lower("email"))
            .order_by()
            .values_list("address", flat=True)
        )

    def describe(self, form) -> str:
        chosen = [
            f"{field.label}: {_shown(field, value)}"
            for name, field in form.fields.items()
            if (value := form.cleaned_data.get(name)) not in (None, "")
        ]
        return ", ".join(str(c) for c in chosen) or str(_("all approved organisations"))


def _shown(field, value) -> str:
    """A chosen value as the form shows it: a choice's label (a kind, a sub-project), a
    record's name, or the words searched for."""
    if isinstance(value, str) and hasattr(field, "choices"):
        return str(dict(field.choices).get(value, value))
    return str(value)


SEGMENTS = [OrganisationsSegment()]
