"""The application status machine, as one table (an ``ikmo.workflow.Workflow``).

Each allowed step (from, to) names who may take it:
- APPLICANT: an active member of the applying organisation;
- LEAD: a project lead of the action fund (or of all sub-projects) or a portal admin;
- SYSTEM: a background task (no person).
Anything not in the table is refused by ``services.application_transition``. The staff page
"Status rules" renders this same table (``FLOW.rows(ACTOR_LABELS)``), so what is shown is
what is enforced.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ikmo.workflow import Step, Workflow

from .models import PartnerInvitation, Status

APPLICANT = "applicant"
LEAD = "lead"
SYSTEM = "system"
PARTNER = "partner"  # an admin of the invited partner organisation

ACTOR_LABELS = {
    APPLICANT: _("Applicant organisation"),
    LEAD: _("Project lead"),
    SYSTEM: _("Automatic"),
    PARTNER: _("Partner organisation"),
}

FLOW = Workflow(
    Status,
    {
        (Status.DRAFT, Status.SUBMITTED): Step(APPLICANT, label=_("Submit")),
        (Status.DRAFT, Status.WITHDRAWN): Step(APPLICANT, label=_("Withdraw")),
        (Status.SUBMITTED, Status.INFO_REQUESTED): Step(
            LEAD, label=_("Request more information"), note_required=True
        ),
        (Status.SUBMITTED, Status.IN_REVIEW): Step(LEAD, label=_("Start review")),
        (Status.SUBMITTED, Status.WITHDRAWN): Step(APPLICANT, LEAD, label=_("Withdraw")),
        (Status.INFO_REQUESTED, Status.SUBMITTED): Step(APPLICANT, label=_("Resubmit")),
        (Status.INFO_REQUESTED, Status.WITHDRAWN): Step(APPLICANT, LEAD, label=_("Withdraw")),
        (Status.IN_REVIEW, Status.INFO_REQUESTED): Step(
            LEAD, label=_("Request more information"), note_required=True
        ),
        (Status.IN_REVIEW, Status.APPROVED): Step(
            LEAD, label=pgettext_lazy("grant decision", "Approve")
        ),
        (Status.IN_REVIEW, Status.REJECTED): Step(LEAD, label=_("Reject")),
        (Status.IN_REVIEW, Status.WITHDRAWN): Step(APPLICANT, LEAD, label=_("Withdraw")),
        # An organisation may still decline a grant; the money goes back to the call.
        (Status.APPROVED, Status.WITHDRAWN): Step(APPLICANT, LEAD, label=_("Withdraw")),
        (Status.APPROVED, Status.AGREEMENT_SIGNED): Step(
            LEAD, label=_("Signed funding agreement received")
        ),
        (Status.AGREEMENT_SIGNED, Status.PAID): Step(LEAD, label=_("Mark as paid")),
        (Status.PAID, Status.PROOF_DUE): Step(LEAD, SYSTEM, label=_("Open the proof of use")),
        (Status.PAID, Status.PROOF_SUBMITTED): Step(APPLICANT, label=_("Submit proof of use")),
        (Status.PROOF_DUE, Status.PROOF_SUBMITTED): Step(APPLICANT, label=_("Submit proof of use")),
        (Status.PROOF_SUBMITTED, Status.PROOF_DUE): Step(
            LEAD, label=_("Ask for corrections"), note_required=True
        ),
        (Status.PROOF_SUBMITTED, Status.CLOSED): Step(
            LEAD, label=_("Accept proof of use and close")
        ),
    },
)

# Transitions with their own form and service step (money, proof, submission checks):
# the generic staff "change status" form does not offer them.
SPECIAL_TARGETS = {Status.SUBMITTED, Status.APPROVED, Status.REJECTED, Status.PROOF_SUBMITTED}


def lead_targets(from_status: str) -> list[tuple[str, Step]]:
    """The steps the generic staff "change status" form offers, as (to, step)."""
    return [
        (to, FLOW.step(from_status, to))
        for to in FLOW.targets(from_status, actor=LEAD)
        if to not in SPECIAL_TARGETS
    ]


def applicant_may(from_status: str, to_status: str) -> bool:
    return FLOW.allows(from_status, to_status, actor=APPLICANT)


def table_rows() -> list[dict]:
    """The rows of the staff page "Status rules"."""
    return FLOW.rows(ACTOR_LABELS)


# A partner invitation's steps (services.partner_invite / _answer / _withdraw enforce them;
# all of them only while the application is undecided, see models.UNDECIDED_STATUSES).
_I = PartnerInvitation.Status
INVITATION_FLOW = Workflow(
    _I,
    {
        (_I.INVITED, _I.ACCEPTED): Step(PARTNER, label=_("Accept")),
        (_I.INVITED, _I.DECLINED): Step(PARTNER, label=_("Decline")),
        # The applicant takes an invitation back before it is answered.
        (_I.INVITED, _I.WITHDRAWN): Step(APPLICANT, label=_("Withdraw the invitation")),
        # The partner takes its consent back before the decision.
        (_I.ACCEPTED, _I.WITHDRAWN): Step(PARTNER, label=_("Withdraw consent")),
        # Asked again after a "no" or a withdrawal.
        (_I.DECLINED, _I.INVITED): Step(APPLICANT, label=_("Invite again")),
        (_I.WITHDRAWN, _I.INVITED): Step(APPLICANT, label=_("Invite again")),
    },
)
