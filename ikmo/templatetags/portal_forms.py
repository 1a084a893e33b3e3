"""``{{ form.field|as_field }}`` and ``{{ form|as_form }}``: Bootstrap 5 form markup, in Python.

The portal's forms used to go through crispy-bootstrap5 (``as_crispy_field``, ``|crispy``). Its
markup is good, but it renders each field through a dozen nested templates, and Django renders
each widget and each ``<option>`` through templates of their own: about 1.4 ms per field, which
made forms half to three quarters of an edit page's render time (the call editor's 76 fields
took 42 of its 55 ms at full scale).

These filters write the same markup as crispy-bootstrap5's ``field.html`` (wrapper ``div_<id>``,
label with ``requiredField`` and the asterisk, the control with the widget's lower-case class
name and ``form-control``/``form-select``/``form-check-input``, ``is-invalid``, the
``<id>_error`` feedback with one ``error_<n>_<id>`` entry per error, the ``<id>_helptext``
help text; Django's own ``required``, ``disabled``, ``aria-invalid`` and ``aria-describedby``),
and the same controls as Django's widget templates, for the widgets the portal uses: text-like
inputs, text areas, selects (the choosers' too), single checkboxes, and checkbox and radio
groups in a fieldset. Anything else (file inputs, widgets with a template of their own) falls
back to crispy, so every field still renders; tests/ikmo/test_portal_forms.py compares the two
renderings element by element.
"""

from html import escape as _escape

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field, as_crispy_form
from django import forms, template
from django.forms.formsets import BaseFormSet
from django.utils.safestring import mark_safe

register = template.Library()

# Widgets drawn here: Django's stock templates, whose markup is rebuilt below (a widget with a
# template of its own is left to Django).
_INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "text",
        "number",
        "email",
        "url",
        "password",
        "date",
        "datetime",
        "time",
        "checkbox",
    )
)
_TEXTAREA = "django/forms/widgets/textarea.html"
_SELECT = "django/forms/widgets/select.html"
_OPTION = "django/forms/widgets/select_option.html"
_CHOICE_GROUPS = {  # widget template -> option template of a checkbox or radio group
    "django/forms/widgets/checkbox_select.html": "django/forms/widgets/checkbox_option.html",
    "django/forms/widgets/radio.html": "django/forms/widgets/radio_option.html",
}


def _e(value) -> str:
    """``value`` escaped for HTML (kept as it is when already safe), as ``{{ value }}`` does;
    Python's escape directly, since the filters escape a few thousand values per page."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return _escape(str(value))


def flatatt(attrs: dict) -> str:
    """Attributes in their order, as Django's ``attrs.html`` writes them (``True``: the bare
    name; ``False`` and ``None``: left out)."""
    return "".join(
        f" {name}" if value is True else f' {name}="{_e(value)}"'
        for name, value in attrs.items()
        if value is not False and value is not None
    )


def _plain_choices(field):
    """A model choice field's choices in one plain query (Django's ModelChoiceIterator opens a
    server-side cursor on PostgreSQL: three round trips for a dozen rows)."""
    choices = [("", field.empty_label)] if field.empty_label is not None else []
    choices += [
        (field.prepare_value(obj), field.label_from_instance(obj)) for obj in field.queryset.all()
    ]
    return choices


def _options(bound):
    """(group label, [option context]) pairs of a plain select, as ``Select.optgroups`` gives
    them; a model field's choices in one plain query."""
    widget = bound.field.widget
    field = bound.field
    value = widget.format_value(bound.value())
    if isinstance(field, forms.ModelChoiceField):
        chosen = set(value)
        options = []
        for option_value, label in _plain_choices(field):
            key = "" if option_value is None else str(option_value)
            options.append(
                {"value": key, "label": label, "attrs": {"selected": True} if key in chosen else {}}
            )
            if key in chosen and not widget.allow_multiple_selected:
                chosen = set()  # a single select marks its first match only, as Django does
        return [(None, options)]
    return [(group, options) for group, options, _index in widget.optgroups(bound.html_name, value)]


