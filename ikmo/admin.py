from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .content_language import direction
from .formfields import FORM_CLASSES
from .models import (
    ApiToken,
    AuditEntry,
    CheckIn,
    GeneratedDocument,
    ListExport,
    Message,
    NotificationPreference,
    OutboundEmail,
    StaffMFAInvitation,
    Thread,
    ThreadRead,
)


class PortalFormFields:
    """Mixed into a ModelAdmin or inline (before it): its forms get the portal's decimal and
    multiple-choice fields (ikmo.formfields), as the portal's own forms do."""

    formfield_overrides = {field: {"form_class": form} for field, form in FORM_CLASSES.items()}


class NamedWithRelated:
    """Mixed into a ModelAdmin (before it) whose rows are named after a related row (an
    interview by its organisation, a proof of use by its application): every query of the
    admin reads its `list_select_related`, so the 20 answers of an autocomplete box on
    another admin's form, or a delete confirmation, are one query instead of one per row."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        related = self.list_select_related
        return queryset.select_related(*related) if related and related is not True else queryset


class TranslatedTexts:
    """Mixed into a modeltranslation ``TranslationAdmin`` or inline (before it): each language's
    input carries its language and direction, so Arabic is typed right to left (the portal's
    forms do the same, ikmo.content_language.TranslatedTextsForm)."""

    def patch_translation_field(self, db_field, field, request, **kwargs):
        super().patch_translation_field(db_field, field, request, **kwargs)
        language = getattr(db_field, "language", None)
        if language:
            widget = getattr(field.widget, "widget", field.widget)  # a clearable wrapper
            widget.attrs.update(lang=language, dir=direction(language))


class UploadedFileAdmin(admin.ModelAdmin):
    """Uploaded files are only looked at in the admin. They come in through the portal's
    upload forms, which check every file (ikmo/uploads.py: type sniffing, active PDF content,
    archive bombs, size); an admin form would let a file past those checks."""

    upload_fields = ("file", "original_name", "content_type", "size", "uploaded_by")

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *self.upload_fields]

    def has_add_permission(self, request):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Read-only: people create and revoke their own tokens on the portal's token page; the
    secret is never stored (only its hash, which is not shown here either)."""

    list_display = ["name", "user", "prefix", "scope", "created_at", "expires_at", "revoked_at"]
    list_filter = ["scope", ("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["user__email", "name", "prefix"]
    exclude = ["digest"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    """Read-only: each person chooses on their "Notifications" page (messaging/); the consent
    to newsletters is theirs to give, not the admins'."""

    list_display = ["user", "reminders", "newsletter", "newsletter_consent_at", "updated_at"]
    list_filter = ["reminders", "newsletter"]
    list_select_related = ["user"]
    search_fields = ["user__email"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(StaffMFAInvitation)
class StaffMFAInvitationAdmin(admin.ModelAdmin):
    """Read-only: links are made by the action on the people's list or `manage.py mfa_invite`
    (the token itself is only in the e-mail)."""

    list_display = ["user", "created_by", "created_at", "expires_at", "used_at"]
    list_filter = [("used_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user", "created_by"]
    search_fields = ["user__email"]
    exclude = ["token_hash"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the trail is evidence, nobody edits it."""

    list_display = ["created_at", "actor", "action", "object_repr", "organisation"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr", "actor__email", "action", "organisation__name"]
    list_select_related = ["actor", "organisation"]
    date_hierarchy = "created_at"

    def lookup_allowed(self, lookup, value, request=None):
        # One organisation's trail, linked from its change form (organisations/admin.py).
        return lookup == "organisation__id__exact" or super().lookup_allowed(lookup, value, request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(GeneratedDocument)
class GeneratedDocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "status", "progress", "attempts", "requested_by", "created_at"]
    list_filter = ["status", "kind"]
    search_fields = ["title", "requested_by__email", "organisation__name"]
    autocomplete_fields = ["requested_by", "organisation"]
    list_select_related = ["requested_by"]
    readonly_fields = ["file", "created_at", "enqueued_at", "finished_at"]


@admin.register(ListExport)
class ListExportAdmin(admin.ModelAdmin):
    list_display = ["list_key", "format", "status", "row_count", "requested_by", "created_at"]
    list_filter = ["status", "format", "list_key"]
    search_fields = ["requested_by__email"]
    autocomplete_fields = ["requested_by"]
    list_select_related = ["requested_by"]
    readonly_fields = ["uuid", "file", "params", "created_at", "enqueued_at", "finished_at"]


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    """Staff see failed deliveries here, with the error, and can retry them."""

    list_display = [
        "created_at",
        "to",
        "subject",
        "status",
        "attempts",
        "last_error",
        "next_attempt_at",
        "sent_at",
    ]
    list_filter = ["status"]
    search_fields = ["to", "subject"]
    readonly_fields = [
        "to",
        "subject",
        "body",
        "headers",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "sent_at",
    ]
    actions = ["retry"]

    @admin.action(description=_("Send again"))
    def retry(self, request, queryset):
        from django.utils import timezone

        from .queue import enqueue_on_commit
        from .tasks import send_email

        for email in queryset.exclude(status=OutboundEmail.Status.SENT):
            # A fresh start: due now, and a new give-up horizon from this moment.
            OutboundEmail.objects.filter(pk=email.pk).update(
                status=OutboundEmail.Status.PENDING,
                next_attempt_at=None,
                enqueued_at=None,
                retrying_since=timezone.now(),
            )
            enqueue_on_commit(send_email, email.pk, model=OutboundEmail)


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Conversations are written in the portal only; admins may read and delete."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Thread)
class ThreadAdmin(_ReadOnlyAdmin):
    list_display = ["pk", "content_type", "object_id", "organisation", "created_at"]
    list_filter = ["content_type"]
    list_select_related = ["content_type", "organisation"]
    search_fields = ["organisation__name"]


@admin.register(Message)
class MessageAdmin(_ReadOnlyAdmin):
    list_display = ["pk", "thread", "author", "side", "is_internal", "created_at"]
    list_filter = ["side", "is_internal", "thread__content_type"]
    list_select_related = ["author"]
    search_fields = ["body", "author__email", "thread__organisation__name"]
    # The file is served by the thread's permission-checked view only, never by the admin.
    exclude = ["attachment", "form_token"]


@admin.register(ThreadRead)
class ThreadReadAdmin(_ReadOnlyAdmin):
    list_display = ["thread", "user", "last_read_message_id", "read_at"]
    list_filter = ["thread__content_type"]
    list_select_related = ["user"]
    search_fields = ["user__email"]


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    """Check-ins by code (ikmo/checkin.py) are made by scanning; the attendance they stand for
    is changed on the attendance lists, so the admin only reads them."""

    list_display = ["pk", "kind", "registration_id", "occasion_id", "method", "checked_in_by",
                    "created_at"]  # fmt: skip
    list_filter = ["kind", "method"]
    list_select_related = ["checked_in_by"]
    search_fields = ["checked_in_by__email"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
