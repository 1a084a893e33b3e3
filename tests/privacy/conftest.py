import time

import pytest

from organisations.models import Membership
from tests import factories

NAME_FIRST = "Zelinda"
NAME_LAST = "Quastorf"
EMAIL = "zelinda.quastorf@example.org"


@pytest.fixture(autouse=True)
def _english(settings):
    """Tests read the English source texts; test_translations checks the German catalogue."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    translation.activate("en")
    yield
    translation.activate("de")


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    """Uploaded and generated files go to a temporary directory, never into the working tree."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return tmp_path


@pytest.fixture
def subject(org):
    """The person whose data is exported and erased: a distinctive, fictional name."""
    return factories.member_of(
        org,
        email=EMAIL,
        first_name=NAME_FIRST,
        last_name=NAME_LAST,
    )


@pytest.fixture
def bystander(org):
    return factories.member_of(org, role=Membership.Role.MEMBER, email="bystander@org-a.example")


def reauthenticated(client, user):
    """Log in and mark the session as freshly re-authenticated (allauth's record)."""
    client.force_login(user)
    session = client.session
    session["account_authentication_methods"] = [
        {"method": "password", "at": time.time(), "reauthenticated": True}
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
    return client


@pytest.fixture
def now_and_commit(django_capture_on_commit_callbacks):
    """`with now_and_commit(): ...` runs what was enqueued on commit (Celery is eager)."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture
def site(org):
    from tests.volunteering.factories import carrier_profile, site_profile

    carrier = carrier_profile()
    site_profile(org, carrier.organisation)
    return org


@pytest.fixture
def contingent(site):
    from volunteering.models import Contingent, ServiceProfile

    carrier = ServiceProfile.objects.get(organisation=site).carrier
    return Contingent.objects.create(carrier=carrier, year=2024, service_type="fsj", places=5)
