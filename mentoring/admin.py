from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from ikmo.admin import NamedWithRelated, PortalFormFields, TranslatedTexts
from ikmo.content_language import columns

from .models import (
    CooperationContact,
    CooperationStatusChange,
    Event,
    EventAgendaItem,
    EventAttendance,
    EventGuest,
    EventInfoStand,
    EventRegistration,
    EventSpeaker,
    EventTable,
    FollowUpTask,
    MentorOffer,
    MentorRequest,
    Tandem,
    TandemEvaluation,
    TandemMeeting,
    TandemNudge,
)


class CooperationStatusChangeInline(admin.TabularInline):
    model = CooperationStatusChange
    extra = 0
    readonly_fields = ["from_status", "to_status", "note", "changed_by", "changed_at"]
    can_delete = False


@admin.register(CooperationContact)
class CooperationContactAdmin(NamedWithRelated, admin.ModelAdmin):
    list_display = ["organisation", "partner", "field_of_work", "contact_date", "status"]
    list_select_related = ["organisation", "partner", "field_of_work"]
    list_filter = ["status", "field_of_work", "partner__district"]
    search_fields = ["organisation__name", "partner__name", "contact_person"]
    autocomplete_fields = ["organisation", "partner", "created_by"]
    date_hierarchy = "contact_date"
    inlines = [CooperationStatusChangeInline]


@admin.register(CooperationStatusChange)
class CooperationStatusChangeAdmin(admin.ModelAdmin):
    list_display = ["contact", "from_status", "to_status", "changed_by", "changed_at"]
    list_filter = ["to_status"]
    search_fields = ["contact__organisation__name", "contact__partner__name", "note"]
    autocomplete_fields = ["contact", "changed_by"]


class EventRegistrationInline(admin.TabularInline):
    model = EventRegistration
    extra = 0
    autocomplete_fields = ["person", "organisation"]


class EventAttendanceInline(admin.TabularInline):
    model = EventAttendance
    extra = 0
    autocomplete_fields = ["person", "organisation"]
    exclude = ["recorded_by"]


class FollowUpTaskInline(admin.TabularInline):
    model = FollowUpTask
    extra = 0
    fields = ["title", "assignee", "due_on", "done_at"]
    autocomplete_fields = ["assignee"]


class EventSpeakerInline(admin.TabularInline):
    model = EventSpeaker
    extra = 0


class EventAgendaItemInline(PortalFormFields, admin.TabularInline):
    # Speakers are chosen among the saved speakers of this event (save them first).
    model = EventAgendaItem
    extra = 0

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "speakers":
            match = getattr(request, "resolver_match", None)
            event_id = match.kwargs.get("object_id") if match else None
            kwargs["queryset"] = EventSpeaker.objects.filter(event_id=event_id or 0)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class EventInfoStandInline(admin.TabularInline):
    model = EventInfoStand
    extra = 0


class EventTableInline(admin.TabularInline):
    model = EventTable
    extra = 0
    exclude = ["created_by"]


@admin.register(Event)
class EventAdmin(PortalFormFields, TranslatedTexts, TranslationAdmin):
    list_display = ["title", "kind", "starts_at", "place", "status", "is_open", "is_public"]
    list_filter = ["kind", "status", "is_open", "is_public", "field_of_work"]
    search_fields = [*columns("title"), "place", *columns("description")]
    autocomplete_fields = ["invited_organisations", "created_by"]
    date_hierarchy = "starts_at"
    inlines = [
        EventSpeakerInline,
        EventAgendaItemInline,
        EventInfoStandInline,
        EventRegistrationInline,
        EventAttendanceInline,
        EventTableInline,
        FollowUpTaskInline,
    ]


@admin.register(EventGuest)
class EventGuestAdmin(admin.ModelAdmin):
    # Guests register and cancel themselves; the admin corrects, it does not add them.
    list_display = ["name", "event", "status", "created_at", "attended_at"]
    list_filter = ["status"]
    search_fields = ["name", "email", "organisation_name", "event__title"]
    autocomplete_fields = ["event"]
    readonly_fields = ["consent_version", "consented_at", "attendance_recorded_by"]


