"""A part of a page loaded, polled or posted by htmx after the session ended: the browser is
sent to the sign-in page as a whole (HX-Redirect), and back to the page afterwards; a
normal request still gets the plain redirect."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

SIGN_IN = reverse("account_login")


def test_an_htmx_part_after_the_session_ended_sends_the_page_to_sign_in(client, org):
    page = org.get_absolute_url()
    part = reverse("organisations:timeline", args=[org.pk])
    response = client.get(
        part, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL=f"http://testserver{page}"
    )
    assert response.status_code == 200
    assert response.content == b""  # nothing to put inside the part
    target = urlsplit(response["HX-Redirect"])
    assert target.path == SIGN_IN
    assert parse_qs(target.query) == {"next": [page]}  # back to the page, not the part


def test_polling_a_status_and_posting_a_row_go_to_sign_in_too(client):
    # Signed out, no object is looked up: any number will do.
    status_page = reverse("document_detail", args=[1])
    polled = client.get(
        status_page, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL=f"http://testserver{status_page}"
    )
    assert urlsplit(polled["HX-Redirect"]).path == SIGN_IN
    attendance = reverse("qualification:attendance", args=[1])
    posted = client.post(
        reverse("qualification:attendance_set", args=[1, 1]),
        {"attended": "on"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=f"http://testserver{attendance}",
    )
    assert parse_qs(urlsplit(posted["HX-Redirect"]).query) == {"next": [attendance]}


def test_another_sites_page_is_not_where_sign_in_leads_back_to(client, org):
    part = reverse("organisations:timeline", args=[org.pk])
    response = client.get(
        part, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="https://elsewhere.example/phish"
    )
    assert parse_qs(urlsplit(response["HX-Redirect"]).query) == {"next": ["/"]}


def test_a_normal_request_and_a_signed_in_part_are_left_alone(client, org, org_member):
    part = reverse("organisations:timeline", args=[org.pk])
    response = client.get(part)
    assert response.status_code == 302 and urlsplit(response["Location"]).path == SIGN_IN
    assert not response.has_header("HX-Redirect")
    client.force_login(org_member)
    loaded = client.get(part, HTTP_HX_REQUEST="true")
    assert loaded.status_code == 200 and not loaded.has_header("HX-Redirect")
