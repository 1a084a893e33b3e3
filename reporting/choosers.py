"""The choosers of funder reporting (ikmo/choosers.py): what each field may choose."""

from ikmo.choosers import Scope
from organisations.choosers import ORGANISATIONS
from organisations.models import Organisation

from . import permissions

SCOPES = [
    # The carriers of a funding period: any approved organisation of the registry.
    Scope(
        name="reporting_carriers",
        kind=ORGANISATIONS,
        choices=lambda user: Organisation.objects.filter(status=Organisation.Status.APPROVED),
        allowed=permissions.can_manage_periods,
    ),
]
