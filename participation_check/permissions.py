"""Who may do what in the participation check. Plain predicates; views and selectors use these.

Who may *see* records is a ``..._q(user)`` filter that the selectors apply to lists and
lookups alike (a record outside it answers 404); where a record is already at hand the
matching predicate says the same (tests/participation_check/test_permissions.py checks
both agree). The other ``can_...`` predicates decide what a person may *do* (403).

- Participation-check staff (consultants and project leads of this sub-project, admins) see
  every analysis in the working area.
- An analysis is changed by its team, the sub-project's project lead and admins.
- Interview contents are personal data: only the analysis team, the project lead and admins.
- Published reports are public; drafts are never shown beyond the staff above.
"""

from django.db.models import Q

from ikmo.subprojects import SubProject
from organisations.models import StaffRole

from .models import Analysis

PARTICIPATION_CHECK = SubProject.PARTICIPATION_CHECK
NOTHING = Q(pk__in=[])


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


def analyses_visible_q(user) -> Q:
    """`can_view_analysis` as a filter, on analyses and on the records inside one alike (the
    rule does not depend on the analysis)."""
    return Q() if can_view_analysis(user, None) else NOTHING


def can_manage_analysis(user, analysis) -> bool:
    """Edit, add inventory, interviews, meetings and recommendations, move the status,
    request the report PDF."""
    return is_pc_staff(user) and (is_lead(user) or is_team_member(user, analysis))


def can_view_interviews(user, analysis) -> bool:
    """Interview contents are personal data: the team, the project lead and admins only."""
    return is_lead(user) or (is_pc_staff(user) and is_team_member(user, analysis))


def interviews_visible_q(user, prefix: str = "") -> Q:
    """`can_view_interviews` as a filter on interviews (``prefix="analysis__"``) or analyses."""
    if is_lead(user):
        return Q()
    if is_pc_staff(user):
        return Q(**{f"{prefix}team": user})
    return NOTHING


def reports_visible_q(user) -> Q:
    """Reports: published ones are for everyone, drafts only for participation-check staff."""
    return Q() if can_view_analysis(user, None) else Q(status=Analysis.Status.PUBLISHED)
