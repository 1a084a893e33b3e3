"""Form fields shared by every app; every portal form gets them through ikmo.forms.ModelForm
(and every admin through ikmo.admin.PortalFormFields). Nothing here changes Django itself.

1. ModelMultipleChoiceField: a guard against ids beyond the database's integers.

Django checks each submitted id of a multiple choice with `filter(pk=value)` but then
queries `filter(pk__in=values)`, and an id such as 99999999999999999999 reaches SQLite as an
OverflowError (a server error) instead of "not a valid choice".

2. LocalizedDecimalField: numbers and amounts in German or English notation, for every
decimal form field of the portal.

`formfield()` picks both for a model's fields; it is the `formfield_callback` of the
portal's ModelForm.
"""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats
from django.utils.translation import gettext_lazy as _

# The widest integer column we use (BigAutoField); anything outside cannot be an id.
_MIN, _MAX = -(2**63), 2**63 - 1
_INTEGER_FIELDS = (models.IntegerField, models.AutoField)


def _out_of_range(value) -> bool:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return False  # not a number at all: Django's own check answers that
    return not _MIN <= number <= _MAX


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's multiple choice, but an id no integer column can hold is an invalid choice
    (Django would query `pk__in` with it, which overflows on SQLite: a server error)."""

    def clean(self, value):
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
        return super().clean(value)


# Decimal and money input ------------------------------------------------------------------
#
# People type amounts the way they write them: "1.200,50" in German, "1,200.50" in English,
# and many type "1200.50" on a German page. Django's DecimalField knows only the active
# language's separator, so "1.200" became 1,20 on one page and an error on the next. One
# parser reads both conventions and refuses what cannot be read unambiguously.

_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_BLANKS = re.compile(r"[\s\u00a0\u202f\u2009\u200f\u200e'’]")
_CURRENCY = re.compile(r"(€|eur|euro|يورو)", re.IGNORECASE)


# Longer text is refused before any parsing (no work for a pasted novel).
MAX_NUMBER_TEXT = 64


class AmbiguousNumber(ValueError):
    """The text reads as two different numbers depending on the convention."""


def parse_decimal(text: str, *, decimal_separator: str = ",") -> Decimal:
    """Read a number typed in German or English notation.

    `decimal_separator` is the active language's (",": German/Turkish, ".": English/Arabic).
    Raises ValueError for malformed text, AmbiguousNumber for "1,200" on a German page (one
    comma, three digits: a German decimal or an English thousand).
    """
    value = _CURRENCY.sub("", _BLANKS.sub("", str(text).translate(_ARABIC_DIGITS)))
    value = value.replace("٫", decimal_separator).replace(
        "٬", "," if decimal_separator == "." else "."
    )
    match = re.fullmatch(r"([+-]?)([\d.,]+)", value)
    if not match or not re.search(r"\d", value):
        raise ValueError(text)
    sign, body = match.groups()
    group_separator = "." if decimal_separator == "," else ","
    separators = [c for c in body if c in ".,"]
    if not separators:
        whole, fraction = body, ""
    elif "." in separators and "," in separators:
        # Both kinds: the last one is the decimal separator, whatever the page's language.
        decimal = separators[-1]
        group = "," if decimal == "." else "."
        whole, _sep, fraction = body.rpartition(decimal)
        if decimal in whole or not re.fullmatch(rf"\d{{1,3}}(\{group}\d{{3}})+", whole):
            raise ValueError(text)
        whole = whole.replace(group, "")
    elif len(separators) > 1:
        # "1.200.000": only grouping can repeat.
        sep = separators[0]
        if not re.fullmatch(rf"\d{{1,3}}(\{sep}\d{{3}})+", body):
            raise ValueError(text)
        whole, fraction = body.replace(sep, ""), ""
    else:
        sep = separators[0]
        whole, _sep, fraction = body.partition(sep)
        if not fraction:
            raise ValueError(text)
        looks_grouped = len(fraction) == 3 and re.fullmatch(r"[1-9]\d{0,2}", whole or "")
        if looks_grouped and sep == group_separator:
            whole, fraction = whole + fraction, ""  # "1.200" on a German page: 1200
        elif looks_grouped:
            raise AmbiguousNumber(text)  # "1,200" on a German page: 1,2 or 1200?
    digits = f"{sign}{whole or '0'}" + (f".{fraction}" if fraction else "")
    try:
        return Decimal(digits)
    except InvalidOperation as exc:  # pragma: no cover - the patterns above rule it out
        raise ValueError(text) from exc


class DecimalInput(forms.TextInput):
    """A text box for numbers: phones show the digits keyboard, and a German "1.200,50" is
    not thrown away by the browser as a type=number input would do."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})


class LocalizedDecimalField(forms.DecimalField):
    """DecimalField that reads German and English notation (see parse_decimal) and shows
    its value in the page's language."""

    widget = DecimalInput
    # The examples are written in the page's notation (see _examples).
    default_error_messages = {
        "invalid": _("Please enter a number, for example 1200 or %(example)s."),
        "ambiguous": _(
            "“%(value)s” is unclear: for one thousand two hundred please write 1200 or "
            "%(thousand)s, for one point two write %(decimal)s."
        ),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        # No step/min/max: the browser would check them against its own (English) reading.
        attrs = super().widget_attrs(widget)
        for attr in ("step", "min", "max"):
            attrs.pop(attr, None)
        return attrs

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        text = str(value).strip()
        separator = formats.get_format("DECIMAL_SEPARATOR")
        examples = _examples(separator)
        if len(text) > MAX_NUMBER_TEXT:
            raise ValidationError(self.error_messages["invalid"], code="invalid", params=examples)
        try:
            return parse_decimal(text, decimal_separator=separator)
        except AmbiguousNumber:
            raise ValidationError(
                self.error_messages["ambiguous"],
                code="ambiguous",
                params={"value": text, **examples},
            ) from None
        except ValueError:
            raise ValidationError(
                self.error_messages["invalid"], code="invalid", params=examples
            ) from None


def _examples(decimal_separator: str) -> dict:
    group = "." if decimal_separator == "," else ","
    return {
        "example": f"1{group}200{decimal_separator}50",
        "thousand": f"1{group}200",
        "decimal": f"1{decimal_separator}2",
    }


# The portal's form fields for model fields: given to Django as a ModelForm's
# `Meta.formfield_callback` (ikmo.forms.ModelForm) and as the admin's `formfield_overrides`.
FORM_CLASSES = {
    models.DecimalField: LocalizedDecimalField,
    models.ManyToManyField: ModelMultipleChoiceField,
}


def formfield(db_field, **kwargs):
    """The form field of a model field, with the portal's decimal and multiple-choice fields."""
    for model_field, form_class in FORM_CLASSES.items():
        if isinstance(db_field, model_field):
            kwargs.setdefault("form_class", form_class)
            break
    return db_field.formfield(**kwargs)
