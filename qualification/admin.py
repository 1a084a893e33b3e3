from django.contrib import admin
from django.db import models
from modeltranslation.admin import TranslationAdmin

from ikmo.admin import NamedWithRelated, PortalFormFields, TranslatedTexts
from ikmo.content_language import columns

from . import services
from .models import (
    CoachingCase,
    CoachingNudge,
    CoachingSession,
    Feedback,
    Registration,
    Topic,
    Workshop,
    WorkshopSession,
)


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name_de", "name_en", "slug", "position"]
    list_filter = ["position"]
    search_fields = ["name_de", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}


class WorkshopSessionInline(admin.TabularInline):
    model = WorkshopSession
    extra = 0


class RegistrationInline(admin.TabularInline):
    model = Registration
    extra = 0
    fields = ["participant", "organisation", "status", "position", "attended"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True


@admin.register(Workshop)
class WorkshopAdmin(PortalFormFields, TranslatedTexts, TranslationAdmin):
    list_display = ["title", "starts_at", "status", "is_basic", "capacity", "trainer"]
    list_filter = ["status", "is_basic", "open_to_initiatives", "topics", "languages"]
    search_fields = [*columns("title"), *columns("description"), "venue"]
    list_select_related = ["trainer"]
    filter_horizontal = ["topics", "languages"]
    autocomplete_fields = ["trainer"]
    readonly_fields = ["starts_at", "ends_at", "created_by", "created_at", "updated_at"]
    inlines = [WorkshopSessionInline, RegistrationInline]
    date_hierarchy = "starts_at"
    formfield_overrides = {
        **PortalFormFields.formfield_overrides,
        models.URLField: {"assume_scheme": "https"},
    }

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        from .services import _sync_dates

        # Keep the copied first/last date in step with the sessions edited inline.
        _sync_dates(form.instance)


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    # Tens of thousands of rows: 50 a page, and no second COUNT over the whole table.
    list_per_page = 50
    show_full_result_count = False
    list_display = [
        "participant",
        "workshop",
        "organisation",
        "taking_part_as",
        "status",
        "position",
        "attended",
    ]
    list_filter = ["status", "attended", "taking_part_as", "workshop__is_basic"]
    search_fields = [
        "participant__email",
        "participant__last_name",
        "organisation__name",
        "workshop__title",
    ]
    list_select_related = ["participant", "workshop", "organisation"]
    autocomplete_fields = [
        "participant",
        "organisation",
        "registered_by",
        "cancelled_by",
        "workshop",
    ]
    readonly_fields = [
        "created_at",
        "promoted_at",
        "cancelled_at",
        "reminder_sent_at",
        "followup_sent_at",
        "carried_over_at",
    ]


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["registration", "rating", "created_at"]
    list_filter = ["rating"]
    search_fields = ["registration__workshop__title", "comment"]
    list_select_related = ["registration__workshop", "registration__participant"]
    raw_id_fields = ["registration"]


@admin.register(CoachingCase)
class CoachingCaseAdmin(NamedWithRelated, admin.ModelAdmin):
    list_display = ["organisation", "consultant", "is_active", "started_on", "closed_on"]
    list_filter = ["is_active"]
    search_fields = ["organisation__name", "consultant__email"]
    list_select_related = ["organisation", "consultant"]
    autocomplete_fields = ["organisation", "consultant"]


@admin.register(CoachingSession)
class CoachingSessionAdmin(PortalFormFields, admin.ModelAdmin):
    # Tens of thousands of rows: 50 a page, and no second COUNT over the whole table.
    list_per_page = 50
    show_full_result_count = False
    list_display = [
        "organisation",
        "date",
        "consultant",
        "format",
        "duration_minutes",
        "follow_up_date",
    ]
    list_filter = ["format", "topics", "date"]
    search_fields = ["organisation__name", "consultant__email", "outcome", "next_step"]
    list_select_related = ["organisation", "consultant"]
    autocomplete_fields = ["organisation", "consultant"]
    filter_horizontal = ["topics"]
    readonly_fields = ["follow_up_reminded_at", "created_at", "updated_at"]
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        before = form.initial.get("organisation") if change else None
        super().save_model(request, obj, form, change)
        # A corrected date or organisation changes which follow-ups a later session covers.
        services.coaching_superseded_refresh(
            organisation_ids={obj.organisation_id, before} - {None}
        )

    def delete_model(self, request, obj):
        organisation_id = obj.organisation_id
        super().delete_model(request, obj)
        services.coaching_superseded_refresh(organisation_ids=[organisation_id])

    def delete_queryset(self, request, queryset):
        organisation_ids = set(queryset.values_list("organisation_id", flat=True))
        super().delete_queryset(request, queryset)
        services.coaching_superseded_refresh(organisation_ids=organisation_ids)


@admin.register(CoachingNudge)
class CoachingNudgeAdmin(admin.ModelAdmin):
    list_display = ["case", "last_session_date", "sent_at"]
    list_filter = ["sent_at"]
    search_fields = ["case__organisation__name"]
    list_select_related = ["case__organisation"]
    autocomplete_fields = ["case"]
