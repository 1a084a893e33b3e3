"""The action fund in the REST API: calls (public), and applications with their draft save,
submission and start.

Everything answers through the selectors and predicates of the fund's pages: calls as the
call list shows them (``calls_visible_to``), applications as ``applications_visible_to``
(members their organisations', jurors their assignments once submitted, fund staff all),
jury scores only where the application page shows them (``can_see_scores``: never to
applicants or jurors). Writes go through the services of the multi-step form, checked by
the form's own step forms, so a draft saved here obeys the same rules as one saved there.
"""

import copy

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef
from django.forms.models import model_to_dict
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from ikmo.api.auth import PublicRead, TokenScope
from ikmo.api.base import MAX_ID, DetailUnfilteredMixin, ReadOnlyViewSet, require
from ikmo.api.errors import ErrorSerializer
from ikmo.api.routes import Route
from ikmo.api.serializers import RefSerializer
from ikmo.queries import count_of
from organisations.models import Organisation

from . import permissions, selectors, services
from .filters import ApplicationFilter
from .forms import BasicsForm, BudgetLineForm, ProjectForm, SubmitForm
from .models import (
    Application,
    Attachment,
    BudgetLine,
    Call,
    Criterion,
    JuryAssignment,
    PartnerInvitation,
    Score,
    StatusChange,
)

# --- calls -------------------------------------------------------------------------------


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Criterion
        fields = ["id", "title", "description", "weight", "position"]
        read_only_fields = fields


class CallSerializer(serializers.ModelSerializer):
    is_open = serializers.BooleanField(read_only=True)
    allowed_legal_form_labels = serializers.ListField(child=serializers.CharField(), read_only=True)
    workshop_rule_label = serializers.CharField(source="get_workshop_rule_display", read_only=True)
    criteria = CriterionSerializer(many=True, read_only=True)

    class Meta:
        model = Call
        # As the call pages show it: no total budget, no message templates.
        fields = [
            "id",
            "year",
            "title",
            "description",
            "opens_at",
            "closes_at",
            "decision_expected_on",
            "is_published",
            "is_open",
            "max_single",
            "max_cooperation",
            "max_score",
            "allowed_legal_forms",
            "allowed_legal_form_labels",
            "workshop_rule",
            "workshop_rule_label",
            "criteria",
        ]
        read_only_fields = fields


class CallViewSet(DetailUnfilteredMixin, ReadOnlyViewSet):
    """Calls for proposals with their selection criteria and ceilings, as the call pages show
    them: published calls for everyone (anonymous too), unpublished ones for fund staff."""

    permission_classes = [PublicRead, TokenScope]
    serializer_class = CallSerializer
    queryset = Call.objects.none()  # for the schema; see get_queryset
    filterset_fields = ["year", "is_published"]
    ordering_fields = ["opens_at", "closes_at", "year", "title", "id"]
    ordering = ["-year", "-opens_at", "-id"]

    def get_queryset(self):
        return selectors.calls_visible_to(user=self.request.user).prefetch_related("criteria")


# --- applications: what is shown ----------------------------------------------------------


class ApplicationApiFilter(ApplicationFilter):
    """The staff list's filter (search, call, status, district, proof of use and its due
    date), for everyone's list; the call choices are the calls the person may see, so a
    filter never tells whether an unpublished call exists.

    The proof-of-use filters are kept on purpose: they only narrow down the applications the
    person may see anyway, and an applicant's program may ask for its own overdue ones too.
    `proof_due_by` takes ISO dates (2026-12-31) as well as German ones."""

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if request is not None:
            self.filters["call"].queryset = selectors.calls_visible_to(user=request.user)


class ScoreSummarySerializer(serializers.Serializer):
    average = serializers.DecimalField(
        max_digits=8,
        decimal_places=2,
        allow_null=True,
        help_text="The mean over jurors of their weighted scores; null while nobody scored.",
    )
    jurors = serializers.IntegerField(help_text="How many jury members have scored.")


