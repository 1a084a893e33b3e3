"""The registry of personal data: which models hold it, whose it is, and how to remove it.

Every app declares its models once, in the module its app config names as the ``privacy``
hook of the portal contract (ikmo/subprojects.py), by convention ``<app>/privacy.py``::

    from privacy.registry import by_email, by_user, not_personal, register

    register(
        Registration,
        people=[by_user("participant"), by_user("registered_by", actor=True)],
        organisation="organisation",
        explained={"attended": "attendance is counted for the funders"},
    )
    not_personal(Topic, "catalogue entries, no people")

A ``Person`` says how a row names someone: by account (a foreign key to the user), by
e-mail address or by a free-text name. Rows *about* a person are exported in full and, on
erasure, their ``fields`` are blanked and their files deleted; rows where the person only
*acted* (``actor=True``: created_by, recorded_by, ...) are listed as references in the export
and keep pointing to the anonymised account after erasure, so the facts stay countable.

``tests/privacy/test_registry.py`` walks every model of the portal's apps and fails when a
model, or a field that looks personal, is in neither list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

from django.db import models
from django.db.models import Q


def portal_app_labels() -> list[str]:
    """The portal's own apps (see ikmo.subprojects): the registry must account for every
    model in them."""
    from ikmo.subprojects import portal_apps

    return [config.label for config in portal_apps()]


def discover() -> None:
    """Load every portal app's declarations: importing its ``privacy`` hook module runs them."""
    from ikmo.subprojects import hooks

    hooks("privacy")


ERASED_TEXT = "[erased]"
ERASED_EMAIL = "erased@erased.invalid"


@dataclass(frozen=True)
class Person:
    """One way a row names a person, and the fields that are about that person."""

    path: str
    kind: Literal["user", "email", "name"] = "user"
    fields: tuple[str, ...] = ()
    actor: bool = False
    # Erasure deletes the rows instead of blanking fields (e.g. memberships, staff roles).
    delete: bool = False

    def lookup(self, identity) -> Q | None:
        if self.kind == "user":
            if identity.user is None:
                return None
            return Q(**{self.path: identity.user.pk})
        if self.kind == "email":
            emails = [e for e in identity.emails if e]
            if not emails:
                return None
            q = Q()
            for email in emails:
                q |= Q(**{f"{self.path}__iexact": email})
            return q
        names = [n for n in identity.names if n]
        if not names:
            return None
        q = Q()
        for name in names:
            q |= Q(**{f"{self.path}__iexact": name})
        return q


def by_user(
    path: str, *, fields: Iterable[str] = (), actor: bool = False, delete: bool = False
) -> Person:
    return Person(path=path, kind="user", fields=tuple(fields), actor=actor, delete=delete)


def by_email(path: str, *, fields: Iterable[str] = ()) -> Person:
    return Person(path=path, kind="email", fields=tuple(fields))


def by_name(path: str, *, fields: Iterable[str] = ()) -> Person:
    return Person(path=path, kind="name", fields=tuple(fields))


@dataclass(frozen=True)
class PersonalModel:
    model: type[models.Model]
    people: tuple[Person, ...] = ()
    # Lookup paths from the row to the organisation(s) it belongs to ("pk" for Organisation).
    organisation: tuple[str, ...] = ()
    # Fields that look personal but are not blanked with the person's rows, each with what
    # happens to them instead and why (kept as a fact, handled by a special step, ...).
    explained: dict[str, str] = field(default_factory=dict)
    # Never in any export (secrets, tokens).
    export_exclude: tuple[str, ...] = ()
    # Left out of an organisation's export (e.g. consultants' confidential notes).
    organisation_export_exclude: tuple[str, ...] = ()
    # In an organisation's export only when declared, and then only the rows the person who
    # receives the export can reach in the portal: ``visible_to(user)`` returns them, built
    # on the same selector the pages use (an export must never show more than the UI).
    organisation_export: bool = False
    visible_to: Callable | None = None
    # Replaces the generic blanking for rows about the person: (queryset, by) -> rows erased.
    erase_rows: Callable | None = None

    @property
    def label(self) -> str:
        return self.model._meta.label

    @property
    def subject_people(self) -> tuple[Person, ...]:
        return tuple(p for p in self.people if not p.actor)

    @property
    def actor_people(self) -> tuple[Person, ...]:
        return tuple(p for p in self.people if p.actor)

    def file_fields(self) -> list[str]:
        return [f.name for f in self.model._meta.concrete_fields if isinstance(f, models.FileField)]

    def accounted_fields(self) -> set[str]:
        names = set(self.explained) | set(self.export_exclude)
        for person in self.people:
            names.add(person.path.split("__")[0])
            names.update(person.fields)
        names.update(p.split("__")[0] for p in self.organisation)
        return names


