"""The choices of every model choice field in one query, not through a server-side cursor.

Django's ModelChoiceIterator reads a choice field's queryset with `.iterator()`, so that a
field with a huge table does not keep every object in memory. On PostgreSQL `.iterator()`
opens a server-side cursor: DECLARE ... WITH HOLD, FETCH, CLOSE, three round trips, and the
database copies the whole result at the end of the statement's transaction. The portal's
choice fields list small tables (districts, fields of work, languages, topics, calls,
criteria); the big ones (organisations, people, workshops) are choosers that load their
options on demand (ikmo/choosers.py) and render only the chosen ones. Measured at full scale,
the cursors cost 1.1-1.8 ms of the 8-13 ms of a form page with two or three such fields.

`ModelChoiceField.iterator` is Django's documented hook for the class that lists the choices;
`install()` sets it once for every model choice field of the portal and Django admin, and for
django-filter's model choice filters (whose own iterator adds the "none" choice on top of
Django's). Everything else is Django's: the empty label, the choice values and labels, `len()`
by a COUNT.
"""

from django import forms
from django.forms.models import ModelChoiceIterator
from django_filters import fields as filter_fields


class ChoiceIterator(ModelChoiceIterator):
    """Django's iterator, reading the queryset in one plain query: a fresh copy each time, so
    the field's own queryset keeps no results, as with Django's `.iterator()`; a prefetching
    queryset is read (and kept) as Django reads it."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        queryset = self.queryset
        if not queryset._prefetch_related_lookups:
            queryset = queryset.all()
        for obj in queryset:
            yield self.choice(obj)


class FilterChoiceIterator(filter_fields.ModelChoiceIterator, ChoiceIterator):
    """django-filter's iterator (the "none" choice) over ChoiceIterator instead of Django's."""


def install() -> None:
    forms.ModelChoiceField.iterator = ChoiceIterator
    filter_fields.ModelChoiceField.iterator = FilterChoiceIterator
    filter_fields.ModelMultipleChoiceField.iterator = FilterChoiceIterator
