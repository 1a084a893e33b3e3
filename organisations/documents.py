"""The organisation profile sheet: the registry's own PDF, and the proof of the pipeline."""

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ikmo.documents import DocumentKind

from . import permissions
from .timeline import SHORT_LIMIT, timeline_for

PROFILE_SHEET = "organisation_profile"


def profile_sheet_context(organisation, document) -> dict:
    members = organisation.memberships.filter(status="active").select_related("user")
    return {
        "organisation": organisation,
        "fields": list(organisation.fields_of_work.all()),
        "languages": list(organisation.languages.all()),
        "members": members,
        # The sheet lists what the person who asked for it may see, nothing more.
        "events": timeline_for(
            organisation=organisation,
            user=document.requested_by or AnonymousUser(),
            limit=SHORT_LIMIT,
        ),
        "generated_at": timezone.now(),
    }


# The contract's `documents` hook (see the app config).
KINDS = [
    DocumentKind(
        key=PROFILE_SHEET,
        template="organisations/pdf/profile_sheet.html",
        build_context=profile_sheet_context,
        can_view=permissions.can_view_organisation,
        # Rendered with the requester's view of the timeline: theirs alone to open.
        for_requester=True,
        title=lambda organisation: _("Profile sheet: %(name)s") % {"name": organisation.name},
    ),
]
