from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.formats import number_format

from ..figures import Status

register = template.Library()


@register.filter
def figure(value, unit=""):
    """A reported number the way people read it here: 1.234 · 12,5 h · 3.400,00 €."""
    if value is None or value == "":
        return "–"
    if unit == "eur":
        return f"{number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)} €"
    if unit == "hours":
        return f"{number_format(value, decimal_pos=1, use_l10n=True, force_grouping=True)} h"
    decimals = 0 if float(value) == int(float(value)) else 1
    return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


@register.filter
def percent(value):
    if value is None:
        return "–"
    return f"{number_format(value, decimal_pos=0, use_l10n=True, force_grouping=True)} %"


@register.filter
def status_colour(status):
    return Status.COLOURS.get(status, Status.COLOURS[Status.NO_PLAN])[0]


@register.filter
def status_hex(status):
    return Status.COLOURS.get(status, Status.COLOURS[Status.NO_PLAN])[1]


@register.simple_tag
def frozen_records_url(report, key):
    """The full address of the records a report's figure counted when it was frozen, for the
    PDF: a reader of the printed report can open them in the portal (if allowed to)."""
    path = reverse("reporting:report_records", args=[report.pk, key])
    return settings.IKMO_SITE_URL.rstrip("/") + path
