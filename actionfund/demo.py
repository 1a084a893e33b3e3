"""Fictional demo data for the action fund (called by `manage.py seed_demo`).

Two calls: last year's (closed, with a paid project whose proof of use is due and a closed
one) and this year's (open, with a draft, a submitted application and one in jury review).
Histories are produced through the services, so every status change is in the history.
Safe to run again: calls are found by title, applications by call, organisation and title.
Rows are built with the factories of devtools/factories.py (a dev dependency, like seed_demo).
"""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import formats, timezone

from devtools.factories import (
    ApplicationFactory,
    BudgetLineFactory,
    CallFactory,
    CriterionFactory,
    ensure,
)
from organisations.models import Organisation, User

from . import services
from .models import COMMITTED_STATUSES, Application, Call, ProofOfUse, Status, StatusChange

LEAD = "lead@ikmo.example"
JURY = "jury@ikmo.example"

CRITERIA = [
    ("Beitrag zur Teilhabe von Migrant*innen im Kiez", "2.00"),
    ("Einbindung von Ehrenamtlichen und Partner*innen", "1.50"),
    ("Machbarkeit und realistischer Kostenplan", "1.00"),
]

# (call key, organisation, applicant e-mail, title, lines [(category, what, amount)], partners,
#  target status)
APPLICATIONS = [
    (
        "past",
        "Brückenbau e.V.",
        "mo-a@ikmo.example",
        "Erzählcafé: Geschichten aus drei Generationen (Demo)",
        [("fees", "Honorar Moderation", "600.00"), ("catering", "Tee und Gebäck", "250.00")],
        [],
        Status.PAID,
    ),
    (
        "past",
        "Sonnenblume Kulturverein e.V.",
        "mo-b@ikmo.example",
        "Nähwerkstatt für Frauen (Demo)",
        [("material", "Stoffe und Garn", "700.00"), ("rent", "Raummiete", "300.00")],
        [],
        Status.CLOSED,
    ),
    (
        "current",
        "Brückenbau e.V.",
        "mo-a@ikmo.example",
        "Kiezfest der Sprachen (Demo)",
        [("fees", "Musik", "500.00")],
        [],
        Status.DRAFT,
    ),
    (
        "current",
        "Sonnenblume Kulturverein e.V.",
        "mo-b@ikmo.example",
        "Theater im Hof – gemeinsam mit Nachbarvereinen (Demo)",
        [("fees", "Theaterpädagogin", "1800.00"), ("publicity", "Plakate", "400.00")],
        # Brückenbau (admin mo-a) accepts; Kiez der Sprachen has no admin yet and stays invited.
        ["Brückenbau e.V.", "Kiez der Sprachen e.V."],
        Status.IN_REVIEW,
    ),
]


def _call(key: str, now) -> Call:
    year = now.year if key == "current" else now.year - 1
    title = f"Kaleidoskop Berlin – gestern, heute, morgen {year} (Demo)"
    call, created = ensure(
        CallFactory,
        title=title,
        defaults={
            "year": year,
            "description": (
                "Fiktiver Demo-Aufruf: Migrant*innenorganisationen und Initiativen in Gründung "
                "können Mittel für kleine Projekte beantragen. Kooperationsprojekte mehrerer "
                "Organisationen können einen höheren Betrag erhalten."
            ),
            # Opened now so the services accept the demo submissions; moved below.
            "opens_at": now - timedelta(days=30),
            "closes_at": now + timedelta(days=30),
            "total_budget": Decimal("20000.00"),
            "max_single": Decimal("1500.00"),
            "max_cooperation": Decimal("3000.00"),
            "allowed_legal_forms": ["ev", "in_founding"],
            "workshop_rule": Call.WorkshopRule.BONUS,
            "is_published": True,
        },
    )
    if key == "current":
        # The current demo call also in English, Turkish and Arabic (fictional).
        Call.objects.filter(pk=call.pk).update(
            title_en=f"Kaleidoscope Berlin – yesterday, today, tomorrow {year} (demo)",
            title_tr=f"Kaleydoskop Berlin – dün, bugün, yarın {year} (demo)",
            title_ar=f"مشكال برلين – الأمس واليوم والغد {year} (تجريبي)",
            description_en=(
                "Fictional demo call: migrant organisations and initiatives in founding can "
                "apply for funds for small projects. Cooperation projects of several "
                "organisations can receive a higher amount."
            ),
        )
    if created:
        for position, (criterion, weight) in enumerate(CRITERIA):
            CriterionFactory(call=call, title=criterion, weight=Decimal(weight), position=position)
    return call


