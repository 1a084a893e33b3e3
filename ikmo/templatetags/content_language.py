"""``{{ workshop|lang_of:"title" }}`` in an element's start tag: `` lang="de" dir="ltr"`` when
the text is shown in its German fallback on a page in another language (see
ikmo/content_language.py), so screen readers pronounce it as German."""

from django import template

from ikmo import content_language

register = template.Library()


@register.filter
def lang_of(obj, field: str) -> str:
    if obj is None or obj == "":
        return ""
    return content_language.lang_attrs(obj, field)
