"""What happens next with an application, and when: the timeline applicants see after
submitting, and the one next step they have to take themselves."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import DateField, F, Func, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import COMMITTED_STATUSES, PROOF_OPEN_STATUSES, Application, Status

DONE, CURRENT, UPCOMING = "done", "current", "upcoming"
# "Due soon" on the staff list: from today up to this many days ahead.
PROOF_DUE_SOON_DAYS = 30

# The order an application moves through once submitted (info_requested counts as review).
# Committed statuses are listed in the order an approved application goes through them.
ORDER = [Status.SUBMITTED, Status.IN_REVIEW, *COMMITTED_STATUSES]


@dataclass(frozen=True)
class JourneyStep:
    key: str
    title: str
    state: str
    when: date | datetime | None = None
    until: date | datetime | None = None
    when_label: str = ""  # e.g. "expected by", "due by"
    detail: str = ""
    overdue: bool = False  # its date has passed and it is still to be done


def _rank(status: str) -> int:
    if status == Status.INFO_REQUESTED:
        return ORDER.index(Status.IN_REVIEW)
    return ORDER.index(status) if status in ORDER else -1


def _state(status: str, current: tuple, done_from: str) -> str:
    if _rank(status) >= _rank(done_from):
        return DONE
    return CURRENT if status in current else UPCOMING


def proof_due(application: Application) -> date | None:
    if application.proof_due_date:
        return application.proof_due_date
    if application.end_date:
        return application.end_date + timedelta(weeks=application.call.proof_of_use_weeks)
    return None


def proof_overdue(application: Application, *, today: date | None = None) -> bool:
    """The proof of use is still to come and the day it was due has passed (the same
    applications `services.send_reminders` writes to after the date, a few days later).
    In SQL: `proof_overdue_q`."""
    due = proof_due(application)
    if due is None or application.status not in PROOF_OPEN_STATUSES:
        return False
    return due < (today or timezone.localdate())


def proof_due_soon(application: Application, *, today: date | None = None) -> bool:
    """The proof of use is still to come and due today or within PROOF_DUE_SOON_DAYS days.
    In SQL: `proof_due_soon_q`."""
    due = proof_due(application)
    if due is None or application.status not in PROOF_OPEN_STATUSES:
        return False
    today = today or timezone.localdate()
    return today <= due <= today + timedelta(days=PROOF_DUE_SOON_DAYS)


# The same three answers from the database, for lists and filters that cannot load every
# application to ask the functions above. tests/actionfund/test_proof_filter.py compares the
# two over every status and the edge dates.


class _DatePlusDays(Func):
    """A date plus a whole number of days, as a date. Django's duration arithmetic gives a
    timestamp on PostgreSQL and refuses "number x duration" on SQLite (local development)."""

    arity = 2
    output_field = DateField()

    def as_sql(self, compiler, connection, **extra_context):
        (day, day_params), (days, days_params) = map(
            compiler.compile, self.get_source_expressions()
        )
        return f"({day} + {days})", (*day_params, *days_params)  # PostgreSQL: date + integer

    def as_sqlite(self, compiler, connection, **extra_context):
        (day, day_params), (days, days_params) = map(
            compiler.compile, self.get_source_expressions()
        )
        return f"date({day}, ({days}) || ' days')", (*day_params, *days_params)


def with_proof_due(queryset):
    """The applications with `proof_due_on`: `proof_due` as the database computes it, the
    stored date or else the project's end plus the call's weeks (NULL without either)."""
    if "proof_due_on" in queryset.query.annotations:
        return queryset
    return queryset.annotate(
        proof_due_on=Coalesce(
            "proof_due_date",
            _DatePlusDays(F("end_date"), F("call__proof_of_use_weeks") * 7),
            output_field=DateField(),
        )
    )


def proof_overdue_q(today: date) -> Q:
    """`proof_overdue` for a queryset `with_proof_due`."""
    return Q(status__in=PROOF_OPEN_STATUSES, proof_due_on__lt=today)


def proof_due_soon_q(today: date) -> Q:
    """`proof_due_soon` for a queryset `with_proof_due`."""
    return Q(
        status__in=PROOF_OPEN_STATUSES,
        proof_due_on__gte=today,
        proof_due_on__lte=today + timedelta(days=PROOF_DUE_SOON_DAYS),
    )


def steps(application: Application, *, first_payment: date | None = None) -> list[JourneyStep]:
    """The timeline from submission to proof of use; empty before submission and after a
    rejection or withdrawal (there is nothing to wait for then)."""
    status = application.status
    if _rank(status) < 0:
        return []
    call = application.call
    review = (Status.SUBMITTED, Status.IN_REVIEW, Status.INFO_REQUESTED)
    decided = application.decided_at
    today = timezone.localdate()
    overdue = proof_overdue(application, today=today)
    project = _state(status, PROOF_OPEN_STATUSES, Status.PROOF_SUBMITTED)
    if project == CURRENT and application.end_date and application.end_date < today:
        project = DONE  # it has ended: what is left to do now is the proof of use
    return [
        JourneyStep("submitted", _("Application submitted"), DONE, when=application.submitted_at),
        JourneyStep(
            "review",
            _("Review by the jury"),
            _state(status, review, Status.APPROVED),
            when=call.closes_at,
            until=call.decision_expected_on,
            when_label=_("after the call closes"),
            detail=_(
                "The jury scores every application against the published criteria. "
                "We may ask you for more information."
            ),
        ),
        JourneyStep(
            "decision",
            _("Decision"),
            DONE if decided else UPCOMING,
            when=decided or call.decision_expected_on,
            when_label="" if decided else _("expected by"),
            detail=_("You receive the decision by e-mail and see it here."),
        ),
        JourneyStep(
            "agreement",
            _("Funding agreement"),
            _state(status, (Status.APPROVED,), Status.AGREEMENT_SIGNED),
            detail=_("Download the agreement, sign it and send it back to the team."),
        ),
        JourneyStep(
            "payment",
            _("Payment"),
            _state(status, (Status.AGREEMENT_SIGNED,), Status.PAID),
            when=first_payment,
            detail=_("We transfer the money once the signed agreement has arrived."),
        ),
        JourneyStep(
            "project",
            _("Your project"),
            project,
            when=application.start_date,
            until=application.end_date,
        ),
        JourneyStep(
            "proof",
            _("Proof of use"),
            _state(status, PROOF_OPEN_STATUSES, Status.PROOF_SUBMITTED),
            when=proof_due(application),
            when_label=_("overdue since") if overdue else _("due by"),
            overdue=overdue,
            detail=_("A short report, what you spent per budget line, and the receipts."),
        ),
    ]
