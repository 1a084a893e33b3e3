"""Staff and admins must enrol a second factor before they can use the portal."""

import pytest
from django.urls import reverse

from organisations.models import StaffRole
from tests import factories
from tests.conftest import enrol_mfa

pytestmark = pytest.mark.django_db

MFA_SETUP = "/accounts/2fa/totp/activate/"


@pytest.fixture
def portal_urls(org):
    return [
        reverse("home"),
        reverse("organisations:directory"),
        reverse("organisations:detail", args=[org.pk]),
        reverse("organisations:edit", args=[org.pk]),
        reverse("organisations:members", args=[org.pk]),
        reverse("organisations:registrations"),
        reverse("organisations:register"),
        reverse("organisations:join"),
        reverse("qualification:home"),
        reverse("mentoring:home"),
        reverse("participation_check:home"),
        reverse("actionfund:home"),
        reverse("volunteering:home"),
        reverse("admin:index"),
        reverse("document_detail", args=[1]),
    ]


def test_the_setup_page_is_where_staff_are_sent():
    assert reverse("mfa_activate_totp") == MFA_SETUP


@pytest.mark.parametrize("role", StaffRole.Role.values)
def test_staff_without_totp_are_sent_to_mfa_setup_from_every_portal_page(client, role, portal_urls):
    user = factories.staff(role)
    client.force_login(user)
    for url in portal_urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == MFA_SETUP, url


def test_superuser_without_roles_must_enrol_too(client, portal_urls):
    user = factories.UserFactory(is_superuser=True, is_staff=True)
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    assert response["Location"] == MFA_SETUP


def test_the_redirect_explains_why(client):
    client.cookies["django_language"] = "en"
    client.force_login(factories.staff(StaffRole.Role.CONSULTANT))
    response = client.get(reverse("home"), follow=True)
    assert "two-factor authentication" in response.content.decode()


def test_account_pages_stay_reachable_without_mfa(client):
    client.force_login(factories.staff(StaffRole.Role.CONSULTANT))
    for url in [reverse("account_email"), reverse("account_change_password"), reverse("mfa_index")]:
        assert client.get(url).status_code == 200, url
    # The setup page itself never loops back to itself (it may first ask to re-authenticate).
    response = client.get(MFA_SETUP)
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert response["Location"].startswith("/accounts/")
        assert response["Location"] != MFA_SETUP
    assert client.get(reverse("healthz")).status_code == 200


def test_staff_with_totp_pass(client, org):
    user = factories.staff(StaffRole.Role.CONSULTANT)
    enrol_mfa(user)
    client.force_login(user)
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("organisations:directory")).status_code == 200
    assert client.get(reverse("organisations:detail", args=[org.pk])).status_code == 200


def test_organisation_members_are_never_asked_for_mfa(client, org, org_admin, org_member):
    for user in (org_admin, org_member):
        client.force_login(user)
        assert client.get(reverse("home")).status_code == 200
        assert client.get(reverse("organisations:detail", args=[org.pk])).status_code == 200
        assert client.get(reverse("qualification:home")).status_code == 200


def test_anonymous_visitors_are_not_redirected_to_mfa(client):
    assert client.get(reverse("home")).status_code == 200
    response = client.get(reverse("organisations:directory"))
    assert response["Location"].startswith(reverse("account_login"))


def test_the_rule_can_be_switched_off_for_local_demos(client, settings):
    settings.IKMO_STAFF_MFA_REQUIRED = False
    client.force_login(factories.staff(StaffRole.Role.CONSULTANT))
    assert client.get(reverse("home")).status_code == 200
