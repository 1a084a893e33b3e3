"""Qualification & coaching endpoints: the public workshops, a person's registrations (register,
cancel) and the consultants' coaching sessions (read, log one).

Each answers through the selectors and predicates of the pages it mirrors, and writes through
the same services as their views, so the waiting list, deadlines, audit entries and e-mails
are the same whichever way a registration or a session comes in."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from ikmo.api.auth import PublicRead, TokenScope
from ikmo.api.base import MAX_ID, DetailUnfilteredMixin, ReadOnlyViewSet, require
from ikmo.api.routes import Route
from ikmo.api.serializers import RefSerializer, TranslatedNameSerializer
from organisations.api import SpokenLanguageSerializer
from organisations.models import Membership
from organisations.selectors import organisations_for_user

from . import permissions, selectors, services
from .filters import CoachingLogFilter, WorkshopFilter
from .forms import CoachingSessionForm
from .models import CoachingSession, Registration, Topic, Workshop

# Workshops -----------------------------------------------------------------------------------


class TopicSerializer(TranslatedNameSerializer):
    class Meta(TranslatedNameSerializer.Meta):
        model = Topic


class WorkshopDateSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class WorkshopSerializer(serializers.ModelSerializer):
    """A workshop as its card in the list shows it (with its dates)."""

    topics = TopicSerializer(many=True, read_only=True)
    languages = SpokenLanguageSerializer(many=True, read_only=True)
    sessions = WorkshopDateSerializer(many=True, read_only=True)
    trainer = serializers.SerializerMethodField()
    is_online = serializers.BooleanField(read_only=True)
    free_places = serializers.IntegerField(read_only=True)
    registration_deadline = serializers.DateTimeField(
        source="effective_deadline",
        read_only=True,
        allow_null=True,
        help_text="Registration is possible until then (the start if no deadline is set).",
    )
    registration_open = serializers.SerializerMethodField()
    url = serializers.HyperlinkedIdentityField(view_name="api:qualification_workshops-detail")

    class Meta:
        model = Workshop
        fields = [
            "id",
            "url",
            "title",
            "status",
            "topics",
            "languages",
            "is_basic",
            "open_to_initiatives",
            "venue",
            "is_online",
            "trainer",
            "starts_at",
            "ends_at",
            "sessions",
            "capacity",
            "free_places",
            "registration_deadline",
            "registration_open",
        ]
        read_only_fields = fields

    def get_trainer(self, workshop) -> str:
        return str(workshop.trainer)

    def get_registration_open(self, workshop) -> bool:
        return workshop.registration_open()


class WorkshopDetailSerializer(WorkshopSerializer):
    """A workshop as its page shows it: the online link only to people with a place (or on
    the waiting list) and the team."""

    online_url = serializers.SerializerMethodField()

    class Meta(WorkshopSerializer.Meta):
        fields = [*WorkshopSerializer.Meta.fields, "description", "online_url"]
        read_only_fields = fields

    def get_online_url(self, workshop) -> str | None:
        user = self.context["request"].user
        if workshop.online_url and permissions.can_see_online_link(user, workshop):
            return workshop.online_url
        return None


class WorkshopViewSet(DetailUnfilteredMixin, ReadOnlyViewSet):
    """Workshops as the public workshop list and page show them: published and cancelled
    ones for everyone (anonymous too), drafts for the qualification team and their trainer.
    Without `month` the list holds coming workshops only, as on the page."""

    permission_classes = [PublicRead, TokenScope]
    queryset = Workshop.objects.none()  # for the schema; see get_queryset
    filterset_class = WorkshopFilter
    ordering_fields = ["starts_at", "title"]
    ordering = ["starts_at", "pk"]

    def get_queryset(self):
        return (
            selectors.workshops_for_user(self.request.user)
            .for_lists()
            .prefetch_related("sessions")
            .order_by("starts_at", "pk")
        )

    def get_serializer_class(self):
        return WorkshopDetailSerializer if self.action == "retrieve" else WorkshopSerializer


# Registrations -------------------------------------------------------------------------------


class RegistrationWorkshopSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=Workshop.Status.choices)
    starts_at = serializers.DateTimeField(allow_null=True)
    ends_at = serializers.DateTimeField(allow_null=True)


class RegistrationSerializer(serializers.ModelSerializer):
    workshop = RegistrationWorkshopSerializer(read_only=True)
    organisation = RefSerializer(
        read_only=True,
        allow_null=True,
        help_text="The organisation (or founding initiative) taken part for; null for an "
        "individual.",
    )
    participant = serializers.SerializerMethodField()
    is_me = serializers.SerializerMethodField(help_text="Whether the caller takes part.")
    waitlist_rank = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Place on the waiting list (1 = next)."
    )
    can_cancel = serializers.SerializerMethodField()

    class Meta:
        model = Registration
        fields = [
            "id",
            "workshop",
            "organisation",
            "taking_part_as",
            "participant",
            "is_me",
            "status",
            "waitlist_rank",
            "attended",
            "created_at",
            "cancelled_at",
            "can_cancel",
        ]
        read_only_fields = fields

    def get_participant(self, registration) -> str:
        return str(registration.participant)

    def get_is_me(self, registration) -> bool:
        return registration.participant_id == self.context["request"].user.pk

    def get_can_cancel(self, registration) -> bool:
        # As on "My registrations". A trainer or lead may cancel any registration of the
        # workshop: asked first, so a lead's long list needs no membership look-up per row.
        user = self.context["request"].user
        if not registration.is_active or registration.workshop.has_started():
            return False
        return permissions.can_manage_workshop(
            user, registration.workshop
        ) or permissions.can_cancel_registration(user, registration)


class RegistrationCreateSerializer(serializers.Serializer):
    workshop = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    organisation = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        help_text="The organisation you register for; needed only if you belong to several. "
        "In workshops open to initiatives, also the founding initiative (an organisation "
        "waiting for approval) you register yourself for.",
    )
    individual = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Register yourself as an individual, without an organisation: only in "
        "workshops open to initiatives and individuals, and only without an approved "
        "organisation.",
    )
    participant = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        help_text="The person who takes part (a colleague of the organisation); default: you.",
    )


class RegistrationFilter(django_filters.FilterSet):
    workshop = django_filters.NumberFilter(field_name="workshop_id", min_value=1, max_value=MAX_ID)
    status = django_filters.ChoiceFilter(choices=Registration.Status.choices)
    upcoming = django_filters.BooleanFilter(method="coming", label="Coming workshops only")

    class Meta:
        model = Registration
        fields = ["workshop", "status", "upcoming"]

    def coming(self, queryset, name, value):
        if value is None:
            return queryset
        now = timezone.now()
        return (
            queryset.filter(workshop__starts_at__gt=now)
            if value
            else queryset.filter(workshop__starts_at__lte=now)
        )


class RegistrationViewSet(DetailUnfilteredMixin, mixins.CreateModelMixin, ReadOnlyViewSet):
    """Workshop registrations: list and read those the pages show you; register (yourself or
    a colleague of your organisation) and cancel, with the same rules as the pages (waiting
    list when full, the deadline, one registration per person)."""

    serializer_class = RegistrationSerializer
    queryset = Registration.objects.none()  # for the schema; see get_queryset
    filterset_class = RegistrationFilter
    ordering_fields = ["created_at", "workshop__starts_at"]
    ordering = ["-workshop__starts_at", "pk"]

    def get_queryset(self):
        return selectors.with_waitlist_rank(
            selectors.registrations_listed_for(self.request.user)
            .select_related("workshop", "organisation", "participant")
            .order_by("-workshop__starts_at", "pk")
        )

    def _representation(self, registration, status_code):
        fresh = self.get_queryset().get(pk=registration.pk)
        return Response(self.get_serializer(fresh).data, status=status_code)

    @extend_schema(request=RegistrationCreateSerializer, responses={201: RegistrationSerializer})
    def create(self, request, *args, **kwargs):
        """Register for a workshop: a place if one is free, else the waiting list. Registering
        someone who is already registered is refused (400), so sending twice is harmless."""
        user = request.user
        body = RegistrationCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = body.validated_data
        workshop = selectors.workshops_for_user(user).filter(pk=values["workshop"]).first()
        if workshop is None:
            raise exceptions.ValidationError(
                {"workshop": [_("There is no workshop with this number.")]}
            )
        memberships = list(permissions.registrable_memberships(user))
        # As on the page: people without an approved organisation register themselves, in
        # workshops open to them, for their founding initiative or as individuals.
        without = permissions.may_join_without_organisation(user, workshop)
        initiatives = (
            {m.organisation_id: m.organisation for m in permissions.initiative_memberships(user)}
            if without
            else {}
        )
        require(
            bool(memberships) or without,
            _(
                "Registration is for members of registered organisations. Register your "
                "organisation or ask to join it first."
            ),
        )
        organisations = {m.organisation_id: m.organisation for m in memberships}
        if values["individual"]:
            if "organisation" in values:
                raise exceptions.ValidationError(
                    {"individual": [_("Register either for an organisation or as an individual.")]}
                )
            organisation = None  # the service refuses it for members of approved ones
        elif "organisation" in values:
            organisation = organisations.get(values["organisation"]) or initiatives.get(
                values["organisation"]
            )
            require(
                organisation is not None,
                _("You can only register people for organisations you are an active member of."),
            )
        elif len(organisations) == 1:
            (organisation,) = organisations.values()
        elif not organisations and not initiatives:
            organisation = None  # nobody else to register for: an individual
        else:
            raise exceptions.ValidationError(
                {"organisation": [_("Please choose the organisation you register for.")]}
            )
        participant = user
        if values.get("participant", user.pk) != user.pk:
            if organisation is None or not organisation.is_approved:
                raise exceptions.ValidationError(
                    {
                        "participant": [
                            _(
                                "Initiatives in founding and individuals can only register themselves."
                            )
                        ]
                    }
                )
            colleague = (
                Membership.objects.filter(
                    organisation=organisation,
                    user_id=values["participant"],
                    status=Membership.Status.ACTIVE,
                    user__is_active=True,
                )
                .select_related("user")
                .first()
            )
            if colleague is None:
                raise exceptions.ValidationError(
                    {"participant": [_("Please choose an active member of the organisation.")]}
                )
            participant = colleague.user
        registration = services.registration_create(
            workshop=workshop, participant=participant, organisation=organisation, by=user
        )
        return self._representation(registration, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: RegistrationSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel the registration; a freed place goes to the first on the waiting list."""
        registration = self.get_object()
        # Sent twice: the second answer is the service's "already cancelled" (400).
        if registration.is_active:
            require(
                permissions.can_cancel_registration(request.user, registration),
                _("You may not cancel this registration."),
            )
        services.registration_cancel(registration=registration, by=request.user)
        return self._representation(registration, status.HTTP_200_OK)


