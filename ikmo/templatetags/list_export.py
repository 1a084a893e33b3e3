"""``{% list_export "<app>.<list>" [scope] %}``: the export control of a staff list page.

Shown only to who may export the list (its ``can_export``); it posts the page's current
query string, so the export holds exactly the filtered view (ikmo/listexports.py)."""

from django import template
from django.utils.translation import gettext_lazy as _

from ikmo.listexports import exportable_list

register = template.Library()


@register.inclusion_tag("includes/list_export.html", takes_context=True)
def list_export(context, key, scope=""):
    request = context["request"]
    spec = exportable_list(key)
    scope = str(scope or "")
    if spec is None or not spec.allowed(request.user, scope):
        return {"export": None}
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "export": {
            "key": key,
            "scope": scope,
            "query": query.urlencode(),
            "formats": [("csv", _("CSV")), ("xlsx", _("Excel (XLSX)"))],
        },
        "csrf_token": context.get("csrf_token"),
    }
