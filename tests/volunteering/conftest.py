import pytest

from organisations.models import StaffRole
from tests import factories
from tests.conftest import enrol_mfa
from volunteering.models import Contingent

from .factories import carrier_profile, site_profile


@pytest.fixture
def desk_consultant(db):
    user = factories.staff(
        StaffRole.Role.CONSULTANT, subproject="volunteering", email="desk@centre.example"
    )
    enrol_mfa(user)
    return user


@pytest.fixture
def workshop_trainer(db):
    """Centre staff of another sub-project: no business with volunteers."""
    user = factories.staff(
        StaffRole.Role.CONSULTANT, subproject="qualification", email="trainer@centre.example"
    )
    enrol_mfa(user)
    return user


@pytest.fixture
def carrier(db):
    organisation = factories.OrganisationFactory(name="Trägerwerk Test e.V.", kind="carrier")
    carrier_profile(organisation)
    return organisation


@pytest.fixture
def site(org, carrier):
    """The shared `org` fixture, recognised as a placement site by `carrier`."""
    site_profile(org, carrier)
    return org


@pytest.fixture
def other_site(other_org, carrier):
    site_profile(other_org, carrier)
    return other_org


@pytest.fixture
def contingent(carrier):
    return Contingent.objects.create(carrier=carrier, year=2025, service_type="fsj", places=2)


@pytest.fixture
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return tmp_path


@pytest.fixture(autouse=True)
def _english(settings):
    """Tests read the English source texts; test_translations checks the German catalogue."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
