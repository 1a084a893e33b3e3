"""Production settings: every secret must come from the environment, nothing has a default."""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env, redis_cache

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
if not SECRET_KEY.strip():
    raise ImproperlyConfigured("DJANGO_SECRET_KEY is empty: set a long random value.")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
# Links in e-mails (sign-up confirmation, password reset, reminders) go here: required, and
# never a local address, which would send people to their own computer.
IKMO_SITE_URL = env("IKMO_SITE_URL")
IKMO_SITE_URL_CONFIGURED = True
if not IKMO_SITE_URL.startswith("https://") or urlsplit(IKMO_SITE_URL).hostname in {
    "localhost",
    "127.0.0.1",
}:
    raise ImproperlyConfigured(
        "IKMO_SITE_URL must be the portal's public https:// address, e.g. https://portal.example."
    )
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

REDIS_URL = env("REDIS_URL")
CACHES = redis_cache(REDIS_URL)
CELERY_BROKER_URL = REDIS_URL
CELERY_BROKER_TRANSPORT = "ikmo.broker:Transport"
CELERY_TASK_ALWAYS_EAGER = False
IKMO_STAFF_MFA_REQUIRED = True

# docker-compose.yml publishes gunicorn on 127.0.0.1 only: one reverse proxy on the host is
# in front of it and appends the client's address to X-Forwarded-For. Without this, every
# person shared the proxy's address, and ten wrong passwords a minute blocked all sign-ins.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=1)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=587)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
EMAIL_TIMEOUT = 20
