"""What the server tells the browser drafts (ikmo/middleware.py FormDraftMiddleware and
ikmo/context_processors.py draft_owner); the browser side is in
tests/browser/test_form_behaviour.py."""

import pytest
from django.urls import reverse

from actionfund.models import Status
from organisations.models import StaffRole
from tests import factories
from tests.actionfund.factories import paid
from tests.conftest import enrol_mfa

pytestmark = pytest.mark.django_db


@pytest.fixture
def proof(org, org_admin):
    lead = factories.staff(StaffRole.Role.PROJECT_LEAD, subproject="actionfund")
    enrol_mfa(lead)
    application = paid(organisation=org, by=org_admin, lead=lead)
    return application, reverse("actionfund:proof_edit", args=[application.pk])


def test_a_confirmed_save_sets_the_cookie_an_error_page_does_not(client_for, org_admin, proof):
    application, url = proof
    client = client_for(org_admin)
    refused = client.post(url, {"report": "", "action": "submit"})
    assert refused.status_code == 200
    assert "ikmo_saved" not in refused.cookies
    saved = client.post(url, {"report": "Bericht", "action": "save"})
    assert saved.status_code == 302
    assert saved.cookies["ikmo_saved"].value == "1"
    assert not saved.cookies["ikmo_saved"]["httponly"]
    application.refresh_from_db()
    assert application.status == Status.PAID


def test_an_expired_session_returns_to_the_form_page(client, proof):
    _application, url = proof
    response = client.post(
        reverse("actionfund:receipt_add", args=[_application.pk]),
        {"report": "Bericht"},
        HTTP_REFERER=f"http://testserver{url}?tab=2",
    )
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("account_login") + "?next=" + url.replace("/", "%2F") + "%3Ftab%3D2"
    )
    assert "ikmo_saved" not in response.cookies


def test_a_foreign_referer_is_not_followed(client, proof):
    application, url = proof
    response = client.post(url, {"report": "x"}, HTTP_REFERER="https://evil.example/form/")
    assert response.status_code == 302
    assert "evil" not in response["Location"]
    assert response["Location"].startswith(reverse("account_login"))


def test_signing_out_clears_the_browser_storage(client_for, org_admin):
    response = client_for(org_admin).post(reverse("account_logout"))
    assert response["Clear-Site-Data"] == '"storage"'


def test_the_draft_owner_is_opaque_stable_and_per_person(client_for, org_admin, org_member):
    client = client_for(org_admin)
    first = client.get(reverse("home")).context["draft_owner"]
    assert first == client.get(reverse("home")).context["draft_owner"]
    assert str(org_admin.pk) != first and org_admin.email not in first and len(first) == 32
    client.logout()
    assert client.get(reverse("home")).context["draft_owner"] == ""
    other = client_for(org_member).get(reverse("home")).context["draft_owner"]
    assert other and other != first
    # A new session of the same person: the same owner, so the draft is found again.
    client.logout()
    assert client_for(org_admin).get(reverse("home")).context["draft_owner"] == first
