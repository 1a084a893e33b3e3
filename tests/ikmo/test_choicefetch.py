"""Model choice fields read their choices in one plain query (ikmo/choicefetch.py): no
server-side cursor (DECLARE, FETCH, CLOSE on PostgreSQL) for a list of districts or topics,
in portal forms, filter forms and Django admin alike, with the same choices as Django's."""

import django_filters
import pytest
from django import forms
from django.db import connection
from django.forms.models import ModelChoiceIterator
from django.test.utils import CaptureQueriesContext

from mentoring.forms import MentorOfferForm
from organisations.models import District, FieldOfWork, Organisation
from qualification.models import Topic


def _choices_and_queries(field):
    with CaptureQueriesContext(connection) as queries:
        choices = [(str(value), str(label)) for value, label in field.choices]
    return choices, [q["sql"] for q in queries.captured_queries]


def _djangos(field):
    return [(str(value), str(label)) for value, label in ModelChoiceIterator(field)]


class DistrictFilter(django_filters.FilterSet):
    district = django_filters.ModelChoiceFilter(
        queryset=District.objects.order_by("name"), null_label="No district"
    )
    fields = django_filters.ModelMultipleChoiceFilter(queryset=FieldOfWork.objects.all())

    class Meta:
        model = Organisation
        fields = []


@pytest.mark.services
@pytest.mark.django_db
def test_a_choice_field_reads_its_choices_in_one_plain_query():
    assert connection.vendor == "postgresql", "server-side cursors exist on PostgreSQL"
    field = forms.ModelChoiceField(queryset=District.objects.order_by("name"))
    choices, queries = _choices_and_queries(field)
    assert len(queries) == 1 and queries[0].startswith("SELECT"), queries
    assert choices == _djangos(field)
    assert choices[0] == ("", "---------") and len(choices) == District.objects.count() + 1
    # Read afresh each time (the field's queryset keeps nothing), as Django's iterator does.
    assert _choices_and_queries(field)[1] == queries


@pytest.mark.services
@pytest.mark.django_db
def test_portal_forms_and_filters_list_their_choices_without_a_cursor():
    assert connection.vendor == "postgresql"
    form = MentorOfferForm()
    with CaptureQueriesContext(connection) as queries:
        form.as_p()
    sql = [q["sql"] for q in queries.captured_queries]
    assert sql and not [q for q in sql if q.startswith("DECLARE")], sql
    filters = DistrictFilter({}, queryset=Organisation.objects.none()).form
    district, queries = _choices_and_queries(filters.fields["district"])
    assert len(queries) == 1 and queries[0].startswith("SELECT"), queries
    names = list(District.objects.order_by("name").values_list("name", flat=True))
    # django-filter's "none" choice still follows the empty one ("All", the portal's label
    # for a filter's empty choice: settings.FILTERS_EMPTY_CHOICE_LABEL).
    assert [label for _value, label in district] == ["Alle", "No district", *names]
    fields, queries = _choices_and_queries(filters.fields["fields"])
    assert len(queries) == 1 and queries[0].startswith("SELECT"), queries
    assert len(fields) == FieldOfWork.objects.count()


@pytest.mark.django_db
def test_a_prefetching_queryset_is_read_once_as_django_reads_it():
    field = forms.ModelMultipleChoiceField(queryset=Topic.objects.prefetch_related("workshops"))
    first, queries = _choices_and_queries(field)
    assert first == _djangos(field) and len(queries) == 2  # the topics and their workshops
    assert _choices_and_queries(field) == (first, [])  # kept on the field's queryset, as Django


@pytest.mark.django_db
def test_every_list_filter_offers_all_rather_than_dashes_as_its_empty_choice():
    """A select left at its empty choice filters nothing: it says "Alle", in every filter of
    every list (django-filter's own default is "---------")."""
    import importlib
    import importlib.util

    from django.apps import apps
    from django_filters import FilterSet

    for config in apps.get_app_configs():
        if importlib.util.find_spec(f"{config.name}.filters") if "." not in config.name else None:
            importlib.import_module(f"{config.name}.filters")

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    checked = 0
    for filterset in subclasses(FilterSet):
        if filterset.__module__.split(".")[0] not in {c.name for c in apps.get_app_configs()}:
            continue
        for name, declared in filterset.base_filters.items():
            label = declared.extra.get("empty_label", "")
            if label is None:  # no empty choice at all
                continue
            if hasattr(declared, "field_class") and "Choice" in declared.field_class.__name__:
                assert str(label) != "---------", f"{filterset.__qualname__}.{name}"
                checked += 1
    assert checked > 20
