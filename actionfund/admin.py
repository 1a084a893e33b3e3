from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline

from ikmo.admin import NamedWithRelated, PortalFormFields, TranslatedTexts, UploadedFileAdmin
from ikmo.content_language import columns

from .forms import CallForm
from .models import (
    ActualSpending,
    Application,
    Attachment,
    BudgetLine,
    Call,
    Criterion,
    JuryAssignment,
    PartnerInvitation,
    Payment,
    ProofOfUse,
    Receipt,
    ReminderLog,
    Return,
    Score,
    StatusChange,
)


class CallAdminForm(CallForm):
    """The portal's call form (same fields, same checks), with the admin's own widgets."""

    class Meta(CallForm.Meta):
        widgets = {}


class CriterionInline(PortalFormFields, TranslatedTexts, TranslationStackedInline):
    model = Criterion
    extra = 1


@admin.register(Call)
class CallAdmin(PortalFormFields, TranslatedTexts, TranslationAdmin):
    form = CallAdminForm
    list_display = ["title", "year", "opens_at", "closes_at", "total_budget", "is_published"]
    list_filter = ["year", "is_published", "workshop_rule"]
    search_fields = [*columns("title"), *columns("description")]
    inlines = [CriterionInline]


@admin.register(Criterion)
class CriterionAdmin(PortalFormFields, TranslatedTexts, TranslationAdmin):
    list_display = ["title", "call", "weight", "position"]
    list_filter = ["call"]
    search_fields = columns("title")


class BudgetLineInline(PortalFormFields, admin.TabularInline):
    model = BudgetLine
    extra = 0


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    readonly_fields = ["from_status", "to_status", "actor", "note", "created_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class PartnerInvitationInline(admin.TabularInline):
    model = PartnerInvitation
    extra = 0
    fields = [
        "organisation",
        "status",
        "invited_at",
        "decided_by",
        "decided_at",
        "reason",
        "consent_version",
        "consented_by",
        "consented_at",
    ]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(PortalFormFields, admin.ModelAdmin):
    # Tens of thousands of rows: 50 a page, and no second COUNT over the whole table.
    list_per_page = 50
    show_full_result_count = False
    list_display = [
        "__str__",
        "organisation",
        "call",
        "status",
        "requested_amount",
        "approved_amount",
        "submitted_at",
    ]
    list_filter = ["status", "call", "district"]
    search_fields = ["title", "organisation__name"]
    raw_id_fields = ["organisation", "created_by"]
    # Status changes go through the portal's services, so the history stays complete; the
    # partners are the accepted invitations (shown below), answered by the partners only.
    readonly_fields = [
        "status",
        "partners",
        "submitted_at",
        "approved_at",
        "decided_at",
        "submission_token",
    ]
    inlines = [BudgetLineInline, PartnerInvitationInline, StatusChangeInline]


@admin.register(BudgetLine)
class BudgetLineAdmin(PortalFormFields, admin.ModelAdmin):
    list_display = ["application", "category", "description", "amount"]
    list_filter = ["category"]
    search_fields = ["description", "application__title"]
    autocomplete_fields = ["application"]


@admin.register(Attachment)
class AttachmentAdmin(UploadedFileAdmin):
    list_display = ["original_name", "application", "content_type", "size", "uploaded_at"]
    list_filter = ["content_type"]
    search_fields = ["original_name", "application__title"]
    autocomplete_fields = ["application"]


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    list_display = ["application", "from_status", "to_status", "actor", "created_at"]
    list_filter = ["to_status"]
    search_fields = ["application__title", "note"]
    autocomplete_fields = ["application", "actor"]


@admin.register(JuryAssignment)
class JuryAssignmentAdmin(admin.ModelAdmin):
    list_display = ["application", "juror", "assigned_at"]
    list_filter = ["application__call"]
    search_fields = ["juror__email", "application__title"]
    autocomplete_fields = ["application", "juror", "assigned_by"]


@admin.register(Score)
class ScoreAdmin(admin.ModelAdmin):
    # Tens of thousands of rows: 50 a page, no second COUNT over the whole table, and the
    # newest first by key (the model's order, by application, juror and criterion, sorted
    # every score of every call across four joins to show 50).
    list_per_page = 50
    show_full_result_count = False
    ordering = ["-pk"]
    list_display = ["application", "juror", "criterion", "value"]
    list_filter = ["criterion__call"]
    search_fields = ["juror__email", "application__title"]
    autocomplete_fields = ["application", "juror"]


@admin.register(Payment)
class PaymentAdmin(PortalFormFields, admin.ModelAdmin):
    list_display = ["application", "amount", "paid_on", "reference"]
    list_filter = ["paid_on"]
    search_fields = ["reference", "application__title"]
    autocomplete_fields = ["application", "recorded_by"]


@admin.register(Return)
class ReturnAdmin(PortalFormFields, admin.ModelAdmin):
    list_display = ["application", "amount", "returned_on", "note"]
    list_filter = ["returned_on"]
    search_fields = ["note", "application__title"]
    autocomplete_fields = ["application", "recorded_by"]


class ActualSpendingInline(PortalFormFields, admin.TabularInline):
    """What the proof's application spent per budget line: a choice among that application's
    lines only (not every line of every application), so spending is added once the proof
    exists and its application is known."""

    model = ActualSpending
    extra = 0
    _application_id = None  # the proof's application, set per request by get_formset

    def get_formset(self, request, obj=None, **kwargs):
        self._application_id = obj.application_id if obj is not None else None
        return super().get_formset(request, obj, **kwargs)

    def get_max_num(self, request, obj=None, **kwargs):
        return 0 if obj is None else super().get_max_num(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "budget_line":
            kwargs["queryset"] = BudgetLine.objects.filter(application_id=self._application_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ProofOfUse)
class ProofOfUseAdmin(NamedWithRelated, admin.ModelAdmin):
    list_display = ["application", "review", "submitted_at", "reviewed_at"]
    list_select_related = ["application"]
    list_filter = ["review"]
    search_fields = ["application__title", "report"]
    autocomplete_fields = ["application", "reviewed_by"]
    inlines = [ActualSpendingInline]


@admin.register(Receipt)
class ReceiptAdmin(UploadedFileAdmin):
    list_display = ["original_name", "proof", "content_type", "size", "uploaded_at"]
    list_filter = ["content_type"]
    search_fields = ["original_name"]
    autocomplete_fields = ["proof"]


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    list_display = ["application", "kind", "sent_at"]
    list_filter = ["kind"]
    search_fields = ["application__title"]
    autocomplete_fields = ["application"]
