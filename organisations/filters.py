import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import District, FieldOfWork, Organisation, SpokenLanguage


class OrganisationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    district = django_filters.ModelChoiceFilter(
        queryset=District.objects.all(), label=_("District"), empty_label=_("All")
    )
    kind = django_filters.ChoiceFilter(
        choices=Organisation.Kind.choices, label=_("Kind"), empty_label=_("All")
    )
    field = django_filters.ModelChoiceFilter(
        field_name="fields_of_work",
        queryset=FieldOfWork.objects.all(),
        label=_("Field of work"),
        empty_label=_("All"),
    )
    language = django_filters.ModelChoiceFilter(
        field_name="languages",
        queryset=SpokenLanguage.objects.all(),
        label=_("Language"),
        empty_label=_("All"),
    )
    status = django_filters.ChoiceFilter(
        choices=Organisation.Status.choices, label=_("Status"), empty_label=_("All")
    )

    class Meta:
        model = Organisation
        fields = ["q", "district", "kind", "field", "language", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["q"].field.widget = forms.TextInput(attrs={"type": "search"})
        self.filters["q"].field.max_length = 100

    def search(self, queryset, name, value):
        value = value.strip()[:100]
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value)
            | Q(communities_served__icontains=value)
            | Q(social_space__icontains=value)
            | Q(email__icontains=value)
        )
