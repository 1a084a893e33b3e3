"""The funding agreement ("Zuwendungsvereinbarung") as a PDF, rendered by the Celery worker."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ikmo.documents import DocumentKind

from . import permissions
from .services import AGREEMENT_KIND


def agreement_context(application, document) -> dict:
    return {
        "application": application,
        "call": application.call,
        "organisation": application.organisation,
        "partners": list(application.partners.order_by("name")),
        "lines": list(application.budget_lines.all()),
        "generated_at": timezone.now(),
    }


# The contract's `documents` hook (see the app config).
KINDS = [
    DocumentKind(
        key=AGREEMENT_KIND,
        template="actionfund/pdf/agreement.html",
        build_context=agreement_context,
        can_view=permissions.can_view_agreement,
        title=lambda application: (
            _("Funding agreement %(reference)s") % {"reference": application.reference}
        ),
    ),
]
