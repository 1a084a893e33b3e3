import importlib
from functools import cache

from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from organisations import permissions

SUBPROJECT_APPS = [
    "qualification",
    "mentoring",
    "participation_check",
    "actionfund",
    "volunteering",
    "reporting",
    "privacy",
]


@cache
def _app_navigation_modules():
    """Each sub-project may define `<app>/navigation.py` with `items(user) -> [(label, url)]`."""
    modules = []
    for app in SUBPROJECT_APPS:
        try:
            modules.append(importlib.import_module(f"{app}.navigation"))
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.navigation":
                raise
    return modules


def navigation(request):
    """Navigation entries for the current person's roles; the template only renders them.

    `nav_items` are the top-level links, `nav_subprojects` the sub-project menu, and
    `nav_work` the role-specific working links each app adds (e.g. "My applications").
    """
    user = request.user
    items = []
    work = []
    if user.is_authenticated:
        items.append((_("Overview"), reverse("home")))
        if permissions.can_browse_directory(user):
            items.append((_("Organisations"), reverse("organisations:directory")))
        if permissions.can_decide_registrations(user):
            items.append((_("Registrations"), reverse("organisations:registrations")))
        for module in _app_navigation_modules():
            work.extend(module.items(user))
        if user.is_portal_admin and user.is_staff:
            items.append((_("Administration"), reverse("admin:index")))
    subprojects = [
        (_("Qualification"), reverse("qualification:home")),
        (_("Mentoring"), reverse("mentoring:home")),
        (_("Participation check"), reverse("participation_check:home")),
        (_("Action fund"), reverse("actionfund:home")),
        (_("Volunteer services"), reverse("volunteering:home")),
    ]
    return {"nav_items": items, "nav_subprojects": subprojects, "nav_work": work}


def draft_owner(request):
    """An opaque, stable value per signed-in person for the browser drafts (static/js/app.js).

    Drafts in localStorage are keyed by it, and a different value on the next page means a
    different person: their drafts are wiped. An HMAC with the secret key, so the page
    carries neither the id nor the e-mail, and it outlives sessions (an expired session
    must find its text again after signing in).
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"draft_owner": ""}
    digest = salted_hmac("ikmo.browser-draft-owner", str(user.pk), algorithm="sha256")
    return {"draft_owner": digest.hexdigest()[:32]}
