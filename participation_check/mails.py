"""The e-mails of the participation check, for staff-edited wording (mailtexts.registry)."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mailtexts.registry import MailKind, Placeholder


def _recommendations(context: dict) -> str:
    return "\n".join(f"- {r.text}" for r in context["recommendations"])


def _example():
    from .models import Recommendation

    recommendation = (
        Recommendation.objects.filter(addressee__isnull=False)
        .select_related("analysis", "addressee")
        .order_by("-pk")
        .first()
    )
    if recommendation is None:
        return None
    analysis = recommendation.analysis
    base = getattr(settings, "IKMO_SITE_URL", "").rstrip("/")
    return {
        "analysis": analysis,
        "organisation": recommendation.addressee,
        "recommendations": list(
            analysis.recommendations.filter(addressee=recommendation.addressee)
        ),
        "report_url": base + reverse("participation_check:report", args=[analysis.pk]),
    }


MAILS = [
    MailKind(
        "participation_check/email/report_published",
        _("Participation check published: recommendations"),
        _("To the admins of each organisation a published participation check addresses."),
        (
            Placeholder(
                "analysis",
                _("Title of the participation check"),
                lambda c: c["analysis"].title,
                "Teilhabecheck Beispielbezirk",
            ),
            Placeholder(
                "space",
                _("District or social space"),
                lambda c: c["analysis"].space_label,
                "Beispielbezirk",
            ),
            Placeholder(
                "organisation",
                _("Name of the organisation"),
                lambda c: c["organisation"].name,
                "Beispiel e.V.",
            ),
            Placeholder(
                "recommendations",
                _("The recommendations for this organisation, one per line"),
                _recommendations,
                "- Beirat für Vereine öffnen",
            ),
            Placeholder(
                "link",
                _("Link to the report"),
                lambda c: c["report_url"],
                "https://portal.example/participation-check/0/report/",
                required=True,
            ),
        ),
        example=_example,
    ),
]
