"""Texts of calls and criteria written per language (django-modeltranslation; see
ikmo/content_language.py)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Call, Criterion


@register(Call)
class CallTranslation(TranslationOptions):
    fields = ("title", "description")
    required_languages = ("de",)


@register(Criterion)
class CriterionTranslation(TranslationOptions):
    fields = ("title", "description")
    required_languages = {"de": ("title",)}
