from .matrix import LEAD, ApiRoute

_period = lambda w: {"pk": w.period.pk}  # noqa: E731

# Funder reporting is for project leads and admins, as its pages (reporting/permissions.py).
EXPECTATIONS = {
    "api:reporting_periods-list": ApiRoute(LEAD, "reporting"),
    "api:reporting_periods-detail": ApiRoute(LEAD, "reporting", kwargs=_period),
    "api:reporting_periods-indicators": ApiRoute(LEAD, "reporting", kwargs=_period),
}
