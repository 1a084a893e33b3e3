"""Sign-in hardening: the Django admin signs in through allauth (rate limits, MFA), staff
without a second factor reach no staff page, and exports, erasure and role changes ask the
person to confirm who they are again."""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from organisations.models import Membership
from tests.factories import DEFAULT_PASSWORD

from .expectations import EXPECTATIONS, POST
from .probe import send, url_for

pytestmark = pytest.mark.django_db

MFA_SETUP = "/second-factor/"  # staff without a second factor: the invitation page
STAFF_PERSONAS = ["consultant", "other_consultant", "lead", "admin", "jury"]


# --- the admin signs in through allauth ---------------------------------------------------


def test_the_admin_login_page_hands_over_to_allauth(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))


def test_signing_in_for_the_admin_is_rate_limited(client, world):
    """After five wrong passwords for one account (ACCOUNT_RATE_LIMITS login_failed), even
    the right one is refused for a while: guessing is capped."""
    admin = world.users["admin"]
    url = reverse("account_login") + "?next=/admin/"
    for _ in range(5):
        response = client.post(url, {"login": admin.email, "password": "wrong-password"})
        assert response.status_code == 200  # the form again, with an error
    response = client.post(url, {"login": admin.email, "password": DEFAULT_PASSWORD})
    assert response.status_code in (200, 429)
    assert "Location" not in response
    assert "_auth_user_id" not in client.session