def _advance(application, target, lead, jury):
    steps = {
        Status.DRAFT: [],
        Status.IN_REVIEW: ["submit", Status.IN_REVIEW, "jury"],
        Status.PAID: ["submit", Status.IN_REVIEW, "approve", Status.AGREEMENT_SIGNED, "pay"],
        Status.CLOSED: [
            "submit",
            Status.IN_REVIEW,
            "approve",
            Status.AGREEMENT_SIGNED,
            "pay",
            "proof",
            Status.CLOSED,
        ],
    }[target]
    for step in steps:
        if step == "submit":
            application = services.application_submit(
                application=application,
                token=application.submission_token,
                by=application.created_by,
            )
        elif step == "jury":
            services.jury_assign(application=application, jurors=[jury], by=lead)
        elif step == "approve":
            application = services.application_decide(
                application=application,
                approve=True,
                by=lead,
                amount=application.requested_amount,
            )
        elif step == "pay":
            services.payment_record(
                application=application,
                amount=application.approved_amount,
                paid_on=timezone.localdate(),
                reference="DEMO-1",
                by=lead,
            )
            application.refresh_from_db()
        elif step == "proof":
            services.proof_save(
                application=application,
                report="Das Projekt fand mit 40 Teilnehmenden statt (Demo).",
                spending={line.pk: line.amount for line in application.budget_lines.all()},
                by=application.created_by,
            )
            application = services.proof_submit(application=application, by=application.created_by)
        else:
            application = services.application_transition(
                application=application, to_status=step, by=lead
            )
    return application


def _last_year(now, month: int, day: int):
    return timezone.make_aware(datetime(now.year - 1, month, day, 10, 0))


def _backdate(application, now) -> None:
    """Date last year's application as last year's call ran (March to May of last year):
    submitted in May, decided in July, the project from August to October, paid in July,
    its proof in November. The services stamp everything "now"; left so, last year's
    approvals would count in this year's figures (amount granted, projects funded)."""
    submitted = _last_year(now, 5, 15)
    decided = _last_year(now, 7, 1)
    start, end = date(now.year - 1, 8, 1), date(now.year - 1, 10, 31)
    stamped = Application.objects.values("proof_due_date", "decision_message").get(
        pk=application.pk
    )
    due = end + timedelta(weeks=application.call.proof_of_use_weeks)
    message = stamped["decision_message"]
    if stamped["proof_due_date"]:
        # The decision letter names the date the services computed from "now"; it must
        # name the date the application shows.
        message = message.replace(
            formats.date_format(stamped["proof_due_date"], "DATE_FORMAT"),
            formats.date_format(due, "DATE_FORMAT"),
        )
    Application.objects.filter(pk=application.pk).update(
        created_at=_last_year(now, 5, 2),
        submitted_at=submitted,
        approved_at=decided if application.approved_at else None,
        decided_at=decided if application.decided_at else None,
        start_date=start,
        end_date=end,
        proof_due_date=due if stamped["proof_due_date"] else None,
        decision_message=message,
    )
    application.payments.update(paid_on=date(now.year - 1, 7, 20))
    ProofOfUse.objects.filter(application=application).exclude(submitted_at=None).update(
        submitted_at=_last_year(now, 11, 20)
    )
    # The history reads in the same order, between submission and the end of last year.
    changes = list(StatusChange.objects.filter(application=application).order_by("pk"))
    span = _last_year(now, 12, 1) - submitted
    for index, change in enumerate(changes):
        StatusChange.objects.filter(pk=change.pk).update(
            created_at=submitted + span * index / max(len(changes) - 1, 1)
        )


