"""The base of every ModelForm of the portal, and the reply form of message threads."""

import secrets

from django import forms
from django.forms.models import ModelFormMetaclass
from django.utils.translation import gettext_lazy as _

from .formfields import formfield
from .uploads import extension_for


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


class MessageForm(forms.Form):
    """The reply form of a message thread (ikmo/_thread.html). The text and the file are
    checked by ikmo.services.message_post; this form only carries them."""

    body = forms.CharField(
        label=_("Your message"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
    )
    attachment = forms.FileField(label=_("Attach a file (optional)"), required=False)
    internal = forms.BooleanField(
        label=_("Internal note: only the centre's staff see it, the organisation does not"),
        required=False,
    )
    token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)
    next = forms.CharField(widget=forms.HiddenInput, required=False, max_length=500)

    def __init__(self, *args, kind, can_note: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_note:
            del self.fields["internal"]
        attachment = self.fields["attachment"]
        attachment.help_text = _("%(types)s, at most %(mb)s MB.") % {
            "types": kind.allowed_label,
            "mb": kind.max_bytes // (1024 * 1024),
        }
        extensions = [f".{extension_for(t)}" for t in kind.allowed]
        if ".jpg" in extensions:
            extensions.append(".jpeg")  # phones name their photos either way
        attachment.widget.attrs["accept"] = ",".join(extensions)
        if not self.is_bound:
            self.initial.setdefault("token", secrets.token_urlsafe(16))
