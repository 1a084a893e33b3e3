"""One way to write the audit trail, used by every service that changes a record.

Actions are named ``<app>.<object>.<verb>`` (``actionfund.application.submitted``,
``mentoring.tandem.proposed``): the app label first, so the trail can be filtered by
sub-project, then what was acted on, then what happened, in the past tense.

What changed is computed from the model, not from a form, so a change made by a task, an
admin action, a management command or the API is recorded the same way::

    changes = save_with_changes(workshop, {"title": title, "capacity": capacity})
    audit_log(actor=by, action="qualification.workshop.updated", target=workshop,
              changes=changes)
"""

import re
from collections.abc import Iterable, Mapping

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditEntry

ACTION = re.compile(r"(?P<app>[a-z_]+)\.[a-z_]+\.[a-z_]+")


def is_valid_action(action: str) -> bool:
    """``<app>.<object>.<verb>`` with an installed app's label first."""
    match = ACTION.fullmatch(action)
    if match is None:
        return False
    return match["app"] in {config.label for config in apps.get_app_configs()}


def audit_log(*, actor, action: str, target=None, organisation=None, changes=None) -> AuditEntry:
    if not is_valid_action(action):
        # A programming error, caught by any test that reaches the call.
        raise ValueError(f"Audit action {action!r} is not named <app>.<object>.<verb>")
    entry = AuditEntry(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        organisation=organisation,
        changes=changes or {},
    )
    if target is not None:
        entry.content_type = ContentType.objects.get_for_model(target)
        entry.object_id = str(target.pk)
        entry.object_repr = str(target)[:200]
    entry.save()
    return entry


def snapshot(instance: models.Model, names: Iterable[str]) -> dict:
    """The named fields' current values in plain form (foreign keys and many-to-many as ids)."""
    values = {}
    for name in names:
        field = instance._meta.get_field(name)
        if field.many_to_many:
            values[name] = (
                sorted(str(pk) for pk in getattr(instance, name).values_list("pk", flat=True))
                if instance.pk
                else []
            )
        elif field.is_relation:
            values[name] = _plain(getattr(instance, field.attname))
        else:
            values[name] = _plain(getattr(instance, name))
    return values


def diff(before: Mapping, after: Mapping) -> dict:
    """{field: [old, new]} for the fields whose plain value differs."""
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }


def save_with_changes(instance: models.Model, values: Mapping, *, creating=None) -> dict:
    """Assign ``values`` (model field names) to ``instance``, save it, and return what changed.

    Many-to-many values are set after the save. A new record returns no changes: its
    creation is the audit entry.
    """
    creating = instance._state.adding if creating is None else creating
    names = list(values)
    before = {} if creating else snapshot(instance, names)
    many = {}
    for name, value in values.items():
        if instance._meta.get_field(name).many_to_many:
            many[name] = value
        else:
            setattr(instance, name, value)
    instance.save()
    for name, value in many.items():
        getattr(instance, name).set(value)
    return {} if creating else diff(before, snapshot(instance, names))


def _plain(value):
    if hasattr(value, "__iter__") and not isinstance(value, str | bytes | dict):
        return sorted(str(v.pk if hasattr(v, "pk") else v) for v in value)
    if hasattr(value, "pk"):
        return value.pk
    return None if value is None else str(value)
