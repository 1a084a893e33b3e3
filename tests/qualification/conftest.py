import pytest

from organisations.models import Membership
from tests import factories

from .factories import make_workshop


@pytest.fixture
def trainer(consultant):
    return consultant


@pytest.fixture
def colleague(org):
    return factories.member_of(org, email="colleague@org-a.example")


@pytest.fixture
def outsider(db):
    """Logged in, but member of no organisation and without any role."""
    return factories.UserFactory(email="outsider@example.org")


@pytest.fixture
def other_member(other_org):
    return factories.member_of(other_org, role=Membership.Role.MEMBER, email="member@org-b.example")


@pytest.fixture
def workshop(trainer):
    return make_workshop(trainer=trainer, capacity=2)