# Coaching ------------------------------------------------------------------------------------


class CoachingSessionSerializer(serializers.ModelSerializer):
    organisation = RefSerializer(read_only=True)
    consultant = serializers.SerializerMethodField()
    topics = TopicSerializer(many=True, read_only=True)
    confidential_notes = serializers.SerializerMethodField(
        help_text="Only for consultants and project leads; never for the organisation."
    )

    class Meta:
        model = CoachingSession
        fields = [
            "id",
            "organisation",
            "consultant",
            "date",
            "duration_minutes",
            "format",
            "topics",
            "participants",
            "participant_count",
            "outcome",
            "next_step",
            "follow_up_date",
            "follow_up_done_at",
            "confidential_notes",
            "created_at",
        ]
        read_only_fields = fields

    def get_consultant(self, session) -> str:
        return str(session.consultant)

    def get_confidential_notes(self, session) -> str | None:
        if permissions.can_view_confidential_notes(self.context["request"].user):
            return session.confidential_notes
        return None


class CoachingSessionCreateSerializer(serializers.Serializer):
    """For the schema: the body is checked by the coaching form of the portal."""

    organisation = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    date = serializers.DateField(help_text="Not in the future.")
    duration_minutes = serializers.IntegerField(min_value=5, max_value=1440)
    format = serializers.ChoiceField(choices=CoachingSession.Format.choices)
    topics = serializers.ListField(child=serializers.IntegerField(), required=False)
    participants = serializers.CharField(required=False, max_length=500)
    participant_count = serializers.IntegerField(
        required=False, min_value=0, max_value=500, help_text="Default: 1."
    )
    outcome = serializers.CharField(required=False, max_length=4000)
    next_step = serializers.CharField(
        required=False, max_length=500, help_text="Required with a follow-up date."
    )
    follow_up_date = serializers.DateField(required=False, allow_null=True)
    confidential_notes = serializers.CharField(required=False, max_length=4000)


