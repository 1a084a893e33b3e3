"""Erasure: remove one person's personal data everywhere, keep the facts funders count.

The account row stays (anonymised, unusable), so every record that counted the person
(workshop attendance, applications, amounts, placements) still counts them, but nothing
says who they were:

1. rows *about* the person (registry ``Person`` without ``actor``): their personal fields
   are blanked, files deleted, or the rows deleted where the declaration says so;
2. rows the person only *acted* on (created_by, recorded_by, ...) are kept; they point to
   the anonymised account;
3. generated documents about those rows lose their files;
4. the audit trail keeps every entry and its actor id, but record titles and changed values
   of the person's rows are scrubbed;
5. free text anywhere in the portal's tables (and Django admin's log) is searched for the
   person's full name and e-mail addresses, which are replaced by ``[erased]``;
6. allauth's e-mail addresses and second factors of the account are deleted.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ikmo.audit import audit_log
from ikmo.models import AuditEntry, GeneratedDocument

from .models import ErasureRequest
from .registry import (
    ERASED_EMAIL,
    ERASED_TEXT,
    Identity,
    Person,
    PersonalModel,
    all_personal_models,
    portal_app_labels,
)


def blank_value(f: models.Field):
    """What a personal field holds after erasure."""
    if isinstance(f, models.FileField):
        return ""
    if f.null:
        return None
    if isinstance(f, models.EmailField):
        return "" if f.blank else ERASED_EMAIL
    if isinstance(f, models.CharField | models.TextField):
        return "" if f.blank else ERASED_TEXT[: f.max_length or None]
    if isinstance(f, models.JSONField):
        return {}
    if isinstance(f, models.BooleanField):
        return False
    raise ValueError(f"Cannot blank {f.model._meta.label}.{f.name}; give erase_rows instead")


def _rows(spec: PersonalModel, person: Person, identity: Identity):
    q = person.lookup(identity)
    if q is None:
        return spec.model._default_manager.none()
    return spec.model._default_manager.filter(q).distinct()


@dataclass
class PlanItem:
    spec: PersonalModel
    person: Person
    count: int

    @property
    def model_name(self) -> str:
        return str(self.spec.model._meta.verbose_name_plural)

    @property
    def action(self) -> str:
        if self.person.delete:
            return "delete"
        if self.spec.erase_rows is not None:
            return "custom"
        return "anonymise"

    @property
    def field_names(self) -> list[str]:
        opts = self.spec.model._meta
        return [str(opts.get_field(name).verbose_name) for name in self.person.fields]


@dataclass
class ErasurePlan:
    identity: Identity
    removed: list[PlanItem] = field(default_factory=list)
    kept: list[PlanItem] = field(default_factory=list)
    blockers: list[str] = field(default_factory=list)


def erasure_plan(identity: Identity) -> ErasurePlan:
    """What erasure would do, for the confirmation page. Read-only."""
    plan = ErasurePlan(identity=identity)
    for spec in all_personal_models():
        for person in spec.people:
            count = _rows(spec, person, identity).count()
            if not count:
                continue
            item = PlanItem(spec=spec, person=person, count=count)
            (plan.kept if person.actor else plan.removed).append(item)
            if not person.actor and spec.erase_rows is not None:
                check = getattr(spec.erase_rows, "blocker", None)
                if check is not None:
                    message = check(_rows(spec, person, identity))
                    if message:
                        plan.blockers.append(str(message))
    return plan


def person_erase(*, person, by, origin: str = ErasureRequest.Origin.ADMIN) -> ErasureRequest:
    """Erase one person's personal data. Raises ValidationError when something blocks it
    (e.g. a volunteer placement still running); then nothing is changed."""
    User = get_user_model()
    if person.pk == getattr(by, "pk", None):
        raise ValidationError(_("You cannot erase your own account."))
    if ErasureRequest.objects.filter(person=person, status=ErasureRequest.Status.DONE).exists():
        raise ValidationError(_("This person's data has already been erased."))
    identity = Identity.of_user(person)
    terms = identity.search_terms
    files: list[tuple[object, str]] = []
    summary: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=person.pk)
        refs: dict[type, set] = defaultdict(set)
        for spec in all_personal_models():
            for who in spec.subject_people:
                qs = _rows(spec, who, identity)
                pks = list(qs.values_list("pk", flat=True))
                if not pks:
                    continue
                refs[spec.model].update(pks)
                rows = spec.model._default_manager.filter(pk__in=pks)
                if who.delete:
                    files.extend(_files_of(spec, rows, spec.file_fields()))
                    rows.delete()
                    summary[spec.label]["deleted"] += len(pks)
                elif spec.erase_rows is not None:
                    summary[spec.label]["anonymised"] += spec.erase_rows(
                        rows, by=by, identity=identity
                    )
                elif who.fields:
                    files.extend(_files_of(spec, rows, who.fields))
                    opts = spec.model._meta
                    rows.update(**{n: blank_value(opts.get_field(n)) for n in who.fields})
                    summary[spec.label]["anonymised"] += len(pks)
            for who in spec.actor_people:
                count = _rows(spec, who, identity).count()
                if count:
                    summary[spec.label]["kept"] += count
        refs[User].add(person.pk)
        files.extend(_erase_documents_about(refs))
        _scrub_audit_entries(refs)
        _delete_account_extras(person)
        summary["text"]["scrubbed"] = scrub_text(terms)
        request = (
            ErasureRequest.objects.filter(person=person, status=ErasureRequest.Status.REQUESTED)
            .select_for_update()
            .first()
        ) or ErasureRequest(person=person, origin=origin)
        request.status = ErasureRequest.Status.DONE
        request.handled_by = by if getattr(by, "is_authenticated", False) else None
        request.handled_at = timezone.now()
        request.message = ""
        request.summary = {k: dict(v) for k, v in summary.items()}
        request.save()
        person.refresh_from_db()  # the account row was anonymised through another instance
        audit_log(
            actor=by,
            action="privacy.person.erased",
            target=person,
            changes={"summary": request.summary, "origin": request.origin},
        )
        transaction.on_commit(lambda: _delete_files(files))
    return request


def _files_of(spec, rows, names) -> list[tuple[object, str]]:
    names = [n for n in names if n in spec.file_fields()]
    if not names:
        return []
    storage_by_field = {n: spec.model._meta.get_field(n).storage for n in names}
    found = []
    for values in rows.values_list(*names):
        for name, value in zip(names, values, strict=True):
            if value:
                found.append((storage_by_field[name], value))
    return found


def _delete_files(files) -> None:
    for storage, name in files:
        # Already gone is fine: the row no longer points to it either way.
        with contextlib.suppress(OSError):
            storage.delete(name)


def _erase_documents_about(refs) -> list[tuple[object, str]]:
    """Generated PDFs whose subject is one of the person's rows (e.g. a certificate)."""
    files = []
    storage = GeneratedDocument._meta.get_field("file").storage
    for model, pks in refs.items():
        ct = ContentType.objects.get_for_model(model)
        documents = GeneratedDocument.objects.filter(
            content_type=ct, object_id__in=[str(pk) for pk in pks]
        )
        for name in documents.exclude(file="").values_list("file", flat=True):
            files.append((storage, name))
        documents.update(file="", title=ERASED_TEXT)
    return files


