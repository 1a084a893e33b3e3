"""Numbers typed in German or English notation (ikmo/formfields.py)."""

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from actionfund.forms import BudgetLineForm, ProofForm
from ikmo.formfields import AmbiguousNumber, DecimalInput, LocalizedDecimalField, parse_decimal
from volunteering.forms import PlacementForm


@pytest.mark.parametrize(
    ("text", "separator", "expected"),
    [
        ("1200", ",", "1200"),
        ("1.200", ",", "1200"),
        ("1.200,50", ",", "1200.50"),
        ("1200,50", ",", "1200.50"),
        ("1200.50", ",", "1200.50"),  # English notation on a German page
        ("1,200.50", ",", "1200.50"),
        ("1.200.000", ",", "1200000"),
        ("0,125", ",", "0.125"),
        ("12,5", ",", "12.5"),
        ("1234.500", ",", "1234.500"),  # four digits before the dot: no grouping
        (" 1 200,50 € ", ",", "1200.50"),
        ("-3,5", ",", "-3.5"),
        ("١٬٢٠٠٫٥", ".", "1200.5"),  # Arabic-Indic digits and separators
        ("1,200", ".", "1200"),
        ("1,200.50", ".", "1200.50"),
        ("1.200,50", ".", "1200.50"),  # German notation on an English page
        ("1200,5", ".", "1200.5"),
        ("38.5", ".", "38.5"),
    ],
)
def test_parse_decimal_reads_both_notations(text, separator, expected):
    assert parse_decimal(text, decimal_separator=separator) == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "separator"),
    [("1,200", ","), ("12,345", ","), ("1.200", "."), ("999.000", ".")],
)
def test_parse_decimal_refuses_what_reads_two_ways(text, separator):
    with pytest.raises(AmbiguousNumber):
        parse_decimal(text, decimal_separator=separator)


@pytest.mark.parametrize(
    "text",
    ["abc", "1.2.3", "1,20.5,1", "12.", ",", "1.20,5", "1.2345,00", "1,200,50", "1e5", "--1", ""],
)
def test_parse_decimal_refuses_malformed_text(text):
    with pytest.raises(ValueError):
        parse_decimal(text, decimal_separator=",")


def test_field_messages_are_german_and_say_what_to_write():
    field = LocalizedDecimalField(max_digits=12, decimal_places=2)
    with translation.override("de"):
        assert field.clean("1.200,50") == Decimal("1200.50")
        with pytest.raises(ValidationError) as ambiguous:
            field.clean("1,200")
        assert "1.200" in ambiguous.value.messages[0]
        assert "unklar" in ambiguous.value.messages[0]
        with pytest.raises(ValidationError) as invalid:
            field.clean("zwölf")
        assert "Zahl" in invalid.value.messages[0]
        with pytest.raises(ValidationError):
            field.clean("1,234")  # ambiguous, not "at most two decimal places"
    with translation.override("en"):
        with pytest.raises(ValidationError) as ambiguous:
            field.clean("1.200")
        # The examples are in the page's notation: in English "1.200" is the unclear one.
        assert "1,200" in ambiguous.value.messages[0] and "1.2." in ambiguous.value.messages[0]


def test_field_renders_in_the_page_language_without_browser_checks():
    field = LocalizedDecimalField(max_digits=12, decimal_places=2, min_value=0)
    with translation.override("de"):
        rendered = field.widget.render("amount", Decimal("1200.50"))
    assert 'value="1200,50"' in rendered
    assert 'inputmode="decimal"' in rendered
    assert 'type="text"' in rendered
    assert "min=" not in rendered and "step=" not in rendered


def test_every_decimal_field_of_the_portal_reads_german_notation():
    """Model forms get the field through the formfield hook, plain forms name it."""
    budget = BudgetLineForm().fields["amount"]
    assert isinstance(budget, LocalizedDecimalField)
    assert isinstance(budget.widget, DecimalInput)
    assert isinstance(PlacementForm(user=None).fields["weekly_hours"], LocalizedDecimalField)
    with translation.override("de"):
        form = PlacementForm(data={"weekly_hours": "38,5"}, user=None)
        form.is_valid()
        assert form.cleaned_data["weekly_hours"] == Decimal("38.5")


def test_dates_accept_german_and_iso_in_every_language():
    field = forms.DateField()
    for language in ("de", "en", "ar", "tr"):
        with translation.override(language):
            assert field.clean("31.12.2026") == datetime.date(2026, 12, 31)
            assert field.clean("2026-12-31") == datetime.date(2026, 12, 31)
    with translation.override("en"), pytest.raises(ValidationError):
        field.clean("12/31/2026")  # American month-first is not read as a date


def test_proof_form_spending_reads_german_notation():
    class Line:
        pk = 7
        description = "Miete"
        amount = Decimal("1500")

    with translation.override("de"):
        form = ProofForm(data={"spent_7": "1.200"}, lines=[Line()])
        assert form.is_valid(), form.errors
        assert form.spending() == {7: Decimal("1200")}
