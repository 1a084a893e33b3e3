import re
from dataclasses import fields
from datetime import time

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ikmo.choosers import ChooserField, ChooserForm, chooser
from ikmo.content_language import TranslatedTextsForm, form_columns
from ikmo.forms import ModelForm
from organisations.models import Organisation

from . import services
from .models import (
    CooperationContact,
    Event,
    EventAgendaItem,
    EventInfoStand,
    EventSpeaker,
    EventTable,
    FollowUpTask,
    MentorOffer,
    MentorRequest,
    Tandem,
    TandemEvaluation,
    TandemMeeting,
)


def _check(form, rule, *args) -> None:
    """Run a service's rule here too, so its message sits next to the field it names."""
    try:
        rule(*args)
    except forms.ValidationError as error:
        form.add_error(None, error)


def _data(form, cls):
    """The cleaned values a service's data class asks for."""
    return cls(**{f.name: form.cleaned_data[f.name] for f in fields(cls)})


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


# Partner brokering ---------------------------------------------------------------------------


class CooperationContactForm(ChooserForm, ModelForm):
    class Meta:
        model = CooperationContact
        fields = [
            "organisation",
            "partner",
            "field_of_work",
            "contact_person",
            "contact_date",
            "outcome",
        ]
        widgets = {
            "contact_date": DateInput(),
            "outcome": forms.Textarea(attrs={"rows": 4}),
        }
        field_classes = {
            "organisation": chooser("mentoring_contact_organisations"),
            "partner": chooser("mentoring_contact_partners"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].label = _("Migrant organisation / refugee initiative")
        for name in ("organisation", "partner", "field_of_work"):
            self.fields[name].empty_label = _("Please choose")
        if not self.instance.pk:
            self.initial.setdefault("contact_date", timezone.localdate())

    def clean(self):
        cleaned = super().clean()
        _check(self, services.contact_check, cleaned.get("contact_date"))
        return cleaned

    def contact_data(self) -> services.ContactData:
        return _data(self, services.ContactData)


class ContactStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    note = forms.CharField(
        label=_("Note"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What happened? e.g. 'First joint parents' evening planned for May'."),
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = choices


# Expert rounds and network events ----------------------------------------------------------


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class EventForm(TranslatedTextsForm, ChooserForm, ModelForm):
    translated = ("title", "description")

    class Meta:
        model = Event
        fields = [
            "kind",
            *form_columns("title", "description"),
            "field_of_work",
            "starts_at",
            "ends_at",
            "place",
            "capacity",
            "is_open",
            "is_public",
            "invited_organisations",
        ]
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            **{name: forms.Textarea(attrs={"rows": 3}) for name in form_columns("description")},
        }
        field_classes = {
            "invited_organisations": chooser("mentoring_event_invitees", multiple=True),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invited_organisations"].help_text = _(
            "Migrant organisations, administrations and services. Type part of a name to find "
            "one; you can choose several."
        )
        self.fields["field_of_work"].empty_label = _("None")
        self.fields["kind"].choices = Event.Kind.choices

    def clean(self):
        cleaned = super().clean()
        _check(self, services.event_check, cleaned.get("starts_at"), cleaned.get("ends_at"))
        return cleaned

    def event_data(self) -> services.EventData:
        data = self.cleaned_data
        return services.EventData(
            **{
                f.name: data.get(f.name)
                for f in fields(services.EventData)
                if f.name not in ("title", "description", "translations")
            },
            title=data["title_de"],
            description=data.get("description_de") or "",
            translations=self.translations(),
        )


class EventRegistrationForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("I come for"), queryset=Organisation.objects.none(), empty_label=None
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            pk__in=[o.pk for o in organisations]
        )


class AttendanceForm(ChooserForm, forms.Form):
    organisation = ChooserField(
        "mentoring_attending_organisations",
        label=_("Organisation"),
        empty_label=_("Please choose"),
    )
    name = forms.CharField(label=_("Name of the person"), max_length=200)


class EventOutcomeForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes and outcome"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What was discussed and agreed? Who follows up on what?"),
    )


class FollowUpTaskForm(ChooserForm, ModelForm):
    class Meta:
        model = FollowUpTask
        fields = ["title", "assignee", "due_on"]
        widgets = {"due_on": DateInput()}
        field_classes = {"assignee": chooser("mentoring_staff")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].empty_label = _("Nobody yet")


class GuestRegistrationForm(forms.Form):
    """A guest without an account registers for a public event."""

    name = forms.CharField(label=_("Your name"), max_length=200)
    organisation_name = forms.CharField(
        label=_("Organisation"),
        max_length=300,
        required=False,
        help_text=_("Optional. Shown on your name badge."),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("We send the confirmation with a link to cancel to this address."),
    )
    accessibility_needs = forms.CharField(
        label=_("Accessibility needs"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional, e.g. step-free access, sign language, a quiet room."),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the IKMO team processes my details to organise this event (guest list, "
            "name badge, e-mails about this event). They are deleted after the event; I can "
            "withdraw at any time by cancelling."
        ),
        required=True,
        error_messages={
            "required": _("Please agree to the processing of your data, or we cannot register you.")
        },
    )


class EventTableForm(ModelForm):
    class Meta:
        model = EventTable
        fields = ["topic", "host", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "host": _("Who hosted the table (optional)."),
            "summary": _("The main results, ideas and open questions of this table."),
        }


# The programme of an event: speakers, agenda, info stands --------------------------------------

# "9:30", "09:30", "9.30", "9.30 Uhr", "9 Uhr", "14h", also in Arabic-Indic digits.
_TIME = re.compile(r"(?P<hour>\d{1,2})(?:\s*[:.]\s*(?P<minute>\d{2}))?")
_TIME_WORDS = re.compile(r"\s*(uhr|h|o'clock|saat|الساعة)\.?\s*", re.IGNORECASE)
_EASTERN_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


