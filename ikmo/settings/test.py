"""Settings for the test suite. DATABASE_URL/REDIS_URL (set by CI) switch to the real services."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-not-secret")

from .base import *  # noqa: F403

# Factories and the scale generator (`manage.py seed_scale`); production has no dev tools.
INSTALLED_APPS = [*INSTALLED_APPS, "devtools"]  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, tests only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run inline in tests; the worker test starts a real worker against Redis itself.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LANGUAGE_CODE = "de"

# A test machine under load may stall Redis for longer than production's half second; the
# suite must not see the circuit breaker open by accident (tests/faults tests it on purpose).
if REDIS_URL:  # noqa: F405
    CACHES["default"]["OPTIONS"].update(SOCKET_TIMEOUT=5, SOCKET_CONNECT_TIMEOUT=5)  # noqa: F405

# Parallel test processes (pytest-xdist) each get a Redis database of their own: every test
# clears the cache (FLUSHDB), which must not wipe another process's rate-limit counters.
_xdist_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if REDIS_URL and _xdist_worker.startswith("gw"):  # noqa: F405
    from urllib.parse import urlsplit

    _redis = urlsplit(REDIS_URL)  # noqa: F405
    CACHES["default"]["LOCATION"] = _redis._replace(  # noqa: F405
        path=f"/{1 + int(_xdist_worker[2:]) % 14}"
    ).geturl()

# App tests sign in with force_login; re-authentication for exports, erasure and role changes
# (ikmo.reauth) is tested with it switched on in tests/security/test_auth_hardening.py.
IKMO_REAUTHENTICATION_REQUIRED = False
TEST_NON_SERIALIZED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
]  # recreated by migrate signals

# The page cache (ikmo/pagecache.py) is off for the suite: most tests write inside the test's
# transaction, whose commit never comes. tests/ikmo/test_pagecache.py switches it on.
IKMO_PAGE_CACHE_SECONDS = 0
IKMO_MEMO_SECONDS = 0  # tests write inside transactions that never commit
# The dashboard's shared figures stay on (their tests check the sharing and its invalidation);
# tests/reporting switch them off where a test needs every look computed.
IKMO_FIGURES_CACHE_SECONDS = 60

# Fictional demo accounts with the published password (`manage.py seed_demo`) are fine here.
IKMO_DEMO_DATA_ALLOWED = True
