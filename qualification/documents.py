"""PDFs of qualification: the participation certificate and the trainer's participant list."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ikmo.documents import DocumentKind

from . import permissions

CERTIFICATE = "qualification_certificate"
PARTICIPANT_LIST = "qualification_participant_list"


def certificate_context(registration, document) -> dict:
    workshop = registration.workshop
    return {
        "registration": registration,
        "participant": registration.participant,
        "organisation": registration.organisation,
        "workshop": workshop,
        "sessions": list(workshop.sessions.all()),
        "topics": list(workshop.topics.all()),
        "trainer": workshop.trainer,
        "total_hours": _hours(workshop),
        "generated_at": timezone.now(),
    }


def _hours(workshop) -> float:
    seconds = sum((s.ends_at - s.starts_at).total_seconds() for s in workshop.sessions.all())
    return round(seconds / 3600, 1)


def participant_list_context(workshop, document) -> dict:
    from .selectors import workshop_participants

    return {
        "workshop": workshop,
        "sessions": list(workshop.sessions.all()),
        "registrations": list(workshop_participants(workshop)),
        "generated_at": timezone.now(),
    }


# The contract's `documents` hook (see the app config).
KINDS = [
    DocumentKind(
        key=CERTIFICATE,
        template="qualification/pdf/certificate.html",
        build_context=certificate_context,
        can_view=permissions.can_view_certificate,
        title=lambda registration: (
            _("Certificate of participation: %(workshop)s – %(person)s")
            % {"workshop": registration.workshop.title, "person": registration.participant}
        ),
    ),
    DocumentKind(
        key=PARTICIPANT_LIST,
        template="qualification/pdf/participant_list.html",
        build_context=participant_list_context,
        can_view=permissions.can_manage_workshop,
        title=lambda workshop: _("Participant list: %(workshop)s") % {"workshop": workshop.title},
    ),
]
