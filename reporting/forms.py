from datetime import timedelta
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ikmo.formfields import LocalizedDecimalField
from ikmo.forms import ModelForm
from ikmo.subprojects import subproject_choices, subproject_label

from .models import FunderReport, FundingPeriod
from .registry import Unit, all_indicators
from .services import MAX_PERIOD_DAYS, period_rule_errors


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class FundingPeriodForm(ModelForm):
    class Meta:
        model = FundingPeriod
        fields = ["name", "funder", "start", "end", "notes"]
        widgets = {
            "start": DateInput(),
            "end": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
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
