"""The choosers of networking & mentoring (ikmo/choosers.py): what each field may choose."""

from ikmo.choosers import Scope
from organisations.choosers import ORGANISATIONS, PEOPLE

from . import permissions, selectors

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
    Scope(
        name="mentoring_staff",
        kind=PEOPLE,
        choices=lambda user: selectors.mentoring_staff_users(),
        allowed=permissions.can_manage_events,
    ),
]
