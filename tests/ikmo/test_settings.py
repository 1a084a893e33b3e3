"""Settings read the environment. Each case imports a settings module in a fresh interpreter,
so the values seen are exactly what a process started with that environment would get."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]

# Variables the settings read; every case starts without them so the host's values never leak in.
SETTINGS_VARS = [
    "DATABASE_URL",
    "REDIS_URL",
    "CONN_MAX_AGE",
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DJANGO_DEBUG",
    "DJANGO_SETTINGS_MODULE",
    "IKMO_STAFF_MFA_REQUIRED",
    "EMAIL_BACKEND",
    "IKMO_SITE_URL",
]

PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "k7#Qv9zL!m2Xp4Rt8Wy1Bn6Cd3Fg5Hj0Ks-aPe_uIoTrEwQzXcVbNm1234567890",
    "DJANGO_ALLOWED_HOSTS": "portal.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://portal.example.org",
    "DATABASE_URL": "postgres://ikmo:not-a-real-password@db.internal:5432/ikmo",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "IKMO_SITE_URL": "https://portal.example.org",
}

PRINT_SETTINGS = """
import json
from django.conf import settings
db = settings.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"],
    "name": str(db["NAME"]),
    "host": db.get("HOST", ""),
    "conn_max_age": db.get("CONN_MAX_AGE", 0),
    "health_checks": db.get("CONN_HEALTH_CHECKS", False),
    "cache": settings.CACHES["default"]["BACKEND"],
    "cache_location": settings.CACHES["default"].get("LOCATION", ""),
    "broker": settings.CELERY_BROKER_URL,
    "transport": settings.CELERY_BROKER_TRANSPORT,
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "debug": settings.DEBUG,
    "mfa_required": settings.IKMO_STAFF_MFA_REQUIRED,
}))
"""


def _env(**overrides) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARS and k != "CI"}
    env.update(overrides)
    return env


def _run(code: str, module: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup()\n{code}"],
        cwd=ROOT,
        env=_env(DJANGO_SETTINGS_MODULE=module, **env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_of(module: str, **env) -> dict:
    result = _run(PRINT_SETTINGS, module, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.skipif((ROOT / ".env").exists(), reason="a local .env file overrides the defaults")
def test_local_settings_use_sqlite_locmem_cache_and_eager_celery_without_services():
    values = settings_of("ikmo.settings.local")
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"].endswith("db.sqlite3")
    assert values["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert values["eager"] is True
    assert values["broker"] == "memory://"
    assert values["transport"] is None  # the in-memory transport
    assert values["debug"] is True


def test_database_url_switches_to_postgresql_with_persistent_connections():
    values = settings_of(
        "ikmo.settings.local", DATABASE_URL="postgres://ikmo:secret@db.example:5432/ikmo"
    )
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["name"] == "ikmo"
    assert values["host"] == "db.example"
    assert values["conn_max_age"] > 0
    assert values["health_checks"] is True


def test_redis_url_switches_celery_and_the_cache_to_redis():
    values = settings_of("ikmo.settings.local", REDIS_URL="redis://cache.example:6379/3")
    assert values["broker"] == "redis://cache.example:6379/3"
    assert values["transport"] == "ikmo.broker:Transport"
    assert values["eager"] is False
    assert values["cache"] == "ikmo.cache.ResilientRedisCache"
    assert values["cache_location"] == "redis://cache.example:6379/3"


def test_base_settings_refuse_to_start_without_a_secret_key():
    result = _run("", "ikmo.settings.base")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    "missing",
    ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "IKMO_SITE_URL"],
)
def test_production_refuses_to_start_without_each_required_variable(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = _run("", "ikmo.settings.production", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


@pytest.mark.parametrize("url", ["http://portal.example.org", "https://localhost:8000", ""])
def test_production_refuses_a_site_url_that_mails_cannot_link_to(url):
    result = _run("", "ikmo.settings.production", **{**PRODUCTION_ENV, "IKMO_SITE_URL": url})
    assert result.returncode != 0
    assert "IKMO_SITE_URL" in result.stderr


def test_production_settings_use_the_services_and_require_staff_mfa():
    values = settings_of("ikmo.settings.production", **PRODUCTION_ENV)
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["conn_max_age"] > 0
    assert values["cache"] == "ikmo.cache.ResilientRedisCache"
    assert values["broker"] == PRODUCTION_ENV["REDIS_URL"]
    # kombu's Redis transport with acknowledgements that survive a Redis that does not answer.
    assert values["transport"] == "ikmo.broker:Transport"
    assert values["eager"] is False
    assert values["debug"] is False
    # Setting the variable cannot switch the staff MFA rule off in production.
    values = settings_of(
        "ikmo.settings.production", IKMO_STAFF_MFA_REQUIRED="false", **PRODUCTION_ENV
    )
    assert values["mfa_required"] is True


def test_production_settings_pass_check_deploy_without_warnings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_env(DJANGO_SETTINGS_MODULE="ikmo.settings.production", **PRODUCTION_ENV),
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNINGS" not in output


def test_argon2_is_the_first_password_hasher_in_base_settings():
    # The test settings swap in a fast hasher, so read what base.py declares.
    from ikmo.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert settings.AUTH_USER_MODEL == "organisations.User"


def test_argon2_hashes_passwords_when_base_hashers_are_active(db, settings):
    from django.contrib.auth.hashers import identify_hasher

    from ikmo.settings import base
    from tests.factories import UserFactory

    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    user = UserFactory(password="a-long-enough-passphrase")
    assert identify_hasher(user.password).algorithm == "argon2"
    assert user.check_password("a-long-enough-passphrase")


def test_a_403_is_logged_as_one_line_without_traceback(client, org_member):
    """Someone opening a page they may not see is not a fault: no traceback in the log."""
    import io
    import logging

    from django.urls import reverse

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        client.force_login(org_member)
        response = client.get(reverse("reporting:dashboard"))
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 403
    assert stream.getvalue() == "Forbidden (Permission denied): /reporting/\n"
