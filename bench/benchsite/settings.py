"""Settings for the load benchmark (bench/load_pages.py) only: never deploy these.

The portal's base settings with DEBUG off (cached templates, as in production), plus:
- ROOT_URLCONF adds one bare view, `/bench/bare/`, that runs a single query: the yardstick
  the issue measures our pages against. It exists only in bench/benchsite/urls.py.
- `?bench-cold-figures=1` drops the dashboard's shared figures before a request
  (bench/benchsite/middleware.py), for the benchmark's "dashboard, figures cold" row;
- a fast password hasher (the benchmark creates its users directly, nobody types a password);
- plain static files storage (no collectstatic needed; static files are not measured).

Staff MFA stays required: the benchmark enrols its project lead and admin like real staff.
TLS redirects and secure cookies of ikmo.settings.production are left out because the
benchmark speaks plain HTTP on 127.0.0.1.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-secret")

from ikmo.settings.base import *  # noqa: F403

DEBUG = False
INSTALLED_APPS = [*INSTALLED_APPS, "devtools"]  # noqa: F405 - `manage.py seed_scale`
ALLOWED_HOSTS = ["127.0.0.1"]
ROOT_URLCONF = "bench.benchsite.urls"
MIDDLEWARE = ["bench.benchsite.middleware.ColdFiguresMiddleware", *MIDDLEWARE]  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