def _control(bound, css: str) -> str | None:
    """The widget's own markup with the Bootstrap class, or None when it is not drawn here;
    with the hidden initial value of a field that shows it (as ``str(bound)`` adds it)."""
    html = _widget(bound, css)
    if html is not None and bound.field.show_hidden_initial:
        html += bound.as_hidden(only_initial=True)
    return html


def _widget(bound, css: str) -> str | None:
    widget = bound.field.widget
    name = widget.template_name
    if name == _SELECT and widget.option_template_name == _OPTION:
        return _select(bound, css)
    if name not in _INPUT_TEMPLATES and name != _TEXTAREA:
        return None
    if bound.field.localize:
        widget.is_localized = True
    context = widget.get_context(bound.html_name, bound.value(), _attrs(bound, css))["widget"]
    attrs = flatatt(context["attrs"])
    if name == _TEXTAREA:
        return f'<textarea name="{_e(context["name"])}"{attrs}>\n{_e(context["value"] or "")}</textarea>'
    value = context["value"]
    value = f' value="{_e(value)}"' if value is not None else ""
    return f'<input type="{_e(context["type"])}" name="{_e(context["name"])}"{value}{attrs}>'


def _select(bound, css: str) -> str:
    widget = bound.field.widget
    attrs = _attrs(bound, css)
    if type(widget) in (forms.Select, forms.SelectMultiple):
        final = widget.build_attrs(widget.attrs, attrs)
        if widget.allow_multiple_selected:
            final["multiple"] = True
        groups = _options(bound)
    else:  # a widget that adds attributes or options of its own (the choosers)
        context = widget.get_context(bound.html_name, bound.value(), attrs)["widget"]
        final = context["attrs"]
        groups = [(group, options) for group, options, _index in context["optgroups"]]
    html = []
    for group, options in groups:
        if group:
            html.append(f'<optgroup label="{_e(group)}">')
        html.extend(
            f'<option value="{_e(option["value"])}"{flatatt(option["attrs"])}>'
            f"{_e(option['label'])}</option>"
            for option in options
        )
        if group:
            html.append("</optgroup>")
    return f'<select name="{_e(bound.html_name)}"{flatatt(final)}>{"".join(html)}</select>'


def _attrs(bound, css: str) -> dict:
    """The attributes crispy's ``crispy_field`` and Django's ``as_widget`` give a control."""
    widget = bound.field.widget
    classes = widget.attrs.get("class", "")
    kind = type(widget).__name__.lower()
    if kind not in classes:
        classes = f"{classes} {kind}".strip()
    for css_class in css.split():
        if css_class not in classes.split():
            classes += f" {css_class}"
    attrs = bound.build_widget_attrs({"class": classes}, widget)
    if bound.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", bound.auto_id)
    return attrs


def _errors(bound) -> str:
    if not bound.errors:
        return ""
    id_ = _e(bound.auto_id)
    errors = "".join(
        f'<p id="error_{n}_{id_}"><strong>{_e(error)}</strong></p>'
        for n, error in enumerate(bound.errors, start=1)
    )
    return f'<div id="{id_}_error" class="invalid-feedback">{errors}</div>'


def _help(bound) -> str:
    if not bound.help_text:
        return ""
    # As crispy and Django's own form templates do, help texts may carry markup.
    return f'<div id="{_e(bound.auto_id)}_helptext" class="form-text">{bound.help_text}</div>'


def _required(bound) -> tuple[str, str]:
    """The label's class and asterisk of a required field."""
    if bound.field.required:
        return " requiredField", '<span class="asteriskField">*</span>'
    return "", ""


def _label(bound, tag: str = "label") -> str:
    if not bound.label:
        return ""
    css, asterisk = _required(bound)
    target = bound.id_for_label if tag == "label" else ""
    target = f'for="{_e(target)}" ' if target else ""
    css += " fs-6" if tag == "legend" else ""
    return f'<{tag} {target}class="form-label{css}">{_e(bound.label)}{asterisk}</{tag}>'


