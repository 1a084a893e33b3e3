"""The action fund's cards on a person's overview page (ikmo.dashboard): for an organisation,
its unfinished, submitted and granted applications, each with what to do next; for the fund's
staff, what waits for them at each stage; for a juror, the applications still to score."""

from django.db.models import Count, F, Value
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy

from ikmo.dashboard import Card, CardLink, first_and_total
from ikmo.subprojects import SubProject
from ikmo.templatetags.numbers import grouped

from . import journey, permissions, selectors
from .filters import ApplicationFilter, JuryFilter
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
    if not user.is_authenticated:
        return []
    jury = [_jury_card(user)] if permissions.is_juror(user) else []
    if permissions.is_fund_staff(user):
        return [_staff_card(user), *jury]
    return [*jury, *_invitation_card(user), *_application_card(user)]


def _list_url(**query) -> str:
    return f"{reverse('actionfund:application_list')}?{urlencode(query)}"


# Each stage: its count's key, its line on the card (its plural chosen by "count", the
# number written as "shown"), the list's filter for exactly those.
STAFF_STAGES = [
    (
        "submitted",
        ngettext_lazy(
            "%(shown)s application submitted, to be checked",
            "%(shown)s applications submitted, to be checked",
            "count",
        ),
        {"status": Status.SUBMITTED},
    ),
    (
        "in_review",
        ngettext_lazy(
            "%(shown)s application in review by the jury",
            "%(shown)s applications in review by the jury",
            "count",
        ),
        {"status": Status.IN_REVIEW},
    ),
    (
        "approved",
        ngettext_lazy(
            "%(shown)s approved application without a signed agreement",
            "%(shown)s approved applications without a signed agreement",
            "count",
        ),
        {"status": Status.APPROVED},
    ),
    (
        "proof_submitted",
        ngettext_lazy(
            "%(shown)s proof of use to check",
            "%(shown)s proofs of use to check",
            "count",
        ),
        {"proof": ApplicationFilter.SUBMITTED},
    ),
    (
        "proof_overdue",
        ngettext_lazy(
            "%(shown)s proof of use overdue",
            "%(shown)s proofs of use overdue",
            "count",
        ),
        {"proof": ApplicationFilter.OVERDUE},
    ),
]


# The stages the card counts by status (their keys in STAFF_STAGES are the statuses).
STAGE_STATUSES = (Status.SUBMITTED, Status.IN_REVIEW, Status.APPROVED, Status.PROOF_SUBMITTED)


def _staff_card(user) -> Card:
    """How many applications wait for the fund's team at each stage, each a link to the
    application list filtered to them (the same filters: the numbers are the list's)."""
    today = timezone.localdate()
    visible = selectors.applications_visible_to(user=user).order_by()
    # One query in two parts, each reading only what it counts (the work in hand, never the
    # fund's closed years): the stages from the index on the status alone, without reading
    # a row, and the overdue proofs among the open ones, whose due date needs their call.
    # Counted in one pass, every waiting application was read and joined to its call
    # (1.4 -> 6 ms from the full scale to four times it; in two parts 0.9 and 1.3 ms there).
    stages = visible.filter(status__in=STAGE_STATUSES).values_list("status").annotate(n=Count("*"))
    overdue = (
        journey.with_proof_due(visible)
        .filter(journey.proof_overdue_q(today))
        .values_list(Value("proof_overdue"))
        .annotate(n=Count("*"))
    )
    counts = dict(stages.union(overdue, all=True))
    return Card(
        title=_("Applications waiting for the team"),
        subproject=SubProject.ACTIONFUND,
        links=[
            CardLink(
                # The plural form by the number, the number grouped as the language writes
                # it ("1.334" in German).
                label=label % {"count": counts.get(key, 0), "shown": grouped(counts.get(key, 0))},
                url=_list_url(**query),
                warning=key == "proof_overdue",
                detail=_("Please remind the organisation") if key == "proof_overdue" else "",
            )
            for key, label, query in STAFF_STAGES
            if counts.get(key)
        ],
        empty_text=_("No application is waiting for the team."),
        action=CardLink(_("All applications"), reverse("actionfund:application_list")),
    )


JURY_ON_CARD = 5


def _jury_card(user) -> Card:
    """A juror's applications still to score, with how many there are in all and how far
    each scoring has got."""
    todo, total = first_and_total(
        selectors.assignments_for_juror(user)
        .filter(status=Status.IN_REVIEW, my_scores__lt=F("criteria_count"))
        .only("title", "organisation__name", "call__year", "call__decision_expected_on"),
        JURY_ON_CARD,
    )

    def detail(application):
        scored = _("%(done)s of %(total)s criteria scored") % {
            "done": application.my_scores,
            "total": application.criteria_count,
        }
        expected = application.call.decision_expected_on
        if expected:
            return _("%(scored)s · decision expected by %(date)s") % {
                "scored": scored,
                "date": _date(expected),
            }
        return scored

    return Card(
        title=_("Applications to score"),
        subproject=SubProject.ACTIONFUND,
        count=total,
        count_label=_("still to score"),
        links=[
            CardLink(
                label=f"{a.title or a.reference} · {a.organisation.name}",
                url=reverse("actionfund:application_score", args=[a.pk]),
                detail=detail(a),
            )
            for a in todo
        ],
        empty_text=_("You have scored every application assigned to you."),
        action=CardLink(
            _("My jury list"), f"{reverse('actionfund:jury_list')}?state={JuryFilter.TODO}"
        ),
    )


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
