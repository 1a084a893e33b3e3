"""Choosers: fields for organisations, people and workshops that search and load their options
on demand, so that no page carries a list that grows with the registry.

- A **kind** (`Kind`) says how one sort of record is searched and shown: organisations by
  their name in every spelling, people by name, workshops by title. Kinds live next to their
  models (`organisations/choosers.py`, `qualification/choosers.py`).
- A **scope** (`Scope`) is what one form field offers: the queryset of what a person may
  choose there (a selector) and the permission predicate of who may use it at all. Each app
  names its scopes in the `choosers` hook of its app config (ikmo/subprojects.py). The
  browser only names a scope; it never says which records to search.
- `ChooserField` / `MultipleChooserField` validate against their scope's queryset for the
  person the form is shown to (`ChooserForm`, `user=`; a field nobody bound accepts nothing),
  and render only the chosen option(s) with `data-chooser-url`. static/js/chooser.js turns
  that `<select>` into a Tom Select combobox asking `ikmo.views.choose`
  (`/choose/<kind>/?scope=…&q=…&page=…`), which answers with the same scope for the same
  person, so the list offers exactly what the form accepts. `ChooserFilter` is the same for
  django-filter FilterSets (the request's user).

Without JavaScript the `<select>` still holds the chosen option, so a form sent back with an
error elsewhere keeps it.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from urllib.parse import urlencode

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .formfields import ModelMultipleChoiceField, _out_of_range
from .subprojects import hooks

PAGE_SIZE = 20
MAX_QUERY = 100  # characters of a search; anything longer is cut
MAX_TERMS = 5  # words of a search that are looked for


@dataclass(frozen=True)
class Kind:
    """How one sort of record is searched and shown in a chooser.

    ``search(queryset, terms, user)`` keeps the records matching every term; ``values`` are
    the columns a result row needs, ``row(values, user)`` turns them into ``text`` (what the
    field shows once chosen, the same as ``label(obj)``) and ``detail`` (a second line in the
    list, e.g. the district); ``rank(terms)`` may put the best matches first.
    """

    name: str  # the URL: /choose/<name>/
    model: type
    search: Callable[[QuerySet, list[str], object], QuerySet]
    values: tuple[str, ...]
    row: Callable[[dict, object], dict]
    label: Callable[[object], str]
    order_by: tuple[str, ...]
    rank: Callable[[list[str]], object] | None = None


@dataclass(frozen=True)
class Scope:
    """What one chooser offers: ``choices(user)`` is everything that person may choose there
    (the form accepts exactly these), ``allowed(user)`` who may search it at all."""

    name: str  # ?scope=<name>, unique across the portal
    kind: Kind
    choices: Callable[[object], QuerySet]
    allowed: Callable[[object], bool]


def scopes() -> dict[str, Scope]:
    """Every scope the portal apps declare (their `choosers` hook), by name."""
    found = {}
    for app, declared in hooks("choosers"):
        for scope in declared:
            if scope.name in found:
                raise ValueError(f"chooser scope {scope.name!r} declared twice ({app.name})")
            found[scope.name] = scope
    return found


def get_scope(name: str, *, kind: str | None = None) -> Scope:
    """The scope called ``name`` (of ``kind``, if given); a 404 for anything else."""
    scope = scopes().get(name)
    if scope is None or (kind is not None and scope.kind.name != kind):
        raise Http404("no such chooser")
    return scope


def search(
    scope: Scope, user, *, query: str = "", page: int = 1, exclude: Iterable[int] = ()
) -> dict:
    """One page of what ``user`` may choose in ``scope`` matching ``query``, in one query:
    ``{"results": [{"value", "text", "detail"}, ...], "more": bool}``."""
    kind = scope.kind
    queryset = scope.choices(user)
    exclude = list(exclude)
    if exclude:
        queryset = queryset.exclude(pk__in=exclude)
    terms = query[:MAX_QUERY].split()[:MAX_TERMS]
    order = kind.order_by
    if terms:
        queryset = kind.search(queryset, terms, user)
        if kind.rank is not None:
            queryset = queryset.annotate(_rank=kind.rank(terms))
            order = ("_rank", *order)
    start = (max(page, 1) - 1) * PAGE_SIZE
    rows = list(queryset.order_by(*order).values("pk", *kind.values)[start : start + PAGE_SIZE + 1])
    results = [{"value": str(row["pk"]), **kind.row(row, user)} for row in rows[:PAGE_SIZE]]
    return {"results": results, "more": len(rows) > PAGE_SIZE}


def starts_with(field: str, terms: list[str]):
    """A `Kind.rank`: records whose ``field`` starts with the first term come first."""
    return Case(
        When(**{f"{field}__istartswith": terms[0]}, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )


# The widget -------------------------------------------------------------------------------


class ChooserSelect(forms.Select):
    """A `<select>` with only the chosen option (and the empty one), and what
    static/js/chooser.js needs to search the rest: the endpoint and the words it shows."""

    scope: Scope | None = None  # set by the chooser field
    excluded: tuple = ()

    def optgroups(self, name, value, attrs=None):
        field = getattr(self.choices, "field", None)
        if not isinstance(field, _Chooser):  # not a chooser field's widget: a plain select
            return super().optgroups(name, value, attrs)
        options = []
        if not self.allow_multiple_selected and field.empty_label is not None:
            chosen = [v for v in value if v not in ("", None)]
            options.append(self.create_option(name, "", field.empty_label, not chosen, 0))
        for index, obj in enumerate(field.chosen(value), start=len(options)):
            option_value = self.choices.choice(obj)[0]
            options.append(
                self.create_option(name, option_value, field.label_from_instance(obj), True, index)
            )
        return [(None, options, 0)]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if self.scope is not None:
            context["widget"]["attrs"].update(
                {
                    "data-chooser-url": self.url(),
                    "data-placeholder": _("Type to search …"),
                    "data-chooser-searching": _("Searching …"),
                    "data-chooser-no-results": _("No results. Please try another spelling."),
                    "data-chooser-more": _("Loading more …"),
                    "data-chooser-remove": _("Remove"),
                    "data-chooser-failed": _("The search is not available right now."),
                }
            )
        return context

    def url(self) -> str:
        """The scope's endpoint, e.g. /choose/organisations/?scope=coaching_organisations."""
        query = {"scope": self.scope.name}
        if self.excluded:
            query["exclude"] = ",".join(str(pk) for pk in self.excluded)
        return f"{reverse('choose', args=[self.scope.kind.name])}?{urlencode(query)}"


