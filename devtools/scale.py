"""Fictional data at scale, for benchmarks and query-count tests.

One generator for everything that needs many rows: `manage.py seed_scale` (prints the time
and the row counts), `bench/report_bench.py` (a year's funder report), `bench/load_pages.py`
(pages under load) and `bench/export_memory.py`, and the query-count tests, which seed the
same kinds of rows at two sizes and compare.

Every row is built with the model's factory (devtools/factories.py: `Factory.build()`, so a
new required field needs a default in one place only) and written with `bulk_create` in
batches: no model `save()`, no services, no audit entries and no e-mails. The data is fictional (Faker de_DE with a fixed seed), so two
runs with the same seed and sizes produce the same names.

`Focus` points every organisation-bound row at one organisation and one person (and the
staff rows at one consultant and one juror) so that a member of that organisation sees all
of it on their own pages; without it the rows spread over all organisations as in real life.
"""

from __future__ import annotations

import itertools
import random
import time
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from devtools import factories

BATCH = 2000
_RUNS = itertools.count()  # several runs in one database (tests seed twice) stay unique


@dataclass
class Scale:
    """How many rows of each kind; the defaults are the issue's full scale."""

    organisations: int = 5000
    members_per_organisation: int = 1
    consultants: int = 12
    project_leads: int = 3
    jurors: int = 6
    workshops: int = 400
    registrations_per_workshop: int = 10
    coaching: int = 50000
    coached_share: float = 0.3  # share of organisations that get coaching
    listed_share: float = 0.2  # share of approved organisations listed in the public directory
    calls: int = 3
    applications: int = 2000
    budget_lines_per_application: int = 3
    jurors_per_application: int = 2
    contacts: int = 1000
    events: int = 80
    attendances_per_event: int = 12
    tandems: int = 200
    meetings_per_tandem: int = 3
    consultations: int = 1500
    placements: int = 1000
    seminars: int = 24
    analyses: int = 3
    structures_per_analysis: int = 20
    interviews: int = 300
    recommendations: int = 150
    exchange_meetings: int = 12
    upcoming_every: int = 5  # every k-th workshop and event lies in the coming weeks

    @classmethod
    def small(cls, n: int) -> Scale:
        """n rows of every list's kind (for query-count tests)."""
        return cls(
            organisations=n,
            consultants=2,
            project_leads=1,
            jurors=2,
            workshops=n,
            registrations_per_workshop=1,
            coaching=n,
            coached_share=1.0,
            calls=1,
            applications=n,
            budget_lines_per_application=2,
            jurors_per_application=1,
            contacts=n,
            events=n,
            attendances_per_event=1,
            tandems=n,
            meetings_per_tandem=1,
            consultations=n,
            placements=n,
            seminars=n,
            analyses=1,
            structures_per_analysis=n,
            interviews=n,
            recommendations=n,
            exchange_meetings=n,
            upcoming_every=2,
        )

    # Staff, calls and analyses are as many as the centre has, whatever the amount of work.
    FIXED = ("consultants", "project_leads", "jurors", "calls", "analyses", "upcoming_every")

    def scaled(self, factor: float) -> Scale:
        """The same mix with every count multiplied (per-row ratios and staff stay)."""
        values = {}
        for f in fields(self):
            value = getattr(self, f.name)
            per_row = "_per_" in f.name or f.name.endswith("_share")
            if isinstance(value, int) and not per_row and f.name not in self.FIXED:
                value = max(1, int(value * factor))
            values[f.name] = value
        return Scale(**values)


@dataclass
class Focus:
    """Send every organisation-bound row to one organisation and its person (tests)."""

    organisation: Any
    person: Any
    consultant: Any = None
    juror: Any = None
    call: Any = None  # add the applications to this call instead of new calls
    analysis: Any = None  # add interviews, structures, ... to this analysis


def _without_existing(model, orgs) -> list:
    """Organisations that have no row of this one-per-organisation model yet."""
    taken = set(
        model.objects.filter(organisation__in=[o.pk for o in orgs]).values_list(
            "organisation_id", flat=True
        )
    )
    return [o for o in orgs if o.pk not in taken]


@dataclass
class Result:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    year: int = 0

    def lines(self) -> list[str]:
        return [f"  {n:>8}  {label}" for label, n in self.counts.items()]


def _bulk(model, objs, batch=BATCH) -> list:
    objs = list(objs)
    created = model.objects.bulk_create(objs, batch_size=batch)
    return created


