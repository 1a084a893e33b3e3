from django.contrib import admin

from ikmo.admin import NamedWithRelated, PortalFormFields

from .models import (
    Analysis,
    AnalysisStatusChange,
    ExchangeMeeting,
    GuidelineQuestion,
    Interview,
    InterviewAnswer,
    InterviewTag,
    OpennessRating,
    ParticipationStructure,
    Recommendation,
    RecommendationStatusChange,
)


class StatusChangeInline(admin.TabularInline):
    model = AnalysisStatusChange
    extra = 0
    readonly_fields = ["from_status", "to_status", "note", "by", "at"]
    can_delete = False


class GuidelineInline(admin.TabularInline):
    model = GuidelineQuestion
    extra = 0


@admin.register(Analysis)
class AnalysisAdmin(PortalFormFields, admin.ModelAdmin):
    list_display = ["title", "district", "social_space", "period_start", "period_end", "status"]
    list_filter = ["status", "district"]
    search_fields = ["title", "social_space"]
    autocomplete_fields = ["team", "created_by"]
    date_hierarchy = "period_start"
    inlines = [GuidelineInline, StatusChangeInline]


@admin.register(AnalysisStatusChange)
class AnalysisStatusChangeAdmin(admin.ModelAdmin):
    list_display = ["analysis", "from_status", "to_status", "by", "at"]
    list_filter = ["to_status"]
    search_fields = ["analysis__title", "note"]
    autocomplete_fields = ["by"]


class RatingInline(admin.TabularInline):
    model = OpennessRating
    extra = 0


@admin.register(ParticipationStructure)
class ParticipationStructureAdmin(PortalFormFields, admin.ModelAdmin):
    list_display = ["name", "type", "analysis", "responsible_body", "has_mo_members"]
    list_filter = ["type", "has_mo_members", "analysis"]
    search_fields = ["name", "responsible_body"]
    autocomplete_fields = ["mo_members"]
    filter_horizontal = ["languages"]
    inlines = [RatingInline]


@admin.register(OpennessRating)
class OpennessRatingAdmin(admin.ModelAdmin):
    list_display = ["structure", "criterion", "score"]
    list_filter = ["criterion", "score"]
    search_fields = ["structure__name", "evidence"]


@admin.register(GuidelineQuestion)
class GuidelineQuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "analysis", "position"]
    list_filter = ["analysis"]
    search_fields = ["text"]


class AnswerInline(admin.StackedInline):
    model = InterviewAnswer
    extra = 0


class TagInline(admin.TabularInline):
    model = InterviewTag
    extra = 0


@admin.register(Interview)
class InterviewAdmin(NamedWithRelated, admin.ModelAdmin):
    list_display = ["organisation", "analysis", "date", "interviewer", "consent_given"]
    list_select_related = ["organisation", "analysis", "interviewer"]
    list_filter = ["consent_given", "analysis"]
    search_fields = ["organisation__name"]
    autocomplete_fields = ["organisation", "interviewer", "created_by"]
    inlines = [AnswerInline, TagInline]


@admin.register(InterviewAnswer)
class InterviewAnswerAdmin(admin.ModelAdmin):
    list_display = ["interview", "question"]
    list_filter = ["interview__analysis"]
    search_fields = ["interview__organisation__name", "question__text"]
    autocomplete_fields = ["interview"]


@admin.register(InterviewTag)
class InterviewTagAdmin(admin.ModelAdmin):
    list_display = ["interview", "kind", "category"]
    list_filter = ["kind", "category"]
    search_fields = ["interview__organisation__name", "note"]
    autocomplete_fields = ["interview"]


@admin.register(ExchangeMeeting)
class ExchangeMeetingAdmin(PortalFormFields, admin.ModelAdmin):
    list_display = ["title", "analysis", "date", "location"]
    list_filter = ["analysis"]
    search_fields = ["title", "notes"]
    autocomplete_fields = ["participants"]


class RecommendationHistoryInline(admin.TabularInline):
    model = RecommendationStatusChange
    extra = 0
    readonly_fields = ["from_status", "to_status", "date", "note", "by", "at"]
    can_delete = False


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "analysis", "addressee", "priority", "status", "status_date"]
    list_filter = ["status", "priority", "analysis"]
    search_fields = ["text", "finding", "addressee__name"]
    autocomplete_fields = ["addressee", "created_by"]
    inlines = [RecommendationHistoryInline]


@admin.register(RecommendationStatusChange)
class RecommendationStatusChangeAdmin(admin.ModelAdmin):
    list_display = ["recommendation", "from_status", "to_status", "date", "by"]
    list_filter = ["to_status"]
    search_fields = ["recommendation__text", "note"]
    autocomplete_fields = ["recommendation", "by"]
