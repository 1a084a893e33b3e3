"""The registry's two status tables (ikmo/workflow.py): what the services allow, in one place."""

from ikmo.workflow import Step, Workflow

from .models import Membership, NetworkMembership, Organisation

_O = Organisation.Status
_M = Membership.Status
_N = NetworkMembership.Status

# A project lead decides a registration once; a refusal must say why (it is sent to the
# applicant).
ORGANISATION_FLOW = Workflow(
    Organisation.Status,
    {
        (_O.PENDING, _O.APPROVED): Step(),
        (_O.PENDING, _O.REJECTED): Step(note_required=True),
    },
)

# Join requests: an admin answers a request once; someone declined may ask again.
MEMBERSHIP_FLOW = Workflow(
    Membership.Status,
    {
        (_M.PENDING, _M.ACTIVE): Step(),
        (_M.PENDING, _M.REJECTED): Step(),
        (_M.REJECTED, _M.PENDING): Step(),
    },
)

# Network memberships: the network's admin (or staff) answers a request once; a declined
# organisation may ask again. Leaving deletes the row (audited), so there is no "left" state.
NETWORK_FLOW = Workflow(
    NetworkMembership.Status,
    {
        (_N.PENDING, _N.ACTIVE): Step(),
        (_N.PENDING, _N.DECLINED): Step(),
        (_N.DECLINED, _N.PENDING): Step(),
    },
)
