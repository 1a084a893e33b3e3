"""The filters of the participation check's list pages (see actionfund/filters.py)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Analysis, Recommendation


class AnalysisFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Analysis.Status.choices, label=_("Status"))

    class Meta:
        model = Analysis
        fields = ["status"]


class RecommendationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Recommendation.Status.choices, label=_("Status"))

    class Meta:
        model = Recommendation
        fields = ["status"]


def chosen(filterset, name: str) -> str:
    """The valid value chosen for ``name`` (a bad one is ignored), for marking the choice."""
    filterset.is_valid()
    return filterset.form.cleaned_data.get(name) or ""
