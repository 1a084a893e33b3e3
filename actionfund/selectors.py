"""Reads that views, exports, the timeline and indicators share."""

from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf
from django.db.models.lookups import IsNull

from ikmo.queries import count_of
from ikmo.viewtools import get_visible_or_404
from organisations.models import Membership, Organisation, StaffRole, User

from . import permissions
from .eligibility import attended_workshop_organisations
from .models import (
    COMMITTED_STATUSES,
    UNDECIDED_STATUSES,
    ZERO,
    Application,
    Call,
    Criterion,
    JuryAssignment,
    PartnerInvitation,
    Payment,
    ProofOfUse,
    Return,
    Score,
    Status,
)

MONEY = DecimalField(max_digits=14, decimal_places=2)
SCORE = DecimalField(max_digits=20, decimal_places=6)


def calls_visible_to(*, user):
    """Fund staff see every call (also unpublished ones); everybody else published ones."""
    if permissions.is_fund_staff(user):
        return Call.objects.all()
    return Call.objects.published()


def applications_visible_to(*, user):
    """The one list every application page, lookup, export and timeline filters from."""
    return Application.objects.filter(permissions.visible_applications_q(user))


def applications_with_messages_for(*, user):
    """The applications whose conversation this person may read (``can_read_messages``):
    the thread kind's lookup for its pages, files and unread counts."""
    return Application.objects.filter(permissions.message_readers_q(user))


# The staff list's order (the page, its export): the newest submission first, and the
# drafts, never submitted, after every submitted application. A plain "-submitted_at" put
# them first on PostgreSQL, which sorts NULL first in a descending order: the list opened
# on a page of drafts. An index on the same three expressions (Application.Meta) gives a
# page without sorting the applications.
STAFF_LIST_ORDER = (IsNull(F("submitted_at"), True), F("submitted_at").desc(), F("id").desc())


def with_list_data(qs):
    # A subquery, not Count over a join: the join's GROUP BY makes the database aggregate
    # every application before it can take the first page.
    return qs.select_related("call", "organisation", "district").annotate(
        partner_count=count_of(
            Application.partners.through.objects.filter(application=OuterRef("pk"))
        )
    )


def get_application_for_user(user, pk) -> Application:
    """An application this person may see, or a 404 (used by the file downloads)."""
    return get_visible_or_404(
        applications_visible_to(user=user).select_related("call", "organisation", "district"),
        pk=pk,
    )


def jurors():
    return (
        User.objects.filter(
            is_active=True,
            staff_roles__role=StaffRole.Role.JURY,
            staff_roles__subproject__in=["", permissions.SUBPROJECT],
        )
        .distinct()
        .order_by("last_name", "email")
    )


def history_of(application):
    return application.status_changes.select_related("actor").order_by("created_at", "pk")


def ceiling_for(application, *, partners=None) -> Decimal:
    """The cooperation ceiling needs at least one partner that accepted (``partners`` holds
    exactly the accepted ones); invited partners do not count yet. A page that lists the
    partners passes them."""
    has_partner = application.partners.exists() if partners is None else bool(partners)
    return application.call.max_cooperation if has_partner else application.call.max_single


def ceiling_warning(application, *, total=None, ceiling=None) -> dict | None:
    """For staff: an undecided application whose budget is above the ceiling that now
    applies (a partner withdrew, or never accepted), with the figures; else None. A page
    that has the budget total and the ceiling already passes them."""
    if application.status == Status.DRAFT or application.status not in UNDECIDED_STATUSES:
        return None
    total = budget_total(application) if total is None else total
    ceiling = ceiling_for(application) if ceiling is None else ceiling
    if total <= ceiling:
        return None
    return {"total": total, "ceiling": ceiling}


# --- partner invitations -----------------------------------------------------------------


def invitations_visible_to(*, user):
    """The invitations of the person's organisations (every page and list of a partner)."""
    return PartnerInvitation.objects.filter(permissions.visible_invitations_q(user))


def get_invitation_for_user(user, pk) -> PartnerInvitation:
    return get_visible_or_404(
        invitations_visible_to(user=user).select_related(
            "application__call",
            "application__organisation",
            "application__district",
            "organisation",
        ),
        pk=pk,
    )


