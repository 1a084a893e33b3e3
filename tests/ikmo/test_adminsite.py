"""The portal's admin site (ikmo/adminsite.py): no side navigation, and the list of every
app and model is built only on the page that shows it (the index), not on every admin page."""

from unittest import mock

import pytest
from django.contrib import admin
from django.urls import reverse

from ikmo.adminsite import PortalAdminSite
from tests import factories
from tests.conftest import enrol_mfa

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, db):
    user = factories.UserFactory(is_superuser=True, is_staff=True, email="root@centre.example")
    enrol_mfa(user)
    client.force_login(user)
    return client


def test_the_default_admin_site_is_the_portals():
    assert isinstance(admin.site, PortalAdminSite)
    assert admin.site.enable_nav_sidebar is False
    assert admin.site.site_header == "IKMO Portal"


def _pages_with_builds(client, url):
    """The page, and how often it built the list of apps and models."""
    build, builds = PortalAdminSite._build_app_dict, []

    def counting(site, request, label=None):
        builds.append(label)
        return build(site, request, label)

    with mock.patch.object(PortalAdminSite, "_build_app_dict", counting):
        response = client.get(url)
    assert response.status_code == 200, url
    return response, len(builds)


@pytest.mark.parametrize(
    "url_name, args",
    [
        ("admin:organisations_organisation_changelist", []),
        ("admin:organisations_organisation_add", []),
        ("admin:organisations_organisation_change", ["org"]),
        ("admin:actionfund_payment_add", []),
    ],
)
def test_an_admin_page_without_side_navigation_does_not_build_the_app_list(
    admin_client, org, url_name, args
):
    url = reverse(url_name, args=[org.pk if arg == "org" else arg for arg in args])
    response, builds = _pages_with_builds(admin_client, url)
    assert builds == 0
    assert 'id="nav-sidebar"' not in response.content.decode()


def test_the_index_and_an_apps_page_still_list_their_models(admin_client):
    response, builds = _pages_with_builds(admin_client, reverse("admin:index"))
    assert builds == 1
    html = response.content.decode()
    assert reverse("admin:organisations_organisation_changelist") in html
    assert reverse("admin:actionfund_application_changelist") in html
    response, _builds = _pages_with_builds(
        admin_client, reverse("admin:app_list", args=["organisations"])
    )
    assert reverse("admin:organisations_organisation_changelist") in response.content.decode()


def test_turning_the_side_navigation_back_on_lists_the_models_there(admin_client):
    with mock.patch.object(admin.site, "enable_nav_sidebar", True):
        response, builds = _pages_with_builds(
            admin_client, reverse("admin:organisations_organisation_add")
        )
    html = response.content.decode()
    assert builds == 1 and 'id="nav-sidebar"' in html
    assert reverse("admin:actionfund_application_changelist") in html
