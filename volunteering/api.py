"""The volunteer service desk in the REST API: placements, as the placement list shows them.

The desk sees every placement; members of an organisation see the placements at their
site or carried by their organisation (``placements_visible_to``, the page's selector),
with the seminar days against the requirement as the list computes them."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ikmo.api.base import ReadOnlyViewSet
from ikmo.api.routes import Route

from . import selectors
from .filters import PlacementFilter
from .models import Placement


class SeminarProgressSerializer(serializers.Serializer):
    required = serializers.IntegerField(help_text="Seminar days the service requires in total.")
    attended = serializers.IntegerField()
    expected_by_now = serializers.IntegerField()
    behind = serializers.BooleanField()
    missing = serializers.IntegerField()
    percent = serializers.IntegerField()


class PlacementSerializer(serializers.ModelSerializer):
    """A placement as its row in the list and its page show it (no contact data of the
    volunteer; their name only, or a placeholder once erased)."""

    volunteer = serializers.SerializerMethodField()
    site_name = serializers.CharField(source="site.name", read_only=True)
    carrier = serializers.IntegerField(source="contingent.carrier_id", read_only=True)
    carrier_name = serializers.CharField(source="contingent.carrier.name", read_only=True)
    contingent_year = serializers.IntegerField(source="contingent.year", read_only=True)
    service_type_label = serializers.CharField(source="get_service_type_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    effective_end = serializers.DateField(read_only=True)
    seminar_days = serializers.SerializerMethodField()

    class Meta:
        model = Placement
        fields = [
            "id",
            "volunteer",
            "site",
            "site_name",
            "carrier",
            "carrier_name",
            "contingent_year",
            "service_type",
            "service_type_label",
            "weekly_hours",
            "start_date",
            "end_date",
            "ended_on",
            "effective_end",
            "status",
            "status_label",
            "end_reason",
            "mentor_name",
            "seminar_days",
        ]
        read_only_fields = fields

    def get_volunteer(self, placement) -> str:
        return str(placement.volunteer)

    @extend_schema_field(SeminarProgressSerializer)
    def get_seminar_days(self, placement):
        progress = selectors.progress_of(placement, today=self.context["today"])
        return SeminarProgressSerializer(progress).data


class PlacementViewSet(ReadOnlyViewSet):
    """Placements the person may see, newest first, filtered by status as on the page."""

    serializer_class = PlacementSerializer
    queryset = Placement.objects.none()  # for the schema; see get_queryset
    filterset_class = PlacementFilter
    ordering_fields = ["start_date", "end_date", "status", "id"]
    ordering = ["-start_date", "-id"]

    def get_queryset(self):
        return selectors.placements_visible_to(self.request.user)

    def filter_queryset(self, queryset):
        # The filters are the list's; a placement found by its id is shown whatever they say.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}


ROUTES = [Route("volunteering/placements", PlacementViewSet, "volunteering_placements")]
