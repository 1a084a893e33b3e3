from django.contrib import admin

from ikmo.admin import PortalFormFields

from .models import FunderReport, FundingPeriod, PlanValue


class PlanValueInline(PortalFormFields, admin.TabularInline):
    model = PlanValue
    extra = 0
    fields = ["indicator_key", "value", "updated_by", "updated_at"]
    readonly_fields = ["updated_by", "updated_at"]


@admin.register(FundingPeriod)
class FundingPeriodAdmin(admin.ModelAdmin):
    list_display = ["name", "funder", "start", "end"]
    list_filter = ["funder"]
    search_fields = ["name", "notes"]
    date_hierarchy = "start"
    inlines = [PlanValueInline]


@admin.register(PlanValue)
class PlanValueAdmin(PortalFormFields, admin.ModelAdmin):
    list_display = ["period", "indicator_key", "value", "updated_by", "updated_at"]
    list_filter = ["period", "indicator_key"]
    search_fields = ["indicator_key", "period__name"]
    list_select_related = ["period", "updated_by"]
    readonly_fields = ["updated_by", "updated_at"]


@admin.register(FunderReport)
class FunderReportAdmin(admin.ModelAdmin):
    """Reports are records of what was sent: viewable, never edited here."""

    list_display = ["__str__", "period", "generated_by", "generated_at", "snapshot_taken_at"]
    list_filter = ["period"]
    search_fields = ["period__name", "summary", "generated_by__email"]
    list_select_related = ["period", "generated_by"]
    readonly_fields = [
        "period",
        "summary",
        "highlights",
        "challenges",
        "outlook",
        "snapshot",
        "snapshot_taken_at",
        "generated_by",
        "generated_at",
        "document",
    ]

    def has_add_permission(self, request):
        return False
