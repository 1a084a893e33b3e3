"""Factories shared by every app's tests: they live in devtools/factories.py (the scale
generator builds its rows with them too). Fictional data only."""

from devtools.factories import (  # noqa: F401 - the tests import them from here
    DEFAULT_PASSWORD,
    MembershipFactory,
    OrganisationFactory,
    OutcomeFactory,
    StaffRoleFactory,
    UserFactory,
    approved_organisations,
    district,
    listed,
    member_of,
    staff,
)
