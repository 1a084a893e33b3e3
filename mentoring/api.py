"""Networking & mentoring endpoints: expert rounds and network events, and mentoring tandems,
as their lists and pages show them to the person asking (read only)."""

from rest_framework import serializers

from ikmo.api.base import ReadOnlyViewSet
from ikmo.api.routes import Route
from ikmo.api.serializers import RefSerializer

from . import permissions, selectors
from .filters import EventFilter, TandemFilter
from .models import Event, Tandem


class EventSerializer(serializers.ModelSerializer):
    """An event as the event list and page show it; the counts of registrations and
    attendance only for the mentoring team (as on the list)."""

    field_of_work = RefSerializer(read_only=True, allow_null=True)
    is_registered = serializers.BooleanField(
        read_only=True, help_text="Whether the caller is registered."
    )
    registration_open = serializers.SerializerMethodField()
    registration_count = serializers.SerializerMethodField(
        help_text="For the mentoring team only (null for everyone else)."
    )
    attendance_count = serializers.SerializerMethodField(
        help_text="For the mentoring team only (null for everyone else)."
    )
    url = serializers.HyperlinkedIdentityField(view_name="api:mentoring_events-detail")

    class Meta:
        model = Event
        fields = [
            "id",
            "url",
            "kind",
            "title",
            "status",
            "field_of_work",
            "description",
            "starts_at",
            "ends_at",
            "place",
            "capacity",
            "is_registered",
            "registration_open",
            "registration_count",
            "attendance_count",
        ]
        read_only_fields = fields

    def _team(self) -> bool:
        request = self.context["request"]
        cached = getattr(request, "_mentoring_team", None)
        if cached is None:
            cached = request._mentoring_team = permissions.can_manage_events(request.user)
        return cached

    def get_registration_open(self, event) -> bool:
        return permissions.registration_is_open(event)

    def get_registration_count(self, event) -> int | None:
        return event.registration_count if self._team() else None

    def get_attendance_count(self, event) -> int | None:
        return getattr(event, "attendance_count", None) if self._team() else None


class ListFilteredOnly:
    """The list's filters (coming events by default) apply to the list only; an object
    found by its id is shown as its page shows it."""

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)


class EventViewSet(ListFilteredOnly, ReadOnlyViewSet):
    """Expert rounds and network events: the team sees all, members the open ones and those
    their organisation is invited to. `show=past` lists past events, newest first; without
    it, coming events, soonest first."""

    serializer_class = EventSerializer
    queryset = Event.objects.none()  # for the schema; see get_queryset
    filterset_class = EventFilter
    ordering_fields = ["starts_at", "title"]

    def get_queryset(self):
        return selectors.events_for_user(self.request.user).order_by("-starts_at", "-pk")


class TandemSerializer(serializers.ModelSerializer):
    mentor = RefSerializer(read_only=True)
    mentee = RefSerializer(read_only=True)
    confirmed_by = serializers.SerializerMethodField()
    meeting_count = serializers.IntegerField(read_only=True)
    last_meeting = serializers.DateField(read_only=True, allow_null=True)
    url = serializers.HyperlinkedIdentityField(view_name="api:mentoring_tandems-detail")

    class Meta:
        model = Tandem
        fields = [
            "id",
            "url",
            "mentor",
            "mentee",
            "status",
            "confirmed_by",
            "goals",
            "starts_on",
            "planned_end_on",
            "ended_on",
            "end_note",
            "mentor_accepted_at",
            "mentee_accepted_at",
            "meeting_count",
            "last_meeting",
            "created_at",
        ]
        read_only_fields = fields

    def get_confirmed_by(self, tandem) -> str | None:
        return str(tandem.lead) if tandem.lead else None


class TandemViewSet(ReadOnlyViewSet):
    """Mentoring tandems: the team sees all, members those of their organisations."""

    serializer_class = TandemSerializer
    queryset = Tandem.objects.none()  # for the schema; see get_queryset
    filterset_class = TandemFilter
    ordering_fields = ["created_at", "starts_on"]
    ordering = ["-created_at", "-pk"]

    def get_queryset(self):
        return selectors.tandems_for_user(self.request.user)


ROUTES = [
    Route("mentoring/events", EventViewSet, "mentoring_events"),
    Route("mentoring/tandems", TandemViewSet, "mentoring_tandems"),
]
