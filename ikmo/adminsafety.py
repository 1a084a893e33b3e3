"""A guard for Django admin's "add" pages against junk prefill parameters.

``/admin/<app>/<model>/add/?organisation=abc`` prefills the form from the query string. For
a field shown with an autocomplete widget, Django then looks the value up with
``filter(pk__in=["abc"])`` while rendering, and ``abc``, ``1e999``, ``%00`` or a number
beyond the database's integers become a server error instead of an empty field. Every
ModelAdmin has it, so the check lives here once, installed by IkmoConfig.ready(): values a
field cannot hold are dropped from the initial data (the person then simply chooses).
"""

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models

# The widest integer column we use (BigAutoField); anything outside cannot be stored.
_MIN, _MAX = -(2**63), 2**63 - 1


def _valid(field, value) -> bool:
    if isinstance(value, str) and "\x00" in value:
        return False
    target = field.target_field if field.is_relation else field
    if field.many_to_many and isinstance(value, str):
        values = value.split(",") if value else []
    elif isinstance(value, list | tuple):
        values = list(value)
    else:
        values = [value]
    for item in values:
        if isinstance(item, str) and "\x00" in item:
            return False
        try:
            converted = target.to_python(item)
        except (ValidationError, ValueError, TypeError, OverflowError):
            return False
        is_number = isinstance(converted, int) and not isinstance(converted, bool)
        if is_number and not _MIN <= converted <= _MAX:
            return False
        if isinstance(converted, str) and target.max_length and len(converted) > target.max_length:
            return False
    return True


def clean_initial(model, initial: dict) -> dict:
    """The initial data without values their model field could not hold."""
    cleaned = {}
    for name, value in initial.items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue  # not a field of the model: the form would ignore it anyway
        if not (field.concrete or field.many_to_many) or field.auto_created and not field.concrete:
            continue
        if isinstance(field, models.FileField):
            continue
        if _valid(field, value):
            cleaned[name] = value
    return cleaned


def install() -> None:
    if getattr(admin.ModelAdmin, "_ikmo_initial_guard", False):
        return
    original = admin.ModelAdmin.get_changeform_initial_data

    def get_changeform_initial_data(self, request):
        return clean_initial(self.model, original(self, request))

    admin.ModelAdmin.get_changeform_initial_data = get_changeform_initial_data
    admin.ModelAdmin._ikmo_initial_guard = True
