"""Who may do what in the participation check. Plain predicates; views and selectors use these.

- Participation-check staff (consultants and project leads of this sub-project, admins) see
  every analysis in the working area.
- An analysis is changed by its team, the sub-project's project lead and admins.
- Interview contents are personal data: only the analysis team, the project lead and admins.
- Published reports are public; drafts are never shown beyond the staff above.
"""

from ikmo.subprojects import SubProject
from organisations.models import StaffRole

PARTICIPATION_CHECK = SubProject.PARTICIPATION_CHECK


def _active(user) -> bool:
    return user.is_authenticated and user.is_active


def is_lead(user) -> bool:
    return _active(user) and (
        user.is_portal_admin
        or user.has_staff_role(StaffRole.Role.PROJECT_LEAD, PARTICIPATION_CHECK)
    )


def is_pc_staff(user) -> bool:
    """Consultants and project leads of this sub-project, and admins."""
    return _active(user) and (
        is_lead(user) or user.has_staff_role(StaffRole.Role.CONSULTANT, PARTICIPATION_CHECK)
    )


def is_team_member(user, analysis) -> bool:
    if not _active(user) or analysis.pk is None:
        return False
    # Cached per request on the user: list pages ask this for every row.
    cache = user.__dict__.setdefault("_pc_team_cache", None)
    if cache is None:
        cache = set(user.participation_analyses.values_list("pk", flat=True))
        user.__dict__["_pc_team_cache"] = cache
    return analysis.pk in cache


def can_create_analysis(user) -> bool:
    return is_pc_staff(user)


def can_view_analysis(user, analysis) -> bool:
    """The working area of an analysis (inventory, meetings, recommendations, drafts)."""
    return is_pc_staff(user)


def can_manage_analysis(user, analysis) -> bool:
    """Edit, add inventory, interviews, meetings and recommendations, move the status."""
    return is_pc_staff(user) and (is_lead(user) or is_team_member(user, analysis))


def can_view_interviews(user, analysis) -> bool:
    """Interview contents are personal data: the team, the project lead and admins only."""
    return is_lead(user) or (is_pc_staff(user) and is_team_member(user, analysis))


def can_view_report(user, analysis) -> bool:
    """Published reports are for everyone; drafts only for participation-check staff."""
    return analysis.is_published or can_view_analysis(user, analysis)


def can_request_report_pdf(user, analysis) -> bool:
    return can_manage_analysis(user, analysis)
