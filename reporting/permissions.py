"""Who may see and work with funder reporting: project leads (of any sub-project) and admins.

The figures are aggregates across all sub-projects, and the drill-down lists name
organisations, so nobody else sees any of it: not consultants, jury members or MO staff.
"""

from organisations.permissions import is_project_lead


def can_view_reporting(user) -> bool:
    return bool(user.is_authenticated and user.is_active and is_project_lead(user))


def can_manage_periods(user) -> bool:
    """Create and edit funding periods and their plan values."""
    return can_view_reporting(user)


def can_generate_reports(user) -> bool:
    return can_view_reporting(user)


def can_view_report(user, report) -> bool:
    return can_view_reporting(user)
