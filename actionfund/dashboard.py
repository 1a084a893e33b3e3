"""The action fund's card on a person's overview page (ikmo.dashboard): the organisation's
unfinished, submitted and granted applications, each with what to do next."""

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from ikmo.dashboard import Card, CardLink
from ikmo.subprojects import SubProject

from . import journey, permissions, selectors
from .models import EDITABLE_STATUSES, Status

# Applications that still ask something of the organisation, or that it waits for: the
# editable ones and those on the way from submission to the proof of use.
OPEN_STATUSES = (
    *EDITABLE_STATUSES,
    *journey.ORDER[: journey.ORDER.index(Status.PROOF_SUBMITTED)],
)


def _date(value) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else ""


def _link(application) -> CardLink:
    status = application.status
    title = application.title or _("Untitled draft")
    label = f"{title} · {application.organisation.name}"
    if status in (Status.DRAFT, Status.INFO_REQUESTED):
        url = reverse("actionfund:application_edit", args=[application.pk, "basics"])
        if status == Status.DRAFT:
            detail = _("Draft, last saved %(date)s: continue") % {
                "date": formats.date_format(application.updated_at, "SHORT_DATETIME_FORMAT")
            }
        else:
            detail = _("More information requested: please update and resubmit")
        return CardLink(label=label, url=url, detail=detail)
    expected = application.call.decision_expected_on
    if status in (Status.SUBMITTED, Status.IN_REVIEW):
        detail = (
            _("Submitted, decision expected by %(date)s") % {"date": _date(expected)}
            if expected
            else _("Submitted, in review")
        )
    elif status == Status.APPROVED:
        detail = _("Approved: next step, sign the funding agreement")
    elif status == Status.AGREEMENT_SIGNED:
        detail = _("Agreement signed: the payment is on its way")
    else:
        due = journey.proof_due(application)
        if journey.proof_overdue(application):
            detail = _("Proof of use overdue since %(date)s: please send it now") % {
                "date": _date(due)
            }
            return CardLink(label, application.get_absolute_url(), detail, warning=True)
        detail = (
            _("Proof of use due by %(date)s") % {"date": _date(due)}
            if due
            else _("Proof of use due")
        )
    return CardLink(label=label, url=application.get_absolute_url(), detail=detail)


def _invitation_card(user) -> list[Card]:
    """Open invitations of the person's organisations to be a partner of an application."""
    invitations = list(
        selectors.invitations_for_member(user=user, open_only=True).only(
            "organisation__name",
            "application__title",
            "application__call__year",
            "application__organisation__name",
        )[:6]
    )
    if not invitations:
        return []
    return [
        Card(
            title=_("Partner invitations"),
            subproject=SubProject.ACTIONFUND,
            links=[
                CardLink(
                    label=f"{i.application.title or i.application.reference} · "
                    f"{i.application.organisation.name}",
                    url=i.get_absolute_url(),
                    detail=_("%(applicant)s invites %(partner)s: please answer")
                    % {
                        "applicant": i.application.organisation.name,
                        "partner": i.organisation.name,
                    },
                )
                for i in invitations
            ],
            action=CardLink(_("All invitations"), reverse("actionfund:invitation_list")),
        )
    ]


def cards(user):
    if not user.is_authenticated or permissions.is_fund_staff(user):
        return []
    return [*_invitation_card(user), *_application_card(user)]


def _application_card(user):
    applications = list(
        selectors.applications_of_member(user=user, statuses=OPEN_STATUSES)
        .only(
            *("status", "title", "updated_at", "end_date", "proof_due_date"),
            *("organisation__name", "call__decision_expected_on", "call__proof_of_use_weeks"),
        )
        .order_by("-updated_at", "-pk")[:6]
    )
    if not applications:
        return []
    return [
        Card(
            title=_("Our action fund applications"),
            subproject=SubProject.ACTIONFUND,
            links=[_link(a) for a in applications],
            action=CardLink(_("My applications"), reverse("actionfund:application_list")),
        )
    ]