class Generator:
    def __init__(self, scale: Scale, *, seed: int = 2025, year: int | None = None, focus=None):
        from faker import Faker

        self.scale = scale
        self.rng = random.Random(seed)
        self.fake = Faker("de_DE")
        self.fake.seed_instance(seed)
        self.year = year or date.today().year
        self.focus = focus
        self.result = Result(year=self.year)
        from organisations.models import User

        run = next(_RUNS)
        while User.objects.filter(email__endswith=f"@s{seed}r{run}.centre.example").exists():
            run += 1  # an earlier run left its rows in this database
        self.tag = f"s{seed}r{run}"  # in e-mail addresses, which must be unique
        self.suffix = f" ({run})" if run else ""  # in names, which must be unique too
        # Small pools of fictional text: Faker per row would dominate the run time.
        self.sentences = [self.fake.sentence(nb_words=8) for _ in range(200)]
        self.first_names = [self.fake.first_name() for _ in range(300)]
        self.last_names = [self.fake.last_name() for _ in range(300)]
        self.places = [self.fake.city() for _ in range(100)]

    # -- helpers ---------------------------------------------------------------------------

    def day(self) -> date:
        """Mostly inside the year; a few in the neighbouring years, as real data has."""
        return date(self.year - 1, 11, 1) + timedelta(days=self.rng.randrange(0, 61 + 365 + 60))

    def event_day(self, i: int) -> date:
        """A workshop's or event's day: a programme always has some ahead."""
        if i % self.scale.upcoming_every == 0:
            return date.today() + timedelta(days=self.rng.randrange(3, 120))
        return self.day()

    def aware(self, day: date, hour: int = 10):
        from django.utils import timezone

        return timezone.make_aware(
            datetime(day.year, day.month, day.day, hour), timezone.get_default_timezone()
        )

    def text(self) -> str:
        return self.rng.choice(self.sentences)

    def person_name(self) -> str:
        return f"{self.rng.choice(self.first_names)} {self.rng.choice(self.last_names)}"

    def org(self, pool):
        return self.focus.organisation if self.focus else self.rng.choice(pool)

    def count(self, label: str, n: int) -> None:
        self.result.counts[label] = self.result.counts.get(label, 0) + n

    # -- the run ---------------------------------------------------------------------------

    def networks(self) -> None:
        """Each network has a handful of confirmed member organisations and a request."""
        from organisations.models import NetworkMembership, Organisation

        # Their own random stream, so everything generated after them stays as it was.
        rng = random.Random(len(self.orgs))
        approved = [o for o in self.orgs if o.status == Organisation.Status.APPROVED]
        networks = [o for o in approved if o.kind == Organisation.Kind.NETWORK]
        members = [o for o in approved if o.kind in ("mo", "refugee_initiative")]
        rows = []
        for network in networks:
            chosen = rng.sample(members, min(len(members), 9))
            for j, member in enumerate(chosen):
                active = j < 8
                rows.append(
                    NetworkMembership(
                        network=network,
                        member=member,
                        status="active" if active else "pending",
                        decided_at=self.aware(date(self.year, 1, 1) + timedelta(days=j * 30))
                        if active
                        else None,
                    )
                )
        _bulk(NetworkMembership, rows)
        self.count("network memberships", len(rows))

    def public_listings(self) -> None:
        """A share of the approved organisations is in the public directory and on the map:
        a public profile agreed by the organisation's admin (a consent to the listing), some
        of them withdrawn since, as real directories have."""
        from organisations.models import Organisation, PublicProfile
        from privacy.models import ConsentRecord

        rng = random.Random(len(self.orgs) + 1)  # their own stream, as for the networks
        admin_of = {}  # the first member of each organisation is its admin
        for person in self.people:
            admin_of.setdefault(self.member_of[person.pk].pk, person)

        def some_day():  # as self.day(), from this stream
            return self.aware(date(self.year - 1, 11, 1) + timedelta(days=rng.randrange(485)))

        approved = [o for o in self.orgs if o.status == Organisation.Status.APPROVED]
        # The first is always listed, so small runs have a public directory too.
        listed = [
            o for i, o in enumerate(approved) if rng.random() < self.scale.listed_share or i == 0
        ]
        listed = _without_existing(PublicProfile, listed)
        consents = []
        for o in listed:
            given = o.decided_at or some_day()
            withdrawn = (
                given + timedelta(days=rng.randrange(1, 200)) if rng.random() < 0.05 else None
            )
            consents.append(
                ConsentRecord(
                    person=admin_of.get(o.pk),
                    name="" if admin_of.get(o.pk) else o.name,
                    organisation=o,
                    purpose=ConsentRecord.Purpose.PUBLIC_LISTING,
                    text_version="2025-01",
                    given_at=given,
                    withdrawn_at=withdrawn,
                )
            )
        consents = _bulk(ConsentRecord, consents)
        _bulk(
            PublicProfile,
            (
                PublicProfile(
                    organisation=o,
                    consent=consent,
                    show_fields_of_work=rng.random() < 0.9,
                    show_languages=rng.random() < 0.9,
                    show_district=rng.random() < 0.8,
                    show_offer=rng.random() < 0.7,
                    show_contact=rng.random() < 0.6,
                    offer=rng.choice(self.sentences),
                    contact_email=o.email,
                )
                for o, consent in zip(listed, consents, strict=True)
            ),
        )
        self.count("public listings", len(listed))

    def run(self) -> Result:
        from django.db import transaction

        started = time.perf_counter()
        with transaction.atomic():
            self.reference_data()
            self.organisations()
            self.staff()
            self.qualification()
            self.actionfund()
            self.mentoring()
            self.volunteering()
            self.participation_check()
            self.reporting()
        # Who took part in each sub-project, as the worker computes it after a write
        # (reporting/taking_part.py): the directory's filter reads it.
        from reporting import taking_part

        taking_part.refresh_stale()
        self.result.seconds = time.perf_counter() - started
        return self.result

    def reference_data(self) -> None:
        from organisations.models import District, FieldOfWork, SpokenLanguage
        from qualification.models import Topic

        # The migrations load the catalogues; these are the lists every row picks from.
        self.districts = list(District.objects.all())
        self.fields_of_work = list(FieldOfWork.objects.all())
        self.languages = list(SpokenLanguage.objects.all())
        self.topics = list(Topic.objects.all())

    def organisations(self) -> None:
        from django.db.models import F

        from organisations.models import Membership, Organisation, User
        from organisations.search import search_key

        s, rng = self.scale, self.rng
        kinds = [k for k, _ in Organisation.Kind.choices]
        # Networks get no weight here (the draws stay as they were); a few migrant
        # organisations become networks below.
        weights = [60, 20, 10, 8, 2, 0]
        suffixes = ["e.V.", "e.V.", "e.V.", "gGmbH", "Initiative"]
        orgs = []
        for i in range(s.organisations):
            # The first ones cover the kinds that lists depend on, so small runs hold them too.
            kind = ("administration", "mo")[i] if i < 2 else rng.choices(kinds, weights)[0]
            # Every 97th from the sixth on is a network (approved, below): small runs hold one.
            if i % 97 == 5:
                kind = Organisation.Kind.NETWORK
            if kind == Organisation.Kind.PUBLIC_ADMINISTRATION:
                name, legal = (
                    f"Bezirksamt {rng.choice(self.places)} {i + 1}{self.suffix}",
                    "public_body",
                )
            else:
                suffix = rng.choice(suffixes)
                legal = {"e.V.": "ev", "gGmbH": "ggmbh", "Initiative": "in_founding"}[suffix]
                word = rng.choice(["Brücke", "Treff", "Forum", "Netz", "Haus", "Kreis"])
                name = f"{rng.choice(self.last_names)} {word} {i + 1}{self.suffix} {suffix}"
            approved = rng.random() > 0.03 or kind == Organisation.Kind.NETWORK
            orgs.append(
                factories.OrganisationFactory.build(
                    name=name,
                    search_name=search_key(name),  # bulk_create skips save()
                    kind=kind,
                    legal_form=legal,
                    founding_year=rng.randrange(1975, self.year + 1),
                    stage=rng.choice(["established", "established", "startup"]),
                    district=rng.choice(self.districts) if rng.random() > 0.05 else None,
                    email=f"kontakt{i}@{self.tag}.verein.example",
                    city="Berlin",
                    description=self.text(),
                    status=Organisation.Status.APPROVED
                    if approved
                    else Organisation.Status.PENDING,
                    decided_at=self.aware(self.day()) if approved else None,
                )
            )
        self.orgs = _bulk(Organisation, orgs)
        # Registered a few weeks before their approval (bulk_create stamps the present).
        Organisation.objects.filter(
            pk__in=[o.pk for o in self.orgs], decided_at__isnull=False
        ).update(created_at=F("decided_at") - timedelta(days=21))
        through_fields = Organisation.fields_of_work.through
        through_langs = Organisation.languages.through
        _bulk(
            through_fields,
            (
                through_fields(organisation_id=o.pk, fieldofwork_id=f.pk)
                for o in self.orgs
                for f in rng.sample(self.fields_of_work, rng.randint(1, 3))
            ),
        )
        _bulk(
            through_langs,
            (
                through_langs(organisation_id=o.pk, spokenlanguage_id=lang.pk)
                for o in self.orgs
                for lang in rng.sample(self.languages, min(len(self.languages), rng.randint(1, 3)))
            ),
        )
        self.count("organisations", len(self.orgs))
        users = []
        for i, _o in enumerate(self.orgs):
            for j in range(s.members_per_organisation):
                users.append(
                    factories.UserFactory.build(
                        email=f"person{i}-{j}@{self.tag}.verein.example",
                        first_name=self.rng.choice(self.first_names),
                        last_name=self.rng.choice(self.last_names),
                        password=factories.UNUSABLE,  # nobody signs in as generated people
                    )
                )
        self.people = _bulk(User, users)
        memberships = []
        self.member_of = {}  # person pk -> organisation
        per = s.members_per_organisation
        for i, o in enumerate(self.orgs):
            for j, person in enumerate(self.people[i * per : (i + 1) * per]):
                memberships.append(
                    factories.MembershipFactory.build(
                        user=person,
                        organisation=o,
                        role=Membership.Role.ADMIN if j == 0 else Membership.Role.MEMBER,
                        status=Membership.Status.ACTIVE,
                    )
                )
                self.member_of[person.pk] = o
        _bulk(Membership, memberships)
        self.count("people (members)", len(self.people))
        self.count("memberships", len(memberships))
        self.networks()
        self.public_listings()
        # Their own random stream, so everything generated after them stays as it was.
        rng = random.Random(len(self.orgs))
        approved = [o for o in self.orgs if o.status == Organisation.Status.APPROVED] or self.orgs
        self.mos = [o for o in approved if o.kind in ("mo", "refugee_initiative")] or approved
        self.partners = [
            o for o in approved if o.kind in ("administration", "social_service")
        ] or approved
        self.administrations = [o for o in approved if o.kind == "administration"] or approved
        self.carriers = [o for o in approved if o.kind == "carrier"] or approved[:1]

    def staff(self) -> None:
        from organisations.models import StaffRole, User

        s = self.scale
        wanted = [
            ("consultant", s.consultants),
            ("project_lead", s.project_leads),
            ("jury", s.jurors),
        ]
        users, roles = [], []
        for role, n in wanted:
            for i in range(n):
                users.append(
                    factories.UserFactory.build(
                        email=f"{role}{i}@{self.tag}.centre.example",
                        first_name=self.rng.choice(self.first_names),
                        last_name=self.rng.choice(self.last_names),
                        password=factories.UNUSABLE,
                    )
                )
                roles.append(role)
        users = _bulk(User, users)
        _bulk(
            StaffRole,
            (
                factories.StaffRoleFactory.build(user=u, role=r)
                for u, r in zip(users, roles, strict=True)
            ),
        )
        by_role = {}
        for u, r in zip(users, roles, strict=True):
            by_role.setdefault(r, []).append(u)
        self.consultants = (
            [self.focus.consultant]
            if self.focus and self.focus.consultant
            else by_role["consultant"]
        )
        self.jurors = [self.focus.juror] if self.focus and self.focus.juror else by_role["jury"]
        self.leads = by_role["project_lead"]
        self.count("staff", len(users))

    def person_for(self, org):
        """Somebody of the organisation (the focus person in tests)."""
        if self.focus:
            return self.focus.person
        per = self.scale.members_per_organisation
        index = self._org_index[org.pk]
        return self.people[index * per]

    @property
    def _org_index(self):
        if not hasattr(self, "_org_index_cache"):
            self._org_index_cache = {o.pk: i for i, o in enumerate(self.orgs)}
        return self._org_index_cache

    def qualification(self) -> None:
        from qualification.models import CoachingCase, CoachingSession, Registration, Workshop
        from qualification.services import coaching_superseded_refresh

        s, rng = self.scale, self.rng
        workshops = []
        for i in range(s.workshops):
            starts = self.aware(self.event_day(i), 17)
            workshops.append(
                factories.WorkshopFactory.build(
                    title=f"{rng.choice(self.topics).name_de} – Workshop {i + 1}",
                    description=self.text(),
                    venue=f"{rng.choice(self.places)}, Raum {rng.randint(1, 20)}",
                    capacity=max(12, s.registrations_per_workshop + 2),
                    trainer=rng.choice(self.consultants),
                    status=Workshop.Status.PUBLISHED
                    if rng.random() > 0.05
                    else Workshop.Status.DRAFT,
                    is_basic=rng.random() < 0.3,
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=3),
                )
            )
        workshops = _bulk(Workshop, workshops)
        self._m2m(Workshop.topics.through, "workshop", workshops, "topic", self.topics, 1, 2)
        self._m2m(
            Workshop.languages.through,
            "workshop",
            workshops,
            "spokenlanguage",
            self.languages[:3],
            1,
            1,
        )
        registrations = []
        for workshop in workshops:
            if self.focus:
                chosen = [self.focus.organisation] * min(1, s.registrations_per_workshop)
            else:
                chosen = rng.sample(self.mos, min(len(self.mos), s.registrations_per_workshop))
            for position, org in enumerate(chosen, 1):
                past = workshop.starts_at.date() < date.today()
                registrations.append(
                    factories.RegistrationFactory.build(
                        workshop=workshop,
                        participant=self.person_for(org),
                        organisation=org,
                        status=Registration.Status.CONFIRMED,
                        position=position,
                        attended=(rng.random() < 0.85) if past else None,
                    )
                )
        _bulk(Registration, registrations)
        self.count("workshops", len(workshops))
        self.count("workshop registrations", len(registrations))

        coached = rng.sample(self.mos, max(1, int(len(self.mos) * s.coached_share)))
        if self.focus:
            coached = [self.focus.organisation]
        cases = _bulk(
            CoachingCase,
            (
                factories.CoachingCaseFactory.build(
                    organisation=o, consultant=rng.choice(self.consultants), started_on=self.day()
                )
                for o in _without_existing(CoachingCase, coached)
            ),
        )
        sessions = []
        for _ in range(s.coaching):
            day = self.day()
            follow = rng.random() < 0.3
            sessions.append(
                factories.CoachingSessionFactory.build(
                    organisation=rng.choice(coached),
                    consultant=rng.choice(self.consultants),
                    date=day,
                    duration_minutes=rng.choice([30, 45, 60, 90, 120]),
                    format=rng.choice(["in_person", "phone", "video"]),
                    participants=self.person_name(),
                    participant_count=rng.randint(1, 4),
                    outcome=self.text(),
                    next_step=self.text() if follow else "",
                    follow_up_date=day + timedelta(days=28) if follow else None,
                )
            )
        sessions = _bulk(CoachingSession, sessions)
        coaching_superseded_refresh(organisation_ids={row.organisation_id for row in sessions})
        self._m2m(
            CoachingSession.topics.through, "coachingsession", sessions, "topic", self.topics, 1, 1
        )
        self.count("coaching cases", len(cases))
        self.count("coaching sessions", len(sessions))

    def _m2m(self, through, left, lefts, right, rights, low, high) -> None:
        rng = self.rng
        _bulk(
            through,
            (
                through(**{f"{left}_id": a.pk, f"{right}_id": b.pk})
                for a in lefts
                for b in rng.sample(rights, min(len(rights), rng.randint(low, high)))
            ),
        )

    def actionfund(self) -> None:
        from actionfund.models import (
            Application,
            BudgetLine,
            Call,
            Criterion,
            JuryAssignment,
            Payment,
            ProofOfUse,
            Score,
            Status,
        )

        s, rng = self.scale, self.rng
        calls = []
        for i in range(0 if self.focus and self.focus.call else s.calls):
            year = self.year - (s.calls - 1 - i)
            calls.append(
                factories.CallFactory.build(
                    year=year,
                    title=f"Kaleidoskop Berlin {year}{self.suffix}",
                    description=self.text(),
                    opens_at=self.aware(date(year, 1, 1)),
                    closes_at=self.aware(date(year, 3, 31)),
                    total_budget=Decimal("500000"),
                    max_single=Decimal("1500"),
                    max_cooperation=Decimal("3000"),
                    is_published=True,
                )
            )
        calls = _bulk(Call, calls)
        new_calls = calls
        if self.focus and self.focus.call:
            calls = [self.focus.call]
        criteria = list(Criterion.objects.filter(call__in=calls).exclude(call__in=new_calls))
        criteria += _bulk(
            Criterion,
            (
                factories.CriterionFactory.build(call=c, title=title, position=p, weight=1)
                for c in new_calls
                for p, title in enumerate(["Bedarf", "Wirkung", "Umsetzbarkeit"])
            ),
        )
        criteria_of = {}
        for criterion in criteria:
            criteria_of.setdefault(criterion.call_id, []).append(criterion)
        # A realistic mix; cycled so that small runs hold every stage too.
        statuses = [
            Status.SUBMITTED, Status.IN_REVIEW, Status.APPROVED, Status.REJECTED, Status.DRAFT,
            Status.PAID, Status.PROOF_SUBMITTED, Status.CLOSED, Status.IN_REVIEW, Status.APPROVED,
            Status.INFO_REQUESTED, Status.AGREEMENT_SIGNED,
        ]  # fmt: skip
        committed = {
            Status.APPROVED, Status.AGREEMENT_SIGNED, Status.PAID, Status.PROOF_DUE,
            Status.PROOF_SUBMITTED, Status.CLOSED,
        }  # fmt: skip
        applicants = rng.sample(self.mos, max(1, len(self.mos) * 2 // 5))
        apps = []
        drafts = set()
        for i in range(s.applications):
            status = statuses[i % len(statuses)]
            call = calls[i % len(calls)]
            submitted = self.aware(date(call.year, 1, 1) + timedelta(days=rng.randrange(0, 89)))
            decided = submitted + timedelta(days=30)
            org = self.org(applicants)
            # One open draft per organisation and call (a database constraint): a second
            # draft drawn for the same pair is made a submitted application instead.
            if status == Status.DRAFT:
                if (org.pk, call.pk) in drafts:
                    status = Status.SUBMITTED
                drafts.add((org.pk, call.pk))
            approved = status in committed
            start = date(call.year, 5, 1) + timedelta(days=rng.randrange(0, 60))
            apps.append(
                factories.ApplicationFactory.build(
                    call=call,
                    organisation=org,
                    created_by=self.person_for(org),
                    title=f"{rng.choice(['Nachbarschaftsfest', 'Sprachcafé', 'Erzählwerkstatt', 'Ausstellung', 'Stadtteilspaziergang'])} {i + 1}",
                    summary=self.text(),
                    goals=self.text(),
                    target_group=self.text(),
                    district=org.district,
                    start_date=start,
                    end_date=start + timedelta(days=90),
                    activities=self.text(),
                    status=status,
                    requested_amount=Decimal(rng.randrange(300, 1500)),
                    approved_amount=Decimal(rng.randrange(300, 1500)) if approved else None,
                    submitted_at=None if status == Status.DRAFT else submitted,
                    decided_at=decided if approved or status == Status.REJECTED else None,
                    approved_at=decided if approved else None,
                    proof_due_date=start + timedelta(days=150) if approved else None,
                )
            )
        apps = _bulk(Application, apps)
        lines = _bulk(
            BudgetLine,
            (
                factories.BudgetLineFactory.build(
                    application=a,
                    category=rng.choice(["fees", "material", "rent", "publicity", "catering"]),
                    description=self.text()[:100],
                    amount=Decimal(rng.randrange(50, 500)),
                    position=p,
                )
                for a in apps
                for p in range(s.budget_lines_per_application)
            ),
        )
        reviewed = [a for a in apps if a.status not in (Status.DRAFT,)]
        assignments, scores = [], []
        for a in reviewed:
            for juror in rng.sample(self.jurors, min(len(self.jurors), s.jurors_per_application)):
                assignments.append(
                    factories.JuryAssignmentFactory.build(application=a, juror=juror)
                )
                if a.status != Status.SUBMITTED:
                    for criterion in criteria_of[a.call_id]:
                        scores.append(
                            factories.ScoreFactory.build(
                                application=a,
                                juror=juror,
                                criterion=criterion,
                                value=rng.randint(1, 10),
                            )
                        )
        _bulk(JuryAssignment, assignments)
        _bulk(Score, scores)
        paid = [a for a in apps if a.status in (Status.PAID, Status.PROOF_SUBMITTED, Status.CLOSED)]
        _bulk(
            Payment,
            (
                factories.PaymentFactory.build(
                    application=a,
                    amount=a.approved_amount,
                    paid_on=a.approved_at.date() + timedelta(days=20),
                )
                for a in paid
            ),
        )
        proofs = [a for a in apps if a.status in (Status.PROOF_SUBMITTED, Status.CLOSED)]
        _bulk(
            ProofOfUse,
            (
                factories.ProofOfUseFactory.build(
                    application=a,
                    report=self.text(),
                    review="accepted" if a.status == Status.CLOSED else "submitted",
                    submitted_at=a.approved_at + timedelta(days=120),
                )
                for a in proofs
            ),
        )
        self.calls, self.applications = calls, apps
        self.count("action fund calls", len(new_calls))
        self.count("action fund applications", len(apps))
        self.count("budget lines", len(lines))
        self.count("jury assignments", len(assignments))
        self.count("jury scores", len(scores))
        self.count("payments", len(paid))
        self.count("proofs of use", len(proofs))

    def mentoring(self) -> None:
        from mentoring.models import (
            CooperationContact,
            Event,
            EventAttendance,
            EventRegistration,
            MentorOffer,
            MentorRequest,
            Tandem,
            TandemMeeting,
        )

        s, rng = self.scale, self.rng
        contact_statuses = ["contact_made", "meeting_held", "joint_initiative", "ongoing", "ended"]
        contacts = _bulk(
            CooperationContact,
            (
                factories.CooperationContactFactory.build(
                    organisation=self.org(self.mos),
                    partner=rng.choice(self.partners),
                    field_of_work=rng.choice(self.fields_of_work),
                    contact_person=self.person_name(),
                    contact_date=self.day(),
                    outcome=self.text(),
                    status=contact_statuses[i % len(contact_statuses)],
                    created_by=rng.choice(self.consultants),
                )
                for i in range(s.contacts)
            ),
        )
        events = []
        for i in range(s.events):
            starts = self.aware(self.event_day(i), 16)
            events.append(
                factories.EventFactory.build(
                    kind=rng.choice(["expert_round", "network_event"]),
                    title=f"Fachrunde {rng.choice(self.fields_of_work).name_de} {i + 1}",
                    field_of_work=rng.choice(self.fields_of_work),
                    description=self.text(),
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=2),
                    place=f"Rathaus {rng.choice(self.places)}",
                    is_open=True,
                    capacity=40,
                    status="held" if starts.date() < date.today() else "planned",
                    created_by=rng.choice(self.consultants),
                )
            )
        events = _bulk(Event, events)
        attendances, registrations = [], []
        for event in events:
            orgs = (
                [self.focus.organisation]
                if self.focus
                else rng.sample(self.orgs, min(len(self.orgs), s.attendances_per_event))
            )
            for org in orgs[: s.attendances_per_event]:
                if event.status == "held":
                    attendances.append(
                        factories.EventAttendanceFactory.build(
                            event=event, organisation=org, person=self.person_for(org)
                        )
                    )
                else:
                    registrations.append(
                        factories.EventRegistrationFactory.build(
                            event=event, organisation=org, person=self.person_for(org)
                        )
                    )
        _bulk(EventAttendance, attendances)
        _bulk(EventRegistration, registrations)
        # Established organisations offer mentoring, start-ups ask for it.
        mentors = (
            [self.focus.organisation]
            if self.focus
            else rng.sample(self.mos, max(1, min(len(self.mos), s.tandems // 2)))
        )
        offers = _bulk(
            MentorOffer,
            (
                factories.MentorOfferFactory.build(
                    organisation=o, capacity=3, description=self.text(), is_active=True
                )
                for o in _without_existing(MentorOffer, mentors)
            ),
        )
        # A mentee is never one of the mentors: a tandem joins two organisations
        # (mentoring_tandem_two_orgs), whatever the sample sizes at this factor.
        mentor_pks = {o.pk for o in mentors}
        mentees = [o for o in self.orgs if o.pk not in mentor_pks]
        mentees = rng.sample(mentees, min(len(mentees), s.tandems))
        requests = _bulk(
            MentorRequest,
            (
                factories.MentorRequestFactory.build(
                    organisation=o, district=o.district, needs=self.text(), status="matched"
                )
                for o in mentees
            ),
        )
        # A few organisations wait for a mentor (open requests are the matching list).
        waiting = _bulk(
            MentorRequest,
            (
                factories.MentorRequestFactory.build(
                    organisation=o, district=o.district, needs=self.text()
                )
                for o in mentees[: max(1, s.tandems // 4)]
            ),
        )
        tandem_statuses = ["active", "active", "proposed", "completed", "ended_early"]
        tandems = []
        for i, request in enumerate(requests):
            status = tandem_statuses[i % len(tandem_statuses)]
            starts = self.day()
            tandems.append(
                factories.TandemFactory.build(
                    mentor=mentors[i % len(mentors)],
                    mentee=request.organisation,
                    request=request,
                    lead=rng.choice(self.consultants),
                    status=status,
                    match_score=rng.randint(20, 95),
                    goals=self.text(),
                    starts_on=starts,
                    planned_end_on=starts + timedelta(days=180),
                    ended_on=starts + timedelta(days=170)
                    if status in ("completed", "ended_early")
                    else None,
                    activated_at=self.aware(starts) if status != "proposed" else None,
                )
            )
        tandems = _bulk(Tandem, tandems)
        meetings = _bulk(
            TandemMeeting,
            (
                factories.TandemMeetingFactory.build(
                    tandem=t,
                    met_on=t.starts_on + timedelta(days=20 * (k + 1)),
                    format=rng.choice(["in_person", "online", "phone"]),
                    duration_minutes=60,
                    summary=self.text(),
                    logged_for=t.mentor,
                )
                for t in tandems
                if t.status != "proposed"
                for k in range(s.meetings_per_tandem)
            ),
        )
        self.count("cooperation contacts", len(contacts))
        self.count("expert rounds and network events", len(events))
        self.count("event attendances", len(attendances))
        self.count("event registrations", len(registrations))
        self.count("mentor offers", len(offers))
        self.count("mentor requests", len(requests) + len(waiting))
        self.count("tandems", len(tandems))
        self.count("tandem meetings", len(meetings))

    def volunteering(self) -> None:
        from volunteering.models import (
            Consultation,
            Contingent,
            Placement,
            Seminar,
            SeminarAttendance,
            ServiceProfile,
            Volunteer,
        )

        s, rng = self.scale, self.rng
        sites = (
            [self.focus.organisation]
            if self.focus
            else rng.sample(self.mos, max(1, len(self.mos) // 4))
        )
        # Staff lists show every organisation with a profile; the focus organisation's own
        # pages show its placements and consultations.
        profile_orgs = [self.focus.organisation, *self.mos] if self.focus else sites
        profile_statuses = ["interested", "advised", "recognised", "recognised", "carrier"]
        profiles = _bulk(
            ServiceProfile,
            (
                factories.ServiceProfileFactory.build(
                    organisation=o,
                    status=profile_statuses[i % len(profile_statuses)],
                    offers_fsj=True,
                    offers_bfd=rng.random() < 0.5,
                    places=rng.randint(1, 5),
                    recognised_on=self.day() if i % len(profile_statuses) >= 2 else None,
                )
                for i, o in enumerate(_without_existing(ServiceProfile, profile_orgs))
            ),
        )
        consultations = _bulk(
            Consultation,
            (
                factories.ConsultationFactory.build(
                    organisation=rng.choice(sites),
                    held_on=self.day(),
                    format=rng.choice(["in_person", "phone", "video", "email"]),
                    topic=rng.choice(
                        ["Einsatzstelle werden", "Anerkennung", "Freiwillige finden", "Seminartage"]
                    ),
                    outcome=self.text(),
                    consultant=rng.choice(self.consultants),
                )
                for _ in range(s.consultations)
            ),
        )
        carriers = self.carriers[:3]
        contingents = _bulk(
            Contingent,
            (
                factories.ContingentFactory.build(
                    carrier=c, year=year, service_type=kind, places=max(10, s.placements)
                )
                for c in carriers
                for year in (self.year - 1, self.year)
                for kind in ("fsj", "bfd")
            ),
        )
        volunteers = _bulk(
            Volunteer,
            (
                factories.VolunteerFactory.build(
                    first_name=rng.choice(self.first_names),
                    last_name=rng.choice(self.last_names),
                    email=f"freiwillig{i}@{self.tag}.example",
                    birth_year=rng.randrange(1960, 2008),
                    consent_given_on=date(self.year - 1, 9, 1),
                    consent_text_version=f"{self.year - 1}-01",
                )
                for i in range(s.placements)
            ),
        )
        placement_statuses = ["active", "active", "planned", "finished", "ended_early"]
        placements = []
        for i, volunteer in enumerate(volunteers):
            contingent = rng.choice(contingents)
            start = self.day()
            status = placement_statuses[i % len(placement_statuses)]
            placements.append(
                factories.PlacementFactory.build(
                    volunteer=volunteer,
                    site=rng.choice(sites),
                    contingent=contingent,
                    service_type=contingent.service_type,
                    start_date=start,
                    end_date=start + timedelta(days=364),
                    ended_on=start + timedelta(days=200) if status == "ended_early" else None,
                    weekly_hours=Decimal("39"),
                    mentor_name=self.person_name(),
                    status=status,
                )
            )
        placements = _bulk(Placement, placements)
        seminars = _bulk(
            Seminar,
            (
                factories.SeminarFactory.build(
                    title=f"Bildungsseminar {i + 1}",
                    carrier=rng.choice(carriers),
                    service_type=rng.choice(["fsj", "bfd"]),
                    start_date=(start := self.day()),
                    end_date=start + timedelta(days=4),
                    days=5,
                    location=rng.choice(self.places),
                )
                for i in range(s.seminars)
            ),
        )
        attendance = _bulk(
            SeminarAttendance,
            (
                factories.SeminarAttendanceFactory.build(
                    seminar=seminar, placement=p, days_attended=rng.randint(3, 5)
                )
                for seminar in seminars
                for p in rng.sample(placements, min(len(placements), 5))
            ),
        )
        self.count("service profiles", len(profiles))
        self.count("volunteering consultations", len(consultations))
        self.count("contingents", len(contingents))
        self.count("volunteers and placements", len(placements))
        self.count("seminars", len(seminars))
        self.count("seminar attendances", len(attendance))

    def participation_check(self) -> None:
        from participation_check.models import (
            Analysis,
            ExchangeMeeting,
            GuidelineQuestion,
            Interview,
            InterviewTag,
            OpennessRating,
            ParticipationStructure,
            Recommendation,
        )

        s, rng = self.scale, self.rng
        statuses = ["recommendations", "interviews", "published", "inventory", "exchange"]
        analyses = _bulk(
            Analysis,
            (
                factories.AnalysisFactory.build(
                    title=f"Teilhabecheck {self.districts[i % len(self.districts)].name} {self.year}",
                    district=self.districts[i % len(self.districts)],
                    social_space=f"{rng.choice(self.places)}er Kiez",
                    period_start=date(self.year, 1, 1),
                    period_end=date(self.year, 12, 31),
                    summary=self.text(),
                    status=statuses[i % len(statuses)],
                    published_at=self.aware(date(self.year, 10, 1))
                    if statuses[i % len(statuses)] == "published"
                    else None,
                    created_by=rng.choice(self.leads),
                )
                for i in range(0 if self.focus and self.focus.analysis else s.analyses)
            ),
        )
        new_analyses = analyses
        if self.focus and self.focus.analysis:
            analyses = [self.focus.analysis]
        team = Analysis.team.through
        _bulk(
            team,
            (
                team(analysis_id=a.pk, user_id=u.pk)
                for a in new_analyses
                for u in self.consultants[:2]
            ),
        )
        types = [
            "advisory_council",
            "integration_council",
            "neighbourhood_management",
            "district_committee",
            "parents_council",
        ]
        structures = _bulk(
            ParticipationStructure,
            (
                factories.ParticipationStructureFactory.build(
                    analysis=a,
                    name=f"{rng.choice(['Beirat', 'Quartiersrat', 'Ausschuss', 'Netzwerk'])} {k + 1}",
                    type=types[k % len(types)],
                    responsible_body=f"Bezirksamt {a.district.name}",
                    how_to_join=self.text(),
                    meeting_frequency="monthly",
                    has_mo_members=rng.random() < 0.4,
                )
                for a in analyses
                for k in range(s.structures_per_analysis)
            ),
        )
        criteria = ["multilingual_information", "open_to_non_citizens", "mo_seats", "meeting_times"]
        _bulk(
            OpennessRating,
            (
                factories.OpennessRatingFactory.build(
                    structure=st, criterion=c, score=rng.randint(0, 2), evidence=self.text()
                )
                for st in structures
                for c in criteria
            ),
        )
        _bulk(
            GuidelineQuestion,
            (
                factories.GuidelineQuestionFactory.build(analysis=a, position=p, text=self.text())
                for a in new_analyses
                for p in range(5)
            ),
        )
        interviews = []
        for i in range(s.interviews):
            day = self.day()
            interviews.append(
                factories.InterviewFactory.build(
                    analysis=analyses[i % len(analyses)],
                    organisation=self.org(self.mos),
                    date=day,
                    interviewer=rng.choice(self.consultants),
                    interviewee=self.person_name(),
                    consent_given=True,
                    consent_form="written",
                    consent_date=day,
                    summary=self.text(),
                )
            )
        interviews = _bulk(Interview, interviews)
        categories = ["language", "information", "time", "resources", "recognition"]
        tags = _bulk(
            InterviewTag,
            (
                factories.InterviewTagFactory.build(
                    interview=iv,
                    kind=rng.choice(["need", "barrier"]),
                    category=rng.choice(categories),
                )
                for iv in interviews
                for _ in range(2)
            ),
        )
        meetings = _bulk(
            ExchangeMeeting,
            (
                factories.ExchangeMeetingFactory.build(
                    analysis=analyses[i % len(analyses)],
                    title=f"Austauschtreffen {i + 1}",
                    date=self.day(),
                    location=f"Rathaus {rng.choice(self.places)}",
                    notes=self.text(),
                )
                for i in range(s.exchange_meetings)
            ),
        )
        rec_statuses = ["open", "accepted", "in_progress", "implemented", "rejected"]
        recommendations = _bulk(
            Recommendation,
            (
                factories.RecommendationFactory.build(
                    analysis=analyses[i % len(analyses)],
                    finding=self.text(),
                    text=self.text(),
                    addressee=rng.choice(self.administrations),
                    priority=rng.randint(1, 3),
                    status=rec_statuses[i % len(rec_statuses)],
                )
                for i in range(s.recommendations)
            ),
        )
        for recommendation in recommendations:  # made over the year, not all today
            recommendation.created_at = self.aware(self.day())
        Recommendation.objects.bulk_update(recommendations, ["created_at"], batch_size=BATCH)
        self.analyses = analyses
        self.count("participation analyses", len(new_analyses))
        self.count("participation structures", len(structures))
        self.count("interviews", len(interviews))
        self.count("interview tags", len(tags))
        self.count("exchange meetings", len(meetings))
        self.count("recommendations", len(recommendations))

    def reporting(self) -> None:
        from reporting.models import FundingPeriod, PlanValue

        name = f"AMIF {self.year}"
        period, created = FundingPeriod.objects.get_or_create(
            name=name,
            defaults={
                "funder": "amif",
                "start": date(self.year, 1, 1),
                "end": date(self.year, 12, 31),
            },
        )
        if created:
            plans = {
                "organisations_supported": 300,
                "organisations_reached": 400,
                "basic_workshops": 40,
                "participants": 1000,
                "coaching_hours": 4000,
                "applications_approved": 150,
                "amount_granted": 150000,
                "placements": 80,
                "recommendations_made": 40,
                "networked_administrations": 33,
                "expert_rounds_held": 12,
            }
            _bulk(
                PlanValue,
                (
                    factories.PlanValueFactory.build(
                        period=period, indicator_key=k, value=Decimal(v)
                    )
                    for k, v in plans.items()
                ),
            )
        self.period = period
        self.count("funding periods", 1 if created else 0)


def generate(
    scale: Scale, *, seed: int = 2025, year: int | None = None, focus: Focus | None = None
) -> Generator:
    """Write the rows; returns the generator (its `.result` holds counts and seconds)."""
    generator = Generator(scale, seed=seed, year=year, focus=focus)
    generator.run()
    return generator


def scale_from_options(options: dict) -> Scale:
    scale = Scale()
    known = asdict(scale)
    for key, value in options.items():
        if key in known and value is not None:
            setattr(scale, key, value)
    return scale
