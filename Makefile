# IKMO portal. `make run` to try it, `make test` to test it; `make help` lists the rest.
# Both work on a fresh clone: they create the virtualenv and install the locked dependencies.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
PYTEST_ARGS ?=
FAULT_ARGS ?=
MANAGE := $(BIN)/python manage.py

.DEFAULT_GOAL := help
.PHONY: help install run demo test test-suite test-faults test-fast check lint format messages screenshots bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# requirements-dev.lock = requirements.lock (what production runs) + tests and tools.
$(VENV)/.installed: requirements.lock requirements-dev.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.lock
	touch $@

install: $(VENV)/.installed ## Create .venv and install the locked dependencies (runtime and dev)

run: install ## Set up SQLite with demo data and serve on http://127.0.0.1:8000
	$(MANAGE) migrate --no-input
	$(MANAGE) seed_demo
	@echo "Open http://$(HOST):$(PORT)/ (Ctrl-C stops the server)"
	$(MANAGE) runserver $(HOST):$(PORT)

demo: install ## Load the demo data only (safe to repeat)
	$(MANAGE) migrate --no-input
	$(MANAGE) seed_demo

test: test-suite test-faults ## Run everything: the suite, then the fault suite

test-suite: install ## Run the test suite (unit, integration, browser), in parallel
	$(BIN)/pytest -n 2 --dist loadgroup --ignore=tests/faults $(PYTEST_ARGS)

test-faults: install ## Fault injection (own Redis, worker, SMTP sink; needs PostgreSQL), ~3 min
	$(BIN)/pytest -p no:xdist tests/faults -v $(FAULT_ARGS)

test-fast: install ## Run the suite without the browser tests
	$(BIN)/pytest -n 2 -m "not browser" --ignore=tests/faults $(PYTEST_ARGS)

check: install ## Migrations, lint, translations and deployment checks (run by CI)
	$(MANAGE) makemigrations --check --dry-run
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=ikmo.settings.production DJANGO_SECRET_KEY=$$($(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))") \
	  DJANGO_ALLOWED_HOSTS=portal.example IKMO_SITE_URL=https://portal.example DATABASE_URL=sqlite:///tmp/ikmo-check.sqlite3 REDIS_URL=redis://127.0.0.1:6379/0 \
	  $(MANAGE) check --deploy --fail-level WARNING

messages: install ## Extract and compile translations (needs gettext)
	./scripts/messages.sh

lint: install ## Ruff lint
	$(BIN)/ruff check .

format: install ## Ruff format and fix imports
	$(BIN)/ruff check --fix --select I .
	$(BIN)/ruff format .

screenshots: install ## Regenerate docs/screenshots (needs chromium)
	$(BIN)/python scripts/screenshots.py

bench: install ## Print page timings and query counts with many rows
	$(BIN)/python bench/run.py

clean: ## Remove the virtualenv, local database and generated files
	rm -rf $(VENV) db.sqlite3 private-media staticfiles
