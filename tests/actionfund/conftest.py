import pytest

from organisations.models import StaffRole
from tests import factories
from tests.conftest import enrol_mfa

from .factories import CallFactory, CriterionFactory


@pytest.fixture
def call(db):
    call = CallFactory()
    CriterionFactory(call=call, title="Beitrag zur Teilhabe", weight="2.00", position=1)
    CriterionFactory(call=call, title="Machbarkeit", weight="1.00", position=2)
    return call


@pytest.fixture
def fund_lead(db):
    """A project lead of the action fund only."""
    user = factories.staff(
        StaffRole.Role.PROJECT_LEAD, subproject="actionfund", email="fundlead@centre.example"
    )
    enrol_mfa(user)
    return user


@pytest.fixture
def other_lead(db):
    """A project lead of another sub-project: no say in the action fund."""
    user = factories.staff(
        StaffRole.Role.PROJECT_LEAD, subproject="mentoring", email="mentoringlead@centre.example"
    )
    enrol_mfa(user)
    return user


@pytest.fixture
def second_juror(db):
    user = factories.staff(
        StaffRole.Role.JURY, subproject="actionfund", email="jury2@centre.example"
    )
    enrol_mfa(user)
    return user


@pytest.fixture
def outsider(db):
    """Logged in, member of no organisation, no role."""
    return factories.UserFactory(email="outsider@example.org")


@pytest.fixture
def private_storage(settings, tmp_path):
    """Uploaded and generated files in a temporary folder of their own."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