@admin.register(EventRegistration)
class EventRegistrationAdmin(admin.ModelAdmin):
    list_display = ["event", "person", "organisation", "created_at"]
    list_filter = ["event__kind"]
    search_fields = ["event__title", "person__email", "organisation__name"]
    autocomplete_fields = ["event", "person", "organisation"]


@admin.register(EventAttendance)
class EventAttendanceAdmin(admin.ModelAdmin):
    list_display = ["event", "display_name", "organisation", "created_at"]
    list_select_related = ["event", "person", "organisation"]
    list_filter = ["event__kind", "organisation__kind"]
    search_fields = ["event__title", "name", "person__email", "organisation__name"]
    autocomplete_fields = ["event", "person", "organisation", "recorded_by"]


@admin.register(FollowUpTask)
class FollowUpTaskAdmin(admin.ModelAdmin):
    list_display = ["title", "event", "assignee", "due_on", "done_at"]
    list_filter = [("done_at", admin.EmptyFieldListFilter), "event__kind"]
    search_fields = ["title", *columns("event__title")]
    autocomplete_fields = ["event", "assignee", "done_by", "created_by"]


@admin.register(MentorOffer)
class MentorOfferAdmin(PortalFormFields, admin.ModelAdmin):
    list_display = ["organisation", "capacity", "is_active", "updated_at"]
    list_filter = ["is_active", "fields_of_work", "languages"]
    search_fields = ["organisation__name", "description"]
    autocomplete_fields = ["organisation", "created_by"]
    filter_horizontal = ["fields_of_work", "topics", "languages"]


@admin.register(MentorRequest)
class MentorRequestAdmin(PortalFormFields, admin.ModelAdmin):
    list_display = ["organisation", "district", "status", "created_at"]
    list_select_related = ["organisation", "district"]
    list_filter = ["status", "district", "fields_of_work"]
    search_fields = ["organisation__name", "needs"]
    autocomplete_fields = ["organisation", "created_by"]
    filter_horizontal = ["fields_of_work", "topics", "languages"]


class TandemMeetingInline(admin.TabularInline):
    model = TandemMeeting
    extra = 0
    fields = ["met_on", "format", "duration_minutes", "summary", "logged_by"]
    readonly_fields = ["logged_by"]


class TandemEvaluationInline(admin.TabularInline):
    model = TandemEvaluation
    autocomplete_fields = ["organisation"]
    extra = 0
    fields = ["organisation", "goals_reached", "rating", "comment"]


@admin.register(Tandem)
class TandemAdmin(admin.ModelAdmin):
    list_display = ["mentor", "mentee", "status", "starts_on", "ended_on", "lead"]
    list_select_related = ["mentor", "mentee", "lead"]
    list_filter = ["status"]
    search_fields = ["mentor__name", "mentee__name", "goals"]
    autocomplete_fields = ["mentor", "mentee", "lead"]
    raw_id_fields = ["request", "mentor_accepted_by", "mentee_accepted_by"]
    inlines = [TandemMeetingInline, TandemEvaluationInline]


@admin.register(TandemMeeting)
class TandemMeetingAdmin(admin.ModelAdmin):
    list_display = ["tandem", "met_on", "format", "duration_minutes", "logged_by"]
    list_filter = ["format"]
    search_fields = ["tandem__mentor__name", "tandem__mentee__name", "summary"]
    date_hierarchy = "met_on"
    raw_id_fields = ["tandem", "logged_by", "logged_for"]


@admin.register(TandemEvaluation)
class TandemEvaluationAdmin(admin.ModelAdmin):
    list_display = ["tandem", "organisation", "goals_reached", "rating", "created_at"]
    list_filter = ["goals_reached", "rating"]
    search_fields = ["tandem__mentor__name", "tandem__mentee__name", "comment"]
    raw_id_fields = ["tandem", "organisation", "submitted_by"]


@admin.register(TandemNudge)
class TandemNudgeAdmin(admin.ModelAdmin):
    list_display = ["tandem", "gap_since", "sent_at"]
    list_filter = ["sent_at"]
    search_fields = ["tandem__mentor__name", "tandem__mentee__name"]
    raw_id_fields = ["tandem"]
