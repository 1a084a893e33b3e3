"""The filters of mentoring's lists. A bad value in the address is ignored, never an error."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations.models import District, FieldOfWork

from . import selectors
from .models import CooperationContact, Event, Organisation, Tandem


def value(filterset, name):
    """One filter's cleaned value (None if absent or invalid; the others still apply)."""
    if not filterset.is_bound:
        return None
    filterset.form.errors  # noqa: B018 - cleans the form
    return filterset.form.cleaned_data.get(name)


class ContactFilter(django_filters.FilterSet):
    """The staff list of cooperation contacts."""

    q = django_filters.CharFilter(method="search", label=_("Search"), max_length=100)
    status = django_filters.ChoiceFilter(
        choices=CooperationContact.Status.choices, label=_("Status"), empty_label=_("All")
    )
    field = django_filters.ModelChoiceFilter(
        field_name="field_of_work",
        queryset=FieldOfWork.objects.all(),
        label=_("Field of work"),
        empty_label=_("All"),
    )
    district = django_filters.ModelChoiceFilter(
        field_name="partner__district",
        queryset=District.objects.all(),
        label=_("District of the partner"),
        empty_label=_("All"),
    )

    class Meta:
        model = CooperationContact
        fields = ["q", "status", "field", "district"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(organisation__name__icontains=value)
            | Q(partner__name__icontains=value)
            | Q(contact_person__icontains=value)
        )


class PartnerFilter(django_filters.FilterSet):
    """The partner search: administrations and services in a district, working in a field.

    A partner matches a field if it names the field in its profile or already cooperates
    with an MO in that field."""

    district = django_filters.ModelChoiceFilter(
        queryset=District.objects.all(), label=_("District"), empty_label=_("All")
    )
    field = django_filters.ModelChoiceFilter(
        queryset=FieldOfWork.objects.all(),
        method="in_field",
        label=_("Field of work"),
        empty_label=_("All"),
    )

    class Meta:
        model = Organisation
        fields = ["district", "field"]

    def in_field(self, queryset, name, value):
        return selectors.partners_in_field(queryset, value)


class EventFilter(django_filters.FilterSet):
    """Coming events soonest first (the default), or past ones newest first; of one kind."""

    show = django_filters.ChoiceFilter(
        choices=[("upcoming", "upcoming"), ("past", "past")], method="when"
    )
    kind = django_filters.ChoiceFilter(choices=Event.Kind.choices)

    class Meta:
        model = Event
        fields = ["show", "kind"]

    def when(self, queryset, name, value):
        return queryset  # applied in ``qs``: no value means "upcoming"

    @property
    def show_value(self) -> str:
        return "past" if value(self, "show") == "past" else "upcoming"

    @property
    def kind_value(self) -> str:
        return value(self, "kind") or ""

    @property
    def qs(self):
        qs = super().qs
        now = timezone.now()
        if self.show_value == "past":
            return qs.filter(starts_at__lt=now).order_by("-starts_at")
        return qs.filter(starts_at__gte=now).order_by("starts_at")


class TandemFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Tandem.Status.choices)

    class Meta:
        model = Tandem
        fields = ["status"]

    @property
    def status_value(self) -> str:
        return value(self, "status") or ""
