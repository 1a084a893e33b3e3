"""Action fund events on the organisation timeline: applications submitted and approved."""

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ikmo.subprojects import SubProject
from organisations.timeline import LIMIT, TimelineEvent, newest

from .models import Status


def actionfund_events(organisation, user, limit=LIMIT):
    # Imported here: selectors import the eligibility helpers, which look up other apps' models.
    from .selectors import applications_visible_to

    applications = newest(
        applications_visible_to(user=user)
        .filter(organisation=organisation)
        .exclude(status=Status.DRAFT)
        .select_related("call")
        .only(
            "pk", "title", "submitted_at", "approved_at", "approved_amount", "call__year", "status"
        ),
        "submitted_at",
        limit=limit,
    )
    for application in applications:
        if application.submitted_at:
            yield TimelineEvent(
                when=application.submitted_at,
                title=_("Action fund application submitted: %(title)s")
                % {"title": application.title},
                subproject=SubProject.ACTIONFUND,
                url=application.get_absolute_url(),
            )
        if application.approved_at and application.status != Status.WITHDRAWN:
            yield TimelineEvent(
                when=application.approved_at,
                title=_("Action fund project approved: %(title)s") % {"title": application.title},
                subproject=SubProject.ACTIONFUND,
                detail=_("%(amount)s EUR granted")
                % {"amount": number_format(application.approved_amount, 2, force_grouping=True)},
                url=application.get_absolute_url(),
            )