def _scrub_audit_entries(refs) -> None:
    """Entries about the person's rows keep action, actor and time; titles and personal
    values go."""
    from .registry import personal_model

    for model, pks in refs.items():
        spec = personal_model(model)
        personal = set()
        if spec is not None:
            for who in spec.subject_people:
                personal.update(who.fields)
        if model is get_user_model():
            personal.update({"email", "first_name", "last_name"})
        ct = ContentType.objects.get_for_model(model)
        label = str(model._meta.verbose_name)
        entries = AuditEntry.objects.filter(content_type=ct, object_id__in=[str(p) for p in pks])
        for entry in entries.only("pk", "object_id", "changes"):
            changes = entry.changes if isinstance(entry.changes, dict) else {}
            scrubbed = {
                key: ([ERASED_TEXT, ERASED_TEXT] if key in personal else value)
                for key, value in changes.items()
            }
            AuditEntry.objects.filter(pk=entry.pk).update(
                object_repr=f"{label} #{entry.object_id}"[:200], changes=scrubbed
            )


def _delete_account_extras(person) -> None:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    EmailAddress.objects.filter(user=person).delete()
    Authenticator.objects.filter(user=person).delete()


# Free text -----------------------------------------------------------------------------------


def _text_models():
    for label in portal_app_labels():
        yield from apps.get_app_config(label).get_models()
    yield apps.get_model("admin", "LogEntry")


def _text_fields(model):
    text, json_fields = [], []
    for f in model._meta.concrete_fields:
        if f.unique or f.name == "password":
            continue
        if isinstance(f, models.CharField | models.TextField) and not f.choices:
            text.append(f)
        elif isinstance(f, models.JSONField):
            json_fields.append(f)
    return text, json_fields


def _replace(value: str, pattern: re.Pattern, max_length: int | None) -> str:
    new = pattern.sub(ERASED_TEXT, value)
    return new[:max_length] if max_length else new


def _replace_json(value, pattern):
    if isinstance(value, str):
        return pattern.sub(ERASED_TEXT, value)
    if isinstance(value, list):
        return [_replace_json(v, pattern) for v in value]
    if isinstance(value, dict):
        return {_replace_json(k, pattern): _replace_json(v, pattern) for k, v in value.items()}
    return value


def scrub_text(terms: list[str]) -> int:
    """Replace the terms in every free-text column of the portal's tables; rows changed."""
    if not terms:
        return 0
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    changed = 0
    for model in _text_models():
        text, json_fields = _text_fields(model)
        if not text and not json_fields:
            continue
        q = Q()
        for term in terms:
            for f in text:
                q |= Q(**{f"{f.name}__icontains": term})
            for f in json_fields:
                # SQLite stores JSON with non-ASCII escaped; PostgreSQL as text. Try both.
                q |= Q(**{f"{f.name}__icontains": term})
                escaped = json.dumps(term)[1:-1]
                if escaped != term:
                    q |= Q(**{f"{f.name}__icontains": escaped})
        names = [f.name for f in text + json_fields]
        for row in model._default_manager.filter(q).values("pk", *names).iterator():
            update = {}
            for f in text:
                value = row[f.name]
                if value and pattern.search(value):
                    update[f.name] = _replace(value, pattern, f.max_length)
            for f in json_fields:
                value = row[f.name]
                new = _replace_json(value, pattern)
                if new != value:
                    update[f.name] = new
            if update:
                model._default_manager.filter(pk=row["pk"]).update(**update)
                changed += 1
    return changed


# The account itself ------------------------------------------------------------------------


def erase_user_rows(rows, *, by, identity) -> int:
    """Anonymise accounts: no name, an address that cannot receive mail, no way to log in."""
    count = 0
    for user in rows:
        user.first_name = ""
        user.last_name = ""
        user.email = f"erased-{user.pk}@erased.invalid"
        user.is_active = False
        user.is_staff = False
        user.is_superuser = False
        user.set_unusable_password()
        user.save()
        count += 1
    return count
