"""Settings for a newcomer's machine: `make run`. SQLite, eager Celery, mails on the console."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "local-development-only-not-secret")

from .base import *  # noqa: F403
from .base import env

# Factories and the scale generator (`manage.py seed_scale`); production has no dev tools.
INSTALLED_APPS = [*INSTALLED_APPS, "devtools"]  # noqa: F405
DEBUG = env.bool("DJANGO_DEBUG", default=True)
# Demo logins for staff would otherwise need an authenticator app first; production enforces it.
IKMO_STAFF_MFA_REQUIRED = env.bool("IKMO_STAFF_MFA_REQUIRED", default=False)

# Fictional demo accounts with the published password (`manage.py seed_demo`) are fine here.
IKMO_DEMO_DATA_ALLOWED = True
