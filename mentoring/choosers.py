"""The choosers of networking & mentoring (ikmo/choosers.py): what each field may choose."""

from django.utils import formats, timezone

from ikmo.choosers import Kind, Scope, starts_with
from ikmo.content_language import search_q
from organisations.choosers import ORGANISATIONS, PEOPLE

from . import permissions, selectors
from .models import Event


def _search_events(queryset, terms, user):
    # Any language's title matches, as for workshops.
    for term in terms:
        queryset = queryset.filter(search_q(term, "title"))
    return queryset


def _event_row(values, user):
    when = formats.date_format(timezone.localtime(values["starts_at"]), "SHORT_DATE_FORMAT")
    kind = Event.Kind(values["kind"]).label if values["kind"] in Event.Kind.values else ""
    return {"text": values["title"], "detail": " · ".join(str(p) for p in (when, kind) if p)}


EVENTS = Kind(
    name="events",
    model=Event,
    search=_search_events,
    values=("title", "starts_at", "kind"),
    row=_event_row,
    label=str,
    # The newest first: a message usually goes to the people of a recent or coming event.
    order_by=("-starts_at", "pk"),
    rank=lambda terms: starts_with("title_de", terms),
)

SCOPES = [
    # A cooperation contact: the migrant organisation and the administration or service.
    Scope(
        name="mentoring_contact_organisations",
        kind=ORGANISATIONS,
        choices=lambda user: selectors.contact_organisations(),
        allowed=permissions.can_manage_contacts,
    ),
    Scope(
        name="mentoring_contact_partners",
        kind=ORGANISATIONS,
        choices=lambda user: selectors.contact_partners(),
        allowed=permissions.can_manage_contacts,
    ),
    # Events: who is invited, who attended, who follows up.
    Scope(
        name="mentoring_event_invitees",
        kind=ORGANISATIONS,
        choices=lambda user: selectors.invitable_organisations(),
        allowed=permissions.can_manage_events,
    ),
    Scope(
        name="mentoring_attending_organisations",
        kind=ORGANISATIONS,
        choices=lambda user: selectors.attending_organisations(),
        allowed=permissions.can_manage_events,
    ),
    # The event whose people a message to many goes to (mentoring/segments.py).
    Scope(
        name="message_events",
        kind=EVENTS,
        choices=selectors.events_to_write_to,
        allowed=permissions.can_manage_events,
    ),
    Scope(
        name="mentoring_staff",
        kind=PEOPLE,
        choices=lambda user: selectors.mentoring_staff_users(),
        allowed=permissions.can_manage_events,
    ),
]