_REGISTRY: dict[str, PersonalModel] = {}
_NOT_PERSONAL: dict[str, str] = {}


def register(
    model,
    *,
    people: Iterable[Person] = (),
    organisation: str | Iterable[str] = (),
    explained: dict | None = None,
    export_exclude: Iterable[str] = (),
    organisation_export_exclude: Iterable[str] = (),
    organisation_export: bool = False,
    visible_to: Callable | None = None,
    erase_rows: Callable | None = None,
) -> PersonalModel:
    if isinstance(organisation, str):
        organisation = (organisation,)
    spec = PersonalModel(
        model=model,
        people=tuple(people),
        organisation=tuple(organisation),
        explained=dict(explained or {}),
        export_exclude=tuple(export_exclude),
        organisation_export_exclude=tuple(organisation_export_exclude),
        organisation_export=organisation_export,
        visible_to=visible_to,
        erase_rows=erase_rows,
    )
    _check(spec)
    _REGISTRY[spec.label] = spec
    _NOT_PERSONAL.pop(spec.label, None)
    return spec


def not_personal(model, reason: str) -> None:
    """Declare that a model holds no personal data, and say why."""
    if not str(reason).strip():
        raise ValueError(f"{model._meta.label}: say why it holds no personal data")
    _NOT_PERSONAL[model._meta.label] = str(reason)


def _check(spec: PersonalModel) -> None:
    """Fail at start-up, not at erasure time, when a declaration names a missing field."""
    if spec.organisation_export and (spec.visible_to is None or not spec.organisation):
        raise ValueError(
            f"{spec.label}: an organisation export needs organisation=... and visible_to=..."
            " (the rows the receiving person can reach in the portal)"
        )
    names = {f.name for f in spec.model._meta.get_fields()}
    for person in spec.people:
        if person.path.split("__")[0] not in names | {"pk"}:
            raise ValueError(f"{spec.label}: no field {person.path!r}")
        for name in person.fields:
            if name not in names:
                raise ValueError(f"{spec.label}: no field {name!r}")
    for name in (
        list(spec.explained) + list(spec.export_exclude) + list(spec.organisation_export_exclude)
    ):
        if name not in names:
            raise ValueError(f"{spec.label}: no field {name!r}")


def all_personal_models() -> list[PersonalModel]:
    return sorted(_REGISTRY.values(), key=lambda s: s.label)


def personal_model(model) -> PersonalModel | None:
    return _REGISTRY.get(model._meta.label)


def not_personal_reason(model) -> str | None:
    return _NOT_PERSONAL.get(model._meta.label)


@dataclass(frozen=True)
class RetentionRule:
    """Data of one category is anonymised this many days (settings.IKMO_RETENTION_DAYS) after
    its reference date. ``run(today, days)`` does it and returns how many records it changed;
    it must be idempotent (a second run changes nothing)."""

    category: str
    run: Callable
    description: str = ""


_RETENTION: dict[str, RetentionRule] = {}


def register_retention(category: str, run: Callable, description: str = "") -> RetentionRule:
    rule = RetentionRule(category=category, run=run, description=description)
    _RETENTION[category] = rule
    return rule


def retention_rules() -> list[RetentionRule]:
    return [_RETENTION[k] for k in sorted(_RETENTION)]


