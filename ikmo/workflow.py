"""Status machines, one shape for all of them.

Every record with a status (application, workshop, registration, analysis, recommendation,
site, placement, …) declares its allowed steps as one table next to its model::

    WORKSHOP_FLOW = Workflow(
        Workshop.Status,
        {
            (S.PLANNED, S.OPEN): Step(label=_("Open registration")),
            (S.OPEN, S.CANCELLED): Step(LEAD, label=_("Cancel"), note_required=True),
        },
    )

Services enforce it with ``FLOW.check(old, new, actor=...)`` (a ValidationError in the
person's language if the step is not allowed); forms offer ``FLOW.targets(old, actor=...)``;
staff pages may render ``FLOW.rows()``. So what is shown is what is enforced. Who an actor
is (applicant, lead, system, …) is the app's vocabulary; a step without actors is open to
whoever the service already let in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Step:
    actors: frozenset = field(default_factory=frozenset)
    label: str = ""
    note_required: bool = False

    def __init__(self, *actors, label="", note_required=False):
        object.__setattr__(self, "actors", frozenset(actors))
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "note_required", note_required)

    def open_to(self, actor) -> bool:
        return actor is None or not self.actors or actor in self.actors


class Workflow:
    def __init__(self, statuses, steps: dict[tuple[str, str], Step]):
        self.statuses = statuses
        self.steps = {(str(frm), str(to)): step for (frm, to), step in steps.items()}
        unknown = {s for pair in self.steps for s in pair} - {str(v) for v in statuses.values}
        if unknown:
            raise ValueError(f"Unknown statuses in workflow: {sorted(unknown)}")

    def step(self, from_status, to_status) -> Step | None:
        return self.steps.get((str(from_status), str(to_status)))

    def targets(self, from_status, *, actor=None) -> list[str]:
        """Where a record in ``from_status`` may go (for ``actor``, if given), in table order."""
        return [
            to
            for (frm, to), step in self.steps.items()
            if frm == str(from_status) and step.open_to(actor)
        ]

    def allows(self, from_status, to_status, *, actor=None) -> bool:
        step = self.step(from_status, to_status)
        return step is not None and step.open_to(actor)

    def check(self, from_status, to_status, *, actor=None, note: str = "") -> Step:
        """The step, or a ValidationError naming where the record may go instead."""
        step = self.step(from_status, to_status)
        if step is None or not step.open_to(actor):
            allowed = ", ".join(str(self.label(s)) for s in self.targets(from_status, actor=actor))
            raise ValidationError(
                _(
                    "The status cannot change from “%(from)s” to “%(to)s”. "
                    "Possible next steps: %(allowed)s."
                )
                % {
                    "from": self.label(from_status),
                    "to": self.label(to_status),
                    "allowed": allowed or "—",
                },
                code="transition",
            )
        if step.note_required and not (note or "").strip():
            raise ValidationError(_("Please give a reason for this step."), code="note_required")
        return step

    def label(self, status) -> str:
        try:
            return self.statuses(status).label
        except ValueError:
            return str(status)

    def rows(self, actor_labels: dict | None = None) -> list[dict]:
        """The table for a staff "status rules" page."""
        actor_labels = actor_labels or {}
        return [
            {
                "from": self.label(frm),
                "to": self.label(to),
                "from_value": frm,
                "to_value": to,
                "actors": [actor_labels.get(a, a) for a in sorted(step.actors)],
                "label": step.label,
                "note_required": step.note_required,
            }
            for (frm, to), step in self.steps.items()
        ]
