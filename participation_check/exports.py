"""The lists inside an analysis that staff can export (ikmo/listexports.py): interviews and
recommendations, each with the page's own lookup of the analysis, selector and filter.
The interview export holds what the interview list shows, not the interviews' contents."""

from django.utils.translation import gettext_lazy as _

from ikmo.listexports import ExportableList

from . import permissions, selectors
from .filters import RecommendationFilter


def _analysis_with_interviews(user, pk):
    # As the interview list: analyses whose interviews the person may read.
    return selectors.analyses_with_interviews_visible_to(user).filter(pk=pk).first()


def _analysis(user, pk):
    return selectors.analyses_visible_to(user).filter(pk=pk).first()


def _staff(user, analysis):
    return permissions.is_pc_staff(user)


LISTS = [
    ExportableList(
        key="participation_check.interviews",
        label=_("Interviews"),
        route="participation_check:interview_list",
        parent=_analysis_with_interviews,
        queryset=lambda user, analysis: selectors.interviews_of(analysis).select_related(
            "analysis"
        ),
        can_export=_staff,
        columns=[
            (_("Analysis"), lambda i: i.analysis.title),
            (_("Date"), lambda i: i.date),
            (_("Organisation"), lambda i: i.organisation.name),
            (_("Interviewer"), lambda i: str(i.interviewer or "")),
            (_("Consent given"), lambda i: i.consent_given),
            (_("Consent form"), lambda i: i.get_consent_form_display()),
            (_("Consent given on"), lambda i: i.consent_date),
            (_("Answers"), lambda i: i.answer_count),
            (_("Needs"), lambda i: i.need_count),
            (_("Barriers"), lambda i: i.barrier_count),
        ],
    ),
    ExportableList(
        key="participation_check.recommendations",
        label=_("Recommendations"),
        route="participation_check:recommendation_list",
        parent=_analysis,
        queryset=lambda user, analysis: selectors.recommendations_of(analysis).select_related(
            "analysis"
        ),
        filterset=RecommendationFilter,
        can_export=_staff,
        columns=[
            (_("Analysis"), lambda r: r.analysis.title),
            (_("Priority"), lambda r: r.get_priority_display()),
            (_("Finding"), lambda r: r.finding),
            (_("Recommendation"), lambda r: r.text),
            (_("Addressee"), lambda r: r.addressee.name),
            (_("Status"), lambda r: r.get_status_display()),
            (_("Status since"), lambda r: r.status_date),
            (_("Next follow-up"), lambda r: r.follow_up_on),
            (_("Response from the addressee"), lambda r: r.response),
            (_("Response received on"), lambda r: r.response_date),
        ],
    ),
]