# What "looks personal" to the coverage test and to the field check below.
PERSONAL_NAME_PARTS = (
    "name",
    "first_name",
    "last_name",
    "phone",
    "email",
    "mail",
    "notes",
    "note",
    "comment",
    "birth",
    "address",
    "street",
    "participants",
    "interviewee",
    "contact_person",
    "person",
)


def looks_personal(f) -> bool:
    from django.conf import settings

    if isinstance(f, models.FileField | models.EmailField):
        return True
    if f.is_relation and f.related_model is not None:
        return f.related_model._meta.label == settings.AUTH_USER_MODEL
    if not f.concrete:
        return False
    tokens = f.name.split("_")
    name = f.name
    return any(
        part == name or part in tokens or name.startswith(part + "_") or name.endswith("_" + part)
        for part in PERSONAL_NAME_PARTS
    )


def personal_looking_fields(model) -> list:
    return [
        f
        for f in model._meta.get_fields()
        if (f.concrete or f.many_to_many) and not f.auto_created and looks_personal(f)
    ]


def unaccounted(model) -> list[str]:
    """Personal-looking fields of a model that its declaration does not mention."""
    spec = personal_model(model)
    fields = [f.name for f in personal_looking_fields(model)]
    if spec is None:
        return [] if not_personal_reason(model) else fields
    accounted = spec.accounted_fields()
    return [name for name in fields if name not in accounted]


@dataclass(frozen=True)
class Identity:
    """Who a person is in the data: their account, their e-mail addresses, their name."""

    user: object | None = None
    emails: tuple[str, ...] = ()
    names: tuple[str, ...] = ()

    @classmethod
    def of_user(cls, user) -> Identity:
        from allauth.account.models import EmailAddress

        emails = {user.email.lower()} if user.email else set()
        emails.update(
            e.lower()
            # Only addresses the person proved are theirs identify them.
            for e in EmailAddress.objects.filter(user=user, verified=True).values_list(
                "email", flat=True
            )
        )
        full = f"{user.first_name} {user.last_name}".strip()
        # A single word is too likely to be someone else's name too; only full names match.
        names = (full,) if user.first_name.strip() and user.last_name.strip() else ()
        return cls(user=user, emails=tuple(sorted(emails)), names=names)

    @property
    def search_terms(self) -> list[str]:
        """Strings to scrub from free text and history on erasure."""
        terms = set(self.emails)
        for name in self.names:
            terms.add(name)
            first, _, last = name.partition(" ")
            if last:
                terms.add(f"{last}, {first}")
        return sorted((t for t in terms if len(t) >= 5), key=len, reverse=True)


def coverage_problems(app_labels=None) -> list[str]:
    """Models or fields of the portal that the registry does not account for."""
    from django.apps import apps

    problems = []
    for label in portal_app_labels() if app_labels is None else app_labels:
        for model in apps.get_app_config(label).get_models():
            spec = personal_model(model)
            reason = not_personal_reason(model)
            looking = [f.name for f in personal_looking_fields(model)]
            if spec is None and reason is None:
                problems.append(
                    f"{model._meta.label} is not declared (personal-looking fields: {looking});"
                    " register() it in its app's privacy.py or declare not_personal() with a reason"
                )
                continue
            missing = unaccounted(model)
            if missing:
                problems.append(
                    f"{model._meta.label}: fields {missing} look personal but the declaration"
                    " does not say what happens to them (people=..., explained=...)"
                )
            if spec is None and any(
                isinstance(f, models.FileField | models.EmailField)
                or (f.is_relation and f.related_model is not None)
                for f in personal_looking_fields(model)
            ):
                problems.append(
                    f"{model._meta.label} is declared not personal but has e-mail, file or user"
                    " fields"
                )
    return problems


def visible_when(model, predicate: Callable) -> Callable:
    """A ``visible_to`` for records only some people see at all (e.g. the desk's working
    notes): every row when ``predicate(user)``, none otherwise."""

    def visible(user):
        return model._default_manager.all() if predicate(user) else model._default_manager.none()

    return visible
