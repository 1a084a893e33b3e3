from django import forms
from django.utils.translation import gettext_lazy as _

from .models import BulkMessage

LANGUAGE_LABELS = {
    "de": _("German"),
    "en": _("English"),
    "tr": _("Turkish"),
    "ar": _("Arabic"),
}


class NotificationsForm(forms.Form):
    reminders = forms.BooleanField(
        label=_("Reminders"),
        required=False,
        help_text=_(
            "Before a workshop you registered for, when a deadline of your application or "
            "proof of use comes near, when a placement ends, when seminar days are missing, "
            "and check-ins for mentoring tandems and coaching."
        ),
    )
    newsletter = forms.BooleanField(
        label=_("Newsletter"),
        required=False,
        help_text=_(
            "News and invitations the centre sends to many people at once. Every newsletter "
            "has a link to stop them with one click."
        ),
    )


class ComposeForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of message"),
        choices=BulkMessage.Kind.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "A service message goes to everyone in the group (e.g. a room change). A newsletter "
            "goes only to people who agreed to receive newsletters."
        ),
    )
    subject_de = forms.CharField(label=_("Subject (German)"), max_length=200)
    body_de = forms.CharField(
        label=_("Text (German)"), max_length=10000, widget=forms.Textarea(attrs={"rows": 8})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code in ("en", "tr", "ar"):
            language = LANGUAGE_LABELS[code]
            direction = {"dir": "rtl", "lang": "ar"} if code == "ar" else {"lang": code}
            self.fields[f"subject_{code}"] = forms.CharField(
                label=_("Subject (%(language)s)") % {"language": language},
                max_length=200,
                required=False,
                widget=forms.TextInput(attrs=direction),
            )
            self.fields[f"body_{code}"] = forms.CharField(
                label=_("Text (%(language)s)") % {"language": language},
                max_length=10000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 6, **direction}),
            )

    def clean(self):
        data = super().clean()
        for code in ("en", "tr", "ar"):
            subject, body = data.get(f"subject_{code}", ""), data.get(f"body_{code}", "")
            if bool(subject.strip()) != bool(body.strip()):
                self.add_error(
                    f"body_{code}" if subject.strip() else f"subject_{code}",
                    _("Write both the subject and the text in this language, or neither."),
                )
        return data

    def texts(self) -> dict[str, tuple[str, str]]:
        return {
            code: (
                self.cleaned_data.get(f"subject_{code}", ""),
                self.cleaned_data.get(f"body_{code}", ""),
            )
            for code in LANGUAGE_LABELS
        }
