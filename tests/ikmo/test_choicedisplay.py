"""`get_FOO_display()` answers as Django's own implementation does, for every field of every
model with fixed choices, in every interface language (ikmo/choicedisplay.py)."""

from functools import partialmethod

import pytest
from django.apps import apps
from django.conf import settings
from django.db.models import Model
from django.utils import translation

from ikmo import choicedisplay
from qualification.models import CoachingSession

FIELDS = [
    (model, field)
    for model in apps.get_models(include_auto_created=True)
    for field in model._meta.concrete_fields
    if isinstance(field.choices, (list, tuple)) and field.choices
]


def _id(pair):
    model, field = pair
    return f"{model._meta.label}.{field.name}"


@pytest.mark.parametrize("model, field", FIELDS, ids=[_id(pair) for pair in FIELDS])
def test_every_choice_field_displays_what_django_displays(model, field):
    name = f"get_{field.name}_display"
    own = next(k.__dict__[name] for k in model.__mro__ if name in k.__dict__)
    if isinstance(own, partialmethod):  # not a model's own method: it must be the fast one
        assert own.func is choicedisplay.display, f"{_id((model, field))} kept Django's"
    values = [value for value, _label in field.flatchoices] + ["not-a-choice", None]
    instance = model()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for value in values:
                setattr(instance, field.attname, value)
                expected = Model._get_FIELD_display(instance, field)
                assert choicedisplay.display(instance, field) == expected, (code, value)
                assert getattr(instance, name)() == expected, (code, value)


def test_the_label_follows_the_language_of_the_moment():
    session = CoachingSession(format=CoachingSession.Format.VIDEO)
    with translation.override("de"):
        german = session.get_format_display()
    with translation.override("en"):
        english = session.get_format_display()
    assert german != english
    assert english == "Video call"
    assert isinstance(german, str)


def test_installing_twice_replaces_nothing_more():
    assert choicedisplay.install() == 0  # ready() did it for every model
