"""The choosers of the participation check (ikmo/choosers.py): what each field may choose."""

from ikmo.choosers import Scope
from organisations.choosers import ORGANISATIONS
from organisations.models import Organisation

from . import permissions, selectors

SCOPES = [
    # Interviews and the member organisations of a participation structure.
    Scope(
        name="participation_interviewable",
        kind=ORGANISATIONS,
        choices=lambda user: selectors.interviewable_organisations(),
        allowed=permissions.is_pc_staff,
    ),
    # Exchange meetings and recommendations: anyone in the registry.
    Scope(
        name="participation_registry",
        kind=ORGANISATIONS,
        choices=lambda user: Organisation.objects.approved(),
        allowed=permissions.is_pc_staff,
    ),
]
