"""The house rules of every portal app, checked so they cannot drift apart again (issue 16):
services take values, not forms; every permission predicate is used; each app's status
tables are ``ikmo.workflow.Workflow``s; views share one error helper."""

import ast
import importlib
import inspect
from pathlib import Path

import pytest
from django.conf import settings
from django.forms import BaseForm, BaseFormSet

from ikmo.subprojects import portal_apps
from ikmo.workflow import Workflow

ROOT = Path(settings.BASE_DIR)
APPS = [app.name for app in portal_apps()]


def _module(app, name):
    try:
        return importlib.import_module(f"{app}.{name}")
    except ModuleNotFoundError:
        return None


def _source_files():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path
    yield from (ROOT / "templates").rglob("*.html")
    for app in APPS:
        yield from (ROOT / app).rglob("*.html")


@pytest.mark.parametrize("app", [app for app in APPS if (ROOT / app / "services.py").exists()])
def test_services_take_values_not_forms(app):
    """Tasks, admin actions, commands and an API call the same services as the views."""
    services = _module(app, "services")
    offenders = []
    for name, function in inspect.getmembers(services, inspect.isfunction):
        if function.__module__ != services.__name__:
            continue
        for parameter in inspect.signature(function).parameters.values():
            annotation = parameter.annotation
            takes_form = parameter.name in {"form", "formset", "forms"} or (
                inspect.isclass(annotation) and issubclass(annotation, BaseForm | BaseFormSet)
            )
            if takes_form:
                offenders.append(f"{name}({parameter.name})")
    assert not offenders, f"{app}.services take forms: {offenders}"


def test_every_permission_predicate_is_used():
    """A predicate nobody calls states a rule nobody applies."""
    sources = {path: path.read_text() for path in _source_files()}
    unused = []
    for app in APPS:
        path = ROOT / app / "permissions.py"
        if not path.exists():
            continue
        tree = ast.parse(path.read_text())
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                uses = (
                    sum(text.count(node.name) for other, text in sources.items() if other != path)
                    + path.read_text().count(node.name)
                    - 1
                )
                if uses == 0:
                    unused.append(f"{app}.permissions.{node.name}")
    assert not unused, f"never used: {unused}"


def test_views_share_one_service_error_helper():
    copies = [
        str(path.relative_to(ROOT))
        for path in _source_files()
        if path.suffix == ".py"
        and any(
            f"def {name}(" in path.read_text()
            for name in ("_service_errors", "_add_errors", "_apply_errors")
        )
    ]
    assert not copies, f"use ikmo.viewtools.service_errors / form_errors instead: {copies}"


def test_status_tables_have_one_shape():
    """Every ``*_FLOW`` is a Workflow; no dict-shaped ``*_TRANSITIONS`` tables are left."""
    flows = set()
    for app in APPS:
        for name in ("models", "workflow", "services"):
            module = _module(app, name)
            if module is None:
                continue
            for attribute, value in vars(module).items():
                assert not attribute.endswith("TRANSITIONS"), f"{module.__name__}.{attribute}"
                if attribute.endswith("FLOW"):
                    assert isinstance(value, Workflow), f"{module.__name__}.{attribute}"
                    flows.add(id(value))
    # applications, partner invitations, organisations, memberships, workshops, registrations,
    # contacts, tandems, analyses, recommendations, sites, placements, network memberships
    assert len(flows) == 13