def invitations_for_member(*, user, open_only: bool = False):
    qs = invitations_visible_to(user=user).select_related(
        "application__call", "application__organisation", "organisation"
    )
    if open_only:
        qs = qs.filter(
            status=PartnerInvitation.Status.INVITED,
            application__status__in=UNDECIDED_STATUSES,
        )
    return qs.order_by("-invited_at", "-pk")


def invitations_of(application):
    """An application's invitations, for its applicant and staff pages."""
    return application.partner_invitations.select_related("organisation").order_by(
        "organisation__name"
    )


def fund_leads():
    """The people responsible for the action fund's decisions: its project leads (also those
    of all sub-projects)."""
    return (
        User.objects.filter(
            is_active=True,
            staff_roles__role=StaffRole.Role.PROJECT_LEAD,
            staff_roles__subproject__in=["", permissions.SUBPROJECT],
        )
        .distinct()
        .order_by("email")
    )


def budget_total(application) -> Decimal:
    return application.budget_lines.aggregate(
        total=Coalesce(Sum("amount"), ZERO, output_field=MONEY)
    )["total"]


# --- money -------------------------------------------------------------------------------


def call_ledger(call) -> dict:
    """Total, committed by approvals, paid, returned and remaining, in three queries.

    Remaining = total - committed + returned: money paid back can be granted again.
    """
    committed = Application.objects.filter(call=call, status__in=COMMITTED_STATUSES).aggregate(
        s=Coalesce(Sum("approved_amount"), ZERO, output_field=MONEY), n=Count("pk")
    )
    paid = Payment.objects.filter(application__call=call).aggregate(
        s=Coalesce(Sum("amount"), ZERO, output_field=MONEY)
    )["s"]
    returned = Return.objects.filter(application__call=call).aggregate(
        s=Coalesce(Sum("amount"), ZERO, output_field=MONEY)
    )["s"]
    remaining = call.total_budget - committed["s"] + returned
    return {
        "total": call.total_budget,
        "committed": committed["s"],
        "approved_count": committed["n"],
        "paid": paid,
        "returned": returned,
        "remaining": remaining,
        "outstanding": committed["s"] - paid,
    }


