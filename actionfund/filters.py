import django_filters
from django import forms
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from organisations.models import District

from .models import Application, Call, Status


class _ApplicationSearch(django_filters.FilterSet):
    """The search box of the application lists: the project's title or the organisation."""

    q = django_filters.CharFilter(method="search", label=_("Search"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["q"].field.widget = forms.TextInput(attrs={"type": "search"})
        self.filters["q"].field.max_length = 100

    def search(self, queryset, name, value):
        value = value.strip()[:100]
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(organisation__name__icontains=value))


class ApplicationFilter(_ApplicationSearch):
    """Used by the staff list and by the export, so both show the same rows."""

    call = django_filters.ModelChoiceFilter(queryset=Call.objects.all(), label=_("Call"))
    status = django_filters.ChoiceFilter(choices=Status.choices, label=_("Status"))
    district = django_filters.ModelChoiceFilter(
        queryset=District.objects.all(), label=_("District")
    )

    class Meta:
        model = Application
        fields = ["q", "call", "status", "district"]


class JuryFilter(_ApplicationSearch):
    """A juror's assignments: by call, and whether the scoring is still to do."""

    TODO, SCORED = "todo", "scored"

    call = django_filters.ModelChoiceFilter(queryset=Call.objects.none(), label=_("Call"))
    state = django_filters.ChoiceFilter(
        choices=[(TODO, _("Still to score")), (SCORED, _("Fully scored"))],
        method="by_state",
        label=_("Scoring"),
        empty_label=_("All"),
    )

    class Meta:
        model = Application
        fields = ["q", "call", "state"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the calls the juror has assignments in (a handful), newest first.
        self.filters["call"].queryset = Call.objects.filter(
            pk__in=self.queryset.order_by().values("call_id")
        ).order_by("-closes_at")

    def by_state(self, queryset, name, value):
        if value == self.TODO:
            return queryset.filter(status=Status.IN_REVIEW, my_scores__lt=F("criteria_count"))
        if value == self.SCORED:
            return queryset.filter(my_scores__gte=F("criteria_count"))
        return queryset
