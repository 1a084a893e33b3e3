from functools import reduce
from operator import or_

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ikmo.admin import PortalFormFields

from .models import (
    ContactRequest,
    District,
    FieldOfWork,
    Membership,
    NetworkMembership,
    Organisation,
    Outcome,
    PublicProfile,
    SpokenLanguage,
    StaffRole,
    User,
)
from .search import term_variants


class MembershipInline(admin.TabularInline):
    """A person's organisations (on the user's page)."""

    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]
    # The decision's time is recorded by the service that decides, not typed here; its
    # date-and-time widget also made the table wider than a 1366 px screen.
    fields = ["organisation", "role", "status", "decided_at"]
    readonly_fields = ["decided_at"]


class OrganisationMembershipInline(MembershipInline):
    """An organisation's members (on the organisation's page)."""

    autocomplete_fields = ["user"]
    fields = ["user", "role", "status", "decided_at"]


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff", "last_login"]
    list_filter = [
        "is_active",
        "is_staff",
        "is_superuser",
        "staff_roles__role",
        "preferred_language",
    ]
    search_fields = ["email", "first_name", "last_name"]
    inlines = [StaffRoleInline, MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name", "preferred_language"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    actions = ["send_mfa_invitation"]

    @admin.action(description=_("Send a second-factor invitation link to the selected staff"))
    def send_mfa_invitation(self, request, queryset):
        # Staff enrol their authenticator only through this link, sent to their own address.
        from ikmo import mfa

        sent = 0
        for user in queryset[:50]:
            if mfa.needs_second_factor(user) and user.is_active and user.email:
                mfa.mfa_invitation_create(user=user, by=request.user)
                sent += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d invitation link was sent.",
                "%(count)d invitation links were sent.",
                sent,
            )
            % {"count": sent},
            messages.SUCCESS if sent else messages.WARNING,
        )


@admin.register(Organisation)
class OrganisationAdmin(PortalFormFields, admin.ModelAdmin):
    # Tens of thousands of rows: 50 a page, and no second COUNT over the whole table.
    list_per_page = 50
    show_full_result_count = False
    formfield_overrides = {
        **PortalFormFields.formfield_overrides,
        models.URLField: {"assume_scheme": "https"},
    }
    list_display = ["name", "kind", "legal_form", "district", "status", "created_at"]
    list_filter = [
        "status",
        "kind",
        "legal_form",
        "stage",
        "district",
        "fields_of_work",
        "languages",
    ]
    # Names are also found without umlauts ("bruecke", "brucke": get_search_results), and
    # organisations by their members' e-mail addresses and names.
    search_fields = [
        "name",
        "email",
        "communities_served",
        "social_space",
        "memberships__user__email",
        "memberships__user__first_name",
        "memberships__user__last_name",
    ]
    search_help_text = _(
        "Name (with or without umlauts), e-mail address, or a member's name or e-mail address."
    )
    list_select_related = ["district"]
    filter_horizontal = ["fields_of_work", "languages"]
    # The contact at the centre is named on the organisation's page (audited, and the person
    # is told by e-mail), not here.
    readonly_fields = ["created_at", "updated_at", "decided_at", "decided_by", "centre_contact"]
    inlines = [OrganisationMembershipInline]
    date_hierarchy = "created_at"

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        terms = search_term.split()
        if not terms:
            return results, may_have_duplicates
        # Every word must appear in the name in one of its spellings (organisations/search.py).
        by_name = Q()
        for term in terms:
            by_name &= reduce(or_, (Q(search_name__contains=v) for v in term_variants(term)))
        return results | queryset.filter(by_name), True


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "status", "created_at"]
    list_filter = ["role", "status"]
    search_fields = ["user__email", "organisation__name"]
    list_select_related = ["user", "organisation"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(NetworkMembership)
class NetworkMembershipAdmin(admin.ModelAdmin):
    list_display = ["member", "network", "status", "created_at", "decided_at"]
    list_filter = ["status"]
    search_fields = ["member__name", "network__name"]
    list_select_related = ["member", "network"]
    autocomplete_fields = ["member", "network"]
    readonly_fields = ["requested_by", "decided_by", "created_at", "decided_at"]


@admin.register(StaffRole)
class StaffRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "subproject"]
    list_filter = ["role", "subproject"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]


@admin.register(FieldOfWork, SpokenLanguage)
class TranslatedNameAdmin(admin.ModelAdmin):
    list_display = ["name_de", "name_en", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name_de", "name_en", "slug"]


@admin.register(Outcome)
class OutcomeAdmin(PortalFormFields, admin.ModelAdmin):
    """Outcomes are recorded on the organisation's page (organisations.services, audited);
    here they can be looked up and filtered, not changed."""

    list_display = ["organisation", "kind", "date", "funder", "amount", "recorded_by"]
    list_filter = ["kind", "date"]
    search_fields = ["organisation__name", "funder", "note"]
    list_select_related = ["organisation", "recorded_by"]
    date_hierarchy = "date"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Written only through organisations.services (consent, audit, mail); looked up here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PublicProfile)
class PublicProfileAdmin(_ReadOnlyAdmin):
    list_display = [
        "organisation",
        "consent",
        "show_district",
        "show_fields_of_work",
        "show_languages",
        "show_offer",
        "show_contact",
        "updated_at",
    ]
    list_filter = ["show_district", "show_contact", "consent__withdrawn_at"]
    search_fields = ["organisation__name", "offer"]
    list_select_related = ["organisation", "consent", "consent__person"]


@admin.register(ContactRequest)
class ContactRequestAdmin(_ReadOnlyAdmin):
    """Staff see that requests happened (who asked whom, when); the text is the people's."""

    list_display = ["created_at", "from_organisation", "organisation", "requester", "share_email"]
    list_filter = ["share_email", "created_at"]
    search_fields = ["organisation__name", "from_organisation__name", "requester__email"]
    list_select_related = ["organisation", "from_organisation", "requester"]
    date_hierarchy = "created_at"
