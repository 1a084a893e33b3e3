"""Data exports: every registered record about a person or an organisation, as JSON + files.

The ZIP holds ``data.json`` (records per model, each with all its fields except secrets)
and the uploaded files under ``files/``. For a person, records they only acted on
(created_by, recorded_by, ...) are listed as references, not copied in full: those records
are about someone else (usually an organisation).
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from collections.abc import Callable

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .registry import Identity, PersonalModel, all_personal_models

SECRET_FIELDS = {"password", "submission_token", "uuid"}


def _serialise(obj, spec: PersonalModel, exclude: set[str], files: list, prefix: str) -> dict:
    data = {"id": obj.pk, "_label": str(obj)}
    for f in obj._meta.concrete_fields:
        if f.name in exclude or f.name in SECRET_FIELDS or f.primary_key:
            continue
        value = getattr(obj, f.attname)
        if isinstance(f, models.FileField):
            if value:
                arcname = f"files/{prefix}/{obj.pk}-{f.name}-{os.path.basename(str(value))}"
                files.append((getattr(obj, f.name), arcname))
                data[f.name] = arcname
            else:
                data[f.name] = None
            continue
        data[f.name] = value
    for f in obj._meta.many_to_many:
        if f.name in exclude:
            continue
        data[f.name] = sorted(getattr(obj, f.name).values_list("pk", flat=True))
    return data


def _records(spec: PersonalModel, queryset, exclude: set[str], files: list) -> list[dict]:
    fks = [f.name for f in spec.model._meta.concrete_fields if f.many_to_one or f.one_to_one]
    prefix = spec.label.replace(".", "-")
    return [
        _serialise(obj, spec, exclude, files, prefix)
        for obj in queryset.select_related(*fks).order_by("pk")
    ]


def person_data(identity: Identity, *, progress: Callable[[int], None] | None = None):
    """(data, files) for one person."""
    specs = all_personal_models()
    records: dict[str, list] = {}
    references: list[dict] = []
    files: list = []
    for index, spec in enumerate(specs):
        q = Q()
        matched = False
        for person in spec.subject_people:
            if person.kind == "name":
                # Two people can share a name: a copy must never hand out someone else's
                # data. Name matches are only used for erasure (listed for the admin first).
                continue
            lookup = person.lookup(identity)
            if lookup is not None:
                q |= lookup
                matched = True
        if matched:
            rows = _records(
                spec,
                spec.model._default_manager.filter(q).distinct(),
                set(spec.export_exclude),
                files,
            )
            if rows:
                records[spec.label] = rows
        for person in spec.actor_people:
            lookup = person.lookup(identity)
            if lookup is None:
                continue
            for pk in spec.model._default_manager.filter(lookup).values_list("pk", flat=True):
                references.append({"model": spec.label, "id": pk, "as": person.path})
        if progress:
            progress(10 + 60 * (index + 1) // len(specs))
    user = identity.user
    data = {
        "generated_at": timezone.now(),
        "subject": {
            "type": "person",
            "id": user.pk if user else None,
            "emails": list(identity.emails),
            "names": list(identity.names),
        },
        "records": records,
        "references": references,
    }
    return data, files


def organisation_specs() -> list[PersonalModel]:
    """The models an organisation's export may contain (opted in, with a visibility rule)."""
    return [
        s
        for s in all_personal_models()
        if s.organisation and s.organisation_export and s.visible_to
    ]


def organisation_queryset(spec: PersonalModel, organisation, viewer):
    """The organisation's rows of one model that ``viewer`` can reach in the portal."""
    if viewer is None or not viewer.is_authenticated or not viewer.is_active:
        return spec.model._default_manager.none()
    q = Q()
    for path in spec.organisation:
        q |= Q(**{path: organisation.pk})
    visible = spec.visible_to(viewer).values("pk")
    return spec.model._default_manager.filter(q, pk__in=visible).distinct()


def organisation_data(organisation, *, viewer, progress: Callable[[int], None] | None = None):
    """(data, files) for one organisation, as ``viewer`` (who receives it) may see it."""
    specs = organisation_specs()
    records: dict[str, list] = {}
    files: list = []
    for index, spec in enumerate(specs):
        exclude = set(spec.export_exclude) | set(spec.organisation_export_exclude)
        rows = _records(spec, organisation_queryset(spec, organisation, viewer), exclude, files)
        if rows:
            records[spec.label] = rows
        if progress:
            progress(10 + 60 * (index + 1) // len(specs))
    data = {
        "generated_at": timezone.now(),
        "subject": {"type": "organisation", "id": organisation.pk, "name": organisation.name},
        "records": records,
    }
    return data, files


def build_zip(data: dict, files: list) -> tuple[bytes, int]:
    """The ZIP bytes and the number of files that could be read."""
    buffer = io.BytesIO()
    added = 0
    missing = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for fieldfile, arcname in files:
            try:
                with fieldfile.open("rb") as handle:
                    archive.writestr(arcname, handle.read())
                added += 1
            except (OSError, ValueError):
                missing.append(arcname)
        data = {**data, "missing_files": missing}
        archive.writestr(
            "data.json",
            json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        )
    return buffer.getvalue(), added


def record_count(data: dict) -> int:
    return sum(len(rows) for rows in data["records"].values())
