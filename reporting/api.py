"""Funder reporting in the REST API: the funding periods, and each period's indicators with
plan and actual values as the dashboard computes them.

Reporting is for project leads and admins (reporting/permissions.py), as its pages are:
everyone else is refused before anything is computed."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import permissions as drf_permissions
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from ikmo.api.auth import SignedIn, TokenScope
from ikmo.api.base import ReadOnlyViewSet
from ikmo.api.routes import Route
from ikmo.subprojects import subproject_choices

from .figures import cached_figures
from .models import FundingPeriod
from .permissions import can_view_reporting
from .selectors import periods_with_counts


class ViewsReporting(drf_permissions.BasePermission):
    message = _("Funder reporting is for project leads and admins.")

    def has_permission(self, request, view):
        return can_view_reporting(request.user)


class PeriodSerializer(serializers.ModelSerializer):
    """A funding period as the periods page lists it."""

    funder_label = serializers.CharField(source="get_funder_display", read_only=True)
    plan_count = serializers.IntegerField(read_only=True, help_text="Plan values entered.")
    report_count = serializers.IntegerField(read_only=True, help_text="Reports generated.")

    class Meta:
        model = FundingPeriod
        fields = [
            "id",
            "name",
            "funder",
            "funder_label",
            "start",
            "end",
            "plan_count",
            "report_count",
        ]
        read_only_fields = fields


@extend_schema_field(OpenApiTypes.NUMBER)
class NumberField(serializers.Field):
    """A figure as computed: a whole number stays one, a fraction is a decimal number."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        return value


class BreakdownCellSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="A district id ('none': no district), a kind, …")
    label = serializers.CharField()
    value = NumberField()


class IndicatorSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    subproject = serializers.CharField(allow_blank=True, help_text="Empty: across sub-projects.")
    subproject_label = serializers.CharField()
    level = serializers.CharField(help_text="output or outcome")
    unit = serializers.CharField()
    unit_label = serializers.CharField()
    plan = NumberField(allow_null=True, help_text="The plan value; null if none was entered.")
    actual = NumberField(help_text="Computed from what was logged in the period.")
    percent = serializers.FloatField(allow_null=True, help_text="Actual as % of plan.")
    status = serializers.CharField(help_text="reached, on_track, behind, missed or no_plan")
    status_label = serializers.CharField()
    breakdowns = serializers.DictField(
        child=BreakdownCellSerializer(many=True),
        help_text="Per dimension (district, kind, subproject): the value per cell.",
    )


class FiguresPeriodSerializer(serializers.Serializer):
    name = serializers.CharField()
    funder = serializers.CharField(allow_blank=True)
    funder_label = serializers.CharField(allow_blank=True)
    start = serializers.DateField()
    end = serializers.DateField()


class IndicatorsSerializer(serializers.Serializer):
    period = FiguresPeriodSerializer()
    subproject = serializers.CharField(allow_blank=True)
    as_of = serializers.DateField(help_text="The day the figures were computed for.")
    computed_at = serializers.DateTimeField()
    elapsed_percent = serializers.FloatField(help_text="How much of the period has passed.")
    indicators = IndicatorSerializer(many=True)


class FiguresQuerySerializer(serializers.Serializer):
    subproject = serializers.ChoiceField(choices=[], required=False, allow_blank=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subproject"].choices = subproject_choices()


class PeriodViewSet(ReadOnlyViewSet):
    """Funding periods, with how many plan values and reports each has (the periods page)."""

    permission_classes = [SignedIn, TokenScope, ViewsReporting]
    serializer_class = PeriodSerializer
    queryset = FundingPeriod.objects.none()  # for the schema; see get_queryset
    filterset_fields = ["funder"]
    ordering_fields = ["start", "end", "name", "id"]
    ordering = ["-start", "name", "id"]

    def get_queryset(self):
        return periods_with_counts(self.request.user)

    def filter_queryset(self, queryset):
        # The list's filters; a period found by its id is shown whatever they say.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    @extend_schema(
        responses=IndicatorsSerializer,
        parameters=[
            OpenApiParameter(
                "subproject",
                str,
                enum=[key for key, _label in subproject_choices()],
                description="Only this sub-project's indicators, as the dashboard's choice.",
            )
        ],
        filters=False,
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def indicators(self, request, pk=None):
        """The period's indicators with plan and actual values, as the dashboard shows them
        (the same computation and the same shared cache)."""
        period = self.get_object()
        query = FiguresQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        subproject = query.validated_data.get("subproject") or None
        snapshot = cached_figures(period, subproject=subproject)
        return Response(IndicatorsSerializer(snapshot).data)


ROUTES = [Route("reporting/periods", PeriodViewSet, "reporting_periods")]
