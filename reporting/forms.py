from datetime import timedelta
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ikmo.choosers import ChooserField, ChooserForm
from ikmo.formfields import LocalizedDecimalField
from ikmo.forms import ModelForm
from ikmo.subprojects import subproject_choices, subproject_label

from .models import Carrier, FunderReport, FundingPeriod, FundingSource
from .registry import Unit, all_indicators
from .services import MAX_PERIOD_DAYS, PERIOD_FIELDS, funding_rule_errors, period_rule_errors


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class FundingPeriodForm(ModelForm):
    class Meta:
        model = FundingPeriod
        fields = list(PERIOD_FIELDS)  # what services.period_create/update take
        widgets = {
            "start": DateInput(),
            "end": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "contact_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "contact_email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }
        help_texts = {
            "name": _("For example: AMIF 2025 or Senate funding year 2026."),
            "end": _("Both days count: records on the first and on the last day are included."),
        }
        error_messages = {
            "name": {"unique": _("A funding period with this name exists already.")},
        }

    def clean(self):
        cleaned = super().clean()
        # The service's rules, shown with the other field errors. The name's uniqueness is
        # the ModelForm's own check (validate_unique, with the message above).
        errors = period_rule_errors(name="", start=cleaned.get("start"), end=cleaned.get("end"))
        for field, error in errors.items():
            self.add_error(field, error)
        return cleaned

    def validate_constraints(self, exclude=None):
        # The end-after-start rule is reported on the field above, in words people understand.
        pass


