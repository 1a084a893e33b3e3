from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from organisations import permissions


def navigation(request):
    """Navigation entries for the current person's roles; the template only renders them."""
    user = request.user
    items = []
    if user.is_authenticated:
        items.append((_("Overview"), reverse("home")))
        if permissions.can_browse_directory(user):
            items.append((_("Organisations"), reverse("organisations:directory")))
        if permissions.can_decide_registrations(user):
            items.append((_("Registrations"), reverse("organisations:registrations")))
        if user.is_portal_admin and user.is_staff:
            items.append((_("Administration"), reverse("admin:index")))
    subprojects = [
        (_("Qualification"), reverse("qualification:home")),
        (_("Mentoring"), reverse("mentoring:home")),
        (_("Participation check"), reverse("participation_check:home")),
        (_("Action fund"), reverse("actionfund:home")),
        (_("Volunteer services"), reverse("volunteering:home")),
    ]
    return {"nav_items": items, "nav_subprojects": subprojects}
