"""Texts that staff write in several languages: workshops, action-fund calls and their
criteria, events.

django-modeltranslation gives each registered text (an app's ``translation.py``) a column per
language of ``settings.LANGUAGES`` (``title_de``, ``title_en``, ``title_ar``, ``title_tr``) in the
model's own table, so showing a list in the reader's language costs no join and no extra query.
Reading ``workshop.title`` gives the active language's version, or the German one where there is
none (``MODELTRANSLATION_FALLBACK_LANGUAGES``). German is required, the others optional.

Two rules keep that unsurprising:

- Writers name the language: services assign ``title_de``, ``title_en``, …, never ``title``
  (modeltranslation would write the *active* language's column).
- The untranslated column (``title``) keeps the German text, whatever language is active when
  a record is saved (``GermanColumns``). Queries of other models that reach through a relation
  (``workshop__title`` in an indicator's drill-down or an admin search) and exports read German.

Pages mark a text shown in its German fallback with ``lang="de"`` (``lang_attrs``), so a screen
reader pronounces it as German on an English, Arabic or Turkish page.
"""

from django.conf import settings
from django.db.models import Q
from django.utils import translation
from django.utils.html import format_html
from django.utils.text import capfirst, format_lazy
from django.utils.translation import get_language_info

PRIMARY = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
LANGUAGES = [code for code, _name in settings.LANGUAGES]
RTL = {code for code in LANGUAGES if get_language_info(code)["bidi"]}


def column(field: str, language: str) -> str:
    """``column("title", "en") == "title_en"``."""
    return f"{field}_{language}"


def columns(field: str) -> list[str]:
    """Every language's column of a text, German first."""
    return [column(field, code) for code in LANGUAGES]


def direction(language: str) -> str:
    return "rtl" if language in RTL else "ltr"


def active_language() -> str:
    return (translation.get_language() or PRIMARY).split("-")[0]


def shown_language(obj, field: str, language: str | None = None) -> str:
    """The language ``getattr(obj, field)`` is read in: the reader's, or German if that
    version is empty."""
    language = language or active_language()
    if language in LANGUAGES and getattr(obj, column(field, language), None):
        return language
    return PRIMARY


def lang_attrs(obj, field: str) -> str:
    """`` lang="de" dir="ltr"`` for an element whose text is shown in another language than
    the page's (the German fallback), else nothing."""
    shown = shown_language(obj, field)
    if shown == active_language():
        return ""
    return format_html(' lang="{}" dir="{}"', shown, direction(shown))


def search_q(term: str, *fields: str, lookup: str = "icontains") -> Q:
    """Matches ``term`` in any language's version of ``fields`` (relation paths allowed,
    e.g. ``"workshop__title"``): an English title finds a workshop on a German page too."""
    q = Q()
    for field in fields:
        for name in columns(field):
            q |= Q(**{f"{name}__{lookup}": term})
    return q


class GermanColumns:
    """Model mixin: the untranslated columns (``title``) are saved with the German text,
    whichever language the person saving reads in."""

    def save(self, *args, **kwargs):
        with translation.override(PRIMARY):
            super().save(*args, **kwargs)


def translations_from(cleaned_data, *fields: str) -> dict:
    """The non-German versions a form holds, by column (``{"title_en": "…", …}``); an empty
    one is ``None``, so the reader gets the German text."""
    return {
        column(field, code): (cleaned_data.get(column(field, code)) or None)
        for field in fields
        for code in LANGUAGES
        if code != PRIMARY
    }


def text_values(*, german: dict, translations: dict, fields) -> dict:
    """Model values for a service's save: the German texts (``german["title"]``) go to the
    German columns, ``translations`` (``{"title_en": …}``) to the others. A translation column
    not named stays as it is; one not of ``fields`` is refused."""
    allowed = {column(f, code) for f in fields for code in LANGUAGES if code != PRIMARY}
    unknown = set(translations) - allowed
    if unknown:
        raise ValueError(f"unknown translated texts: {sorted(unknown)}")
    values = {column(f, PRIMARY): german[f] for f in fields if f in german}
    values.update({name: (text or None) for name, text in translations.items()})
    return values


class TranslatedTextsForm:
    """ModelForm mixin: ``translated = ("title", "description")`` edits each text once per
    language (list them in ``Meta.fields`` with ``form_columns``). German is required where the
    model requires the text, the other languages are optional; each input carries its
    language and writing direction, so Arabic is typed right to left.
    ``templates/includes/translated_fields.html`` renders one group per language."""

    translated: tuple = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        names = dict(settings.LANGUAGES)
        for field in self.translated:
            model_field = self._meta.model._meta.get_field(field)
            for code in LANGUAGES:
                form_field = self.fields[column(field, code)]
                # "Title (English)": unambiguous in the error summary and to a screen reader.
                form_field.label = format_lazy(
                    "{} ({})", capfirst(model_field.verbose_name), names[code]
                )
                form_field.required = code == PRIMARY and not model_field.blank
                form_field.widget.attrs.update(lang=code, dir=direction(code))

    def language_groups(self) -> list[dict]:
        names = dict(settings.LANGUAGES)
        groups = []
        for code in LANGUAGES:
            bound = [self[column(field, code)] for field in self.translated]
            groups.append(
                {
                    "code": code,
                    "dir": direction(code),
                    "name": names[code],
                    "name_local": get_language_info(code)["name_local"],
                    "required": code == PRIMARY,
                    "fields": bound,
                    # Optional languages stay folded unless they hold text or an error.
                    "open": code == PRIMARY or any(b.value() or b.errors for b in bound),
                }
            )
        return groups

    def translations(self) -> dict:
        return translations_from(self.cleaned_data, *self.translated)


def form_columns(*fields: str) -> list[str]:
    """``Meta.fields`` entries of translated texts, language by language (German first)."""
    return [column(field, code) for code in LANGUAGES for field in fields]