class CoachingSessionFilter(CoachingLogFilter):
    """The coaching log's filters, plus one organisation's sessions (as on its coaching page)
    and ``mine`` (the consultant's own log)."""

    organisation = django_filters.NumberFilter(
        field_name="organisation_id", min_value=1, max_value=MAX_ID
    )
    mine = django_filters.BooleanFilter(method="own", label="Only the sessions I logged")

    class Meta(CoachingLogFilter.Meta):
        fields = [*CoachingLogFilter.Meta.fields, "organisation", "mine"]

    def own(self, queryset, name, value):
        user = self.request.user if self.request else None
        if value and user is not None:
            return queryset.filter(consultant=user)
        return queryset


class CoachingSessionViewSet(mixins.CreateModelMixin, ReadOnlyViewSet):
    """Coaching sessions, for the qualification team only (as the coaching pages); log a new
    one with the same checks as the coaching form."""

    serializer_class = CoachingSessionSerializer
    queryset = CoachingSession.objects.none()  # for the schema; see get_queryset
    filterset_class = CoachingSessionFilter
    ordering_fields = ["date", "created_at", "follow_up_date"]
    ordering = ["-date", "-pk"]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        require(
            permissions.can_log_coaching(request.user),
            _("Coaching sessions are for the qualification team only."),
        )

    def get_queryset(self):
        return selectors.coaching_sessions_for_user(self.request.user).order_by("-date", "-pk")

    @extend_schema(
        request=CoachingSessionCreateSerializer, responses={201: CoachingSessionSerializer}
    )
    def create(self, request, *args, **kwargs):
        """Log a coaching session with an organisation."""
        if not isinstance(request.data, dict):
            raise exceptions.ValidationError(
                {"non_field_errors": [_("Please send the session as a JSON object.")]}
            )
        data = request.data
        values, errors = _form_data(data)
        organisation_id = _an_id(data.get("organisation"))
        organisation = (
            organisations_for_user(request.user).filter(pk=organisation_id).first()
            if organisation_id is not None
            else None
        )
        if organisation is None:
            errors["organisation"] = [_("Please choose an organisation.")]
        form = CoachingSessionForm(data=values)
        if not form.is_valid():
            for field, messages in form.errors.items():
                key = "non_field_errors" if field == "__all__" else field
                errors.setdefault(key, []).extend(messages)
        if errors:
            raise exceptions.ValidationError(errors)
        session = services.coaching_session_create(
            organisation=organisation, data=form.session_data(), by=request.user
        )
        fresh = self.get_queryset().get(pk=session.pk)
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)


