"""The application status badge, rendered in Python: lists show hundreds of them."""

from django import template
from django.utils.html import format_html

register = template.Library()

# Also the partner invitations' statuses (invited, accepted, declined, withdrawn).
_SUCCESS = {"approved", "closed", "paid", "agreement_signed", "accepted"}
_ENDED = {"rejected", "withdrawn", "declined"}
_WAITING = {"info_requested", "proof_due", "invited"}


def badge_class(status: str) -> str:
    if status in _SUCCESS:
        return "text-bg-success"
    if status in _ENDED:
        return "text-bg-secondary"
    if status in _WAITING:
        return "text-bg-warning"
    if status == "draft":
        return "text-bg-light border"
    return "text-bg-primary"


@register.simple_tag
def status_badge(status: str, label) -> str:
    return format_html('<span class="badge {}">{}</span>', badge_class(status), label)
