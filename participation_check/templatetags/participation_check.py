from django import template

from .. import permissions

register = template.Library()

_BADGES = {
    "planned": "text-bg-secondary",
    "inventory": "text-bg-info",
    "interviews": "text-bg-info",
    "exchange": "text-bg-info",
    "recommendations": "text-bg-warning",
    "published": "text-bg-success",
    "open": "text-bg-secondary",
    "accepted": "text-bg-info",
    "in_progress": "text-bg-warning",
    "implemented": "text-bg-success",
    "rejected": "text-bg-danger",
}


@register.filter
def status_badge(status: str) -> str:
    """Bootstrap badge classes for a status value (colour is never the only signal: the
    label is always printed)."""
    return _BADGES.get(str(status), "text-bg-light")


@register.inclusion_tag("participation_check/_analysis_header.html", takes_context=True)
def analysis_header(context, analysis, active: str, title: str = ""):
    user = context["request"].user
    return {
        "analysis": analysis,
        "active": active,
        "title": title,
        "can_view_interviews": permissions.can_view_interviews(user, analysis),
        "request": context["request"],
    }
