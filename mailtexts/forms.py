from django import forms
from django.utils.translation import gettext_lazy as _


class MailTextForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Text"), max_length=10000, widget=forms.Textarea(attrs={"rows": 14})
    )
