"""One way to write the audit trail, used by every service that changes a record."""

from django.contrib.contenttypes.models import ContentType

from .models import AuditEntry


def audit_log(*, actor, action: str, target=None, organisation=None, changes=None) -> AuditEntry:
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


def form_changes(form) -> dict:
    """The fields a ModelForm changed, as {field: [old, new]} in plain strings."""
    changes = {}
    for name in form.changed_data:
        old = form.initial.get(name)
        new = form.cleaned_data.get(name)
        changes[name] = [_plain(old), _plain(new)]
    return changes


def _plain(value):
    if hasattr(value, "__iter__") and not isinstance(value, str | bytes | dict):
        return sorted(str(v.pk if hasattr(v, "pk") else v) for v in value)
    if hasattr(value, "pk"):
        return value.pk
    return None if value is None else str(value)
