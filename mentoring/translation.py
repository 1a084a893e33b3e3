"""Texts of events written per language (django-modeltranslation; see ikmo/content_language.py)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Event


@register(Event)
class EventTranslation(TranslationOptions):
    fields = ("title", "description")
    required_languages = {"de": ("title",)}
