"""The filters of the reporting lists, as django-filter FilterSets (the house pattern).

The figures are not plain querysets of one model: how a record reaches its organisation's
district or kind depends on the indicator, and the reach list is grouped across all of
them. So these FilterSets validate the parameters (django-filter's form: junk is flagged,
never a 500), and the indicator or the figure function applies the valid values.
"""

import django_filters
from django.core.validators import RegexValidator
from django.utils.functional import cached_property

from ikmo.subprojects import subproject_choices
from organisations.models import Organisation

from .figures import organisation_reach, reach_sources, reached_organisations

# A district id the database can hold, or "none" for organisations without a district.
_DISTRICT_ID = RegexValidator(r"^\d{1,9}$")
_DISTRICT_OR_NONE = RegexValidator(r"^(none|\d{1,9})$")


class RecordFilter(django_filters.FilterSet):
    """One breakdown cell of an indicator: ?district=<id>|none&kind=<kind>&share=<sub-project>."""

    district = django_filters.CharFilter(validators=[_DISTRICT_OR_NONE])
    kind = django_filters.ChoiceFilter(choices=Organisation.Kind.choices)
    share = django_filters.ChoiceFilter(choices=subproject_choices)

    def __init__(self, data, *, indicator, period, subproject: str = ""):
        self.indicator, self.period, self.subproject = indicator, period, subproject
        super().__init__(data, queryset=indicator.records(period))

    def values(self) -> dict:
        """The valid filter values (None for "all"), with the dashboard's sub-project share."""
        data = self.form.cleaned_data if self.is_valid() else {}
        values = {name: data.get(name) or None for name in ("district", "kind", "share")}
        if not values["share"] and self.subproject and self.indicator.is_cross_project:
            # On a sub-project's dashboard the distinct organisations are that sub-project's.
            values["share"] = self.subproject
        return values

    def filter_queryset(self, queryset):
        values = self.values()
        return self.indicator.filtered_records(
            self.period,
            district=values["district"],
            kind=values["kind"],
            subproject=values["share"],
        )


class ReachFilter(django_filters.FilterSet):
    """The reach list of one district: ?district=<id>; anything else filters nothing."""

    district = django_filters.CharFilter(validators=[_DISTRICT_ID])

    def __init__(self, data, *, period, subproject: str = ""):
        self.period, self.subproject = period, subproject
        super().__init__(data, queryset=Organisation.objects.all())

    @property
    def chosen_district(self) -> str:
        return (self.form.cleaned_data.get("district") or "") if self.is_valid() else ""

    @cached_property
    def _scope(self) -> dict:
        return {
            "subproject": self.subproject or None,
            "district": self.chosen_district or None,
        }

    @cached_property
    def _sources(self):
        """The indicators' record queries, built once for the list and its rows."""
        return reach_sources(self.period, **self._scope)

    def organisations(self):
        """The reached organisations by name, as a query to page through."""
        return reached_organisations(self.period, **self._scope, sources=self._sources)

    def entries(self, organisation_ids: list[int]) -> list:
        """The rows of these organisations (a page of `organisations()`), in that order."""
        return organisation_reach(
            self.period, **self._scope, organisation_ids=organisation_ids, sources=self._sources
        )
