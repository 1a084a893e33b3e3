"""The error summary links each message to its field, whatever the widget."""

from django import forms
from django.template.loader import render_to_string


class Sample(forms.Form):
    name = forms.CharField()
    kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    topics = forms.MultipleChoiceField(
        choices=[("x", "X"), ("y", "Y")], widget=forms.CheckboxSelectMultiple
    )
    when = forms.SplitDateTimeField()


def test_every_error_links_to_an_element_that_exists():
    form = Sample(data={})
    assert not form.is_valid()
    summary = render_to_string("includes/form_errors.html", {"form": form})
    fields = "".join(str(field) for field in form)
    for target in ("id_name", "id_kind_0", "id_topics_0", "id_when_0"):
        assert f'href="#{target}"' in summary
        assert f'id="{target}"' in fields
    assert "data-error-summary" in summary and 'tabindex="-1"' in summary


def test_no_summary_without_errors():
    assert render_to_string("includes/form_errors.html", {"form": Sample()}).strip() == ""
