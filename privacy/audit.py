"""Bulk updates that leave an audit trail.

``QuerySet.update`` bypasses ``save()`` and every service's ``audit_log`` call, so a bulk
change of personal or financial records would leave no trace. ``audited_update`` does the
same UPDATE and writes one AuditEntry per changed row, with the old and new values, the
actor and the time (and the row's organisation, when the registry knows how to find it).

Values of fields the registry declares personal are not copied into the trail (it says
*that* they changed): otherwise the trail would keep what an erasure removed.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import QuerySet

from ikmo.audit import _plain
from ikmo.models import AuditEntry

from .registry import personal_model


def _organisation_path(model) -> str | None:
    """A lookup from the row to one organisation id, if the registry declares a single-valued one."""
    spec = personal_model(model)
    if spec is None:
        return None
    for path in spec.organisation:
        if path == "pk":
            return "pk"
        current, ok = model, True
        for part in path.split("__"):
            f = current._meta.get_field(part)
            if not (f.many_to_one or f.one_to_one) or f.auto_created and not f.concrete:
                ok = False
                break
            current = f.related_model
        if ok:
            return path
    return None


REDACTED = "[personal]"


def personal_fields(model) -> set[str]:
    spec = personal_model(model)
    if spec is None:
        return set()
    names = set()
    for person in spec.subject_people:
        names.update(person.fields)
        if person.kind != "user" and "__" not in person.path:
            names.add(person.path)
    return names


def audited_update(queryset: QuerySet, *, actor, action: str, **changes) -> int:
    """``queryset.update(**changes)``, plus one audit entry per row whose values changed."""
    model = queryset.model
    redact = personal_fields(model)
    fields = list(changes)
    attnames = [model._meta.get_field(f).attname for f in fields]
    org_path = _organisation_path(model)
    extra = [org_path] if org_path and org_path != "pk" else []
    with transaction.atomic():
        before = list(
            queryset.select_for_update(of=("self",)).order_by("pk").values("pk", *attnames, *extra)
        )
        pks = [row["pk"] for row in before]
        updated = model._default_manager.filter(pk__in=pks).update(**changes)
        after = {
            row["pk"]: row
            for row in model._default_manager.filter(pk__in=pks).values("pk", *attnames)
        }
        content_type = ContentType.objects.get_for_model(model)
        actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
        entries = []
        for row in before:
            new = after.get(row["pk"], {})
            diff = {
                name: (
                    [REDACTED, REDACTED]
                    if name in redact
                    else [_plain(row[att]), _plain(new.get(att))]
                )
                for name, att in zip(fields, attnames, strict=True)
                if row[att] != new.get(att)
            }
            if not diff:
                continue
            organisation_id = None
            if org_path == "pk":
                organisation_id = row["pk"]
            elif org_path:
                organisation_id = row[org_path]
            entries.append(
                AuditEntry(
                    actor_id=actor_id,
                    action=action,
                    content_type=content_type,
                    object_id=str(row["pk"]),
                    object_repr=f"{model._meta.verbose_name} #{row['pk']}"[:200],
                    organisation_id=organisation_id,
                    changes={**diff, "bulk": True},
                )
            )
        AuditEntry.objects.bulk_create(entries, batch_size=500)
    return updated
