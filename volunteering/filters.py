"""The filters of the desk's list pages (see actionfund/filters.py)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Contingent, Placement, PlacementStatus, ServiceProfile, SiteStatus


class ProfileFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=SiteStatus.choices, label=_("Status"))

    class Meta:
        model = ServiceProfile
        fields = ["status"]


class PlacementFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=PlacementStatus.choices, label=_("Status"))

    class Meta:
        model = Placement
        fields = ["status"]


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class ContingentFilter(django_filters.FilterSet):
    year = YearFilter(method="filter_year", min_value=0, max_value=9999)

    class Meta:
        model = Contingent
        fields = ["year"]

    def filter_year(self, queryset, name, value):
        # "year=0" (or empty) shows every year, as before.
        return queryset.filter(year=value) if value else queryset


def chosen(filterset, name: str):
    """The valid value chosen for ``name`` (a bad one is ignored), for marking the choice."""
    filterset.is_valid()
    return filterset.form.cleaned_data.get(name) or ""
