"""``|as_field`` and ``|as_form``: crispy-bootstrap5's markup, rendered in Python.

The filters replace crispy's in every portal template, so the tests compare the two renderings
element by element (tags, attributes, classes and text; whitespace aside) for every kind of
widget the portal uses, unbound, bound and valid, and bound with errors.
"""

from datetime import date
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field, as_crispy_form
from django import forms
from django.template import Context, Template

from ikmo.formfields import LocalizedDecimalField
from ikmo.templatetags.portal_forms import as_field, as_form
from organisations.models import District


class DateInput(forms.DateInput):
    input_type = "date"


class Everything(forms.Form):
    name = forms.CharField(label="Name <b>", max_length=20, help_text="Wie im <em>Register</em>")
    email = forms.EmailField(label="E-Mail", required=False)
    website = forms.URLField(label="Website", required=False, assume_scheme="https")
    count = forms.IntegerField(label="Anzahl", min_value=0, required=False)
    amount = LocalizedDecimalField(label="Betrag", max_digits=8, decimal_places=2, required=False)
    day = forms.DateField(label="Tag", widget=DateInput(format="%Y-%m-%d"), required=False)
    paid_on = forms.DateField(
        label="Bezahlt am", widget=DateInput(), show_hidden_initial=True, required=False
    )
    text = forms.CharField(label="Text", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    status = forms.ChoiceField(
        label="Status", choices=[("", "Alle"), ("a", "Aktiv"), ("b", "<B>")], required=False
    )
    grouped = forms.ChoiceField(
        label="Gruppiert",
        choices=[("", "–"), ("Gruppe", [("x", "X"), ("y", "Y")]), ("z", "Z")],
        required=False,
    )
    district = forms.ModelChoiceField(
        label="Bezirk", queryset=District.objects.order_by("name"), required=False
    )
    districts = forms.ModelMultipleChoiceField(
        label="Bezirke", queryset=District.objects.order_by("name"), required=False
    )
    answer = forms.NullBooleanField(label="Antwort", required=False)
    mine = forms.BooleanField(label="Nur meine", required=False, help_text="Hilfe")
    agree = forms.BooleanField(label="Einverstanden")
    topics = forms.MultipleChoiceField(
        label="Themen",
        choices=[("1", "Eins"), ("2", "Zwei")],
        widget=forms.CheckboxSelectMultiple,
        help_text="Mehrere möglich",
    )
    kind = forms.ChoiceField(
        label="Art", choices=[("s", "Einzeln"), ("c", "Kooperation")], widget=forms.RadioSelect
    )
    secret = forms.CharField(widget=forms.HiddenInput, required=False)
    fixed = forms.CharField(label="Fest", disabled=True, required=False, initial="so")

    def clean(self):
        if self.cleaned_data.get("count") == 13:
            raise forms.ValidationError("Nicht <13>.")
        return self.cleaned_data


class Tree(HTMLParser):
    """Elements as nested (tag, attributes, children) with classes as sets; text stripped."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.root: list = []
        self.stack = [self.root]
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = {}
        for name, value in attrs:
            attributes[name] = frozenset((value or "").split()) if name == "class" else value
        node = (tag, attributes, [])
        self.stack[-1].append(node)
        if tag not in ("input", "br", "hr", "img"):
            self.stack.append(node[2])

    def handle_endtag(self, tag):
        if tag not in ("input", "br", "hr", "img"):
            self.stack.pop()

    def handle_data(self, data):
        if data.strip():
            self.stack[-1].append(" ".join(data.split()))


def tree(html) -> list:
    return Tree(str(html)).root


STATES = {
    "unbound": lambda: Everything(
        initial={"district": None, "mine": True, "topics": ["2"], "paid_on": date(2026, 12, 6)}
    ),
    "valid": lambda: Everything(
        {
            "name": "Verein",
            "amount": "1.200,50",
            "day": "2026-12-31",
            "status": "b",
            "grouped": "y",
            "answer": "true",
            "mine": "on",
            "agree": "on",
            "topics": ["1", "2"],
            "kind": "c",
            "text": "Zeile 1\nZeile <2>",
        }
    ),
    "errors": lambda: Everything(
        {"name": "x" * 30, "email": "nope", "count": "-1", "amount": "1,2,3", "status": "zzz"}
    ),
    "form error": lambda: Everything({"name": "Verein", "count": "13", "agree": "on", "kind": "s"}),
}


@pytest.fixture
def districts(db):
    one = District.objects.create(name="Testbezirk Eins", slug="testbezirk-eins")
    District.objects.create(name="Testbezirk Zwei", slug="testbezirk-zwei")
    return one


@pytest.mark.parametrize("state", list(STATES))
def test_every_field_is_drawn_as_crispy_draws_it(districts, state):
    form = STATES[state]()
    if state == "valid":
        form.data = {**form.data, "district": str(districts.pk), "districts": [str(districts.pk)]}
    form.is_bound and form.is_valid()
    for bound in form:
        assert tree(as_field(bound)) == tree(as_crispy_field(bound)), bound.name


@pytest.mark.parametrize("state", list(STATES))
def test_a_whole_form_is_drawn_as_crispy_draws_it(districts, state):
    form = STATES[state]()
    form.is_bound and form.is_valid()
    assert tree(as_form(form)) == tree(as_crispy_form(form))


def test_the_shared_markup_carries_values_errors_and_escapes(districts):
    form = STATES["errors"]()
    assert not form.is_valid()
    html = str(as_field(form["status"]))
    assert '<span class="asteriskField">' not in html  # not required
    assert "form-select" in html and "is-invalid" in html
    assert 'aria-invalid="true"' in html and 'aria-describedby="id_status_error"' in html
    assert 'id="error_1_id_status"' in html
    assert "&lt;B&gt;" in html and "<B>" not in html

    form = STATES["valid"]()
    form.data = {**form.data, "district": str(districts.pk)}
    assert form.is_valid(), form.errors
    html = str(as_field(form["district"]))
    assert f'<option value="{districts.pk}" selected>Testbezirk Eins</option>' in html
    assert html.count("<option") == District.objects.count() + 1
    assert 'value="1.200,50"' in str(as_field(form["amount"]))  # localised, as typed
    assert "Zeile &lt;2&gt;</textarea>" in str(as_field(form["text"]))
    assert "<em>Register</em>" in str(as_field(form["name"]))  # help texts may carry markup
    assert "Name &lt;b&gt;" in str(as_field(form["name"]))
    html = str(as_field(form["topics"]))
    assert "<fieldset" in html and "<legend" in html and html.count("checked") == 2
    html = str(as_form(STATES["form error"]()))
    assert 'alert-danger"><ul class="m-0"><li>Nicht &lt;13&gt;.</li>' in html


def test_the_initial_value_of_a_date_field_is_shown_in_the_input_format(db):
    form = Everything(initial={"day": date(2026, 12, 31), "amount": Decimal("1200.5")})
    assert 'value="2026-12-31"' in str(as_field(form["day"]))
    assert tree(as_field(form["amount"])) == tree(as_crispy_field(form["amount"]))


def test_the_filters_work_in_templates(districts):
    html = Template("{% load portal_forms %}{{ form.status|as_field }}{{ form|as_form }}").render(
        Context({"form": Everything()})
    )
    assert html.count('id="div_id_status"') == 2