def ledger_rows(call):
    """Per committed application: approved, paid, returned (subqueries: no join fan-out)."""
    paid = (
        Payment.objects.filter(application=OuterRef("pk"))
        .values("application")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    returned = (
        Return.objects.filter(application=OuterRef("pk"))
        .values("application")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    return (
        Application.objects.filter(call=call, status__in=COMMITTED_STATUSES)
        .select_related("organisation")
        .annotate(
            paid=Coalesce(Subquery(paid, output_field=MONEY), Value(ZERO), output_field=MONEY),
            returned=Coalesce(
                Subquery(returned, output_field=MONEY), Value(ZERO), output_field=MONEY
            ),
        )
        .order_by("organisation__name")
    )


def paid_total(application) -> Decimal:
    return application.payments.aggregate(s=Coalesce(Sum("amount"), ZERO, output_field=MONEY))["s"]


# --- scoring -----------------------------------------------------------------------------


def weighted_scores(applications, call) -> dict[int, dict]:
    """{application_id: {"jurors": n, "average": Decimal | None}} in two queries.

    Each juror's score for an application is the weighted mean of their criterion scores
    (sum of value x weight over the sum of all weights of the call), so a juror who left a
    criterion out scores it as 0. The application's score is the mean over its jurors.
    """
    total_weight = Criterion.objects.filter(call=call).aggregate(w=Sum("weight"))["w"] or Decimal(
        "0"
    )
    rows = (
        Score.objects.filter(application__in=applications)
        .values("application_id", "juror_id")
        .annotate(weighted=Sum(F("value") * F("criterion__weight"), output_field=MONEY))
    )
    per_app: dict[int, list[Decimal]] = {}
    for row in rows:
        value = Decimal(row["weighted"]) / total_weight if total_weight else Decimal("0")
        per_app.setdefault(row["application_id"], []).append(value)
    return {
        app_id: {"jurors": len(values), "average": mean_score(values)}
        for app_id, values in per_app.items()
    }


def mean_score(values: list[Decimal]) -> Decimal | None:
    """The application's score: the mean of its jurors' weighted scores, to the cent."""
    if not values:
        return None
    return (sum(values) / len(values)).quantize(Decimal("0.01"))


class Ranking:
    """A call's applications, best first, ranked in the database; a page at a time.

    Sliceable and countable like a queryset (a Paginator takes it), each application it
    hands out carries ``scored_by``, ``average`` (the mean over jurors of their weighted
    scores, rounded to cents), ``bonus`` (the workshop bonus, if the call gives one) and
    ``ranking_score`` (average plus bonus; None while nobody has scored).
    """

    def __init__(self, queryset, total_weight: Decimal, *, listed=None):
        self.queryset, self.total_weight = queryset, total_weight
        # The same applications without the scores: counted without grouping them.
        self.listed = queryset if listed is None else listed

    def count(self) -> int:
        return self.listed.count()

    def __len__(self) -> int:
        return self.count()

    def __iter__(self):
        return iter(self[:])

    def __getitem__(self, key):
        if isinstance(key, slice):
            # The order is ranked over the applications' own rows; their organisation and
            # call are read for the rows of the slice only. Joined before the sort, every
            # organisation of the registry was read for every look at a big call.
            ids = list(self.queryset.values_list("pk", flat=True)[key])
            rows = self.queryset.filter(pk__in=ids).select_related("organisation", "call")
            found = {application.pk: application for application in rows.order_by()}
            return [self._finish(found[pk]) for pk in ids if pk in found]
        return self._finish(self.queryset.select_related("organisation", "call")[key])

    def _finish(self, application):
        if application.scored_by:
            weighted = application.score_sum / self.total_weight if self.total_weight else 0
            application.average = (Decimal(weighted) / application.scored_by).quantize(
                Decimal("0.01")
            )
            application.ranking_score = application.average + application.bonus
        else:
            application.scored_by, application.average, application.ranking_score = 0, None, None
        return application


def ranking(call, *, only_ids=None) -> Ranking:
    """Applications of a call still to be decided or decided, best average first.

    Sums, juror counts and the bonus are subqueries and the order is SQL's, so a page of the
    ranking reads its 50 rows whatever the size of the call. Ties go to the earlier
    submission. ``only_ids`` narrows it to some applications (a batch decision).
    """
    total_weight = Criterion.objects.filter(call=call).aggregate(w=Sum("weight"))["w"] or Decimal(
        "0"
    )
    # Aggregates over one join of the call's scores, grouped by application: the database
    # reads the scores once, where a subquery per application read them application by
    # application (48 -> 21 ms for a call of 2,700 at four times the full scale).
    score_sum = Sum(F("scores__value") * F("scores__criterion__weight"), output_field=MONEY)
    scored_by = Count("scores__juror", distinct=True)
    bonus = Value(Decimal("0"), output_field=MONEY)
    attended = attended_workshop_organisations()
    if call.workshop_rule == Call.WorkshopRule.BONUS and attended is not None:
        bonus = Case(
            When(organisation_id__in=attended, then=Value(call.workshop_bonus)),
            default=Value(Decimal("0")),
            output_field=MONEY,
        )
    if total_weight:
        mean = F("score_sum") / (Value(total_weight) * NullIf(F("scored_by"), 0))
    else:
        mean = Case(When(scored_by__gt=0, then=Value(Decimal("0"))), output_field=SCORE)
    listed = Application.objects.filter(call=call).exclude(
        status__in=[Status.DRAFT, Status.WITHDRAWN]
    )
    if only_ids is not None:
        listed = listed.filter(pk__in=only_ids)
    applications = (
        listed.annotate(
            jury_count=count_of(JuryAssignment.objects.filter(application=OuterRef("pk"))),
            partner_count=count_of(
                Application.partners.through.objects.filter(application=OuterRef("pk"))
            ),
            score_sum=score_sum,
            scored_by=scored_by,
            bonus=bonus,
        )
        .annotate(rank_value=ExpressionWrapper(mean + F("bonus"), output_field=SCORE))
        .order_by(
            F("rank_value").desc(nulls_last=True),
            Coalesce("submitted_at", "created_at").asc(),
            "pk",
        )
    )
    return Ranking(applications, total_weight, listed=listed)


def scores_by_juror(application):
    """[(juror, [score...], weighted)] for the application page; each juror's ``exact``
    weighted score (unrounded) gives the application's mean (``mean_score``)."""
    criteria = list(application.call.criteria.all())
    total_weight = sum((c.weight for c in criteria), Decimal("0"))
    grouped: dict = {}
    for score in application.scores.select_related("juror", "criterion"):
        grouped.setdefault(score.juror, {})[score.criterion_id] = score
    result = []
    for juror, by_criterion in grouped.items():
        weighted = sum(
            (by_criterion[c.pk].value * c.weight for c in criteria if c.pk in by_criterion),
            Decimal("0"),
        )
        exact = weighted / total_weight if total_weight else Decimal("0")
        result.append(
            {
                "juror": juror,
                "scores": [by_criterion.get(c.pk) for c in criteria],
                "weighted": exact.quantize(Decimal("0.01")) if total_weight else None,
                "exact": exact,
            }
        )
    return criteria, result


def assignments_for_juror(user):
    return (
        Application.objects.filter(jury_assignments__juror=user)
        .exclude(status=Status.DRAFT)
        .select_related("call", "organisation")
        .annotate(
            # Subqueries, not joins: two counted joins multiply each other's rows.
            my_scores=count_of(Score.objects.filter(application=OuterRef("pk"), juror=user)),
            criteria_count=count_of(Criterion.objects.filter(call=OuterRef("call_id"))),
        )
        # The newest call first: a juror of several years works on this year's applications.
        .order_by("-call__closes_at", "pk")
    )


def open_draft(*, call, organisation) -> Application | None:
    """The organisation's one open draft for the call (a constraint allows only one)."""
    return Application.objects.filter(
        call=call, organisation=organisation, status=Status.DRAFT
    ).first()


def applications_of_member(*, user, statuses=None):
    """Applications of the organisations the person is an active member of."""
    qs = Application.objects.filter(permissions.in_member_organisations(user))
    if statuses is not None:
        qs = qs.filter(status__in=statuses)
    return qs.select_related("call", "organisation")


def partner_candidates(*, application, query: str, exclude=(), limit: int = 20):
    """Approved organisations matching the search, for the partner step (never the full
    registry: it can hold thousands of organisations)."""
    query = query.strip()
    if len(query) < 2:
        return Organisation.objects.none()
    return (
        Organisation.objects.approved()
        .filter(name__icontains=query)
        .select_related("district")
        .exclude(pk=application.organisation_id)
        # Already asked and not answered "no": nothing to invite again.
        .exclude(
            pk__in=application.partner_invitations.filter(
                status__in=[PartnerInvitation.Status.INVITED, PartnerInvitation.Status.ACCEPTED]
            ).values("organisation")
        )
        .exclude(pk__in=[pk for pk in exclude if str(pk).isdigit()])
        .order_by("name")[:limit]
    )


def member_organisations(user):
    """The organisations the person is an active member of, by name."""
    return Organisation.objects.filter(
        memberships__user=user, memberships__status=Membership.Status.ACTIVE
    ).order_by("name")


def drafts_of(*, call, organisations):
    """The open drafts of these organisations for the call."""
    return Application.objects.filter(
        call=call, organisation__in=organisations, status=Status.DRAFT
    ).select_related("organisation")


def first_payment_date(application):
    return application.payments.order_by("paid_on").values_list("paid_on", flat=True).first()


def proof_of(application, *, details: bool = False) -> ProofOfUse | None:
    """The application's proof of use, if started (``details``: with spending and receipts)."""
    qs = ProofOfUse.objects.filter(application=application)
    if details:
        qs = qs.prefetch_related("spending__budget_line", "receipts")
    return qs.first()
