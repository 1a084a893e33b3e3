"""The base of every ModelForm of the portal."""

from django import forms
from django.forms.models import ModelFormMetaclass

from .formfields import formfield


class _PortalModelFormMetaclass(ModelFormMetaclass):
    # Django reads `Meta.formfield_callback` only from the form's own Meta, which subclasses
    # write afresh; fill in the portal's callback before Django builds the fields.
    def __new__(mcs, name, bases, attrs):
        meta = attrs.get("Meta")
        if meta is not None and not hasattr(meta, "formfield_callback"):
            meta.formfield_callback = staticmethod(formfield)
        return super().__new__(mcs, name, bases, attrs)


class ModelForm(forms.ModelForm, metaclass=_PortalModelFormMetaclass):
    """A ModelForm whose decimal fields read German and English notation
    (ikmo.formfields.LocalizedDecimalField) and whose multiple choices refuse ids beyond the
    database's integers (ikmo.formfields.ModelMultipleChoiceField)."""

    class Meta:
        formfield_callback = staticmethod(formfield)
