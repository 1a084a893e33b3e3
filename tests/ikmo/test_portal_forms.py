"""``|as_field``: the filter bars' fields in Bootstrap 5 markup, rendered in Python."""

from django import forms
from django.template import Context, Template

from organisations.models import District


class Filters(forms.Form):
    q = forms.CharField(label="Suche", required=False, help_text="Name oder Bezirk")
    status = forms.ChoiceField(label="Status", choices=[("", "Alle"), ("a", "Aktiv"), ("b", "<B>")])
    district = forms.ModelChoiceField(
        label="Bezirk", queryset=District.objects.order_by("name"), required=False
    )
    mine = forms.BooleanField(label="Nur meine", required=False)


def render(form, name) -> str:
    return Template("{% load portal_forms %}{{ field|as_field }}").render(
        Context({"field": form[name]})
    )


def test_a_select_marks_the_chosen_option_escapes_labels_and_flags_errors(db):
    form = Filters({"status": "zzz"})
    assert not form.is_valid()
    html = render(form, "status")
    assert (
        '<label for="id_status" class="form-label">Status<span class="asteriskField">*</span>'
        in html
    )
    assert 'class="form-select is-invalid"' in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_status_error"' in html
    assert '<div id="id_status_error" class="invalid-feedback"><strong>' in html
    assert "&lt;B&gt;" in html and "<B>" not in html
    assert 'name="status"' in html and "required" in html

    html = render(Filters({"status": "a"}), "status")
    assert '<option value="a" selected>Aktiv</option>' in html
    assert '<option value="b">' in html


def test_a_model_select_lists_the_rows_and_keeps_the_choice(db):
    one = District.objects.create(name="Testbezirk Eins", slug="testbezirk-eins")
    District.objects.create(name="Testbezirk Zwei", slug="testbezirk-zwei")
    html = render(Filters({"district": str(one.pk)}), "district")
    assert '<option value="">---------</option>' in html
    assert f'<option value="{one.pk}" selected>Testbezirk Eins</option>' in html
    assert "Testbezirk Zwei" in html
    assert html.count("<option") == District.objects.count() + 1


def test_text_input_with_help_text_and_checkbox(db):
    form = Filters({"q": "Wedding", "mine": "on"})
    html = render(form, "q")
    assert 'class="form-control"' in html and 'value="Wedding"' in html
    assert 'aria-describedby="id_q_helptext"' in html
    assert '<div id="id_q_helptext" class="form-text">Name oder Bezirk</div>' in html
    html = render(form, "mine")
    assert 'class="form-check mb-3"' in html
    assert 'class="form-check-input"' in html and "checked" in html
    assert '<label for="id_mine" class="form-check-label">Nur meine</label>' in html
