"""``{{ total|grouped }}``: a whole number the way people read it in the page's language,
with its thousands grouped (19.367 in German and Turkish, 19,367 in English and Arabic).

Django groups digits only with ``USE_THOUSAND_SEPARATOR``, which would also group the ids
and years a template writes into addresses and attributes; counts say so explicitly. In a
plural sentence the count still chooses the form and the grouped text is shown:
``{% blocktranslate with shown=n|grouped count counter=n %}{{ shown }} ...``."""

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def grouped(value):
    if value is None or value == "":
        return ""
    return number_format(value, decimal_pos=0, use_l10n=True, force_grouping=True)
