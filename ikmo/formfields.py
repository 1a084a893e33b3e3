"""A guard for Django's ModelMultipleChoiceField against ids beyond the database's integers.

Django checks each submitted id of a multiple choice with `filter(pk=value)` but then
queries `filter(pk__in=values)`, and an id such as 99999999999999999999 reaches SQLite as an
OverflowError (a server error) instead of "not a valid choice". Every multiple-choice field
of every app has it, so the check lives here once, installed by IkmoConfig.ready().
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.forms import ModelMultipleChoiceField

# The widest integer column we use (BigAutoField); anything outside cannot be an id.
_MIN, _MAX = -(2**63), 2**63 - 1
_INTEGER_FIELDS = (models.IntegerField, models.AutoField)


def _out_of_range(value) -> bool:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return False  # not a number at all: Django's own check answers that
    return not _MIN <= number <= _MAX


def install() -> None:
    if getattr(ModelMultipleChoiceField, "_ikmo_range_guard", False):
        return
    original = ModelMultipleChoiceField._check_values

    def _check_values(self, value):
        meta = self.queryset.model._meta
        key = meta.get_field(self.to_field_name) if self.to_field_name else meta.pk
        if isinstance(key, _INTEGER_FIELDS) and isinstance(value, list | tuple | set | frozenset):
            for pk in value:
                if _out_of_range(pk):
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": pk},
                    )
        return original(self, value)

    ModelMultipleChoiceField._check_values = _check_values
    ModelMultipleChoiceField._ikmo_range_guard = True
