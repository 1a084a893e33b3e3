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
    # Before the admin, so its translated fields reach the admin (modeltranslation docs).
    "modeltranslation",
    "ikmo.adminsite.PortalAdminConfig",  # django.contrib.admin with the portal's site
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
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "ikmo",
    "organisations",
    "qualification",
    "mentoring",
    "participation_check",
    "actionfund",
    "volunteering",
    "reporting",
    "privacy",
    "mailtexts",
    "messaging",
]

MIDDLEWARE = [
    "ikmo.pagecache.request_scope",
    "django.middleware.security.SecurityMiddleware",
    "ikmo.middleware.PageGZipMiddleware",  # compresses what the ones below return
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "ikmo.middleware.AdminInlineStyleMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "ikmo.middleware.ResolvedUserMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "ikmo.middleware.RequestSizeLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "ikmo.middleware.HtmxSignInMiddleware",
    "ikmo.middleware.PrivateCacheMiddleware",
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
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Covering indexes (Index(include=...)) speed up PostgreSQL; SQLite builds them without
    # the included columns, which is fine for the demo and the tests.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis (when configured) backs the cache, which login rate limits depend on, and Celery.
REDIS_URL = env("REDIS_URL", default="")


def redis_cache(url: str) -> dict:
    """The shared cache; ikmo/cache.py keeps pages answering while Redis is down or hung."""
    return {
        "default": {
            "BACKEND": "ikmo.cache.ResilientRedisCache",
            "LOCATION": url,
            "OPTIONS": {
                # Redis answers in well under a millisecond: a call that takes half a second
                # means it is hung, and waiting longer only holds the person's request.
                "SOCKET_CONNECT_TIMEOUT": env.float("REDIS_SOCKET_CONNECT_TIMEOUT", default=0.5),
                "SOCKET_TIMEOUT": env.float("REDIS_SOCKET_TIMEOUT", default=0.5),
                # After a failed call, skip Redis for this long (one probe per period).
                "CIRCUIT_OPEN_SECONDS": env.float("REDIS_CIRCUIT_OPEN_SECONDS", default=5),
            },
        }
    }


if REDIS_URL:
    CACHES = redis_cache(REDIS_URL)
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions live in the database and are read through Redis under the data generation; never
# from a per-process copy, and a sign-out drops every cached copy (see ikmo/sessions.py).
SESSION_ENGINE = "ikmo.sessions"

# Lists and dashboards are kept per person until any data changes (ikmo/pagecache.py). Only
# with a cache all web processes share: a per-process cache would miss other processes' writes.
IKMO_PAGE_CACHE_SECONDS = env.int("IKMO_PAGE_CACHE_SECONDS", default=120 if REDIS_URL else 0)
# Small facts read on every request (the signed-in person, their roles, their second factor)
# are kept in the shared cache the same way, also when the page cache is off.
IKMO_MEMO_SECONDS = env.int("IKMO_MEMO_SECONDS", default=300 if REDIS_URL else 0)
# The reporting dashboard's figures are shared between people (reporting/figures.py) for this
# long; 0 = computed for every look. Off whenever the page cache is off unless set: a render
# with the page cache off is meant to show a first look, figures included.
IKMO_FIGURES_CACHE_SECONDS = env.int(
    "IKMO_FIGURES_CACHE_SECONDS", default=60 if IKMO_PAGE_CACHE_SECONDS else 0
)

AUTH_USER_MODEL = "organisations.User"
AUTHENTICATION_BACKENDS = [
    # Loads the signed-in person with roles and second factor from the shared cache.
    "ikmo.auth.PortalBackend",
    # Sessions signed in before ikmo.auth existed still name these two.
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
# Sign-up also asks for the name: pages and e-mails address people by it.
ACCOUNT_SIGNUP_FORM_CLASS = "organisations.forms.SignupNamesForm"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[IKMO] "
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    # Per client IP, and per account *and* IP (organisations/login_throttle.py): five wrong
    # passwords slow down that guesser only, never the account's owner elsewhere.
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
ACCOUNT_ADAPTER = "organisations.adapters.AccountAdapter"
# Across all IPs, failed sign-ins for one account from devices it never signed in from; a
# device it signed in from (a signed cookie, kept this many days) has its own count instead.
IKMO_LOGIN_ACCOUNT_RATE = env("IKMO_LOGIN_ACCOUNT_RATE", default="30/h/key")
IKMO_LOGIN_DEVICE_RATE = env("IKMO_LOGIN_DEVICE_RATE", default="5/5m/key")
IKMO_KNOWN_DEVICE_DAYS = env.int("IKMO_KNOWN_DEVICE_DAYS", default=180)
# Behind a reverse proxy the client's address is the proxy's: allauth reads it from the
# proxies' X-Forwarded-For (0 = no proxy, use REMOTE_ADDR). See production.py.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "IKMO Portal"
# Staff and admins must enrol a second factor before they can use the portal.
IKMO_STAFF_MFA_REQUIRED = env.bool("IKMO_STAFF_MFA_REQUIRED", default=True)
# How long a staff second-factor invitation link works (ikmo/mfa.py).
IKMO_MFA_INVITATION_HOURS = env.int("IKMO_MFA_INVITATION_HOURS", default=72)
# `manage.py seed_demo` creates accounts with a published password: only where this is on.
IKMO_DEMO_DATA_ALLOWED = False

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
# A filter's empty choice reads "All" (django-filter's default is "---------"), in every
# list's filters unless one says otherwise.
FILTERS_EMPTY_CHOICE_LABEL = _("All")

# Languages: German first, English complete; right-to-left languages must lay out correctly.
LANGUAGE_CODE = "de"
LANGUAGES = [
    ("de", _("German")),
    ("en", _("English")),
    ("ar", _("Arabic")),
    ("tr", _("Turkish")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Content written by staff (workshops, calls and their criteria, events) carries its texts
# per language in columns of its own table (django-modeltranslation, registered in each app's
# translation.py): German is required and the fallback for every other language, which is
# optional. The untranslated column (e.g. `title`) keeps the German text (ikmo/content_language.py).
MODELTRANSLATION_DEFAULT_LANGUAGE = "de"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("de",)
# `Workshop(title=…)` without a language fills the German version, whatever the active language.
MODELTRANSLATION_AUTO_POPULATE = "default"
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
# Any request body above this is refused before it is read (ikmo.middleware.
# RequestSizeLimitMiddleware) and by the proxy (deploy/nginx.conf client_max_body_size 12m):
# a 5 MiB upload or a 10 MiB form plus multipart overhead fit.
IKMO_MAX_REQUEST_BYTES = env.int("IKMO_MAX_REQUEST_BYTES", default=12 * 1024 * 1024)

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="IKMO Portal <portal@ikmo.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Who hears of e-mails the portal gave up on (comma-separated addresses).
ADMINS = [("", address) for address in env.list("IKMO_ADMIN_EMAILS", default=[])]
# Where people write when something does not work (shown e.g. when a confirmation mail does
# not arrive); empty: the address of DEFAULT_FROM_EMAIL.
IKMO_CONTACT_EMAIL = env("IKMO_CONTACT_EMAIL", default="")

# Celery: Redis when configured, otherwise tasks run inline (eager) so the portal works alone.
CELERY_BROKER_URL = REDIS_URL or "memory://"
# kombu's Redis transport with acknowledgements that survive a Redis that does not answer
# (ikmo/broker.py: otherwise a few failed ones stop the worker until it is restarted).
CELERY_BROKER_TRANSPORT = "ikmo.broker:Transport" if REDIS_URL else None
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# If Redis is down or hung when a request enqueues work, fail fast: the work is kept in the
# database and the sweeper below re-sends it. Short socket timeouts bound a hung Redis (no
# timeout waited until gunicorn killed the request); one publish attempt, no retry loop.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "socket_timeout": env.float("CELERY_BROKER_SOCKET_TIMEOUT", default=1.0),
    "socket_connect_timeout": env.float("CELERY_BROKER_SOCKET_CONNECT_TIMEOUT", default=0.5),
    # A message taken by a worker that died is handed out again after this long. The
    # sweepers restart such work sooner (IKMO_TASK_STALE_AFTER_SECONDS); this is the backstop.
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
}
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = 1.0
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    # Every background job (documents, exports, data exports) and e-mail: see below.
    "sweep-background-work": {
        "task": "ikmo.tasks.sweep_background_work",
        "schedule": env.float("IKMO_SWEEP_SECONDS", default=60.0),
    },
    # Who took part in each sub-project (the directory's filter): every list a write or the
    # date has made stale, when the after-commit refresh could not run (reporting/taking_part.py).
    "reporting-taking-part": {
        "task": "reporting.tasks.refresh_stale_taking_part",
        "schedule": env.float("IKMO_SWEEP_SECONDS", default=60.0),
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
    # including the volunteer desk's own anonymisation.
    "privacy-retention": {
        "task": "privacy.tasks.apply_retention",
        "schedule": 24 * 3600.0,
    },
    # Reporting: the log of deleted records (reporting/deletions.py) folded into the frozen
    # figures and cut to what they still need.
    "reporting-deletion-log": {
        "task": "reporting.tasks.prune_deletion_log",
        "schedule": 24 * 3600.0,
    },
}

# The REST API (ikmo/api/): personal tokens or the session, the caller's scope, rate limits
# per token, one JSON error shape, and a schema that describes every answer.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "ikmo.api.auth.TokenAuthentication",
        "ikmo.api.auth.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["ikmo.api.auth.SignedIn", "ikmo.api.auth.TokenScope"],
    "DEFAULT_THROTTLE_CLASSES": [
        "ikmo.api.throttling.PersonRateThrottle",
        "ikmo.api.throttling.AnonymousRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "person": env("IKMO_API_RATE", default="600/min"),
        "anonymous": env("IKMO_API_ANONYMOUS_RATE", default="60/min"),
    },
    "DEFAULT_PAGINATION_CLASS": "ikmo.api.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_SCHEMA_CLASS": "ikmo.api.schema.PortalAutoSchema",
    "EXCEPTION_HANDLER": "ikmo.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "COERCE_DECIMAL_TO_STRING": True,
    # The Accept header chooses JSON or the browsable page; `?format=` is free for the
    # pages' own filters (the coaching log filters by format: in person, phone, video).
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "IKMO Portal API",
    "DESCRIPTION": (
        "Version 1 of the portal's API. Authenticate with a personal token "
        "(Authorization: Bearer ikmo_…), created under 'API tokens' in the portal; a read-only "
        "token may only read. Every endpoint shows what the person may see on the portal's "
        "pages, no more. Errors answer {detail, code} and, for invalid input, errors per field."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": ["ikmo.api.auth.SessionAuthentication"],
    "ENUM_GENERATE_CHOICE_DESCRIPTION": True,
    # Several models have a "status" or "kind" with their own choices: each enum its own name.
    "ENUM_NAME_OVERRIDES": {
        "OrganisationKindEnum": "organisations.models.Organisation.Kind",
        "OrganisationStatusEnum": "organisations.models.Organisation.Status",
        "WorkshopStatusEnum": "qualification.models.Workshop.Status",
        "RegistrationStatusEnum": "qualification.models.Registration.Status",
        "EventKindEnum": "mentoring.models.Event.Kind",
        "EventStatusEnum": "mentoring.models.Event.Status",
        "TandemStatusEnum": "mentoring.models.Tandem.Status",
        "ApplicationStatusEnum": "actionfund.models.Status",
        "PlacementStatusEnum": "volunteering.models.PlacementStatus",
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

# The sweeper (ikmo.tasks.sweep_background_work, every IKMO_SWEEP_SECONDS) re-sends work
# whose message never reached a broker (after IKMO_ENQUEUE_GRACE_SECONDS), work handed to a broker but not
# started for IKMO_DOCUMENT_REQUEUE_AFTER_SECONDS (a lost message), and work started longer
# ago than its task's hard time limit plus IKMO_TASK_STALE_GRACE_SECONDS (its worker died:
# a live worker would have finished or been stopped by the time limit by then).
IKMO_DOCUMENT_REQUEUE_AFTER_SECONDS = env.int("IKMO_DOCUMENT_REQUEUE_AFTER_SECONDS", default=300)
IKMO_TASK_STALE_GRACE_SECONDS = env.int("IKMO_TASK_STALE_GRACE_SECONDS", default=30)
IKMO_ENQUEUE_GRACE_SECONDS = env.int("IKMO_ENQUEUE_GRACE_SECONDS", default=60)
# E-mail: a transient SMTP error (server away, 4xx) is tried again after a growing pause (up
# to IKMO_MAIL_RETRY_MAX_SECONDS); only after IKMO_MAIL_GIVE_UP_AFTER_HOURS is the mail marked
# failed and staff are told (admin e-mail and the admin dashboard).
IKMO_MAIL_RETRY_BASE_SECONDS = env.int("IKMO_MAIL_RETRY_BASE_SECONDS", default=30)
IKMO_MAIL_RETRY_MAX_SECONDS = env.int("IKMO_MAIL_RETRY_MAX_SECONDS", default=600)
IKMO_MAIL_GIVE_UP_AFTER_HOURS = env.float("IKMO_MAIL_GIVE_UP_AFTER_HOURS", default=48)
# Where e-mails link to (no request is at hand when a worker writes them). Required in
# production. Without it (a developer's machine, tests), account e-mails written during a
# request link to the address that request came to (organisations/adapters.py).
IKMO_SITE_URL_CONFIGURED = bool(env("IKMO_SITE_URL", default=""))
IKMO_SITE_URL = env("IKMO_SITE_URL", default="") or "http://127.0.0.1:8000"
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
    "event_guest": env.int("IKMO_RETENTION_EVENT_GUEST_DAYS", default=90),
}
# Mentoring: an active tandem without a logged meeting for this many weeks reminds both
# sides and the project lead (once per gap).
IKMO_TANDEM_NUDGE_WEEKS = env.int("IKMO_TANDEM_NUDGE_WEEKS", default=6)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_client_error_tracebacks": {"()": "ikmo.logging.NoTracebackForClientErrors"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
        # 403/400 as one line each, without a traceback (ikmo/logging.py).
        "django.request": {"filters": ["no_client_error_tracebacks"]},
        "django.security": {"filters": ["no_client_error_tracebacks"]},
    },
}