class JuryProgressSerializer(serializers.Serializer):
    scored_criteria = serializers.IntegerField(help_text="Criteria you have scored.")
    criteria = serializers.IntegerField(help_text="Criteria of the call.")


class ApplicationSerializer(serializers.ModelSerializer):
    """One row of the application lists (the staff list's columns)."""

    reference = serializers.CharField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    call_title = serializers.CharField(source="call.title", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    district_name = serializers.CharField(
        source="district.name", default=None, read_only=True, allow_null=True
    )
    is_cooperation = serializers.SerializerMethodField()
    score = serializers.SerializerMethodField(
        help_text="The jury's weighted score: for fund staff only, null for everyone else."
    )
    jury_progress = serializers.SerializerMethodField(
        help_text="For the jury member assigned to it: how much of the scoring is done."
    )

    class Meta:
        model = Application
        fields = [
            "id",
            "reference",
            "title",
            "status",
            "status_label",
            "call",
            "call_title",
            "organisation",
            "organisation_name",
            "district",
            "district_name",
            "is_cooperation",
            "requested_amount",
            "approved_amount",
            "submitted_at",
            "decided_at",
            "created_at",
            "updated_at",
            "score",
            "jury_progress",
        ]
        read_only_fields = fields

    def get_is_cooperation(self, application) -> bool:
        count = getattr(application, "partner_count", None)
        if count is None:
            return application.partners.exists()
        return count > 0

    @extend_schema_field(ScoreSummarySerializer(allow_null=True))
    def get_score(self, application):
        summary = getattr(application, "score_summary", None)
        return ScoreSummarySerializer(summary).data if summary is not None else None

    @extend_schema_field(JuryProgressSerializer(allow_null=True))
    def get_jury_progress(self, application):
        if not getattr(application, "my_assignment", 0):
            return None
        return {"scored_criteria": application.my_scores, "criteria": application.criteria_count}


class BudgetLineSerializer(serializers.ModelSerializer):
    category_label = serializers.CharField(source="get_category_display", read_only=True)

    class Meta:
        model = BudgetLine
        fields = ["id", "category", "category_label", "description", "amount"]
        read_only_fields = fields


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["id", "original_name", "description", "size"]
        read_only_fields = fields


class StatusChangeSerializer(serializers.ModelSerializer):
    from_status_label = serializers.CharField(source="get_from_status_display", read_only=True)
    to_status_label = serializers.CharField(source="get_to_status_display", read_only=True)
    actor = serializers.SerializerMethodField(help_text="Who took the step; null if automatic.")

    class Meta:
        model = StatusChange
        fields = [
            "from_status",
            "from_status_label",
            "to_status",
            "to_status_label",
            "actor",
            "note",
            "created_at",
        ]
        read_only_fields = fields

    def get_actor(self, change) -> str | None:
        return str(change.actor) if change.actor_id else None


class PartnerInvitationSerializer(serializers.ModelSerializer):
    organisation = RefSerializer(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = PartnerInvitation
        fields = ["organisation", "status", "status_label", "invited_at", "decided_at"]
        read_only_fields = fields


class ApplicationDetailSerializer(ApplicationSerializer):
    """An application as its page shows it to the person asking."""

    partners = RefSerializer(
        many=True,
        read_only=True,
        source="partner_list",
        help_text="Partner organisations that have accepted their invitation.",
    )
    partner_invitations = PartnerInvitationSerializer(
        many=True,
        read_only=True,
        source="invitation_list",
        help_text="Every organisation invited as a partner, with its answer. Invitations are "
        "sent and answered in the portal.",
    )
    budget_lines = BudgetLineSerializer(many=True, read_only=True, source="line_list")
    budget_total = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    ceiling = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        read_only=True,
        help_text="The call's ceiling for this kind of project (single or cooperation).",
    )
    attachments = AttachmentSerializer(many=True, read_only=True, source="attachment_list")
    history = StatusChangeSerializer(many=True, read_only=True, source="history_list")
    decision_message = serializers.SerializerMethodField()
    can_edit = serializers.SerializerMethodField(
        help_text="Whether you may save this draft (PATCH) and submit it."
    )

    class Meta(ApplicationSerializer.Meta):
        fields = [
            *ApplicationSerializer.Meta.fields,
            "summary",
            "goals",
            "target_group",
            "activities",
            "start_date",
            "end_date",
            "partners",
            "partner_invitations",
            "budget_lines",
            "budget_total",
            "ceiling",
            "attachments",
            "proof_due_date",
            "decision_message",
            "history",
            "can_edit",
        ]
        read_only_fields = fields

    def get_decision_message(self, application) -> str | None:
        return application.decision_message if application.decided_at else None

    def get_can_edit(self, application) -> bool:
        return permissions.can_edit_application(self.context["request"].user, application)


# --- applications: what is sent ------------------------------------------------------------

# The step forms of the multi-step form, by step (services.STEP_FIELDS names their fields).
STEP_FORMS = {"basics": BasicsForm, "project": ProjectForm}
MAX_BUDGET_LINES = 30  # as the budget step (BudgetFormSet.max_num)


def _text(**kwargs):
    return serializers.CharField(required=False, allow_blank=True, **kwargs)


class BudgetLineInputSerializer(serializers.Serializer):
    id = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_ID,
        help_text="A stored line to keep (its id); leave out for a new line.",
    )
    category = serializers.ChoiceField(choices=BudgetLine.Category.choices)
    description = serializers.CharField(allow_blank=True, max_length=1000)
    # A JSON number or a decimal string with a point ("1200.50"). Read here, not by the
    # form's field: that one reads German notation, where "1.200" would be 1200.
    amount = serializers.DecimalField(max_digits=None, decimal_places=None, max_value=None)


