import django_filters
from django import forms
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ikmo.formats import DAY_FIRST_INPUTS
from organisations.models import District

from . import journey
from .models import COMMITTED_STATUSES, Application, Call, Status


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

    OVERDUE, DUE_SOON, SUBMITTED = "overdue", "due_soon", "submitted"

    call = django_filters.ModelChoiceFilter(queryset=Call.objects.all(), label=_("Call"))
    status = django_filters.ChoiceFilter(choices=Status.choices, label=_("Status"))
    district = django_filters.ModelChoiceFilter(
        queryset=District.objects.all(), label=_("District")
    )
    # Overdue and due soon are journey.proof_overdue and proof_due_soon, as the applicant's
    # pages show them: the stored due date, or else the project's end plus the call's weeks.
    proof = django_filters.ChoiceFilter(
        choices=[
            (OVERDUE, _("overdue")),
            (DUE_SOON, _("due within the next 30 days")),  # journey.PROOF_DUE_SOON_DAYS
            (SUBMITTED, _("submitted, to be checked")),
        ],
        method="by_proof",
        label=_("Proof of use"),
        empty_label=_("All"),
    )
    # Typed, not a date picker: "31.12.2026" whatever the language (the export's worker reads
    # the same text in the language it runs in), and ISO from the API.
    proof_due_by = django_filters.DateFilter(
        method="by_proof_due",
        label=_("Proof of use due by"),
        help_text=_("For example 31.12.2026"),
        input_formats=DAY_FIRST_INPUTS,
        widget=forms.DateInput(format="%d.%m.%Y", attrs={"autocomplete": "off"}),
        error_messages={
            "invalid": _("This is not a valid date. Please enter day, month and year.")
        },
    )

    class Meta:
        model = Application
        fields = ["q", "call", "status", "district", "proof", "proof_due_by"]

    def by_proof(self, queryset, name, value):
        today = timezone.localdate()
        if value == self.OVERDUE:
            return journey.with_proof_due(queryset).filter(journey.proof_overdue_q(today))
        if value == self.DUE_SOON:
            return journey.with_proof_due(queryset).filter(journey.proof_due_soon_q(today))
        if value == self.SUBMITTED:
            return queryset.filter(status=Status.PROOF_SUBMITTED)
        return queryset

    def by_proof_due(self, queryset, name, value):
        # Only approved applications owe a proof of use; a draft or a rejected application
        # with a project end has a computed date too, but nothing is due.
        return journey.with_proof_due(queryset).filter(
            status__in=COMMITTED_STATUSES, proof_due_on__lte=value
        )


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