@transaction.atomic
def seed(stdout) -> None:
    lead = User.objects.filter(email=LEAD).first()
    jury = User.objects.filter(email=JURY).first()
    if lead is None or jury is None:
        stdout.write("actionfund: demo logins missing, skipped")
        return
    now = timezone.now()
    calls = {key: _call(key, now) for key in ("past", "current")}
    created = 0
    for key, org_name, email, title, lines, partners, target in APPLICATIONS:
        call = calls[key]
        organisation = Organisation.objects.filter(name=org_name).first()
        applicant = User.objects.filter(email=email).first()
        if organisation is None or applicant is None:
            continue
        if Application.objects.filter(call=call, organisation=organisation, title=title).exists():
            continue
        if not call.is_open:  # re-open a moved call for the moment of seeding
            Call.objects.filter(pk=call.pk).update(
                opens_at=now - timedelta(days=30), closes_at=now + timedelta(days=30)
            )
            call.refresh_from_db()
        application = ApplicationFactory(
            call=call,
            organisation=organisation,
            created_by=applicant,
            title=title,
            summary="Ein fiktives Demo-Projekt.",
            goals="Begegnung und Teilhabe im Kiez stärken.",
            target_group="Nachbar*innen aller Generationen",
            district=organisation.district,
            start_date=timezone.localdate() - timedelta(days=60 if key == "past" else -30),
            end_date=timezone.localdate() - timedelta(days=10 if key == "past" else -90),
            activities="Vorbereitung, Durchführung, Auswertung.",
        )
        _partners(application, partners, applicant)
        for position, (category, what, amount) in enumerate(lines):
            BudgetLineFactory(
                application=application,
                category=category,
                description=what,
                amount=Decimal(amount),
                position=position,
            )
        Application.objects.filter(pk=application.pk).update(
            requested_amount=sum(Decimal(a) for _c, _w, a in lines)
        )
        application.refresh_from_db()
        application = _advance(application, target, lead, jury)
        if key == "past":
            _backdate(application, now)
        created += 1
    # Last year's call ran from March to May of last year; this year's stays open.
    Call.objects.filter(pk=calls["past"].pk).update(
        opens_at=_last_year(now, 3, 1), closes_at=_last_year(now, 5, 31)
    )
    Call.objects.filter(pk=calls["current"].pk).update(
        opens_at=now - timedelta(days=14), closes_at=now + timedelta(days=30)
    )
    outcomes = _outcomes(calls["past"], now, lead)
    stdout.write(
        f"actionfund: 2 calls, {created} new demo applications, {outcomes} new demo outcomes"
    )


def _partners(application, names, applicant) -> None:
    """Invite the demo partners; each one with an admin accepts, as it would in the portal."""
    from . import services

    for partner in Organisation.objects.filter(name__in=names).order_by("name"):
        invitation = services.partner_invite(
            application=application, organisation=partner, by=applicant
        )
        admin = services.organisation_admins([partner.pk])
        if admin:
            services.partner_invitation_accept(invitation=invitation, consent=True, by=admin[0])


def _outcomes(call, now, lead) -> int:
    """After last year's funded projects, one organisation won a (fictional) foundation's
    grant in February: an outcome the funder report and the support pathway show."""
    from organisations.models import Outcome

    funded = (
        Application.objects.filter(call=call, status__in=COMMITTED_STATUSES)
        .select_related("organisation")
        .order_by("pk")
        .first()
    )
    if funded is None:
        return 0
    _outcome, created = Outcome.objects.get_or_create(
        organisation=funded.organisation,
        kind=Outcome.Kind.OUTSIDE_FUNDING,
        defaults={
            "date": date(now.year, 2, 14),
            "funder": "Stiftung Gute Nachbarschaft (fiktiv)",
            "amount": Decimal("12000.00"),
            "note": "Zweijährige Förderung der Elternarbeit, aufbauend auf dem Aktionsfonds-Projekt.",
            "recorded_by": lead,
        },
    )
    return int(created)
