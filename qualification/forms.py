from dataclasses import fields

from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ikmo.choosers import ChooserField, ChooserForm, chooser
from ikmo.content_language import TranslatedTextsForm, form_columns
from ikmo.forms import ModelForm

from . import services
from .models import (
    WORKSHOP_FLOW,
    CoachingSession,
    Feedback,
    Registration,
    Workshop,
    WorkshopSession,
)

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=DATETIME_FORMAT, **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class WorkshopForm(TranslatedTextsForm, ChooserForm, ModelForm):
    translated = ("title", "description")

    online_url = forms.URLField(
        label=Workshop._meta.get_field("online_url").verbose_name,
        help_text=Workshop._meta.get_field("online_url").help_text,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )

    class Meta:
        model = Workshop
        fields = [
            *form_columns("title", "description"),
            "topics",
            "languages",
            "is_basic",
            "open_to_initiatives",
            "venue",
            "online_url",
            "capacity",
            "trainer",
            "registration_deadline",
            "status",
        ]
        widgets = {
            **{name: forms.Textarea(attrs={"rows": 5}) for name in form_columns("description")},
            "topics": forms.CheckboxSelectMultiple,
            "languages": forms.CheckboxSelectMultiple,
            "registration_deadline": DateTimeInput(),
            "capacity": forms.NumberInput(attrs={"inputmode": "numeric", "min": 1}),
        }
        field_classes = {"trainer": chooser("workshop_trainers")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["registration_deadline"].input_formats = [DATETIME_FORMAT]
        current = self.instance.status if self.instance.pk else Workshop.Status.DRAFT
        allowed = {current} | (set(WORKSHOP_FLOW.targets(current)) - {Workshop.Status.CANCELLED})
        self.fields["status"].choices = [
            (value, label) for value, label in Workshop.Status.choices if value in allowed
        ]
        if self.instance.pk:
            self._confirmed = self.instance.registrations.filter(
                status=Registration.Status.CONFIRMED
            ).count()
        else:
            self._confirmed = 0

    def clean(self):
        cleaned = super().clean()
        # The rules live in the service; checked here too so the messages sit at their fields.
        current = self.instance.status if self.instance.pk else Workshop.Status.DRAFT
        checks = [
            lambda: services.workshop_check_place(cleaned.get("venue"), cleaned.get("online_url"))
        ]
        if cleaned.get("status"):
            checks.append(lambda: services.workshop_check_status(current, cleaned["status"]))
        if cleaned.get("capacity") is not None:
            checks.append(
                lambda: services.workshop_check_capacity(cleaned["capacity"], self._confirmed)
            )
        for check in checks:
            try:
                check()
            except forms.ValidationError as error:
                self.add_error(None, error)
        return cleaned

    def workshop_data(self) -> services.WorkshopData:
        # The German texts are the workshop's title and description; the others translations.
        german = {
            "title": self.cleaned_data["title_de"],
            "description": self.cleaned_data["description_de"] or "",
        }
        return services.WorkshopData(
            **{
                f.name: german.get(f.name, self.cleaned_data.get(f.name))
                for f in fields(services.WorkshopData)
                if f.name != "translations"
            },
            translations=self.translations(),
        )


class BaseSessionFormSet(BaseInlineFormSet):
    deadline = None

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        services.workshop_check_dates(self.dates(), self.deadline)

    def dates(self) -> list:
        """The dates the workshop keeps or gets, for ``services.workshop_save``."""
        return [
            services.SessionDates(
                starts_at=f.cleaned_data["starts_at"],
                ends_at=f.cleaned_data["ends_at"],
                pk=f.instance.pk,
            )
            for f in self.forms
            if f.cleaned_data
            and not f.cleaned_data.get("DELETE")
            and f.cleaned_data.get("starts_at")
        ]


class SessionForm(ModelForm):
    class Meta:
        model = WorkshopSession
        fields = ["starts_at", "ends_at"]
        widgets = {"starts_at": DateTimeInput(), "ends_at": DateTimeInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = [DATETIME_FORMAT]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("starts_at"), cleaned.get("ends_at")
        if start and end and end <= start:
            self.add_error("ends_at", _("The end must be after the start."))
        return cleaned


SessionFormSet = inlineformset_factory(
    Workshop,
    WorkshopSession,
    form=SessionForm,
    formset=BaseSessionFormSet,
    extra=1,
    can_delete=True,
    min_num=0,
    max_num=20,
)
# A new workshop offers three empty rows, enough for most series without saving in between.
NewSessionFormSet = inlineformset_factory(
    Workshop,
    WorkshopSession,
    form=SessionForm,
    formset=BaseSessionFormSet,
    extra=3,
    can_delete=False,
    min_num=0,
    max_num=20,
)


class RegistrationForm(forms.Form):
    """Choose who takes part: yourself or a colleague, as a member of one of your
    organisations; or, in workshops open to them, yourself for your founding initiative or
    as an individual."""

    INDIVIDUAL = "individual"

    membership = forms.ChoiceField(
        label=_("Who takes part?"),
        error_messages={"required": _("Please choose how you take part.")},
    )

    def __init__(self, *args, memberships, user, initiatives=(), individual=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.memberships = {str(m.pk): m for m in [*memberships, *initiatives]}
        choices = []
        for m in memberships:
            who = _("Me") if m.user_id == user.pk else (m.user.get_full_name() or m.user.email)
            choices.append((str(m.pk), f"{who} ({m.organisation.name})"))
        for m in initiatives:
            choices.append(
                (
                    str(m.pk),
                    _("Me, for my initiative in founding: %(name)s")
                    % {"name": m.organisation.name},
                )
            )
        if individual:
            choices.append((self.INDIVIDUAL, _("Me, as an individual (without an organisation)")))
        field = self.fields["membership"]
        field.choices = choices
        self.without_organisation = bool(initiatives) or individual
        if self.without_organisation:
            # Nothing is chosen for the person: how they take part is counted for the funders.
            field.label = _("How do you take part?")
            field.widget = forms.RadioSelect(choices=choices)
        own = [m.pk for m in memberships if m.user_id == user.pk]
        if own:
            field.initial = str(own[0])

    def clean_membership(self):
        value = self.cleaned_data["membership"]
        if value == self.INDIVIDUAL and self.INDIVIDUAL in dict(self.fields["membership"].choices):
            return None
        if value not in self.memberships:
            raise forms.ValidationError(_("Please choose a person from the list."))
        return self.memberships[value]


class AttendanceForm(forms.Form):
    attended = forms.ChoiceField(
        choices=[("yes", _("Present")), ("no", _("Absent")), ("unknown", _("Not recorded"))]
    )

    def value(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data["attended"])


class FeedbackForm(ModelForm):
    rating = forms.TypedChoiceField(
        label=_("How useful was the workshop for you?"),
        choices=[
            (5, _("5 – very useful")),
            (4, _("4 – useful")),
            (3, _("3 – partly")),
            (2, _("2 – not very useful")),
            (1, _("1 – not useful")),
        ],
        coerce=int,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Feedback
        fields = ["rating", "comment"]
        labels = {"comment": _("What should we keep or change? (optional)")}
        widgets = {"comment": forms.Textarea(attrs={"rows": 4})}


class CoachingSessionForm(ModelForm):
    class Meta:
        model = CoachingSession
        fields = [
            "date",
            "duration_minutes",
            "format",
            "topics",
            "participants",
            "participant_count",
            "outcome",
            "next_step",
            "follow_up_date",
            "confidential_notes",
        ]
        widgets = {
            "date": DateInput(),
            "follow_up_date": DateInput(),
            "topics": forms.CheckboxSelectMultiple,
            "duration_minutes": forms.NumberInput(attrs={"inputmode": "numeric", "step": 5}),
            "participant_count": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "outcome": forms.Textarea(attrs={"rows": 4}),
            # Never kept in the browser's draft copy (static/js/app.js).
            "confidential_notes": forms.Textarea(attrs={"rows": 3, "data-no-draft": ""}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["date"].initial = timezone.localdate()
            self.fields["duration_minutes"].initial = 60

    def clean(self):
        cleaned = super().clean()
        # The rules live in the service; checked here too so the messages sit at their fields.
        try:
            services.coaching_check(
                day=cleaned.get("date"),
                follow_up_date=cleaned.get("follow_up_date"),
                next_step=cleaned.get("next_step"),
            )
        except forms.ValidationError as error:
            self.add_error(None, error)
        return cleaned

    def session_data(self) -> services.CoachingSessionData:
        return services.CoachingSessionData(
            **{f.name: self.cleaned_data[f.name] for f in fields(services.CoachingSessionData)}
        )


class CoachingStartForm(ChooserForm, forms.Form):
    organisation = ChooserField(
        "coaching_organisations", label=_("Organisation"), empty_label=_("Please choose")
    )
