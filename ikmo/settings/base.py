"""Settings shared by every environment; values come from the environment (12-factor)."""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "csp",
    "ikmo",
    "organisations",
    "qualification",
    "mentoring",
    "participation_check",
    "actionfund",
    "volunteering",
    "reporting",
    "privacy",
]

MIDDLEWARE = [
    "ikmo.pagecache.request_scope",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "ikmo.middleware.AdminInlineStyleMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "ikmo.middleware.StaffMFAMiddleware",
    "ikmo.middleware.FormDraftMiddleware",
    "ikmo.pagecache.PageCacheMiddleware",
]

ROOT_URLCONF = "ikmo.urls"
WSGI_APPLICATION = "ikmo.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ikmo.context_processors.navigation",
                "ikmo.context_processors.draft_owner",
            ],
        },
    },
]

# Database: SQLite unless DATABASE_URL points elsewhere (PostgreSQL in CI and production).
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Opening a connection costs ~5x a short query here, so keep them for a minute.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis (when configured) backs the cache, which login rate limits depend on, and Celery.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                # A Redis outage must not take pages down: the cache degrades to misses.
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 2,
                "SOCKET_TIMEOUT": 2,
            },
        }
    }
    # Sessions are read from Redis and written through to the database (no sign-out when
    # Redis restarts, one query fewer on every signed-in request).
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Lists and dashboards are kept per person until any data changes (ikmo/pagecache.py). Only
# with a cache all web processes share: a per-process cache would miss other processes' writes.
IKMO_PAGE_CACHE_SECONDS = env.int("IKMO_PAGE_CACHE_SECONDS", default=120 if REDIS_URL else 0)

AUTH_USER_MODEL = "organisations.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: e-mail is the login, and it must be confirmed before the account is usable.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[IKMO] "
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
ACCOUNT_ADAPTER = "organisations.adapters.AccountAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "IKMO Portal"
# Staff and admins must enrol a second factor before they can use the portal.
IKMO_STAFF_MFA_REQUIRED = env.bool("IKMO_STAFF_MFA_REQUIRED", default=True)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Languages: German first, English complete; right-to-left languages must lay out correctly.
LANGUAGE_CODE = "de"
LANGUAGES = [
    ("de", _("German")),
    ("en", _("English")),
    ("ar", _("Arabic")),
    ("tr", _("Turkish")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True
# Day-first dates and Berlin-friendly number formats per language (ikmo/formats/).
FORMAT_MODULE_PATH = ["ikmo.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # Uploaded and generated files are personal data: they live outside any served
    # directory and are only handed out through permission-checked views.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private-media")},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="IKMO Portal <portal@ikmo.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: Redis when configured, otherwise tasks run inline (eager) so the portal works alone.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# If Redis is down when a request enqueues work, fail fast: the work is kept in the
# database and the sweeper below re-sends it.
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "requeue-stale-documents": {
        "task": "ikmo.tasks.requeue_stale_documents",
        "schedule": 300.0,
    },
    # Qualification reminders: each sweeper sends every due message once (sent-markers).
    "qualification-workshop-reminders": {
        "task": "qualification.tasks.send_workshop_reminders",
        "schedule": 900.0,
    },
    "qualification-workshop-followups": {
        "task": "qualification.tasks.send_workshop_followups",
        "schedule": 3600.0,
    },
    "qualification-coaching-follow-ups": {
        "task": "qualification.tasks.send_coaching_follow_up_reminders",
        "schedule": 3600.0,
    },
    "qualification-coaching-nudges": {
        "task": "qualification.tasks.send_coaching_nudges",
        "schedule": 6 * 3600.0,
    },
    # Mentoring: tandems without a logged meeting for a while get one reminder per gap.
    "mentoring-tandem-nudges": {
        "task": "mentoring.tasks.sweep_tandem_nudges",
        "schedule": 6 * 3600.0,
    },
    # Action fund: draft reminders before a call closes, proof-of-use reminders before and
    # after the due date; each one exactly once (ReminderLog unique per application and kind).
    "actionfund-reminders": {
        "task": "actionfund.tasks.send_reminders",
        "schedule": 3600.0,
    },
    # Volunteer services: placements ending soon, seminar days missing (each once).
    "volunteering-reminders": {
        "task": "volunteering.tasks.send_due_reminders",
        "schedule": 3600.0,
    },
    # Data protection: one daily job applies every retention period (IKMO_RETENTION_DAYS),
    # including the volunteer desk's own anonymisation; exports whose task was lost are re-sent.
    "privacy-retention": {
        "task": "privacy.tasks.apply_retention",
        "schedule": 24 * 3600.0,
    },
    "privacy-requeue-exports": {
        "task": "privacy.tasks.requeue_stale_exports",
        "schedule": 300.0,
    },
}

# Content-Security-Policy: no inline scripts anywhere, everything served from our origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False

# How long a generated document may sit unrendered before the sweeper re-sends its task.
IKMO_DOCUMENT_REQUEUE_AFTER_SECONDS = env.int("IKMO_DOCUMENT_REQUEUE_AFTER_SECONDS", default=600)
# Where e-mails link to (no request is at hand when a worker writes them).
IKMO_SITE_URL = env("IKMO_SITE_URL", default="http://127.0.0.1:8000")
# Qualification: workshop reminders go out this many hours before the start; an organisation
# in active coaching without a session for this many weeks nudges its consultant.
IKMO_WORKSHOP_REMINDER_HOURS = env.int("IKMO_WORKSHOP_REMINDER_HOURS", default=48)
IKMO_COACHING_NUDGE_WEEKS = env.int("IKMO_COACHING_NUDGE_WEEKS", default=6)
# Volunteer services: volunteers' personal data is anonymised this many days after their
# last placement ended. The FSJ/BFD rules checked (durations, hours, seminar days) have
# defaults in volunteering/rules.py and can be overridden with IKMO_VOLUNTEER_RULES.
IKMO_VOLUNTEER_RETENTION_DAYS = env.int("IKMO_VOLUNTEER_RETENTION_DAYS", default=365)
IKMO_VOLUNTEER_DESK_EMAIL = env("IKMO_VOLUNTEER_DESK_EMAIL", default="")
# Data protection: days after which each category of personal data is anonymised or deleted
# by privacy.tasks.apply_retention (None keeps it). "volunteer" repeats the desk's own period.
IKMO_RETENTION_DAYS = {
    "volunteer": IKMO_VOLUNTEER_RETENTION_DAYS,
    "interview": env.int("IKMO_RETENTION_INTERVIEW_DAYS", default=3 * 365),
    "inactive_account": env.int("IKMO_RETENTION_INACTIVE_ACCOUNT_DAYS", default=3 * 365),
    "export": env.int("IKMO_RETENTION_EXPORT_DAYS", default=30),
    "sent_email": env.int("IKMO_RETENTION_SENT_EMAIL_DAYS", default=180),
}
# Mentoring: an active tandem without a logged meeting for this many weeks reminds both
# sides and the project lead (once per gap).
IKMO_TANDEM_NUDGE_WEEKS = env.int("IKMO_TANDEM_NUDGE_WEEKS", default=6)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"weasyprint": {"level": "ERROR"}, "fontTools": {"level": "ERROR"}},
}
