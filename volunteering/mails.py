"""The e-mails of the volunteer service desk, for staff-edited wording (mailtexts.registry)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mailtexts.registry import MailKind, Placeholder

PLACEMENT = Placeholder(
    "placement", _("The placement's reference"), lambda c: c["placement"], "Einsatz P-0"
)
SERVICE = Placeholder(
    "service",
    _("Kind of volunteer service"),
    lambda c: c["placement"].get_service_type_display(),
    "FSJ",
)
SITE = Placeholder(
    "site", _("Name of the placement site"), lambda c: c["site"].name, "Beispiel e.V."
)
LINK = Placeholder(
    "link",
    _("Link to the placement in the portal"),
    lambda c: c.get("portal_url", "") + reverse("volunteering:placement", args=[c["placement"].pk]),
    "https://portal.example/volunteering/placements/0/",
    required=True,
)


def _example(with_progress=False):
    def example():
        from django.conf import settings

        from . import selectors
        from .models import Placement

        placement = (
            Placement.objects.select_related("site", "contingent__carrier").order_by("-pk").first()
        )
        if placement is None:
            return None
        context = {
            "placement": placement,
            "site": placement.site,
            "carrier": placement.carrier,
            "portal_url": getattr(settings, "IKMO_SITE_URL", "").rstrip("/"),
        }
        if with_progress:
            context["progress"] = selectors.progress_of(placement, today=timezone.localdate())
        return context

    return example


MAILS = [
    MailKind(
        "volunteering/email/placement_ending",
        _("Volunteer placement ends soon"),
        _("To the placement site, its mentor and the desk shortly before a placement ends."),
        (
            PLACEMENT,
            SERVICE,
            SITE,
            Placeholder(
                "end_date",
                _("Last day of the placement"),
                lambda c: c["placement"].end_date,
                "31. August 2026",
            ),
            LINK,
        ),
        example=_example(),
    ),
    MailKind(
        "volunteering/email/seminar_days_missing",
        _("Volunteer placement: seminar days missing"),
        _("To the site, the carrier and the desk when a volunteer is behind with seminar days."),
        (
            PLACEMENT,
            SERVICE,
            SITE,
            Placeholder(
                "attended", _("Seminar days attended"), lambda c: c["progress"].attended, "3"
            ),
            Placeholder(
                "expected",
                _("Seminar days expected by now"),
                lambda c: c["progress"].expected_by_now,
                "10",
            ),
            Placeholder(
                "required",
                _("Seminar days required in total"),
                lambda c: c["progress"].required,
                "25",
            ),
            LINK,
        ),
        example=_example(with_progress=True),
    ),
]
