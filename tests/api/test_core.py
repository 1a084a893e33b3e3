"""The API's core: personal tokens, scopes, errors, ETags, rate limits and the schema."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ikmo.api import tokens
from ikmo.api.auth import TokenScope
from ikmo.api.throttling import PersonRateThrottle
from ikmo.models import ApiToken, AuditEntry
from tests import factories
from tests.conftest import enrol_mfa

from .conftest import token_secret

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"


def bearer(secret):
    return Client(headers={"Authorization": f"Bearer {secret}"})


def test_a_token_acts_as_its_person_and_only_its_hash_is_stored(org_member):
    token, secret = tokens.token_create(user=org_member, name="CRM", scope="read")
    assert secret.startswith(f"ikmo_{token.prefix}_")
    row = ApiToken.objects.get(pk=token.pk)
    assert secret not in (row.digest, row.prefix, row.name)
    assert len(row.digest) == 64
    response = bearer(secret).get(ME)
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == org_member.email
    assert body["token_scope"] == "read"
    assert [m["organisation_name"] for m in body["memberships"]] == ["Brückenbau Test e.V."]
    assert AuditEntry.objects.filter(action="ikmo.api_token.created", object_id=token.pk).exists()
    row.refresh_from_db()
    assert row.last_used_at is not None


@pytest.mark.parametrize(
    "header",
    [
        "Bearer ikmo_deadbeef_not-the-secret",
        "Bearer",
        "Bearer a b",
        "Token ikmo_",
        "Bearer " + "x" * 5000,
        "Bearer ikmo_\u00e4\u00f6_x",
    ],
)
def test_a_bad_token_is_refused_with_401_and_a_json_error(header, org_member):
    token_secret(org_member)
    response = Client(headers={"Authorization": header}).get(ME)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert set(response.json()) == {"detail", "code"}


def test_a_token_that_was_revoked_or_has_expired_or_whose_person_left_stops_working(org_member):
    revoked, secret_revoked = tokens.token_create(user=org_member, name="a", scope="read")
    tokens.token_revoke(token=revoked, by=org_member)
    expired, secret_expired = tokens.token_create(
        user=org_member, name="b", scope="read", expires_at=timezone.now() + timedelta(hours=1)
    )
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert bearer(secret_revoked).get(ME).status_code == 401
    assert bearer(secret_expired).get(ME).status_code == 401
    live = token_secret(org_member)
    assert bearer(live).get(ME).status_code == 200
    org_member.is_active = False
    org_member.save()
    assert bearer(live).get(ME).status_code == 401


def test_staff_need_their_second_factor_for_a_token_too(db):
    from organisations.models import StaffRole

    person = factories.staff(StaffRole.Role.CONSULTANT, subproject="qualification")
    secret = token_secret(person)
    assert bearer(secret).get(ME).status_code == 401
    enrol_mfa(person)
    assert bearer(secret).get(ME).status_code == 200


def test_no_credentials_means_401_not_a_login_page():
    response = Client().get(ME)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_read_only_token_cannot_write_and_says_why(org_member, api_as):
    response = api_as(org_member, "read").post(
        reverse("api:qualification_registrations-list"), {}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["detail"] == str(TokenScope.message)


def test_the_session_of_the_portal_works_too_and_writes_need_the_csrf_token(client, org_member):
    client.force_login(org_member)
    assert client.get(ME).json()["token_scope"] is None
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(org_member)
    response = strict.post("/api/v1/documents/", {}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_etag_answers_304_while_nothing_changed(org_member, api_as):
    client = api_as(org_member)
    first = client.get(ME)
    etag = first["ETag"]
    assert etag
    again = client.get(ME, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    org_member.first_name = "Neu"
    org_member.save()
    changed = client.get(ME, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_the_rate_limit_counts_per_token(org_member, monkeypatch, api_as):
    monkeypatch.setattr(PersonRateThrottle, "THROTTLE_RATES", {"person": "3/min"})
    first, second = api_as(org_member), api_as(org_member)
    statuses = [first.get(ME).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = first.get(ME)
    assert limited.json()["code"] == "throttled"
    assert int(limited["Retry-After"]) > 0
    assert second.get(ME).status_code == 200  # another token has its own count


def test_ids_out_of_range_or_not_numbers_are_404_not_500(org_member, api_as):
    client = api_as(org_member)
    for pk in ("99999999999999999999", "0", "2147483648"):
        response = client.get(f"/api/v1/documents/{pk}/")
        assert response.status_code == 404, pk
        assert response.json()["code"] == "not_found"


def test_the_schema_is_valid_openapi_and_describes_errors():
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
    response = Client().get(reverse("api:schema"), headers={"Accept": "application/json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"400", "401", "403", "404", "429"} <= codes, (path, method, codes)
    assert "token" in schema["components"]["securitySchemes"]


def test_the_documentation_page_is_served_from_our_own_origin():
    response = Client().get(reverse("api:docs"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui" in page
    assert "cdn." not in page and "unpkg" not in page


def test_the_documentation_page_says_it_is_in_english_whatever_the_portals_language():
    """Swagger UI has no German: the page's language is English, for screen readers too."""
    for language in ("de", "ar"):
        page = Client(HTTP_ACCEPT_LANGUAGE=language).get(reverse("api:docs")).content.decode()
        assert '<html lang="en" dir="ltr">' in page
        assert '<main id="swagger-ui">' in page
        # The start script comes from the same address (the split view's ?script), no
        # inline script that the CSP would block.
        assert f'<script src="{reverse("api:docs")}?script="></script>' in page
        assert "<script>" not in page


# The token page -------------------------------------------------------------------------------


def test_the_token_page_shows_a_new_secret_once(client_for, org_member):
    client = client_for(org_member)
    response = client.post(
        reverse("api_tokens"), {"name": "Newsletter", "scope": "write", "expires_on": ""}
    )
    assert response.status_code == 302
    token = ApiToken.objects.get(user=org_member)
    assert token.scope == "write" and token.expires_at is None
    shown = client.get(reverse("api_tokens")).content.decode()
    assert f"ikmo_{token.prefix}_" in shown and "data-new-token" in shown
    again = client.get(reverse("api_tokens")).content.decode()
    assert "data-new-token" not in again and "Newsletter" in again


def test_the_token_form_explains_mistakes_and_keeps_the_input(client_for, org_member):
    client = client_for(org_member)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(
        reverse("api_tokens"), {"name": "", "scope": "admin", "expires_on": yesterday}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"name", "scope", "expires_on"}
    assert not ApiToken.objects.exists()
    response = client.post(
        reverse("api_tokens"), {"name": "Statistik", "scope": "read", "expires_on": "31.12.2099"}
    )
    assert response.status_code == 302
    token = ApiToken.objects.get()
    assert timezone.localtime(token.expires_at).date().isoformat() == "2099-12-31"


def test_only_the_owner_can_revoke_a_token(client_for, org_member, other_org_admin):
    token, secret = tokens.token_create(user=org_member, name="CRM", scope="read")
    url = reverse("api_token_revoke", args=[token.pk])
    assert client_for(other_org_admin).post(url).status_code == 404
    assert bearer(secret).get(ME).status_code == 200
    assert client_for(org_member).post(url).status_code == 302
    assert bearer(secret).get(ME).status_code == 401
    assert AuditEntry.objects.filter(action="ikmo.api_token.revoked").count() == 1
