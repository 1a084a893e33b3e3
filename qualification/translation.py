"""Texts of workshops written per language (django-modeltranslation; see ikmo/content_language.py)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Workshop


@register(Workshop)
class WorkshopTranslation(TranslationOptions):
    fields = ("title", "description")
    required_languages = ("de",)