def test_staff_with_a_second_factor_are_asked_for_it_before_the_admin(client, world):
    admin = world.users["admin"]
    response = client.post(
        reverse("account_login") + "?next=/admin/",
        {"login": admin.email, "password": DEFAULT_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_authenticate"))
    # Not signed in yet: the admin sends back to allauth, which still wants the code.
    response = client.get(reverse("admin:index"), follow=True)
    last = response.redirect_chain[-1][0]
    assert last.startswith((reverse("account_login"), reverse("mfa_authenticate"))), last
    assert "_auth_user_id" not in client.session


def test_a_signed_in_non_staff_person_cannot_use_the_admin(client, world):
    for persona in ["member_a", "admin_a", "member_b", "consultant", "lead", "jury"]:
        user = world.persona(persona, "core")
        outcome = send(client, user, "get", reverse("admin:index"))
        assert outcome.status == 302, persona
        assert outcome.location.startswith(reverse("admin:login")), outcome.location
        # The admin's login page, for a signed-in person who is not staff: refused.
        assert send(client, user, "get", outcome.location).status == 403, persona


def test_admin_is_for_admins_only(client, world):
    """Every changelist of the admin: refused to everyone but the portal admin."""
    from django.contrib import admin as django_admin

    urls = [
        reverse(f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist")
        for m in django_admin.site._registry
    ]
    assert len(urls) > 40
    for persona in ["anonymous", "member_a", "admin_a", "member_b", "consultant", "lead", "jury"]:
        user = world.persona(persona, "core")
        for url in urls:
            outcome = send(client, user, "get", url)
            assert outcome.status in (302, 403), (persona, url, outcome.status)
            assert "Alphaverein" not in outcome.body
    admin = world.users["admin"]
    assert all(send(client, admin, "get", url).status == 200 for url in urls[:5])


# --- staff MFA on every staff route -------------------------------------------------------


def test_staff_without_a_second_factor_are_sent_to_set_one_up_from_every_staff_route(client, world):
    Authenticator.objects.all().delete()
    problems, checked = [], 0
    for name, spec in EXPECTATIONS.items():
        app = name.split(":", 1)[0] if ":" in name else "core"
        url = url_for(name, spec.kwargs(world) if spec.kwargs else None)
        method = "post" if spec.method == POST else "get"
        for persona in STAFF_PERSONAS:
            if persona not in spec.allow:
                continue
            outcome = send(client, world.persona(persona, app), method, url)
            checked += 1
            if name in ("healthz", "mfa_required", "mfa_invitation"):
                # The load balancer's check needs no account; the second-factor pages are
                # where staff without one go (tests/ikmo/test_staff_mfa.py).
                continue
            if not (outcome.status == 302 and outcome.location == MFA_SETUP):
                problems.append(f"{method.upper()} {name} as {persona}: {outcome.status}")
    assert checked > 150
    assert not problems, "\n".join(problems)


# --- re-authentication for exports, erasure and role changes -------------------------------

# (route, persona who may use it, method)
SENSITIVE = [
    ("qualification:participants_csv", "consultant", "get"),
    ("reporting:records_csv", "lead", "get"),
    ("reporting:report_records_csv", "lead", "get"),
    ("exports:create", "lead", "post"),
    ("exports:download", "consultant", "get"),
    ("volunteering:volunteer_export", "consultant", "get"),
    ("volunteering:volunteer_erase", "consultant", "post"),
    ("organisations:member_action", "admin_a", "post"),
]


@pytest.fixture
def reauth_on(settings):
    settings.IKMO_REAUTHENTICATION_REQUIRED = True


def _reauthenticate(client, location):
    """Confirm the password on the page the person was sent to (it carries ?next=)."""
    from urllib.parse import parse_qs, urlsplit

    next_url = parse_qs(urlsplit(location).query)["next"][0]
    assert client.get(location).status_code == 200
    return client.post(
        reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD, "next": next_url}
    )


@pytest.mark.parametrize("name,persona,method", SENSITIVE, ids=[s[0] for s in SENSITIVE])
def test_sensitive_actions_ask_to_confirm_the_password_first(
    client, world, reauth_on, name, persona, method
):
    spec = EXPECTATIONS[name]
    app = name.split(":", 1)[0]
    url = url_for(name, spec.kwargs(world) if spec.kwargs else None)
    user = world.persona(persona, app)
    client.force_login(user)
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert "reauthenticate" in response["Location"], response["Location"]
    assert _reauthenticate(client, response["Location"]).status_code in (200, 302)
    # Confirmed a moment ago: the action goes through.
    response = getattr(client, method)(url)
    assert response.status_code in (200, 302), response.status_code
    assert "reauthenticate" not in response.get("Location", "")


def test_a_role_change_posted_before_confirming_is_resumed_after(client, world, reauth_on):
    membership = world.membership_a
    url = reverse(
        "organisations:member_action",
        kwargs={"pk": world.org_a.pk, "membership_pk": membership.pk, "action": "role"},
    )
    client.force_login(world.users["admin_a"])
    response = client.post(url, {"role": Membership.Role.ADMIN})
    assert "reauthenticate" in response["Location"]
    membership.refresh_from_db()
    assert membership.role == Membership.Role.MEMBER  # nothing changed yet
    response = _reauthenticate(client, response["Location"])  # allauth replays the POST
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Membership.Role.ADMIN


def test_approving_a_join_request_needs_no_reconfirmation(client, world, reauth_on):
    pending = Membership.objects.create(
        user=world.users["member_b"], organisation=world.org_a, status=Membership.Status.PENDING
    )
    client.force_login(world.users["admin_a"])
    url = reverse(
        "organisations:member_action",
        kwargs={"pk": world.org_a.pk, "membership_pk": pending.pk, "action": "approve"},
    )
    response = client.post(url)
    assert "reauthenticate" not in response.get("Location", "")


def test_calendar_feeds_are_not_exports_of_personal_data(client, world, reauth_on):
    client.force_login(world.users["member_a"])
    for url in [
        reverse("qualification:workshop_calendar"),
        reverse("qualification:workshop_ics", args=[world.workshop.pk]),
    ]:
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "name",
    [
        "reporting:figures_csv",
        "reporting:figures_xlsx",
        "reporting:report_csv",
        "reporting:report_xlsx",
    ],
)
def test_aggregate_figures_need_no_reconfirmation_like_their_pdf(client, world, reauth_on, name):
    # Counts only, the same as the dashboard and the report's PDF (ikmo/reauth.py).
    spec = EXPECTATIONS[name]
    url = url_for(name, spec.kwargs(world) if spec.kwargs else None)
    client.force_login(world.persona("lead", "reporting"))
    response = client.get(url)
    assert response.status_code == 200, response.get("Location")
    assert response["Content-Disposition"].startswith("attachment")


def test_a_fresh_sign_in_counts_as_confirmed_until_the_timeout(client, world, reauth_on):
    from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY

    membership = world.membership_a
    url = reverse(
        "organisations:member_action",
        kwargs={"pk": world.org_a.pk, "membership_pk": membership.pk, "action": "role"},
    )
    admin_a = world.users["admin_a"]
    response = client.post(
        reverse("account_login"), {"login": admin_a.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302 and "login" not in response["Location"]
    # Signed in a moment ago: the role change goes through without the password again.
    response = client.post(url, {"role": Membership.Role.ADMIN})
    assert "reauthenticate" not in response.get("Location", "")
    membership.refresh_from_db()
    assert membership.role == Membership.Role.ADMIN

    # Ten minutes later (allauth's timeout is five), it asks again.
    session = client.session
    records = session[AUTHENTICATION_METHODS_SESSION_KEY]
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [{**r, "at": r["at"] - 600} for r in records]
    session.save()
    response = client.post(url, {"role": Membership.Role.MEMBER})
    assert "reauthenticate" in response["Location"]
    membership.refresh_from_db()
    assert membership.role == Membership.Role.ADMIN
