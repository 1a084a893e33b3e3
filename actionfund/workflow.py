"""The application status machine, as one table.

Each allowed step (from, to) names who may take it:
- APPLICANT: an active member of the applying organisation;
- LEAD: a project lead of the action fund (or of all sub-projects) or a portal admin;
- SYSTEM: a background task (no person).
Anything not in the table is refused by ``services.application_transition``. The staff page
"Status rules" renders this same table, so what is shown is what is enforced.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Status

APPLICANT = "applicant"
LEAD = "lead"
SYSTEM = "system"

ACTOR_LABELS = {
    APPLICANT: _("Applicant organisation"),
    LEAD: _("Project lead"),
    SYSTEM: _("Automatic"),
}


@dataclass(frozen=True)
class Transition:
    actors: frozenset
    label: str
    note_required: bool = False


def _t(*actors, label, note_required=False):
    return Transition(frozenset(actors), label, note_required)


TRANSITIONS: dict[tuple[str, str], Transition] = {
    (Status.DRAFT, Status.SUBMITTED): _t(APPLICANT, label=_("Submit")),
    (Status.DRAFT, Status.WITHDRAWN): _t(APPLICANT, label=_("Withdraw")),
    (Status.SUBMITTED, Status.INFO_REQUESTED): _t(
        LEAD, label=_("Request more information"), note_required=True
    ),
    (Status.SUBMITTED, Status.IN_REVIEW): _t(LEAD, label=_("Start review")),
    (Status.SUBMITTED, Status.WITHDRAWN): _t(APPLICANT, LEAD, label=_("Withdraw")),
    (Status.INFO_REQUESTED, Status.SUBMITTED): _t(APPLICANT, label=_("Resubmit")),
    (Status.INFO_REQUESTED, Status.WITHDRAWN): _t(APPLICANT, LEAD, label=_("Withdraw")),
    (Status.IN_REVIEW, Status.INFO_REQUESTED): _t(
        LEAD, label=_("Request more information"), note_required=True
    ),
    (Status.IN_REVIEW, Status.APPROVED): _t(LEAD, label=pgettext_lazy("grant decision", "Approve")),
    (Status.IN_REVIEW, Status.REJECTED): _t(LEAD, label=_("Reject")),
    (Status.IN_REVIEW, Status.WITHDRAWN): _t(APPLICANT, LEAD, label=_("Withdraw")),
    # An organisation may still decline a grant; the money goes back to the call.
    (Status.APPROVED, Status.WITHDRAWN): _t(APPLICANT, LEAD, label=_("Withdraw")),
    (Status.APPROVED, Status.AGREEMENT_SIGNED): _t(
        LEAD, label=_("Signed funding agreement received")
    ),
    (Status.AGREEMENT_SIGNED, Status.PAID): _t(LEAD, label=_("Mark as paid")),
    (Status.PAID, Status.PROOF_DUE): _t(LEAD, SYSTEM, label=_("Open the proof of use")),
    (Status.PAID, Status.PROOF_SUBMITTED): _t(APPLICANT, label=_("Submit proof of use")),
    (Status.PROOF_DUE, Status.PROOF_SUBMITTED): _t(APPLICANT, label=_("Submit proof of use")),
    (Status.PROOF_SUBMITTED, Status.PROOF_DUE): _t(
        LEAD, label=_("Ask for corrections"), note_required=True
    ),
    (Status.PROOF_SUBMITTED, Status.CLOSED): _t(LEAD, label=_("Accept proof of use and close")),
}

# Transitions with their own form and service step (money, proof, submission checks):
# the generic staff "change status" form does not offer them.
SPECIAL_TARGETS = {Status.SUBMITTED, Status.APPROVED, Status.REJECTED, Status.PROOF_SUBMITTED}


def transition(from_status: str, to_status: str) -> Transition | None:
    return TRANSITIONS.get((from_status, to_status))


def allowed_targets(from_status: str, actor: str) -> list[tuple[str, Transition]]:
    return [
        (to, t) for (frm, to), t in TRANSITIONS.items() if frm == from_status and actor in t.actors
    ]


def table_rows():
    """(from label, to label, who, action label) for the staff page."""
    return [
        {
            "from": Status(frm).label,
            "to": Status(to).label,
            "from_value": frm,
            "to_value": to,
            "actors": [ACTOR_LABELS[a] for a in sorted(t.actors)],
            "label": t.label,
            "note_required": t.note_required,
        }
        for (frm, to), t in TRANSITIONS.items()
    ]