class TimeOfDayField(forms.TimeField):
    """A time of day as people type it on a German page: 9:30, 09:30, 9.30 or "9 Uhr"."""

    default_error_messages = {"invalid": _("Please enter a time such as 9:30 or 14:00.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("For example 9:30 or 14:00."))
        # A text box, not the browser's time picker: it takes "9:30" as people write it.
        kwargs.setdefault(
            "widget",
            forms.TimeInput(format="%H:%M", attrs={"autocomplete": "off", "maxlength": 12}),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, time):
            return value
        text = _TIME_WORDS.sub(" ", str(value).translate(_EASTERN_DIGITS)).strip()
        match = _TIME.fullmatch(text)
        if match:
            hour, minute = int(match["hour"]), int(match["minute"] or 0)
            if hour < 24 and minute < 60:
                return time(hour, minute)
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class _ProgrammeForm(ModelForm):
    """A part of an event's programme. Each has its prefix: the event page shows them
    together with other forms whose fields have the same names."""

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event


class EventSpeakerForm(_ProgrammeForm):
    prefix = "speaker"

    class Meta:
        model = EventSpeaker
        fields = ["name", "role", "publish"]


class EventAgendaItemForm(_ProgrammeForm):
    prefix = "agenda"
    starts_at = TimeOfDayField(label=pgettext_lazy("date range", "From"))
    ends_at = TimeOfDayField(label=pgettext_lazy("date range", "Until"), required=False)

    class Meta:
        model = EventAgendaItem
        fields = ["starts_at", "ends_at", "title", "speakers"]
        widgets = {"speakers": forms.CheckboxSelectMultiple}

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, event=event, **kwargs)
        speakers = self.fields["speakers"]
        # Only this event's speakers are offered; any other id is refused with a clear word.
        speakers.queryset = event.speakers.all()
        speakers.error_messages["invalid_choice"] = _("Please choose only speakers of this event.")
        speakers.help_text = _("Choose among the speakers added to this event.")

    def clean(self):
        cleaned = super().clean()
        _check(
            self,
            services.agenda_check,
            self.event,
            cleaned.get("starts_at"),
            cleaned.get("ends_at"),
        )
        return cleaned


class EventInfoStandForm(_ProgrammeForm):
    prefix = "stand"

    class Meta:
        model = EventInfoStand
        fields = ["organisation_name", "topic"]


# Mentoring tandems ---------------------------------------------------------------------------

_CHECKBOXES = {
    "fields_of_work": forms.CheckboxSelectMultiple,
    "topics": forms.CheckboxSelectMultiple,
    "languages": forms.CheckboxSelectMultiple,
}


class MentorOfferForm(ModelForm):
    class Meta:
        model = MentorOffer
        fields = ["fields_of_work", "topics", "languages", "capacity", "description", "is_active"]
        widgets = {**_CHECKBOXES, "description": forms.Textarea(attrs={"rows": 4})}

    def offer_data(self) -> services.OfferData:
        return _data(self, services.OfferData)


class MentorRequestForm(ModelForm):
    class Meta:
        model = MentorRequest
        fields = ["fields_of_work", "topics", "languages", "district", "needs"]
        widgets = {**_CHECKBOXES, "needs": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].empty_label = _("Any district")

    def request_data(self) -> services.RequestData:
        return _data(self, services.RequestData)


class TandemProposeForm(forms.Form):
    offer = forms.IntegerField(widget=forms.HiddenInput)
    goals = forms.CharField(
        label=_("Goals for the tandem"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional. The organisations can complete them later."),
    )


class TandemPlanForm(ModelForm):
    class Meta:
        model = Tandem
        fields = ["goals", "starts_on", "planned_end_on"]
        widgets = {
            "goals": forms.Textarea(attrs={"rows": 4}),
            "starts_on": DateInput(),
            "planned_end_on": DateInput(),
        }

    def clean(self):
        cleaned = super().clean()
        _check(
            self,
            services.tandem_plan_check,
            cleaned.get("starts_on"),
            cleaned.get("planned_end_on"),
        )
        return cleaned


class TandemDeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why not? (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TandemMeetingForm(ModelForm):
    class Meta:
        model = TandemMeeting
        fields = ["met_on", "format", "duration_minutes", "summary"]
        widgets = {"met_on": DateInput(), "summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, tandem=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.tandem = tandem
        self.initial.setdefault("met_on", timezone.localdate())

    def clean(self):
        cleaned = super().clean()
        if self.tandem is not None and cleaned.get("met_on"):
            _check(self, services.meeting_check, self.tandem, cleaned["met_on"])
        return cleaned


class TandemCloseForm(forms.Form):
    status = forms.ChoiceField(
        label=_("How did the tandem end?"),
        choices=[
            (Tandem.Status.COMPLETED, _("Completed as planned")),
            (Tandem.Status.ENDED_EARLY, _("Ended early")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required if the tandem ended early."),
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("status") == Tandem.Status.ENDED_EARLY
            and not cleaned.get("note", "").strip()
        ):
            self.add_error("note", _("Please say briefly why the tandem ended early."))
        return cleaned


class TandemEvaluationForm(ModelForm):
    class Meta:
        model = TandemEvaluation
        fields = ["goals_reached", "rating", "comment"]
        widgets = {
            "goals_reached": forms.RadioSelect,
            "rating": forms.RadioSelect(choices=[(i, str(i)) for i in range(1, 6)]),
            "comment": forms.Textarea(attrs={"rows": 4}),
        }
