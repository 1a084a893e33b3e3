# One image for web, worker and beat. Debian-based so WeasyPrint finds Pango and fonts.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=ikmo.settings.production

RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
      fonts-dejavu-core fonts-noto-core gettext \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# Runtime dependencies only: the tests and tools (`make install`) are not in the image.
COPY requirements.lock ./
RUN pip install -r requirements.lock
COPY . .
# collectstatic needs settings but no real secrets or services.
RUN DJANGO_SECRET_KEY=build-only DJANGO_ALLOWED_HOSTS=build DATABASE_URL=sqlite:////tmp/build.db \
    REDIS_URL=redis://build:6379/0 IKMO_SITE_URL=https://build.invalid python manage.py collectstatic --no-input -v0 \
 && useradd --system --uid 1000 ikmo && mkdir -p /app/private-media && chown ikmo /app/private-media
USER ikmo
EXPOSE 8000
CMD ["gunicorn", "ikmo.wsgi", "-c", "deploy/gunicorn.conf.py"]
