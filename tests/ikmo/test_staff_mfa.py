"""Staff and admins must enrol a second factor before they can use the portal, and may enrol
it only through an invitation link an admin sent them."""

import datetime

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from ikmo import mfa
from ikmo.models import OutboundEmail, StaffMFAInvitation
from organisations.models import StaffRole
from tests import factories
from tests.conftest import enrol_mfa

pytestmark = pytest.mark.django_db

MFA_SETUP = "/accounts/2fa/totp/activate/"
MFA_REQUIRED = "/second-factor/"


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
def test_staff_without_totp_are_sent_to_the_invitation_page_from_every_portal_page(
    client, role, portal_urls
):
    user = factories.staff(role)
    client.force_login(user)
    for url in portal_urls + [MFA_SETUP, reverse("mfa_index"), reverse("account_email")]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == MFA_REQUIRED, url


def test_superuser_without_roles_must_enrol_too(client, portal_urls):
    user = factories.UserFactory(is_superuser=True, is_staff=True)
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    assert response["Location"] == MFA_REQUIRED


def test_the_redirect_explains_why(client):
    client.cookies["django_language"] = "en"
    client.force_login(factories.staff(StaffRole.Role.CONSULTANT))
    response = client.get(reverse("home"), follow=True)
    body = response.content.decode()
    assert "two-factor authentication" in body and "invitation link" in body


def test_a_password_alone_cannot_enrol_the_second_factor(client):
    """Whoever has the password must not be able to bind their own authenticator."""
    user = factories.staff(StaffRole.Role.CONSULTANT)
    client.force_login(user)
    response = client.post(MFA_SETUP, {"code": "123456"})
    assert response.status_code == 302 and response["Location"] == MFA_REQUIRED
    assert not Authenticator.objects.filter(user=user).exists()
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(MFA_REQUIRED).status_code == 200  # the explanation, not a loop


def test_the_invitation_link_opens_the_setup_once_for_its_owner_only(client):
    user = factories.staff(StaffRole.Role.CONSULTANT, email="berater@centre.example")
    admin = factories.UserFactory(is_superuser=True, is_staff=True)
    _invitation, url = mfa.mfa_invitation_create(user=user, by=admin)
    path = url.split("127.0.0.1:8000", 1)[-1]
    # Mailed to the person's own address, never shown to the admin.
    assert OutboundEmail.objects.filter(to=user.email, body__contains=path).exists()
    # Someone else signed in (e.g. who stole another password) cannot use it.
    other = factories.staff(StaffRole.Role.CONSULTANT)
    client.force_login(other)
    assert client.get(path).status_code == 400
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 302 and response["Location"] == MFA_SETUP
    setup = client.get(MFA_SETUP)
    assert setup.status_code in (200, 302)
    if setup.status_code == 302:  # allauth may first ask to confirm the password
        assert setup["Location"].startswith("/accounts/")
    # The other pages still wait for the second factor, through the set-up page.
    assert client.get(reverse("home"))["Location"] == MFA_SETUP
    # Single use: a second visit (another session) is refused.
    client.logout()
    client.force_login(user)
    assert client.get(path).status_code == 400


def test_expired_and_replaced_links_are_refused(client):
    user = factories.staff(StaffRole.Role.CONSULTANT)
    first, first_url = mfa.mfa_invitation_create(user=user, send=False)
    second, second_url = mfa.mfa_invitation_create(user=user, send=False)
    client.force_login(user)
    assert client.get(first_url.split("8000", 1)[-1]).status_code == 400  # replaced
    StaffMFAInvitation.objects.filter(pk=second.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert client.get(second_url.split("8000", 1)[-1]).status_code == 400
    assert client.get("/second-factor/not-a-token/").status_code == 400


def test_an_admin_sends_invitations_from_the_people_list(client):
    admin = factories.UserFactory(is_superuser=True, is_staff=True)
    enrol_mfa(admin)
    staff = factories.staff(StaffRole.Role.CONSULTANT, email="neu@centre.example")
    member = factories.UserFactory()
    client.force_login(admin)
    response = client.post(
        reverse("admin:organisations_user_changelist"),
        {"action": "send_mfa_invitation", "_selected_action": [staff.pk, member.pk]},
    )
    assert response.status_code == 302
    assert StaffMFAInvitation.objects.filter(user=staff, created_by=admin).count() == 1
    assert not StaffMFAInvitation.objects.filter(user=member).exists()


def test_the_management_command_prints_a_link_for_staff_only(capsys):
    staff = factories.staff(StaffRole.Role.CONSULTANT, email="cmd@centre.example")
    call_command("mfa_invite", "cmd@centre.example", "--no-mail")
    assert "/second-factor/" in capsys.readouterr().out
    assert StaffMFAInvitation.objects.filter(user=staff).count() == 1
    with pytest.raises(CommandError):
        call_command("mfa_invite", factories.UserFactory().email)


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


def test_seed_demo_refuses_production_settings(settings, monkeypatch):
    settings.IKMO_DEMO_DATA_ALLOWED = False
    monkeypatch.delenv("IKMO_DEMO_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="refuses"):
        call_command("seed_demo")
    # Even with the flag, not with the published password.
    monkeypatch.setenv("IKMO_DEMO_PASSWORD", "ikmo-demo-2026")
    with pytest.raises(CommandError, match="IKMO_DEMO_PASSWORD"):
        call_command("seed_demo", "--allow-production")
    assert not StaffRole.objects.exists()


def test_seed_demo_with_its_own_password_and_invitation_links(settings, monkeypatch):
    import io

    from organisations.models import User

    settings.IKMO_DEMO_DATA_ALLOWED = False
    settings.IKMO_STAFF_MFA_REQUIRED = True
    monkeypatch.setenv("IKMO_DEMO_PASSWORD", "staging-only-Passw0rd!")
    out = io.StringIO()
    call_command("seed_demo", "--allow-production", stdout=out)
    admin = User.objects.get(email="admin@ikmo.example")
    assert admin.check_password("staging-only-Passw0rd!")
    assert not User.objects.filter(email__endswith="@ikmo.example").filter(
        pk__in=[u.pk for u in User.objects.all() if u.check_password("ikmo-demo-2026")]
    )
    assert "/second-factor/" in out.getvalue()
    # No summary line advertises the published password, nor echoes the secret one.
    assert "ikmo-demo-2026" not in out.getvalue()
    assert "staging-only-Passw0rd!" not in out.getvalue()
    assert "(password: your IKMO_DEMO_PASSWORD)" in out.getvalue()
    assert User.objects.get(email="teilhabe@ikmo.example").check_password("staging-only-Passw0rd!")
    assert StaffMFAInvitation.objects.filter(user=admin, used_at__isnull=True).count() == 1
