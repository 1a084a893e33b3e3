from django.contrib import admin

from .models import BulkMessage, BulkRecipient


@admin.register(BulkMessage)
class BulkMessageAdmin(admin.ModelAdmin):
    """Read-only: messages are written and sent on the portal's "Messages to many" page."""

    list_display = ["subject_de", "kind", "segment_label", "requested_by", "status", "created_at"]
    list_filter = ["kind", "status", "segment"]
    list_select_related = ["requested_by"]
    search_fields = ["subject_de", "segment_label", "requested_by__email"]
    exclude = ["file"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(BulkRecipient)
class BulkRecipientAdmin(admin.ModelAdmin):
    list_display = ["email", "message", "language", "skipped", "created_at"]
    list_filter = ["language", "skipped"]
    list_select_related = ["message"]
    search_fields = ["email"]
    raw_id_fields = ["message", "user", "email_row"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