class DraftSerializer(serializers.Serializer):
    """The fields of a draft; only those sent are changed."""

    title = _text()
    summary = _text()
    goals = _text()
    target_group = _text()
    activities = _text()
    district = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID, help_text="A district id."
    )
    start_date = serializers.DateField(required=False, allow_null=True)
    end_date = serializers.DateField(required=False, allow_null=True)
    budget_lines = serializers.ListField(
        child=BudgetLineInputSerializer(),
        required=False,
        max_length=MAX_BUDGET_LINES,
        help_text="The whole budget: lines left out are removed.",
    )

    def validate(self, attrs):
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(
                {name: [_("This field cannot be changed here.")] for name in unknown}
            )
        return attrs


class StartSerializer(serializers.Serializer):
    call = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    organisation = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="Your organisation that applies."
    )


class SubmitSerializer(serializers.Serializer):
    confirm = serializers.BooleanField(
        help_text="Must be true: the information is correct and complete."
    )
    token = serializers.CharField(
        required=False,
        max_length=32,
        help_text=(
            "Optional: the submission_token you last read. If the application was submitted "
            "in the meantime, nothing happens (409)."
        ),
    )

    def validate_confirm(self, value):
        if not value:
            raise serializers.ValidationError(
                SubmitForm.base_fields["confirm"].error_messages["required"]
            )
        return value