class ChooserSelectMultiple(ChooserSelect, forms.SelectMultiple):
    allow_multiple_selected = True


# The fields -------------------------------------------------------------------------------


class _Chooser:
    """What both chooser fields share. The queryset is the scope's for the person given to
    `bind`; before that the field accepts nothing."""

    def __init__(self, scope: str, *, queryset=None, limit_choices_to=None, **kwargs):
        # `queryset` (given by a model field's formfield(), or django-filter) is ignored: the
        # scope alone decides what may be chosen.
        self.scope = get_scope(scope)
        self.excluded = []
        super().__init__(queryset=self.scope.kind.model._default_manager.none(), **kwargs)
        self._update_url()

    def bind(self, user) -> None:
        """Offer and accept what the scope permits ``user``."""
        queryset = self.scope.choices(user)
        if self.excluded:
            queryset = queryset.exclude(pk__in=self.excluded)
        self.queryset = queryset

    def exclude(self, *pks) -> None:
        """Leave records out, in the form and in the search (e.g. an organisation as its own
        carrier); only narrows what the scope offers."""
        # A new list: the form's copy of the field shares the declared field's otherwise.
        self.excluded = [*self.excluded, *(pk for pk in pks if pk is not None)]
        self.queryset = self.queryset.exclude(pk__in=self.excluded)
        self._update_url()

    def _update_url(self):
        # The widget reverses the URL when the page renders (fields are built when forms.py
        # is imported, before the URLs are).
        self.widget.scope, self.widget.excluded = self.scope, tuple(self.excluded)

    def label_from_instance(self, obj):
        return self.scope.kind.label(obj)

    def chosen(self, values) -> list:
        """The records among ``values`` (submitted or initial) that may be chosen, for the
        options the page shows; one query, none when nothing is chosen."""
        meta = self.queryset.model._meta
        key = meta.get_field(self.to_field_name) if self.to_field_name else meta.pk
        clean = []
        for value in values:
            if value in self.empty_values:
                continue
            if _out_of_range(value):
                continue
            try:
                clean.append(key.to_python(value))
            except ValidationError:
                continue
        if not clean:
            return []
        return list(self.queryset.filter(**{f"{key.name}__in": clean}))


class ChooserField(_Chooser, forms.ModelChoiceField):
    """Choose one record of a scope (see the module docstring)."""

    widget = ChooserSelect


class MultipleChooserField(_Chooser, ModelMultipleChoiceField):
    """Choose several records of a scope (see the module docstring)."""

    widget = ChooserSelectMultiple


def chooser(scope: str, *, multiple: bool = False):
    """A ModelForm's ``Meta.field_classes`` entry: the model field's label, help text and
    whether it is required, with the choices of ``scope``."""
    return partial(MultipleChooserField if multiple else ChooserField, scope)


def bind(form, user) -> None:
    """Bind every chooser field of ``form`` to the person the form is for."""
    for field in form.fields.values():
        if isinstance(field, _Chooser):
            field.bind(user)


class ChooserForm:
    """Mixin for forms with chooser fields: they take ``user=``, the person they are shown to,
    and offer and accept what each field's scope permits that person."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        bind(self, user)


# Filters ---------------------------------------------------------------------------------


class _ChooserFilterMixin:
    def __init__(self, *args, scope: str, **kwargs):
        super().__init__(*args, scope=scope, **kwargs)

    @property
    def field(self):
        unbound = not hasattr(self, "_field")
        field = super().field
        if unbound:
            request = self.get_request()
            user = getattr(request, "user", None)
            if user is not None:
                field.bind(user)
        return field


class ChooserFilter(_ChooserFilterMixin, django_filters.ModelChoiceFilter):
    """A FilterSet's chooser of one record; the FilterSet needs ``request=``."""

    field_class = ChooserField


class MultipleChooserFilter(_ChooserFilterMixin, django_filters.ModelMultipleChoiceFilter):
    """A FilterSet's chooser of several records; the FilterSet needs ``request=``."""

    field_class = MultipleChooserField
