from django.urls import reverse
from django.utils import translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from organisations import permissions

from . import pagecache
from .subprojects import hooks, subprojects


def navigation(request):
    """Navigation entries for the current person's roles; the template only renders them.

    `nav_items` are the top-level links, `nav_subprojects` the sub-project menu, and
    `nav_work` the role-specific working links each app adds (e.g. "My applications")
    through the `navigation` hook of the portal contract (ikmo/subprojects.py).
    """
    user = request.user
    if not user.is_authenticated:
        return _navigation(user)
    # The same for every page a person opens until any data changes (their memberships and
    # roles decide it): remembered like the person themselves (ikmo/auth.py), per language.
    return pagecache.remember(
        f"navigation:{user.pk}:{translation.get_language()}", lambda: _navigation(user)
    )


def _navigation(user) -> dict:
    items = []
    work = []
    if user.is_authenticated:
        items.append((_("Overview"), reverse("home")))
        if permissions.can_browse_directory(user):
            items.append((_("Organisations"), reverse("organisations:directory")))
        if permissions.can_decide_registrations(user):
            items.append((_("Registrations"), reverse("organisations:registrations")))
        for _app, items_for in hooks("navigation"):
            work.extend(items_for(user))
        if user.is_portal_admin and user.is_staff:
            items.append((_("Administration"), reverse("admin:index")))
    menu = [(app.menu_label, reverse(app.home_url)) for app in subprojects() if app.home_url]
    # Plain strings in the language of the request, so that they can be kept in the cache.
    return {
        "nav_items": [(str(label), url) for label, url in items],
        "nav_subprojects": [(str(label), url) for label, url in menu],
        "nav_work": [(str(label), url) for label, url in work],
    }


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
