from django import forms
from django.utils.translation import gettext_lazy as _


class ErasureAskForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the team (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example, which data you are most concerned about."),
    )


class EraseConfirmForm(forms.Form):
    confirm_email = forms.CharField(
        label=_("Type the person's e-mail address to confirm"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person

    def clean_confirm_email(self):
        value = self.cleaned_data["confirm_email"].strip()
        if value.lower() != self.person.email.lower():
            raise forms.ValidationError(
                _("This is not the person's e-mail address. Nothing has been erased.")
            )
        return value


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (kept with the request)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
