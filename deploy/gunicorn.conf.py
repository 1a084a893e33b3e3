"""gunicorn settings for the web container (docker-compose.yml: `gunicorn -c deploy/gunicorn.conf.py`).

Request bodies are capped before they reach gunicorn by the proxy in front of it
(deploy/nginx.conf, client_max_body_size) and again in Django (ikmo.middleware.
RequestSizeLimitMiddleware, by Content-Length, before anything reads the body). gunicorn caps
what it parses itself: the request line and the headers.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 5)))
# A worker busy longer than this is killed and replaced; PDFs and exports run in Celery.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5
# Header limits: long request lines and header floods are refused with 400/431 by gunicorn.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# Recycle workers now and then so a slow leak cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
