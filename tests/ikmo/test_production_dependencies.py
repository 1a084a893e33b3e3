"""Production runs without the dev tools: the Docker image installs requirements.lock only, so
nothing the production settings load may import a test or tooling package."""

import io
import re
import subprocess
import sys
import tomllib

import pytest
from django.core.management import CommandError, call_command

from organisations.models import Organisation
from tests.ikmo.test_settings import PRODUCTION_ENV, ROOT, _env

DEV_PACKAGES = ["faker", "factory", "pytest", "_pytest", "pytest_django", "xdist", "playwright"]

# Refuses every dev package, then does what a production process does: set up Django (admin
# autodiscovery), `check --deploy` (URLconf, every view), load every management command and
# every app's tasks (the worker).
SCRIPT = f"""
import importlib, importlib.util, sys

BLOCKED = {DEV_PACKAGES!r}


class Refuse:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"production imported the dev package {{name}}")
        return None


sys.meta_path.insert(0, Refuse())
import django

django.setup()
from django.apps import apps
from django.conf import settings
from django.core.management import call_command, get_commands, load_command_class

call_command("check", "--deploy", "--fail-level", "WARNING")
for name, app in get_commands().items():
    load_command_class(app, name)
for config in apps.get_app_configs():
    if importlib.util.find_spec(f"{{config.name}}.tasks"):
        importlib.import_module(f"{{config.name}}.tasks")
print("APPS", " ".join(settings.INSTALLED_APPS))
print("COMMANDS", " ".join(sorted(get_commands())))
"""


def _lock(name: str) -> dict[str, str]:
    pins = {}
    for line in (ROOT / name).read_text().splitlines():
        line = line.strip()
        if line and not line.startswith(("#", "-r")):
            package, _, version = line.partition("==")
            pins[re.sub(r"[-_.]+", "-", package).lower()] = version
    return pins


def test_production_settings_load_no_dev_package():
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=_env(DJANGO_SETTINGS_MODULE="ikmo.settings.production", **PRODUCTION_ENV),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines() if " " in line)
    assert "devtools" not in lines["APPS"].split()
    assert "seed_scale" not in lines["COMMANDS"].split()
    assert "migrate" in lines["COMMANDS"].split()  # the check did run


def test_the_image_installs_the_runtime_lock_and_dev_tools_are_locked_apart():
    runtime, dev = _lock("requirements.lock"), _lock("requirements-dev.lock")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for requirement in project["dependencies"]:
        name = re.sub(r"[-_.]+", "-", re.split(r"[\[=<>]", requirement)[0]).lower()
        assert name in runtime, f"{name} is missing from requirements.lock"
    for requirement in project["optional-dependencies"]["dev"]:
        name = re.sub(r"[-_.]+", "-", requirement.split("==")[0]).lower()
        assert name in dev and name not in runtime, f"{name} belongs to requirements-dev.lock"
    assert {"faker", "factory-boy", "pytest", "playwright", "ruff"} <= set(dev)
    assert not set(dev) & set(runtime)
    assert "-r requirements.lock" in (ROOT / "requirements-dev.lock").read_text()
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install -r requirements.lock" in dockerfile
    assert "requirements-dev" not in dockerfile
    assert "install --quiet -r requirements-dev.lock" in (ROOT / "Makefile").read_text()


@pytest.mark.django_db
def test_seed_demo_without_the_dev_tools_says_what_is_missing(monkeypatch):
    # The demo is built with devtools/factories.py; production's image lacks factory_boy.
    monkeypatch.setitem(sys.modules, "devtools.factories", None)
    with pytest.raises(CommandError, match="dev dependencies"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not Organisation.objects.exists()
