"""The conversation about a placement: the placement site and the volunteer service desk.

Who may read it is who may see the placement (``permissions.placements_visible_q``: the desk,
the site's and the carrier's members). The desk writes for the centre and alone sees
internal notes; the site's admins are told of the desk's messages, as of its reminders.
"""

from ikmo.threads import ThreadKind

from . import permissions, services
from .models import Placement
from .uploads import ALLOWED, max_upload_bytes


def visible(user):
    return Placement.objects.filter(permissions.placements_visible_q(user))


def on_organisation_side(user, placement) -> bool:
    organisations = permissions.active_organisation_ids(user)
    return placement.site_id in organisations or placement.carrier.pk in organisations


KINDS = [
    ThreadKind(
        model="volunteering.Placement",
        route="volunteering:placement_messages",
        post_route="volunteering:placement_message_post",
        download_route="volunteering:placement_message_file",
        visible=visible,
        is_centre_staff=permissions.is_desk_staff,
        on_organisation_side=on_organisation_side,
        organisation_of=lambda placement: placement.site,
        centre_recipients=lambda placement: services.desk_recipients(),
        organisation_recipients=lambda placement: services.organisation_admin_recipients(
            placement.site
        ),
        # "Placement P-12": no names, as in the audit trail.
        title_of=str,
        allowed=ALLOWED,
        max_bytes=max_upload_bytes(),
    )
]
