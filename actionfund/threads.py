"""The conversation about an application: the applying organisation and the fund's staff.

Who may read it, and its files, is the applying organisation's active members and the fund's
staff (``permissions.can_read_messages``). Not the jury, even those assigned to the
application: the conversation may hold personal or financial details beyond the application
they score. The fund's staff write for the centre and alone see internal notes.
"""

from django.utils.translation import gettext as _

from ikmo.subprojects import SubProject
from ikmo.threads import ThreadKind
from organisations.models import StaffRole, User

from . import permissions, selectors
from .uploads import ALLOWED, MAX_UPLOAD_BYTES


def fund_staff_recipients(application) -> list[tuple[str, str]]:
    """The fund's own consultants and project leads (as the volunteer desk's mails go to
    the desk's staff), each once."""
    people = User.objects.filter(
        is_active=True,
        staff_roles__role__in=[StaffRole.Role.CONSULTANT, StaffRole.Role.PROJECT_LEAD],
        staff_roles__subproject=SubProject.ACTIONFUND,
    ).distinct()
    return [(person.email, person.preferred_language) for person in people]


def applicant_recipients(application) -> list[tuple[str, str]]:
    # Imported here: the services import the mail and audit machinery this module need not.
    from .services import applicant_recipients as people

    return [(person.email, person.preferred_language) for person in people(application)]


def title_of(application) -> str:
    return _("Application %(reference)s: %(title)s") % {
        "reference": application.reference,
        "title": application.title or _("Untitled draft"),
    }


KINDS = [
    ThreadKind(
        model="actionfund.Application",
        route="actionfund:application_messages",
        post_route="actionfund:application_message_post",
        download_route="actionfund:application_message_file",
        visible=lambda user: selectors.applications_with_messages_for(user=user),
        is_centre_staff=permissions.is_fund_staff,
        on_organisation_side=permissions.is_applicant,
        organisation_of=lambda application: application.organisation,
        centre_recipients=fund_staff_recipients,
        organisation_recipients=applicant_recipients,
        title_of=title_of,
        allowed=ALLOWED,
        max_bytes=MAX_UPLOAD_BYTES,
    )
]
