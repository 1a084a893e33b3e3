"""``{{ form.field|as_field }}``: a Bootstrap 5 form field, rendered in Python.

The same markup as crispy-bootstrap5's ``as_crispy_field`` for the fields of filter bars
(label, control, help text, errors with ``aria-describedby``), at a fraction of the cost:
crispy renders a field through a dozen nested templates and Django renders every ``<option>``
through a template of its own, which made filter bars a fifth to a third of a list page's
render time. Only simple widgets are handled here (text-like inputs, selects and single
checkboxes); anything else falls back to crispy.
"""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()

_TEXT_LIKE = (forms.TextInput, forms.NumberInput, forms.EmailInput, forms.URLInput, forms.DateInput)


def _choices(field):
    """The field's choices; a model field's in one plain query (Django's ModelChoiceIterator
    opens a server-side cursor on PostgreSQL: three round trips for a dozen rows)."""
    if not isinstance(field, forms.ModelChoiceField):
        return field.choices
    choices = [("", field.empty_label)] if field.empty_label is not None else []
    choices += [
        (field.prepare_value(obj), field.label_from_instance(obj)) for obj in field.queryset.all()
    ]
    return choices


def _select(bound, attrs: dict) -> str:
    widget = bound.field.widget
    value = bound.value()
    values = {str(v) for v in (value if isinstance(value, list | tuple) else [value])}
    values.discard("None")
    if not values:
        values = {""}
    options = []
    for option_value, label in _choices(bound.field):
        key = "" if option_value is None else str(option_value)
        options.append(
            format_html(
                '<option value="{}"{}>{}</option>',
                key,
                mark_safe(" selected") if key in values else "",
                label,
            )
        )
    final = widget.build_attrs(widget.attrs, {**attrs, "name": bound.html_name})
    if widget.allow_multiple_selected:
        final["multiple"] = True
    return format_html("<select{}>{}</select>", flatatt(final), mark_safe("".join(options)))


@register.filter
def as_field(bound):
    widget = bound.field.widget
    is_select = type(widget) in (forms.Select, forms.SelectMultiple) or isinstance(
        widget, forms.NullBooleanSelect
    )
    is_checkbox = type(widget) is forms.CheckboxInput
    if bound.is_hidden:
        return bound.as_widget()
    if not (is_select or is_checkbox or isinstance(widget, _TEXT_LIKE)):
        return as_crispy_field(bound)
    errors = bound.errors
    described = []
    attrs = {"id": bound.auto_id} if bound.auto_id else {}
    if bound.field.required:
        attrs["required"] = True
    css = "form-select" if is_select else "form-check-input" if is_checkbox else "form-control"
    if errors:
        css += " is-invalid"
        attrs["aria-invalid"] = "true"
        described.append(f"{bound.auto_id}_error")
    if bound.help_text:
        described.append(f"{bound.auto_id}_helptext")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    attrs["class"] = " ".join(filter(None, [widget.attrs.get("class"), css]))
    control = _select(bound, attrs) if is_select else bound.as_widget(attrs=attrs)
    asterisk = mark_safe('<span class="asteriskField">*</span>') if bound.field.required else ""
    feedback = (
        format_html(
            '<div id="{}_error" class="invalid-feedback">{}</div>',
            bound.auto_id,
            format_html_join(" ", "<strong>{}</strong>", ((e,) for e in errors)),
        )
        if errors
        else ""
    )
    help_text = (
        format_html(
            '<div id="{}_helptext" class="form-text">{}</div>', bound.auto_id, bound.help_text
        )
        if bound.help_text
        else ""
    )
    if is_checkbox:
        return format_html(
            '<div id="div_{}" class="form-check mb-3">{}<label for="{}" class="form-check-label">'
            "{}{}</label>{}{}</div>",
            bound.auto_id, control, bound.id_for_label, bound.label, asterisk, feedback, help_text,
        )  # fmt: skip
    label = (
        format_html(
            '<label for="{}" class="form-label">{}{}</label>',
            bound.id_for_label,
            bound.label,
            asterisk,
        )  # fmt: skip
        if bound.label
        else ""
    )
    return format_html(
        '<div id="div_{}" class="mb-3">{}{}{}{}</div>',
        bound.auto_id, label, control, feedback, help_text,
    )  # fmt: skip
