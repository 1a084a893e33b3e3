"""The choosers of the volunteer service desk (ikmo/choosers.py): what each field may choose."""

from ikmo.choosers import Scope
from organisations.choosers import ORGANISATIONS

from . import permissions, selectors

SCOPES = [
    # Carriers (of a recognised site, of a contingent, of a seminar).
    Scope(
        name="volunteering_carriers",
        kind=ORGANISATIONS,
        choices=lambda user: selectors.carrier_choices(),
        allowed=permissions.is_desk_staff,
    ),
    # Where a volunteer serves: recognised placement sites and carriers.
    Scope(
        name="volunteering_sites",
        kind=ORGANISATIONS,
        choices=lambda user: selectors.placement_site_choices(),
        allowed=permissions.is_desk_staff,
    ),
]
