"""Request bodies above IKMO_MAX_REQUEST_BYTES are refused before anything reads them, with a
clear page in the person's language; the deployment caps them before the app too."""

import io
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


class _Unreadable(io.RawIOBase):
    """A request body that fails the test if anyone reads it."""

    def readable(self):
        return True

    def readinto(self, buffer):
        raise AssertionError("the oversized body was read")


def test_a_declared_300_mb_upload_is_refused_unread_in_german(org_admin):
    client = Client(raise_request_exception=True)
    client.force_login(org_admin)
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": reverse("organisations:register"),
        "CONTENT_TYPE": "multipart/form-data; boundary=x",
        "CONTENT_LENGTH": str(300 * 1024 * 1024),
        "wsgi.input": _Unreadable(),
    }
    response = client.request(**environ)
    assert response.status_code == 413
    body = response.content.decode()
    assert "zu groß" in body
    assert response["Connection"] == "close"


def test_the_page_speaks_english_to_english_speakers(client):
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("home"), data=b"x", content_type="text/plain", CONTENT_LENGTH=str(13 * 1024**2)
    )
    assert response.status_code == 413
    assert "too large" in response.content.decode()


def test_bodies_within_the_limit_pass(client, org_admin):
    client.force_login(org_admin)
    response = client.post(reverse("organisations:register"), {"name": ""})
    assert response.status_code == 200  # the form with its errors, not the 413 page


def test_the_proxy_and_gunicorn_configs_cap_what_the_app_receives(settings):
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "client_max_body_size 12m;" in nginx
    assert settings.IKMO_MAX_REQUEST_BYTES == 12 * 1024 * 1024
    gunicorn = (ROOT / "deploy" / "gunicorn.conf.py").read_text()
    assert "limit_request_line" in gunicorn and "timeout" in gunicorn
    compose = (ROOT / "docker-compose.yml").read_text()
    assert "deploy/nginx.conf" in compose and "-c deploy/gunicorn.conf.py" in compose
    # The app is reached through the proxy only.
    assert '"127.0.0.1:8000:8000"' not in compose
