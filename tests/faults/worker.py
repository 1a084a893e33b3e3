"""Start a Celery worker with embedded beat for the fault tests, with production settings.

    python -m tests.faults.worker [celery worker options]

IKMO_FAULTS_RENDER_DELAY (seconds) makes every PDF render that much slower, so that a test
can kill the worker while a document is being rendered. Nothing else differs from
`celery -A ikmo worker -B`.
"""

import os
import sys
import time

import django


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ikmo.settings.production")
    django.setup()
    delay = float(os.environ.get("IKMO_FAULTS_RENDER_DELAY", "0"))
    if delay:
        from ikmo import documents

        real = documents.render_pdf

        def slow_render(*args, **kwargs):
            time.sleep(delay)
            return real(*args, **kwargs)

        documents.render_pdf = slow_render
    from ikmo.celery import app

    app.worker_main(["worker", "-B", *sys.argv[1:]])


if __name__ == "__main__":
    main()
