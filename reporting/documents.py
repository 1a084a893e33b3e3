"""The funder report PDF: its figures are frozen by the worker, then drawn from the freeze."""

from django.utils.translation import gettext_lazy as _

from ikmo.documents import DocumentKind
from ikmo.models import GeneratedDocument

from . import charts
from .figures import funding_shares, split_levels
from .permissions import can_view_report

FUNDER_REPORT = "funder_report"


def funder_report_context(report, document) -> dict:
    from .services import report_freeze

    report = report_freeze(report_id=report.pk)
    GeneratedDocument.objects.filter(pk=document.pk).update(progress=25)
    snapshot = report.snapshot
    funding = snapshot.get("funding") or {}
    carrier_of = {
        subproject["key"]: carrier["name"]
        for carrier in funding.get("carriers", [])
        for subproject in carrier["subprojects"]
    }
    notes = report.subproject_notes or {}
    # Each row knows its sub-project's carrier and narrative: the table prints them under
    # the sub-project's heading.
    indicators = [
        {**r, "carrier": carrier_of.get(r["subproject"]), "note": notes.get(r["subproject"], "")}
        for r in snapshot["indicators"]
    ]
    outputs, outcomes = split_levels(indicators)
    pathway = snapshot.get("pathway") or []
    return {
        "report": report,
        "snapshot": snapshot,
        "funding": funding,
        "indicators": outputs,
        "outcomes": outcomes,
        "shares": funding_shares(funding, outputs + outcomes),
        "pathway": pathway if pathway and pathway[0]["pathway"] else [],
        "chart_pathway": charts.pathway(pathway),
        "with_breakdowns": [r for r in indicators if r.get("breakdowns")],
        "chart_plan": charts.plan_vs_actual(outputs),
        "chart_activity": charts.activity_over_time(snapshot["activity"]),
        "chart_districts": charts.organisations_per_district(snapshot["districts"]),
    }


# The contract's `documents` hook (see the app config).
KINDS = [
    DocumentKind(
        key=FUNDER_REPORT,
        template="reporting/pdf/funder_report.html",
        build_context=funder_report_context,
        can_view=can_view_report,
        title=lambda report: _("Funder report: %(period)s") % {"period": report.period},
    ),
]