def _wrapper(bound, inner: str, css: str = "mb-3") -> str:
    extra = bound.css_classes()
    css += f" {_e(extra)}" if extra else ""
    return f'<div id="div_{_e(bound.auto_id)}" class="{css}">{inner}</div>'


def _checkbox(bound) -> str:
    invalid = " is-invalid" if bound.errors else ""
    control = _control(bound, f"form-check-input{invalid}")
    css, asterisk = _required(bound)
    label = (
        f'<label for="{_e(bound.id_for_label)}" class="form-check-label{css}">'
        f"{_e(bound.label)}{asterisk}</label>"
    )
    inner = control + label + _errors(bound) + _help(bound)
    return f'<div class="mb-3">{_wrapper(bound, inner, "form-check")}</div>'


def _choice_group(bound) -> str:
    """Checkbox or radio options, one ``form-check`` each, in the field's fieldset."""
    widget = bound.field.widget
    id_ = widget.attrs.get("id") or bound.auto_id
    attrs = bound.build_widget_attrs({"id": id_} if id_ else {})
    value = widget.format_value(bound.value())
    invalid = " is-invalid" if bound.errors else ""
    groups = widget.optgroups(bound.html_name, value, attrs)
    name = _e(bound.html_name)
    rows = []
    for position, (group, options, _index) in enumerate(groups, start=1):
        if group:
            rows.append(f"<strong>{_e(group)}</strong>")
        for n, option in enumerate(options, start=1):
            # The class is the input's own (a widget's "class" would be a second attribute).
            option_attrs = {k: v for k, v in option["attrs"].items() if k != "class"}
            last = n == len(options) and position == len(groups)
            rows.append(
                f'<div class="form-check"><input type="{_e(option["type"])}" '
                f'class="form-check-input{invalid}" name="{name}" value="{_e(option["value"])}"'
                f'{flatatt(option_attrs)}><label for="{_e(option_attrs.get("id", ""))}" '
                f'class="form-check-label">{_e(option["label"])}</label>'
                f"{_errors(bound) if last else ''}</div>"
            )
    described = bound.aria_describedby if bound.auto_id else ""
    described = f' aria-describedby="{_e(described)}"' if described else ""
    legend = _label(bound, "legend")
    inner = f"<fieldset{described}>{legend}<div>{''.join(rows)}</div>{_help(bound)}</fieldset>"
    return _wrapper(bound, inner)


@register.filter
def as_field(bound):
    """One field in crispy-bootstrap5's markup (see the module's docstring)."""
    if bound.is_hidden:
        return bound.as_widget()
    widget = bound.field.widget
    if isinstance(widget, forms.CheckboxInput) and widget.template_name in _INPUT_TEMPLATES:
        return mark_safe(_checkbox(bound))
    option_template = _CHOICE_GROUPS.get(widget.template_name)
    if option_template and widget.option_template_name == option_template:
        return mark_safe(_choice_group(bound))
    invalid = " is-invalid" if bound.errors else ""
    css = "form-select" if widget.template_name == _SELECT else "form-control"
    control = _control(bound, css + invalid)
    if control is None:
        return as_crispy_field(bound)
    return mark_safe(_wrapper(bound, _label(bound) + control + _errors(bound) + _help(bound)))


@register.filter
def as_form(form):
    """A whole form: its non-field errors, then every field (as crispy's ``|crispy``)."""
    if isinstance(form, BaseFormSet):
        return as_crispy_form(form)
    errors = "".join(f"<li>{_e(error)}</li>" for error in form.non_field_errors())
    head = f'<div class="alert alert-block alert-danger"><ul class="m-0">{errors}</ul></div>'
    return mark_safe((head if errors else "") + "".join(as_field(bound) for bound in form))
