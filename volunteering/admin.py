from django.contrib import admin

from ikmo.admin import NamedWithRelated, PortalFormFields, UploadedFileAdmin

from .models import (
    Consultation,
    Contingent,
    Placement,
    RecognitionDocument,
    ReminderSent,
    Seminar,
    SeminarAttendance,
    ServiceProfile,
    StatusChange,
    Volunteer,
)


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    readonly_fields = ["from_status", "to_status", "note", "changed_by", "changed_at"]
    can_delete = False


@admin.register(ServiceProfile)
class ServiceProfileAdmin(NamedWithRelated, admin.ModelAdmin):
    list_display = [
        "organisation",
        "status",
        "carrier",
        "offers_fsj",
        "offers_bfd",
        "recognised_on",
        "places",
    ]
    list_filter = ["status", "offers_fsj", "offers_bfd"]
    search_fields = ["organisation__name", "carrier__name"]
    list_select_related = ["organisation", "carrier"]
    autocomplete_fields = ["organisation", "carrier"]
    inlines = [StatusChangeInline]


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    list_display = ["profile", "from_status", "to_status", "changed_by", "changed_at"]
    list_filter = ["to_status"]
    search_fields = ["profile__organisation__name", "note"]
    readonly_fields = ["profile", "from_status", "to_status", "note", "changed_by", "changed_at"]


@admin.register(RecognitionDocument)
class RecognitionDocumentAdmin(UploadedFileAdmin):
    list_display = ["title", "profile", "content_type", "size", "uploaded_by", "uploaded_at"]
    list_filter = ["content_type"]
    search_fields = ["title", "profile__organisation__name"]
    readonly_fields = ["uploaded_at"]
    autocomplete_fields = ["profile"]


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = ["held_on", "organisation", "topic", "format", "follow_up_on", "consultant"]
    list_select_related = ["organisation", "consultant"]
    list_filter = ["format", "held_on"]
    search_fields = ["organisation__name", "topic", "next_step"]
    date_hierarchy = "held_on"
    autocomplete_fields = ["organisation", "consultant"]


@admin.register(Contingent)
class ContingentAdmin(NamedWithRelated, admin.ModelAdmin):
    list_display = ["carrier", "year", "service_type", "places"]
    list_filter = ["year", "service_type"]
    search_fields = ["carrier__name"]
    list_select_related = ["carrier"]
    autocomplete_fields = ["carrier"]


@admin.register(Volunteer)
class VolunteerAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "birth_year",
        "consent_given_on",
        "consent_text_version",
        "anonymised_at",
    ]
    list_filter = ["migration_background_consent", "consent_text_version", "anonymised_at"]
    search_fields = ["first_name", "last_name", "email"]
    readonly_fields = ["anonymised_at"]


class AttendanceInline(admin.TabularInline):
    model = SeminarAttendance
    extra = 0
    autocomplete_fields = ["placement", "recorded_by"]


@admin.register(Placement)
class PlacementAdmin(PortalFormFields, admin.ModelAdmin):
    list_display = [
        "__str__",
        "volunteer",
        "site",
        "service_type",
        "start_date",
        "end_date",
        "status",
    ]
    list_filter = ["status", "service_type", "contingent__year"]
    search_fields = [
        "pk",
        "site__name",
        "volunteer__first_name",
        "volunteer__last_name",
        "mentor_name",
    ]
    list_select_related = ["volunteer", "site"]
    autocomplete_fields = ["site", "volunteer", "contingent", "created_by"]


@admin.register(Seminar)
class SeminarAdmin(admin.ModelAdmin):
    list_display = ["title", "carrier", "service_type", "start_date", "end_date", "days"]
    list_filter = ["service_type", "start_date"]
    search_fields = ["title", "carrier__name", "location"]
    autocomplete_fields = ["carrier"]
    inlines = [AttendanceInline]


@admin.register(SeminarAttendance)
class SeminarAttendanceAdmin(admin.ModelAdmin):
    list_display = ["seminar", "placement", "days_attended", "recorded_by"]
    list_filter = ["seminar__service_type"]
    search_fields = ["seminar__title", "placement__site__name"]
    autocomplete_fields = ["seminar", "placement", "recorded_by"]


@admin.register(ReminderSent)
class ReminderSentAdmin(admin.ModelAdmin):
    list_display = ["kind", "placement", "sent_at"]
    list_filter = ["kind"]
    search_fields = ["placement__site__name"]
    readonly_fields = ["kind", "placement", "sent_at"]
