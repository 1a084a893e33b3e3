import os

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.utils import translation

from ikmo import pagecache
from organisations.models import Membership, StaffRole
from tests import factories

IN_CI = os.environ.get("CI") == "true"


def pytest_collection_modifyitems(config, items):
    """Tests marked `services` need the real PostgreSQL and Redis (DATABASE_URL, REDIS_URL).

    Locally without them they are skipped; in CI (CI=true) a missing service is an error,
    never a silent skip.
    """
    _keep_reference_data_in_transactional_tests(items)
    have_services = bool(os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL"))
    if have_services:
        return
    for item in items:
        if "services" in item.keywords:
            if IN_CI:
                # A usefixtures marker added at this point is ignored (the fixture closure is
                # already computed), so the failure is raised in pytest_runtest_setup instead.
                item.stash[_SERVICES_MISSING] = True
            else:
                item.add_marker(pytest.mark.skip(reason="needs DATABASE_URL and REDIS_URL"))


_SERVICES_MISSING = pytest.StashKey[bool]()


def _keep_reference_data_in_transactional_tests(items):
    """Transactional tests (live server, races, the worker) end with a flush, which would also
    wipe the reference data the migrations load (districts, topics, ...) for every later
    test. Serialized rollback restores it before each of them."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is not None and marker.kwargs.get("transaction"):
            if not marker.kwargs.get("serialized_rollback"):
                item.add_marker(
                    pytest.mark.django_db(*marker.args, **marker.kwargs, serialized_rollback=True),
                    append=False,
                )
        elif {"transactional_db", "live_server"} & set(item.fixturenames) and (
            "django_db_serialized_rollback" not in item.fixturenames
        ):
            item.fixturenames.append("django_db_serialized_rollback")


def pytest_runtest_setup(item):
    if item.stash.get(_SERVICES_MISSING, False):
        pytest.fail("CI=true but DATABASE_URL/REDIS_URL are not set: the services test cannot run")


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters and cached lookups must not leak between tests.

    The content-type cache too: a transactional test's flush recreates content types
    under new ids, and a stale cache would point audit entries at rows that are gone."""
    cache.clear()
    pagecache.forget_local()
    ContentType.objects.clear_cache()
    yield
    cache.clear()
    pagecache.forget_local()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request in Arabic leaves Arabic active in
    the thread (LocaleMiddleware activates, nothing deactivates), which would leak into the
    next test that renders outside a request."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def enrol_mfa(user) -> Authenticator:
    """Give a staff person an enrolled TOTP device, as the staff MFA rule requires."""
    return Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )


@pytest.fixture
def org(db):
    return factories.OrganisationFactory(name="Brückenbau Test e.V.")


@pytest.fixture
def other_org(db):
    return factories.OrganisationFactory(name="Sonnenblume Test e.V.")


@pytest.fixture
def org_admin(org):
    return factories.member_of(org, role=Membership.Role.ADMIN, email="admin@org-a.example")


@pytest.fixture
def org_member(org):
    return factories.member_of(org, email="member@org-a.example")


@pytest.fixture
def other_org_admin(other_org):
    return factories.member_of(other_org, role=Membership.Role.ADMIN, email="admin@org-b.example")


def _staff(role, email, subproject=""):
    user = factories.staff(role, subproject=subproject, email=email)
    enrol_mfa(user)
    return user


@pytest.fixture
def consultant(db):
    return _staff(StaffRole.Role.CONSULTANT, "consultant@centre.example")


@pytest.fixture
def project_lead(db):
    return _staff(StaffRole.Role.PROJECT_LEAD, "lead@centre.example")


@pytest.fixture
def jury_member(db):
    return _staff(StaffRole.Role.JURY, "jury@centre.example")


@pytest.fixture
def portal_admin(db):
    user = _staff(StaffRole.Role.ADMIN, "admin@centre.example")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


@pytest.fixture
def client_for(client):
    """`client_for(user)` returns the test client logged in as that person."""

    def login(user):
        client.force_login(user)
        return client

    return login