class AlreadySubmitted(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("This application has already been submitted.")
    default_code = "already_submitted"


def _step_values(application, given: dict) -> tuple[dict, dict]:
    """Check the sent fields with the step forms, as a draft ("save draft": nothing is
    required yet). Returns ({step: values}, errors)."""
    values, errors = {}, {}
    for step, names in services.STEP_FIELDS.items():
        sent = [name for name in names if name in given]
        if not sent:
            continue
        stored = model_to_dict(application, fields=names)
        data = {**stored, **{name: given[name] for name in sent}}
        data = {name: "" if value is None else value for name, value in data.items()}
        # The form writes into its instance while validating: a copy keeps ours as stored.
        form = STEP_FORMS[step](data, instance=copy.copy(application), strict=False)
        if form.is_valid():
            values[step] = {name: form.cleaned_data[name] for name in sent}
        else:
            for name, messages in form.errors.items():
                errors.setdefault("non_field_errors" if name == "__all__" else name, []).extend(
                    messages
                )
    return values, errors


def _budget_lines(application, lines: list) -> tuple[list, dict]:
    """Check each line with the budget step's line form. Returns (lines, errors by index)."""
    stored = set(application.budget_lines.values_list("pk", flat=True))
    inputs, errors, seen = [], {}, set()
    for index, line in enumerate(lines):
        form = BudgetLineForm(
            {
                "category": line["category"],
                "description": line["description"],
                "amount": line["amount"],
            }
        )
        problems = {} if form.is_valid() else {k: list(v) for k, v in form.errors.items()}
        pk = line.get("id")
        if pk is not None and (pk not in stored or pk in seen):
            problems["id"] = [_("This is not a line of this application's budget.")]
        seen.add(pk)
        if problems:
            errors[str(index)] = problems
            continue
        data = form.cleaned_data
        inputs.append(
            services.BudgetLineInput(
                category=data["category"],
                description=data["description"],
                amount=data["amount"],
                pk=pk,
            )
        )
    return inputs, errors


# --- applications: the endpoint -------------------------------------------------------------


class ApplicationViewSet(DetailUnfilteredMixin, ReadOnlyViewSet):
    """Action fund applications the person may see, as the application pages show them:
    members their organisations' applications, jury members the ones assigned to them
    (once submitted), fund staff all of them. The jury's score is shown to fund staff only.

    Applicants save a draft (PATCH, the fields of the form's steps; only those sent change)
    and submit it (POST .../submit/); POST to the list starts a draft (or answers the
    organisation's open draft for that call)."""

    serializer_class = ApplicationSerializer
    queryset = Application.objects.none()  # for the schema; see get_queryset
    filterset_class = ApplicationApiFilter
    ordering_fields = [
        "created_at",
        "submitted_at",
        "updated_at",
        "requested_amount",
        "title",
        "id",
    ]
    ordering = ["-created_at", "-id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self):
        return ApplicationSerializer if self.action == "list" else ApplicationDetailSerializer

    def get_queryset(self):
        user = self.request.user
        qs = selectors.with_list_data(selectors.applications_visible_to(user=user))
        if permissions.is_juror(user):
            # The assignment page's progress: subqueries, so the rows are not multiplied.
            qs = qs.annotate(
                my_assignment=count_of(
                    JuryAssignment.objects.filter(application=OuterRef("pk"), juror=user)
                ),
                my_scores=count_of(Score.objects.filter(application=OuterRef("pk"), juror=user)),
                criteria_count=count_of(Criterion.objects.filter(call=OuterRef("call_id"))),
            )
        return qs

    def _with_scores(self, applications):
        """The jury's score for the applications the person may see scores of (the
        application page's ``can_see_scores``), computed per call as the page does."""
        user = self.request.user
        by_call = {}
        for application in applications:
            if permissions.can_see_scores(user, application):
                by_call.setdefault(application.call_id, []).append(application)
        for rows in by_call.values():
            scores = selectors.weighted_scores([a.pk for a in rows], rows[0].call)
            for application in rows:
                application.score_summary = scores.get(
                    application.pk, {"average": None, "jurors": 0}
                )
        return applications

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self._with_scores(self.paginate_queryset(queryset))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def get_object(self):
        application = super().get_object()
        # What the application page reads besides the row, in a fixed number of queries.
        application.budget_total = selectors.budget_total(application)
        application.ceiling = selectors.ceiling_for(application)
        application.partner_list = list(application.partners.order_by("name"))
        application.invitation_list = list(selectors.invitations_of(application))
        application.line_list = list(application.budget_lines.all())
        application.attachment_list = list(application.attachments.all())
        application.history_list = list(selectors.history_of(application))
        return self._with_scores([application])[0]

    def _detail(self, application, status_code=status.HTTP_200_OK):
        return Response(self.get_serializer(application).data, status=status_code)

    # --- writes

    @extend_schema(
        request=DraftSerializer,
        responses={200: ApplicationDetailSerializer},
        description=(
            "Save the draft (or the application sent back for more information) as the form's "
            "'Save draft' does: only the fields sent change, nothing is required yet. "
            "Invalid input changes nothing and answers 400 with the messages per field."
        ),
    )
    def partial_update(self, request, *args, **kwargs):
        application = self.get_object()
        user = request.user
        require(
            permissions.can_edit_application(user, application),
            _("This application can no longer be changed, or you may not change it."),
        )
        draft = DraftSerializer(data=request.data)
        draft.is_valid(raise_exception=True)
        given = draft.validated_data
        values, errors = _step_values(application, given)
        lines = None
        if "budget_lines" in given:
            lines, line_errors = _budget_lines(application, given["budget_lines"])
            if line_errors:
                errors["budget_lines"] = line_errors
        if errors:
            raise serializers.ValidationError(errors)
        with transaction.atomic():
            for step, step_values in values.items():
                # What the person typed in the browser and could not be stored yet stays,
                # except for the fields sent now.
                unsaved = {
                    name: text
                    for name, text in (application.draft_data or {}).get(step, {}).items()
                    if name not in step_values
                }
                application = services.application_save_step(
                    application=application, step=step, values=step_values, unsaved=unsaved, by=user
                )
            if lines is not None:
                services.application_save_budget(
                    application=application, lines=lines, unsaved=[], by=user
                )
        return self._detail(self.get_object())

    @extend_schema(
        request=SubmitSerializer,
        responses={
            200: ApplicationDetailSerializer,
            409: OpenApiResponse(
                ErrorSerializer, description="The application has already been submitted."
            ),
        },
        description=(
            "Submit the draft (or resubmit after a request for information), with every rule "
            "of the portal's submit button: complete, within the ceiling, the call open, the "
            "organisation eligible. What stops it answers 400; a second submit answers 409 "
            "and changes nothing."
        ),
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        application = self.get_object()
        user = request.user
        require(
            permissions.is_applicant(user, application),
            _("Only the applying organisation can submit its application."),
        )
        form = SubmitSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        token = form.validated_data.get("token") or application.submission_token
        try:
            services.application_submit(application=application, token=token, by=user)
        except ValidationError as error:
            if getattr(error, "code", None) == "already_submitted":
                raise AlreadySubmitted() from None
            raise
        return self._detail(self.get_object())

    @extend_schema(
        request=StartSerializer,
        responses={
            201: ApplicationDetailSerializer,
            200: OpenApiResponse(
                ApplicationDetailSerializer,
                description="The organisation already has a draft for this call: that one.",
            ),
        },
        description=(
            "Start an application for one of your organisations, as 'Apply now' does. An "
            "organisation has one open draft per call: if it has one, that draft answers (200)."
        ),
    )
    def create(self, request, *args, **kwargs):
        start = StartSerializer(data=request.data)
        start.is_valid(raise_exception=True)
        call = (
            selectors.calls_visible_to(user=request.user)
            .filter(pk=start.validated_data["call"])
            .first()
        )
        if call is None:
            raise serializers.ValidationError({"call": [_("There is no such call.")]})
        organisation = Organisation.objects.filter(pk=start.validated_data["organisation"]).first()
        if organisation is None:
            raise serializers.ValidationError(
                {"organisation": [_("There is no such organisation.")]}
            )
        # The service refuses anyone who is not an active member of the organisation (403).
        application, created = services.application_start_or_continue(
            call=call, organisation=organisation, by=request.user
        )
        self.kwargs["pk"] = application.pk
        return self._detail(
            self.get_object(), status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


ROUTES = [
    Route("actionfund/calls", CallViewSet, "actionfund_calls"),
    Route("actionfund/applications", ApplicationViewSet, "actionfund_applications"),
]
