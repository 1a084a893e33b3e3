from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ikmo.choosers import ChooserField, ChooserForm, chooser
from ikmo.formfields import LocalizedDecimalField
from ikmo.forms import ModelForm

from .models import (
    Consultation,
    Contingent,
    PlacementStatus,
    Seminar,
    ServiceType,
    SiteStatus,
)
from .uploads import ALLOWED_LABEL, max_upload_bytes

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StatusForm(ChooserForm, forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=SiteStatus.choices)
    carrier = ChooserField(
        "volunteering_carriers",
        label=_("Carrier organisation"),
        required=False,
        help_text=_("For a recognised placement site: the carrier that recognised it."),
    )
    offers_fsj = forms.BooleanField(label=_("FSJ"), required=False)
    offers_bfd = forms.BooleanField(label=_("BFD"), required=False)
    recognised_on = forms.DateField(label=_("Recognition date"), required=False, widget=DATE)
    places = forms.IntegerField(label=_("Places"), required=False, min_value=1, max_value=500)
    note = forms.CharField(
        label=_("Note for the history"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisation is not None:
            self.fields["carrier"].exclude(organisation.pk)  # not its own carrier


class DocumentForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("For example: Recognition notice of the carrier, 2025."),
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("%(types)s, at most %(size)s MB.")
        % {"types": ALLOWED_LABEL, "size": max_upload_bytes() // (1024 * 1024)},
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )


class ConsultationForm(ModelForm):
    class Meta:
        model = Consultation
        fields = ["held_on", "format", "topic", "outcome", "next_step", "follow_up_on"]
        widgets = {
            "held_on": DATE,
            "follow_up_on": DATE,
            "outcome": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.initial.setdefault("held_on", timezone.localdate())

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError(_("A consultation cannot be logged before it took place."))
        return held_on

    def clean(self):
        data = super().clean()
        held_on, follow_up = data.get("held_on"), data.get("follow_up_on")
        if held_on and follow_up and follow_up < held_on:
            self.add_error("follow_up_on", _("The follow-up cannot be before the consultation."))
        return data


class ContingentForm(ChooserForm, ModelForm):
    class Meta:
        model = Contingent
        fields = ["carrier", "year", "service_type", "places", "note"]
        field_classes = {"carrier": chooser("volunteering_carriers")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["carrier"].help_text = _(
            "Only organisations with the status “Carrier” are listed."
        )
        if not self.instance.pk:
            self.initial.setdefault("year", timezone.localdate().year)
        else:
            for name in ["carrier", "year", "service_type"]:
                self.fields[name].disabled = True


class VolunteerForm(forms.Form):
    """Only what the desk needs about the volunteer; no address, no full birth date."""

    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    email = forms.EmailField(label=_("E-mail (optional)"), required=False)
    birth_year = forms.IntegerField(
        label=_("Birth year (optional)"),
        required=False,
        min_value=1920,
        max_value=2100,
        help_text=_("Only needed for the BFD part-time rule (27 and older)."),
    )
    consent_given_on = forms.DateField(label=_("Consent given on"), widget=DATE)
    consent_text_version = forms.CharField(
        label=_("Version of the consent text"),
        max_length=20,
        initial="2025-01",
        help_text=_("The version of the data protection notice the volunteer signed."),
    )
    migration_background_consent = forms.BooleanField(
        label=_("The volunteer agreed to record whether they have a migration background"),
        required=False,
    )
    migration_background = forms.TypedChoiceField(
        label=_("Migration background"),
        required=False,
        choices=[("", _("Not recorded")), ("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda v: {"yes": True, "no": False}.get(v),
        empty_value=None,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A volunteer's personal data is never kept in the browser's draft copy (app.js).
        for field in self.fields.values():
            field.widget.attrs["data-no-draft"] = ""

    def clean_consent_given_on(self):
        value = self.cleaned_data["consent_given_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The consent date cannot be in the future."))
        return value

    def clean(self):
        data = super().clean()
        if data.get("migration_background") is not None and not data.get(
            "migration_background_consent"
        ):
            self.add_error(
                "migration_background",
                _("The migration background may only be recorded with the volunteer's consent."),
            )
        if not (data.get("first_name") or "").strip() and not (data.get("last_name") or "").strip():
            self.add_error("first_name", _("Enter at least a first or a last name."))
        return data

    @classmethod
    def initial_from(cls, volunteer) -> dict:
        mb = volunteer.migration_background
        return {
            "first_name": volunteer.first_name,
            "last_name": volunteer.last_name,
            "email": volunteer.email,
            "birth_year": volunteer.birth_year,
            "consent_given_on": volunteer.consent_given_on,
            "consent_text_version": volunteer.consent_text_version,
            "migration_background_consent": volunteer.migration_background_consent,
            "migration_background": "" if mb is None else ("yes" if mb else "no"),
        }


class PlacementForm(ChooserForm, forms.Form):
    site = ChooserField("volunteering_sites", label=_("Placement site"))
    service_type = forms.ChoiceField(label=_("Service"), choices=ServiceType.choices)
    start_date = forms.DateField(label=_("Start"), widget=DATE)
    end_date = forms.DateField(
        label=_("Planned end"),
        widget=DATE,
        help_text=_("FSJ and BFD usually last 6 to 18 months, e.g. 1 September to 31 August."),
    )
    weekly_hours = LocalizedDecimalField(
        label=_("Hours per week"),
        max_digits=4,
        decimal_places=1,
        min_value=1,
        max_value=60,
        help_text=_("Full-time; part-time of more than 20 hours only in the BFD from age 27."),
    )
    mentor_name = forms.CharField(label=_("Mentor at the site"), max_length=200)
    mentor_email = forms.EmailField(label=_("Mentor's e-mail"), required=False)

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["site"]
            del self.fields["service_type"]

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end <= start:
            self.add_error("end_date", _("The end must be after the start."))
        return data


class TransitionForm(forms.Form):
    status = forms.ChoiceField(choices=PlacementStatus.choices, widget=forms.HiddenInput)
    ended_on = forms.DateField(label=_("Last day of the service"), required=False, widget=DATE)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class SeminarForm(ChooserForm, ModelForm):
    class Meta:
        model = Seminar
        fields = ["title", "carrier", "service_type", "start_date", "end_date", "days", "location"]
        widgets = {"start_date": DATE, "end_date": DATE}
        field_classes = {"carrier": chooser("volunteering_carriers")}

    def clean(self):
        data = super().clean()
        start, end, days = data.get("start_date"), data.get("end_date"), data.get("days")
        if start and end:
            if end < start:
                self.add_error("end_date", _("The last day cannot be before the first day."))
            elif days and days > (end - start).days + 1:
                self.add_error(
                    "days",
                    ngettext(
                        "The seminar runs %(n)s day; it cannot count more seminar days.",
                        "The seminar runs %(n)s days; it cannot count more seminar days.",
                        (end - start).days + 1,
                    )
                    % {"n": (end - start).days + 1},
                )
        return data


class AttendanceForm(forms.Form):
    """One number field per placement that can attend; built from the seminar's list."""

    def __init__(self, *args, placements=(), seminar=None, existing=None, **kwargs):
        super().__init__(*args, **kwargs)
        existing = existing or {}
        self.rows = []
        for placement in placements:
            name = f"days_{placement.pk}"
            self.fields[name] = forms.IntegerField(
                label=str(placement.volunteer),
                required=False,
                min_value=0,
                max_value=seminar.days,
                initial=existing[placement.pk].days_attended if placement.pk in existing else None,
            )
            self.rows.append((placement, name))

    def bound_rows(self):
        return [(placement, self[name]) for placement, name in self.rows]

    def days(self) -> dict[int, int | None]:
        return {placement.pk: self.cleaned_data.get(name) for placement, name in self.rows}
