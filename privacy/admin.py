from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from organisations.models import Organisation

from . import services
from .models import ConsentRecord, DataExport, ErasureRequest, SitePage


@admin.register(ConsentRecord)
class ConsentRecordAdmin(admin.ModelAdmin):
    list_display = ["display_name", "purpose", "text_version", "given_at", "withdrawn_at"]
    list_filter = ["purpose", ("withdrawn_at", admin.EmptyFieldListFilter), "text_version"]
    search_fields = ["person__email", "name", "email", "details", "organisation__name"]
    list_select_related = ["person"]
    autocomplete_fields = ["person", "organisation"]
    readonly_fields = ["recorded_by", "withdrawn_at", "withdrawn_by"]
    actions = ["withdraw"]
    date_hierarchy = "given_at"

    def save_model(self, request, obj, form, change):
        if change:
            # Consents are evidence: only the withdrawal changes them (via the action).
            super().save_model(request, obj, form, change)
            return
        created = services.consent_give(
            person=obj.person,
            name=obj.name,
            email=obj.email,
            organisation=obj.organisation,
            purpose=obj.purpose,
            details=obj.details,
            text_version=obj.text_version,
            given_at=obj.given_at,
            by=request.user,
        )
        obj.pk = created.pk
        obj.refresh_from_db()

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return [f.name for f in obj._meta.concrete_fields]
        return self.readonly_fields

    @admin.action(description=_("Record withdrawal of the selected consents"))
    def withdraw(self, request, queryset):
        count = 0
        for consent in queryset.filter(withdrawn_at__isnull=True):
            services.consent_withdraw(consent=consent, by=request.user)
            count += 1
        self.message_user(
            request,
            ngettext("%d consent withdrawn.", "%d consents withdrawn.", count) % count,
            messages.SUCCESS,
        )


@admin.register(DataExport)
class DataExportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "scope", "person", "organisation", "status", "record_count"]
    list_filter = ["scope", "status"]
    search_fields = ["person__email", "organisation__name", "requested_by__email"]
    list_select_related = ["person", "organisation"]
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in DataExport._meta.concrete_fields]

    def has_add_permission(self, request):
        return False

    def view_on_site(self, obj):
        return reverse("privacy:export_detail", args=[obj.pk])


@admin.register(ErasureRequest)
class ErasureRequestAdmin(admin.ModelAdmin):
    list_display = ["requested_at", "person", "origin", "status", "handled_by", "handled_at"]
    list_filter = ["status", "origin"]
    search_fields = ["person__email"]
    list_select_related = ["person", "handled_by"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in ErasureRequest._meta.concrete_fields]

    def has_add_permission(self, request):
        return False

    def view_on_site(self, obj):
        return reverse("privacy:person", args=[obj.person_id])


@admin.register(SitePage)
class SitePageAdmin(admin.ModelAdmin):
    list_display = ["slug", "title_de", "title_en", "updated_at", "updated_by"]
    list_filter = ["slug"]
    search_fields = ["title_de", "title_en", "body_de", "body_en"]
    readonly_fields = ["updated_at", "updated_by"]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def view_on_site(self, obj):
        return reverse("privacy:policy" if obj.slug == "privacy" else "privacy:accessibility")


# Actions on the foundation's admin pages (added here so organisations/admin.py stays as it is).


@admin.action(description=_("Prepare a data export (GDPR) for the selected people"))
def export_people(modeladmin, request, queryset):
    for person in queryset[:20]:
        services.export_request(by=request.user, person=person)
    modeladmin.message_user(
        request,
        _("Exports are being prepared; they appear under Data protection › Data exports."),
        messages.SUCCESS,
    )


@admin.action(description=_("Erase personal data of the selected person (GDPR)…"))
def erase_person(modeladmin, request, queryset):
    if queryset.count() != 1:
        modeladmin.message_user(request, _("Choose exactly one person to erase."), messages.WARNING)
        return None
    return HttpResponseRedirect(reverse("privacy:erase", args=[queryset.get().pk]))


@admin.action(description=_("Prepare a data export (GDPR) for the selected organisations"))
def export_organisations(modeladmin, request, queryset):
    for organisation in queryset[:20]:
        services.export_request(by=request.user, organisation=organisation)
    modeladmin.message_user(
        request,
        _("Exports are being prepared; they appear under Data protection › Data exports."),
        messages.SUCCESS,
    )


def _add_actions(model, *actions):
    model_admin = admin.site._registry.get(model)
    if model_admin is None:
        return
    existing = list(model_admin.actions or [])
    model_admin.actions = existing + [a for a in actions if a not in existing]


_add_actions(get_user_model(), export_people, erase_person)
_add_actions(Organisation, export_organisations)
