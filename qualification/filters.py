import re
from datetime import date, timedelta

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ikmo.periods import DateRange, period_bounds
from organisations.models import SpokenLanguage

from .models import CoachingSession, Topic, Workshop
from .selectors import FOLLOW_UP_WINDOWS

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def _month_bounds(value: str):
    match = MONTH_RE.match(value or "")
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return None
    following = date(year + (month == 12), month % 12 + 1, 1)
    return period_bounds(DateRange(date(year, month, 1), following - timedelta(days=1)))


class MonthField(forms.CharField):
    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2026-05"})

    def clean(self, value):
        value = super().clean(value)
        if value and _month_bounds(value) is None:
            raise forms.ValidationError(_("Please choose a month, for example 2026-05."))
        return value


class MonthFilter(django_filters.CharFilter):
    field_class = MonthField


class WorkshopFilter(django_filters.FilterSet):
    """Filters of the public workshop list; without a month only coming workshops are shown."""

    topic = django_filters.ModelChoiceFilter(
        field_name="topics",
        queryset=Topic.objects.all(),
        label=_("Topic"),
        empty_label=_("All topics"),
    )
    month = MonthFilter(method="in_month", label=_("Month"))
    language = django_filters.ModelChoiceFilter(
        field_name="languages",
        queryset=SpokenLanguage.objects.filter(workshops__isnull=False).distinct(),
        label=_("Language"),
        empty_label=_("All languages"),
    )

    open_to_initiatives = django_filters.BooleanFilter(
        field_name="open_to_initiatives",
        label=_("Open to initiatives and individuals"),
        widget=forms.CheckboxInput,
        method="only_open",
    )

    class Meta:
        model = Workshop
        fields = ["topic", "month", "language", "open_to_initiatives"]

    def only_open(self, queryset, name, value):
        # Unticked means "all workshops", not "only the closed ones".
        return queryset.filter(open_to_initiatives=True) if value else queryset

    def in_month(self, queryset, name, value):
        bounds = _month_bounds(value)
        if bounds is None:
            return queryset
        return queryset.filter(starts_at__lt=bounds[1], ends_at__gte=bounds[0])

    @property
    def qs(self):
        # No DISTINCT: topic and language filter one value each, so each joins a workshop at
        # most once; DISTINCT made the database sort every coming workshop for each page.
        qs = super().qs
        if not (self.is_bound and self.form.is_valid() and self.form.cleaned_data.get("month")):
            qs = qs.upcoming()
        return qs


class FollowUpFilter(django_filters.FilterSet):
    """A consultant's open follow-ups due within 7, 30 or 90 days (?window=…, else 7);
    overdue ones always."""

    window = django_filters.TypedChoiceFilter(
        choices=[(str(days), days) for days in FOLLOW_UP_WINDOWS], coerce=int, method="within"
    )

    class Meta:
        model = CoachingSession
        fields = ["window"]

    def __init__(self, data=None, *args, today=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.today = today or timezone.localdate()

    def within(self, queryset, name, value):
        return queryset  # applied in ``qs``: no value means the first window

    @property
    def days(self) -> int:
        if self.is_bound and self.form.is_valid() and self.form.cleaned_data.get("window"):
            return self.form.cleaned_data["window"]
        return FOLLOW_UP_WINDOWS[0]

    @property
    def qs(self):
        return super().qs.filter(follow_up_date__lte=self.today + timedelta(days=self.days))


class CoachingLogFilter(django_filters.FilterSet):
    """Filters of a consultant's coaching log (the sessions they logged); the log's export
    uses the same filter (qualification/exports.py)."""

    q = django_filters.CharFilter(method="search", label=_("Organisation"))
    format = django_filters.ChoiceFilter(
        choices=CoachingSession.Format.choices, label=_("Format"), empty_label=_("All formats")
    )
    topic = django_filters.ModelChoiceFilter(
        field_name="topics",
        queryset=Topic.objects.all(),
        label=_("Topic"),
        empty_label=_("All topics"),
    )
    month = MonthFilter(method="in_month", label=_("Month"))

    class Meta:
        model = CoachingSession
        fields = ["q", "format", "topic", "month"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["q"].field.widget = forms.TextInput(attrs={"type": "search"})
        self.filters["q"].field.max_length = 100

    def search(self, queryset, name, value):
        value = value.strip()[:100]
        return queryset.filter(organisation__name__icontains=value) if value else queryset

    def in_month(self, queryset, name, value):
        match = MONTH_RE.match(value or "")
        if not match:
            return queryset
        return queryset.filter(date__year=int(match[1]), date__month=int(match[2]))

    # No DISTINCT: one topic is chosen at a time, and a session has each topic once, so the
    # topic's join gives each session once. (DISTINCT had the database read and sort all of a
    # consultant's sessions for every page of the log.)