class FundingSourceForm(ModelForm):
    """One funder's share of the period; a row left empty is ignored."""

    class Meta:
        model = FundingSource
        fields = ["funder", "name", "reference", "share", "amount", "subprojects"]

    subprojects = forms.MultipleChoiceField(
        label=_("Sub-projects it finances"),
        help_text=_("Leave empty when the funder finances the whole centre."),
        choices=subproject_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class CarrierForm(ChooserForm, forms.Form):
    organisation = ChooserField(
        "reporting_carriers", label=_("Carrier"), empty_label=_("Please choose")
    )
    # A new row starts as a partner: an untouched empty row then counts as unchanged.
    role = forms.ChoiceField(
        label=_("Role"), choices=Carrier.Role.choices, initial=Carrier.Role.PARTNER
    )
    subprojects = forms.MultipleChoiceField(
        label=_("Sub-projects it runs"),
        choices=subproject_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def has_changed(self):
        # The role alone (its select always sends a value) does not make an empty row.
        return any(name in self.changed_data for name in ("organisation", "subprojects", "DELETE"))


class _RowsFormSet(forms.BaseFormSet):
    """Rows of a table in the period form: rows left empty or marked for removal are
    dropped; the rules across rows (services.funding_rule_errors) are its own errors."""

    part = ""

    def rows(self) -> list[dict] | None:
        """The rows sent, or None when the table was not sent at all (keep what is there)."""
        if not self.is_bound:
            return None
        return [
            {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]

    def clean(self):
        if any(self.errors) or not self.is_bound:
            return
        rows = self.rows()
        errors = funding_rule_errors(
            sources=rows if self.part == "sources" else [],
            carriers=rows if self.part == "carriers" else [],
        )
        if errors.get(self.part):
            raise forms.ValidationError(errors[self.part])


class _SourceRows(_RowsFormSet):
    part = "sources"


class _CarrierRows(_RowsFormSet):
    part = "carriers"


def _rows(form, formset, *, existing: int, usual: int):
    """A table with room for the usual number of rows (two funders, three carriers) and
    always one empty row more than there are, so nothing needs a second save."""
    return forms.formset_factory(
        form,
        formset=formset,
        extra=max(1, usual - existing),
        can_delete=True,
        max_num=6,
        validate_max=True,
    )


def funding_formsets(data, period, user):
    """The period form's tables of funding sources and carriers, filled from the period."""
    sources = [
        {k: getattr(s, k) for k in FundingSourceForm._meta.fields}
        for s in (period.sources.all() if period else [])
    ]
    carriers = [
        {"organisation": c.organisation_id, "role": c.role, "subprojects": c.subprojects}
        for c in (period.carriers.all() if period else [])
    ]

    # A form sent without a table (an older page, a script) leaves that table as it is.
    def sent(prefix):
        return data if data is not None and f"{prefix}-TOTAL_FORMS" in data else None

    source_rows = _rows(FundingSourceForm, _SourceRows, existing=len(sources), usual=2)
    carrier_rows = _rows(CarrierForm, _CarrierRows, existing=len(carriers), usual=3)
    return (
        source_rows(sent("source"), initial=sources, prefix="source"),
        carrier_rows(
            sent("carrier"), initial=carriers, prefix="carrier", form_kwargs={"user": user}
        ),
    )


class PlanValuesForm(forms.Form):
    """One optional number per registered indicator; empty means no plan value."""

    def __init__(self, *args, period, plans: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.period = period
        self.groups = []
        current = None
        for indicator in all_indicators():
            decimals = (
                2 if indicator.unit == Unit.EUR else (1 if indicator.unit == Unit.HOURS else 0)
            )
            field = LocalizedDecimalField(
                label=indicator.label,
                required=False,
                min_value=Decimal("0.01") if decimals else Decimal(1),
                max_digits=14,
                decimal_places=decimals,
                initial=plans.get(indicator.key),
                help_text=indicator.description or Unit(indicator.unit).label,
                localize=True,
                error_messages={
                    "min_value": _("Enter a plan value above zero, or leave the field empty."),
                    "max_decimal_places": _("Use at most %(max)s decimal places.")
                    % {"max": decimals}
                    if decimals
                    else _("Enter a whole number, for example 40."),
                    "invalid": _("Enter a number, for example 40 or 12,5."),
                },
            )
            field.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})
            name = f"plan_{indicator.key}"
            self.fields[name] = field
            if current is None or current[0] != indicator.subproject:
                label = (
                    subproject_label(indicator.subproject)
                    if indicator.subproject
                    else _("Across all sub-projects")
                )
                current = (indicator.subproject, label, [])
                self.groups.append(current)
            current[2].append(name)

    def grouped_fields(self):
        return [(label, [self[name] for name in names]) for _sp, label, names in self.groups]

    def plan_values(self) -> dict:
        return {name.removeprefix("plan_"): value for name, value in self.cleaned_data.items()}


class FunderReportForm(ModelForm):
    class Meta:
        model = FunderReport
        fields = ["summary", "highlights", "challenges", "outlook"]
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name in fields}
        help_texts = {
            "summary": _("A few sentences on the period for the funder."),
            "highlights": _("Outstanding results, events, cooperation."),
            "challenges": _("Where figures fall short of the plan, and why."),
            "outlook": _("What comes next."),
        }

    NOTE_MAX = 3000

    def __init__(self, *args, notes: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # One short narrative per sub-project, printed with its figures in the report.
        for key, label in subproject_choices():
            self.fields[f"note_{key}"] = forms.CharField(
                label=_("%(subproject)s: how it went") % {"subproject": label},
                required=False,
                max_length=self.NOTE_MAX,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=(notes or {}).get(key, ""),
                help_text=_("Results, deviations from the plan, what comes next."),
            )

    def subproject_notes(self) -> dict[str, str]:
        return {
            name.removeprefix("note_"): value.strip()
            for name, value in self.cleaned_data.items()
            if name.startswith("note_") and value.strip()
        }


class PeriodChoiceForm(forms.Form):
    """Which figures to show: a funding period, or any range of days; optionally one sub-project."""

    period = forms.ModelChoiceField(
        label=_("Funding period"),
        queryset=FundingPeriod.objects.all(),
        required=False,
        empty_label=_("Choose dates instead"),
    )
    start = forms.DateField(
        label=pgettext_lazy("date range", "From"), required=False, widget=DateInput()
    )
    end = forms.DateField(label=_("To (inclusive)"), required=False, widget=DateInput())
    subproject = forms.ChoiceField(
        label=_("Sub-project"),
        required=False,
        choices=lambda: [("", _("All sub-projects")), *subproject_choices()],
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if cleaned.get("period") is None and (start or end):
            if not start:
                self.add_error("start", _("Enter the first day as well."))
            if not end:
                self.add_error("end", _("Enter the last day as well."))
            if start and end and end < start:
                self.add_error("end", _("The last day must not be before the first day."))
            elif start and end and (end - start) > timedelta(days=MAX_PERIOD_DAYS):
                self.add_error("end", _("Choose a range of at most ten years."))
        return cleaned
