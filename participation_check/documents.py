"""The participation-check report as a PDF, rendered by the Celery worker via ikmo.documents."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ikmo.documents import DocumentKind

from . import charts, permissions, selectors
from .services import REPORT_KIND


def report_context(analysis, document=None, *, recommendations: bool = True) -> dict:
    data = selectors.report_data(analysis, recommendations=recommendations)
    data["openness_chart"] = charts.percent_bars(
        [(s.name, s.score["percent"]) for s in data["structures"]]
    )
    data["criteria_chart"] = charts.percent_bars(
        [(row["criterion"], row["percent"]) for row in data["criteria"]]
    )
    data["needs_chart"] = charts.paired_bars(
        [(row["category"], row["needs"], row["barriers"]) for row in data["needs"]]
    )
    data["generated_at"] = timezone.now()
    return data


# The contract's `documents` hook (see the app config).
KINDS = [
    DocumentKind(
        key=REPORT_KIND,
        template="participation_check/pdf/report.html",
        build_context=report_context,
        # The generic document pages serve the team only: a PDF rendered while the report
        # was a draft must not become public by publication. Readers of a published report
        # download through participation_check.views.report_pdf_download instead.
        can_view=permissions.can_view_analysis,
        title=lambda analysis: _("Participation check report: %(title)s") % {"title": analysis},
    ),
]