def _an_id(value) -> int | None:
    """A record's id from a JSON number or a string of digits, in the database's range."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    return value if isinstance(value, int) and 1 <= value <= MAX_ID else None


def _form_data(data) -> tuple[dict, dict]:
    """A JSON body as the coaching form reads a posted one (missing and null values are
    empty, or the form's starting value), and the fields sent as something no form field can read (an object, a list
    where one value is meant, true/false)."""
    values, errors = {}, {}
    for name, field in CoachingSessionForm.base_fields.items():
        value = data.get(name)
        if value is None:
            # What the page's form starts with (one participant) when nothing is sent.
            if field.initial is not None and not callable(field.initial):
                values[name] = field.initial
            continue
        # Posted forms are text: numbers are read as the text of the number.
        if name == "topics":
            values[name] = [
                str(v) if isinstance(v, int | float) and not isinstance(v, bool) else v
                for v in (value if isinstance(value, list) else [value])
            ]
        elif isinstance(value, bool | dict | list):
            errors[name] = [_("Please send a single value (text or a number).")]
        else:
            values[name] = str(value)
    return values, errors


ROUTES = [
    Route("qualification/workshops", WorkshopViewSet, "qualification_workshops"),
    Route("qualification/registrations", RegistrationViewSet, "qualification_registrations"),
    Route(
        "qualification/coaching-sessions", CoachingSessionViewSet, "qualification_coaching_sessions"
    ),
]
