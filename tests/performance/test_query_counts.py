"""Every list, detail and form page runs the same number of queries for 2 rows as for 12.

Each entry of PAGES names a route and the persona who sees it. The test fills the database
with the scale generator (devtools/scale.py, the one behind `manage.py seed_scale`) at two rows
of every kind, renders the page, adds ten more rows of every kind and renders it again. All
rows go to the persona's organisation (a `Focus`), so the member's own pages grow too.

A detail page shows one object (a `target` below, made once and kept for both renders); its
rows are the ones hanging off that object (registrations of the workshop, meetings of the
tandem, scores of the application, ...). The generator's Focus points many of them at the
focus organisation, call and analysis already; an `extra` function adds the others, two at
first and ten more later, like the generator.

A page whose count grows with the rows has an N+1 query. `slack` allows a page a fixed
number of extra queries where a branch shows up only once there is more data (it must
stay a constant, not grow with the rows). A page that lists the rows must also show them
(`grows`): its HTML grows, so the equal counts mean something.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from datetime import time as datetime_time
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from devtools import factories
from devtools.scale import Focus, Scale, generate
from organisations.models import Membership, Organisation, StaffRole
from reporting.registry import all_indicators

SMALL, LARGE = 2, 12


@dataclass(frozen=True)
class Page:
    route: str
    persona: str  # member (admin of the focus organisation), consultant, lead, jury, admin
    # The URL's arguments: "" (none), a target below ({"pk": its pk}), "target/step" (an
    # application step), "indicator/key", or one of World.SPECIAL_KWARGS.
    kwargs: str = ""
    query: str = ""
    slack: int = 0
    extra: str = ""  # name of a function below that adds rows the generator does not make
    grows: bool = True  # a list: its HTML grows with the rows (else counts, a form, one record)
    notes: str = field(default="", compare=False)

    @property
    def id(self) -> str:
        of = f"({self.kwargs})" if self.kwargs else ""
        return f"{self.route}{of}[{self.persona}]{'?' + self.query if self.query else ''}"


PAGES = [
    # Overview (home with each app's cards), per persona
    Page("home", "member"),
    Page("home", "consultant"),
    Page("home", "lead", grows=False),
    Page("home", "jury", grows=False),
    Page("document_detail", "member", kwargs="document", grows=False),
    Page("exports:detail", "lead", kwargs="export", grows=False),
    # Organisations
    Page("organisations:directory", "consultant"),
    Page("organisations:directory", "lead", query="q=e"),
    # The sub-project filter: one subquery (reporting's reach), whatever took part.
    Page(
        "organisations:directory",
        "lead",
        query="subproject=qualification",
        extra="coached_organisations",
    ),
    Page("organisations:registrations", "lead", extra="pending_organisations"),
    # The public directory, map and detail (the member sees the contact form there).
    Page("organisations:public_directory", "member", extra="listed_organisations"),
    Page(
        "organisations:public_directory",
        "lead",
        query="q=e&district=neukolln",
        extra="listed_organisations",
    ),
    Page("organisations:public_map", "member", extra="listed_organisations", grows=False),
    Page("organisations:public_detail", "member", kwargs="listed_org", grows=False),
    Page("organisations:public_profile", "member", kwargs="organisation", grows=False),
    Page("organisations:detail", "member", kwargs="organisation", extra="organisation_rows"),
    Page("organisations:detail", "lead", kwargs="organisation", extra="organisation_rows"),
    Page("organisations:members", "member", kwargs="organisation", extra="members"),
    # A network: its member organisations (paginated), requests to answer, networks it is in.
    Page("organisations:detail", "member", kwargs="network", extra="network_members"),
    Page("organisations:detail", "lead", kwargs="network", extra="network_members"),
    # The activity timeline, loaded into the detail page: every app's provider, a fixed number
    # of queries each.
    Page("organisations:timeline", "member", kwargs="organisation", extra="organisation_rows"),
    Page("organisations:timeline", "lead", kwargs="organisation", extra="organisation_rows"),
    Page("organisations:timeline", "lead", kwargs="network", extra="network_members"),
    Page("organisations:edit", "member", kwargs="organisation", grows=False),
    Page("organisations:outcome_new", "consultant", kwargs="organisation", grows=False),
    Page("api_tokens", "member", extra="api_tokens"),
    # Messages to many: the log with sent/failed counts per message, and one message
    Page("messaging:log", "lead", extra="bulk_messages"),
    Page("messaging:detail", "lead", kwargs="bulk_message", extra="bulk_message_rows", grows=False),
    # Every mail the code sends, each language default or customised (the texts staff saved)
    Page("mailtexts:list", "lead", extra="mail_texts", grows=False),
    Page("organisations:outcome_edit", "consultant", kwargs="outcome", grows=False),
    # Qualification
    Page("qualification:home", "member"),
    Page("qualification:home", "consultant"),
    Page("qualification:workshop_list", "member"),
    Page("qualification:workshop_list", "consultant"),
    Page("qualification:my_registrations", "member"),
    Page("qualification:workshop_detail", "member", "workshop", extra="workshop_registrations"),
    Page("qualification:workshop_detail", "consultant", "workshop", extra="workshop_registrations"),
    Page("qualification:workshop_edit", "consultant", "workshop", grows=False),
    Page("qualification:attendance", "consultant", "workshop", extra="workshop_registrations"),
    Page("qualification:room_code", "consultant", "workshop", grows=False),
    Page("qualification:feedback", "member", kwargs="attended_registration", grows=False),
    Page("qualification:coaching", "consultant"),
    Page("qualification:coaching_organisation", "consultant", kwargs="org_pk"),
    Page("qualification:coaching_create", "consultant", kwargs="org_pk", grows=False),
    Page("qualification:coaching_messages", "member", "coaching_case", extra="thread_rows"),
    Page("qualification:coaching_messages", "consultant", "coaching_case", extra="thread_rows"),
    Page("qualification:coaching_detail", "consultant", "coaching_session", grows=False),
    Page("qualification:coaching_edit", "consultant", "coaching_session", grows=False),
    # Action fund
    Page("actionfund:home", "member", grows=False),
    Page("actionfund:home", "lead", grows=False),
    Page("actionfund:call_list", "member", extra="calls"),
    Page("actionfund:call_list", "lead", extra="calls"),
    Page("actionfund:call_detail", "member", kwargs="call", extra="criteria"),
    Page("actionfund:call_detail", "lead", kwargs="call", extra="criteria"),
    Page("actionfund:call_edit", "lead", kwargs="call", extra="criteria"),
    Page("actionfund:application_start", "member", kwargs="open_call", grows=False),
    Page("actionfund:application_list", "member"),
    Page("actionfund:application_list", "lead"),
    Page("actionfund:jury_list", "jury"),
    Page("actionfund:call_ranking", "lead", kwargs="call"),
    # Paged: with no approved project yet the paginator's COUNT is 0 and the rows query is skipped.
    Page("actionfund:call_ledger", "lead", kwargs="call", slack=1),
    Page("actionfund:application_detail", "member", "application", extra="application_rows"),
    Page("actionfund:application_detail", "lead", "application", extra="application_rows"),
    Page("actionfund:application_detail", "jury", "application", extra="application_rows"),
    Page("actionfund:application_detail", "member", "paid_application", extra="paid_rows"),
    Page("actionfund:application_detail", "lead", "paid_application", extra="paid_rows"),
    Page("actionfund:application_score", "jury", "application", extra="application_rows"),
    # The organisation's history, loaded into the three pages above: the timeline's providers.
    Page("actionfund:application_history", "lead", "application", extra="organisation_rows"),
    Page("actionfund:application_history", "jury", "application", extra="organisation_rows"),
    # Message threads (ikmo/threads.py): the newest 50 with their authors and files.
    Page("actionfund:application_messages", "member", "application", extra="thread_rows"),
    Page("actionfund:application_messages", "lead", "application", extra="thread_rows"),
    Page("actionfund:application_decide", "lead", "application", grows=False),
    Page("actionfund:proof_edit", "member", "paid_application", extra="paid_rows"),
    Page("actionfund:application_edit", "member", "draft/basics", grows=False),
    Page("actionfund:application_edit", "member", "draft/project", grows=False),
    Page("actionfund:application_edit", "member", "draft/partners", extra="draft_rows"),
    Page("actionfund:application_edit", "member", "draft/budget", extra="draft_rows"),
    Page("actionfund:application_edit", "member", "draft/attachments", extra="draft_rows"),
    Page("actionfund:application_edit", "member", "draft/preview", extra="draft_rows"),
    Page("actionfund:partner_search", "member", "draft", query="partner_q=e.V"),
    Page("actionfund:invitation_list", "member", extra="invitation_rows"),
    Page("actionfund:invitation_detail", "member", "invitation", extra="invitation_page_rows"),
    # Networking & mentoring
    Page("mentoring:home", "member"),
    Page("mentoring:home", "consultant"),
    Page("mentoring:contact_list", "consultant"),
    Page("mentoring:contact_detail", "consultant", kwargs="contact", extra="contact_history"),
    Page("mentoring:contact_edit", "consultant", kwargs="contact", grows=False),
    Page("mentoring:partner_search", "consultant", query="district=&field="),
    Page("mentoring:event_list", "member"),
    Page("mentoring:event_list", "consultant"),
    Page("mentoring:event_detail", "member", kwargs="event", extra="event_rows", grows=False),
    Page("mentoring:event_detail", "consultant", kwargs="event", extra="event_rows"),
    Page("mentoring:room_code", "consultant", kwargs="event", grows=False),
    Page("mentoring:event_edit", "consultant", kwargs="event", extra="event_rows", grows=False),
    # An entry of the event's programme, changed on its own page (the agenda item's offers
    # every speaker of the event to choose).
    Page("mentoring:event_speaker_edit", "consultant", kwargs="event_speaker", grows=False),
    Page("mentoring:event_agenda_edit", "consultant", kwargs="event_agenda", extra="event_rows"),
    Page("mentoring:event_stand_edit", "consultant", kwargs="event_stand", grows=False),
    Page("mentoring:public_event_list", "member", extra="public_events"),
    Page(
        "mentoring:public_event_detail",
        "member",
        kwargs="public_event",
        extra="public_event_rows",
        notes="grows with programme, speakers and stands; guests are never on it",
    ),
    Page("mentoring:guest_list", "consultant", kwargs="public_event", extra="public_event_rows"),
    Page("mentoring:offer_edit", "member", kwargs="mentor_org_pk", grows=False),
    Page("mentoring:request_edit", "member", kwargs="mentee_org_pk", grows=False),
    Page("mentoring:match_list", "consultant"),
    Page("mentoring:match", "consultant", kwargs="mentor_request", extra="offers"),
    Page("mentoring:tandem_list", "member"),
    Page("mentoring:tandem_list", "consultant"),
    Page("mentoring:tandem_detail", "member", kwargs="tandem", extra="tandem_meetings"),
    Page("mentoring:tandem_detail", "consultant", kwargs="tandem", extra="tandem_meetings"),
    Page("mentoring:tandem_plan", "member", kwargs="tandem", grows=False),
    Page("mentoring:meeting_add", "member", kwargs="tandem", grows=False),
    Page("mentoring:tandem_evaluate", "member", kwargs="tandem_side", grows=False),
    # Volunteer service desk
    Page("volunteering:home", "member"),
    Page("volunteering:home", "consultant", grows=False),
    Page("volunteering:organisations", "consultant"),
    Page("volunteering:organisation", "member", kwargs="organisation", extra="site_rows"),
    Page("volunteering:organisation", "consultant", kwargs="organisation", extra="site_rows"),
    Page("volunteering:status", "consultant", kwargs="organisation", grows=False),
    Page("volunteering:document_upload", "member", kwargs="organisation", grows=False),
    Page("volunteering:consultation_new", "consultant", kwargs="organisation", grows=False),
    Page("volunteering:consultations", "consultant"),
    Page("volunteering:consultation_edit", "consultant", kwargs="consultation", grows=False),
    Page("volunteering:contingents", "consultant"),
    Page("volunteering:contingent_edit", "lead", kwargs="contingent", grows=False),
    Page("volunteering:placements", "consultant"),
    Page("volunteering:placement", "member", kwargs="placement", extra="placement_seminars"),
    Page("volunteering:placement", "consultant", kwargs="placement", extra="placement_seminars"),
    Page("volunteering:placement_edit", "consultant", kwargs="placement", grows=False),
    Page("volunteering:placement_messages", "member", "placement", extra="thread_rows"),
    Page("volunteering:placement_messages", "consultant", "placement", extra="thread_rows"),
    Page("volunteering:seminars", "consultant"),
    Page("volunteering:seminar", "consultant", kwargs="seminar", extra="seminar_placements"),
    Page("volunteering:seminar_edit", "consultant", kwargs="seminar", grows=False),
    # Participation check
    Page("participation_check:home", "consultant", extra="analyses"),
    Page("participation_check:analysis_list", "consultant", extra="analyses"),
    Page("participation_check:analysis_detail", "consultant", "analysis", extra="analysis_rows"),
    Page("participation_check:analysis_edit", "consultant", kwargs="analysis", grows=False),
    Page("participation_check:guideline_edit", "consultant", "analysis", extra="questions"),
    Page("participation_check:structure_list", "consultant", kwargs="analysis"),
    Page("participation_check:structure_create", "consultant", "analysis", grows=False),
    Page("participation_check:structure_edit", "consultant", "structure", grows=False),
    Page("participation_check:interview_list", "consultant", kwargs="analysis"),
    Page("participation_check:interview_create", "consultant", "analysis", extra="questions"),
    Page("participation_check:interview_detail", "consultant", "interview", extra="answers"),
    Page("participation_check:interview_edit", "consultant", "interview", extra="answers"),
    Page("participation_check:meeting_list", "consultant", kwargs="analysis"),
    Page("participation_check:meeting_create", "consultant", "analysis", grows=False),
    Page("participation_check:meeting_edit", "consultant", "exchange_meeting", grows=False),
    Page("participation_check:recommendation_list", "consultant", kwargs="analysis"),
    Page("participation_check:recommendation_create", "consultant", "analysis", grows=False),
    Page(
        "participation_check:recommendation_detail",
        "consultant",
        "recommendation",
        extra="recommendation_history",
    ),
    Page("participation_check:recommendation_edit", "consultant", "recommendation", grows=False),
    Page("participation_check:report", "consultant", kwargs="analysis"),
    # Reporting
    Page("reporting:dashboard", "lead"),
    Page("reporting:reach", "lead"),
    # The organisations of a step come 50 to a page: full already with the small run's rows.
    Page("reporting:pathway", "lead", query="step=qualification", grows=False),
    Page("reporting:periods", "lead", extra="periods"),
    Page("reporting:period_edit", "lead", kwargs="period", grows=False),
    Page("reporting:period_plan", "lead", kwargs="period", grows=False),
    Page("reporting:report_new", "lead", kwargs="period", grows=False),
    Page("reporting:reports", "lead", extra="funder_reports"),
    Page("reporting:report", "lead", kwargs="funder_report", extra="funder_reports"),
    Page("reporting:records", "lead", kwargs="indicator/coaching_sessions"),
    Page("reporting:breakdowns", "lead", kwargs="indicator/coaching_sessions", grows=False),
    # The records a report's figure counted when it was frozen (refrozen after each batch).
    Page("reporting:report_records", "lead", kwargs="frozen_figure", extra="frozen_figure_rows"),
    # The records behind every other figure of the dashboard. Many are rare in a small run
    # (events held, approvals, recognitions within the year): a list still empty with 2 rows
    # runs its rows query once it has one (the slack); any query per row would still show.
    *(
        Page("reporting:records", "lead", kwargs=f"indicator/{i.key}", slack=1, grows=False)
        for i in all_indicators()
        if i.key != "coaching_sessions"
    ),
    # Privacy
    Page("privacy:my_data", "member", extra="personal_records"),
    Page("privacy:export_detail", "member", kwargs="data_export", grows=False),
    Page("privacy:people", "admin"),
    Page("privacy:person", "admin", kwargs="person", extra="personal_records"),
    Page("privacy:erase", "admin", kwargs="person", extra="personal_records", grows=False),
]


# Rows the generator does not make ------------------------------------------------------------


def coached_organisations(n: int, world) -> None:
    """Organisations that took part in qualification (a coaching session each)."""
    for organisation in factories.OrganisationFactory.create_batch(n):
        factories.CoachingSessionFactory(
            organisation=organisation, consultant=world.personas["consultant"]
        )


def pending_organisations(n: int, world) -> None:
    factories.OrganisationFactory.create_batch(n, status=Organisation.Status.PENDING)


def calls(n: int, world) -> None:
    from actionfund.models import Call

    call = world.focus.call
    Call.objects.bulk_create(
        Call(
            year=call.year - 1 - i,
            title=f"{call.title} {world.runs}-{i}",
            description="–",
            opens_at=call.opens_at,
            closes_at=call.closes_at,
            total_budget=call.total_budget,
            max_single=call.max_single,
            max_cooperation=call.max_cooperation,
            is_published=True,
        )
        for i in range(n)
    )


def analyses(n: int, world) -> None:
    from participation_check.models import Analysis

    analysis = world.focus.analysis
    Analysis.objects.bulk_create(
        Analysis(
            title=f"{analysis.title} {world.runs}-{i}",
            district=analysis.district,
            social_space=analysis.social_space,
            period_start=analysis.period_start,
            period_end=analysis.period_end,
            status=analysis.status,
        )
        for i in range(n)
    )


def periods(n: int, world) -> None:
    from reporting.models import FundingPeriod

    FundingPeriod.objects.bulk_create(
        FundingPeriod(
            name=f"Senat {world.runs}-{i}",
            funder="senate",
            start=date(2020 - i, 1, 1),
            end=date(2020 - i, 12, 31),
        )
        for i in range(n)
    )


def funder_reports(n: int, world) -> None:
    from reporting.models import FunderReport

    period = world.generator.period
    FunderReport.objects.bulk_create(FunderReport(period=period, summary="–") for _ in range(n))


def _people(n: int, world, label: str) -> list:
    """n new people (no organisation yet), for rows that need a person each."""
    from organisations.models import User

    return User.objects.bulk_create(
        factories.UserFactory.build(
            email=f"{label}{world.runs}-{i}@rows.example", password=factories.UNUSABLE
        )
        for i in range(n)
    )


def _organisations(n: int, world, label: str, **values) -> list:
    from organisations.search import search_key

    return Organisation.objects.bulk_create(
        factories.OrganisationFactory.build(
            name=(name := f"{label} {world.runs}-{i} e.V."), search_name=search_key(name), **values
        )
        for i in range(n)
    )


def api_tokens(n: int, world) -> None:
    """The person's API tokens: active, revoked and expired ones."""
    from ikmo.api import tokens

    person = world.personas["member"]
    for i in range(n):
        token, _secret = tokens.token_create(
            user=person, name=f"Programm {world.runs}-{i}", scope="read"
        )
        if i % 3 == 1:
            tokens.token_revoke(token=token, by=person)


def members(n: int, world) -> None:
    """Colleagues in the focus organisation: active ones, and every third one asking to join."""
    people = _people(n, world, "colleague")
    Membership.objects.bulk_create(
        Membership(
            user=person,
            organisation=world.focus.organisation,
            role=Membership.Role.MEMBER,
            status=Membership.Status.PENDING if i % 3 == 2 else Membership.Status.ACTIVE,
            decided_at=None if i % 3 == 2 else timezone.now(),
        )
        for i, person in enumerate(people)
    )


def _documents(n: int, world, kind: str, target, **values) -> None:
    from django.contrib.contenttypes.models import ContentType

    from ikmo.models import GeneratedDocument

    GeneratedDocument.objects.bulk_create(
        GeneratedDocument(
            kind=kind,
            content_type=ContentType.objects.get_for_model(target),
            object_id=str(target.pk),
            title=f"Dokument {world.runs}-{i}",
            **values,
        )
        for i in range(n)
    )


def organisation_rows(n: int, world) -> None:
    """Colleagues (see members) and profile sheets of the focus organisation (its activity
    comes from the generator)."""
    from organisations.documents import PROFILE_SHEET
    from organisations.models import Outcome

    members(n, world)
    org = world.focus.organisation
    _documents(n, world, PROFILE_SHEET, org, organisation=org, requested_by=world.focus.person)
    Outcome.objects.bulk_create(
        Outcome(organisation=org, kind=Outcome.Kind.OTHER, date=date(2025, 1, 1), note=f"#{i}")
        for i in range(n)
    )


def network_members(n: int, world) -> None:
    """Organisations in the network (confirmed), asking to join it, and networks it is in."""
    from organisations.models import NetworkMembership

    network = world.obj("network")
    orgs = [factories.OrganisationFactory(name=f"Mitglied {world.runs}-{i}") for i in range(2 * n)]
    outer = [
        factories.OrganisationFactory(
            name=f"Dachverband {world.runs}-{i}", kind=Organisation.Kind.NETWORK
        )
        for i in range(n)
    ]
    now = timezone.now()
    NetworkMembership.objects.bulk_create(
        [
            *(
                NetworkMembership(
                    network=network, member=o, status="active", decided_at=now, decided_by=None
                )
                for o in orgs[:n]
            ),
            *(NetworkMembership(network=network, member=o) for o in orgs[n:]),
            *(
                NetworkMembership(network=o, member=network, status="active", decided_at=now)
                for o in outer
            ),
        ]
    )


def workshop_registrations(n: int, world) -> None:
    """Colleagues registered for the workshop (beyond its capacity: a waiting list), with
    feedback from each."""
    from qualification.models import Feedback, Registration

    workshop = world.obj("workshop")
    people = _people(n, world, "participant")
    Membership.objects.bulk_create(
        Membership(user=p, organisation=world.focus.organisation, status=Membership.Status.ACTIVE)
        for p in people
    )
    taken = workshop.registrations.count()
    registrations = Registration.objects.bulk_create(
        Registration(
            workshop=workshop,
            participant=person,
            organisation=world.focus.organisation,
            registered_by=world.focus.person,
            status=Registration.Status.CONFIRMED
            if taken + i < workshop.capacity
            else Registration.Status.WAITLISTED,
            position=taken + i + 1,
            attended=True,
        )
        for i, person in enumerate(people)
    )
    Feedback.objects.bulk_create(
        Feedback(registration=r, rating=1 + i % 5, comment=f"Rückmeldung {world.runs}-{i}")
        for i, r in enumerate(registrations)
    )


def criteria(n: int, world) -> None:
    from actionfund.models import Criterion

    call = world.focus.call
    Criterion.objects.bulk_create(
        factories.CriterionFactory.build(call=call, title=f"Kriterium {world.runs}-{i}", position=i)
        for i in range(n)
    )


def _budget_lines(n: int, world, application) -> list:
    from actionfund.models import BudgetLine

    return BudgetLine.objects.bulk_create(
        factories.BudgetLineFactory.build(
            application=application,
            description=f"Posten {world.runs}-{i}",
            amount=Decimal("10"),
            position=world.runs * 100 + i,
        )
        for i in range(n)
    )


def _attachments(n: int, world, model, **owner) -> None:
    model.objects.bulk_create(
        model(
            file=f"actionfund/test/{world.runs}-{i}.pdf",
            original_name=f"Anlage {world.runs}-{i}.pdf",
            content_type="application/pdf",
            size=1000,
            **owner,
        )
        for i in range(n)
    )


def application_rows(n: int, world) -> None:
    """The application in review: budget lines, partners, files, history, and jurors who
    scored every criterion."""
    from actionfund.models import Attachment, JuryAssignment, Score, StatusChange

    application = world.obj("application")
    _budget_lines(n, world, application)
    _messages(n, world, application)
    application.partners.add(*_organisations(n, world, "Partner"))
    _attachments(n, world, Attachment, application=application)
    StatusChange.objects.bulk_create(
        StatusChange(
            application=application,
            from_status="submitted",
            to_status="in_review",
            actor=world.personas["lead"],
            note=f"Schritt {world.runs}-{i}",
        )
        for i in range(n)
    )
    jurors = _people(n, world, "juror")
    StaffRole.objects.bulk_create(StaffRole(user=j, role=StaffRole.Role.JURY) for j in jurors)
    JuryAssignment.objects.bulk_create(
        JuryAssignment(application=application, juror=j) for j in jurors
    )
    Score.objects.bulk_create(
        Score(application=application, juror=j, criterion=c, value=5)
        for j in jurors
        for c in application.call.criteria.all()
    )


def _messages(n: int, world, record) -> None:
    """Messages from both sides, by different people, some with a file, some internal."""
    from ikmo.models import Message
    from ikmo.services import thread_get_or_create

    thread = thread_get_or_create(record=record)
    writers = _people(n, world, "writer")
    Message.objects.bulk_create(
        Message(
            thread=thread,
            author=writer if i % 2 else world.personas["consultant"],
            side="organisation" if i % 2 else "centre",
            is_internal=i % 4 == 0,
            body=f"Nachricht {world.runs}-{i} " + "Text " * 40,
            attachment=f"messages/test/{world.runs}-{i}.pdf" if i % 3 == 0 else "",
            attachment_name=f"Anlage {world.runs}-{i}.pdf" if i % 3 == 0 else "",
            attachment_type="application/pdf" if i % 3 == 0 else "",
            attachment_size=1000 if i % 3 == 0 else None,
        )
        for i, writer in enumerate(writers)
    )


def thread_rows(n: int, world) -> None:
    """Messages in the thread of the page's record (its Page's `kwargs`)."""
    _messages(n, world, world.obj(world.page_target))


def paid_rows(n: int, world) -> None:
    """The paid application: budget lines with their spending, receipts, payments, returns."""
    from actionfund.models import ActualSpending, Payment, ProofOfUse, Receipt, Return

    application = world.obj("paid_application")
    lines = _budget_lines(n, world, application)
    proof, _ = ProofOfUse.objects.get_or_create(application=application)
    ActualSpending.objects.bulk_create(
        ActualSpending(proof=proof, budget_line=line, amount=Decimal("9")) for line in lines
    )
    _attachments(n, world, Receipt, proof=proof)
    Payment.objects.bulk_create(
        Payment(application=application, amount=Decimal("1"), paid_on=date(2025, 6, 1))
        for _ in range(n)
    )
    Return.objects.bulk_create(
        Return(application=application, amount=Decimal("1"), returned_on=date(2025, 9, 1))
        for _ in range(n)
    )


def draft_rows(n: int, world) -> None:
    from actionfund.models import Attachment

    draft = world.obj("draft")
    _budget_lines(n, world, draft)
    partners = _organisations(n, world, "Partnerin")
    _invitations(draft, partners)
    _attachments(n, world, Attachment, application=draft)


def _invitations(application, organisations, status="accepted") -> None:
    from actionfund.models import PartnerInvitation

    PartnerInvitation.objects.bulk_create(
        PartnerInvitation(application=application, organisation=o, status=status)
        for o in organisations
    )
    if status == "accepted":
        application.partners.add(*organisations)


def invitation_rows(n: int, world) -> None:
    """Other organisations' applications inviting the person's organisation as a partner."""
    from actionfund.models import Application, PartnerInvitation

    call = world.obj("open_call")
    applicants = _organisations(n, world, "Einladende")
    applications = Application.objects.bulk_create(
        Application(call=call, organisation=o, title=f"Gemeinsam {o.name}") for o in applicants
    )
    PartnerInvitation.objects.bulk_create(
        PartnerInvitation(application=a, organisation=world.focus.organisation)
        for a in applications
    )


def invitation_page_rows(n: int, world) -> None:
    """The invitation page: the inviting application's budget and its other partners."""
    invitation = world.obj("invitation")
    _budget_lines(n, world, invitation.application)
    _invitations(invitation.application, _organisations(n, world, "Mitpartnerin"), "invited")


def contact_history(n: int, world) -> None:
    from mentoring.models import CooperationStatusChange

    contact = world.obj("contact")
    CooperationStatusChange.objects.bulk_create(
        CooperationStatusChange(
            contact=contact,
            from_status="contact_made",
            to_status="meeting_held",
            note=f"Treffen {world.runs}-{i}",
            changed_by=world.personas["consultant"],
        )
        for i in range(n)
    )


def public_events(n: int, world) -> None:
    """Public events to come, each with a capacity (the list shows the places left)."""
    import datetime

    from django.utils import timezone

    for i in range(n):
        factories.EventFactory(
            title=f"Öffentlicher Fachtag {world.runs}-{i}",
            is_public=True,
            capacity=50,
            starts_at=timezone.now() + datetime.timedelta(days=5 + i),
        )


def public_event_rows(n: int, world) -> None:
    """Programme, speakers, info stands and guests of the public event."""
    import datetime

    from mentoring.models import EventAgendaItem, EventGuest, EventInfoStand, EventSpeaker

    event = world.obj("public_event")
    now = datetime.datetime.now(datetime.UTC)
    for i in range(n):
        speaker = EventSpeaker.objects.create(
            event=event, name=f"Referentin {world.runs}-{i}", role="Verwaltung", publish=True
        )
        item = EventAgendaItem.objects.create(
            event=event, starts_at=datetime.time(9 + i % 8, i % 60), title=f"Punkt {world.runs}-{i}"
        )
        item.speakers.add(speaker)
    EventInfoStand.objects.bulk_create(
        EventInfoStand(event=event, organisation_name=f"Stand {world.runs}-{i}", topic="Thema")
        for i in range(n)
    )
    EventGuest.objects.bulk_create(
        EventGuest(
            event=event,
            name=f"Gast {world.runs}-{i}",
            email=f"gast{world.runs}-{i}@guest.example",
            organisation_name="Verein",
            consent_version="test",
            consented_at=now,
        )
        for i in range(n)
    )


def event_rows(n: int, world) -> None:
    """Invited organisations, registrations, attendance, follow-up tasks and the programme
    (speakers, agenda items with their speakers, info stands) of the event."""
    from mentoring.models import (
        EventAgendaItem,
        EventAttendance,
        EventInfoStand,
        EventRegistration,
        EventSpeaker,
        FollowUpTask,
    )

    event = world.obj("event")
    orgs = _organisations(n, world, "Gast")
    event.invited_organisations.add(*orgs)
    people = _people(n, world, "guest")
    Membership.objects.bulk_create(
        Membership(user=p, organisation=o, status=Membership.Status.ACTIVE)
        for p, o in zip(people, orgs, strict=True)
    )
    EventRegistration.objects.bulk_create(
        EventRegistration(event=event, person=p, organisation=o)
        for p, o in zip(people, orgs, strict=True)
    )
    EventAttendance.objects.bulk_create(
        EventAttendance(event=event, organisation=o, person=p)
        for p, o in zip(people, orgs, strict=True)
    )
    FollowUpTask.objects.bulk_create(
        FollowUpTask(event=event, title=f"Aufgabe {world.runs}-{i}", assignee=p)
        for i, p in enumerate(people)
    )
    speakers = EventSpeaker.objects.bulk_create(
        EventSpeaker(event=event, name=f"Rednerin {world.runs}-{i}", publish=i % 2 == 0)
        for i in range(n)
    )
    items = EventAgendaItem.objects.bulk_create(
        EventAgendaItem(event=event, starts_at=datetime_time(10, i), title=f"Punkt {i}")
        for i in range(n)
    )
    for item, speaker in zip(items, speakers, strict=True):
        item.speakers.add(speaker)
    EventInfoStand.objects.bulk_create(
        EventInfoStand(event=event, organisation_name=f"Stand {world.runs}-{i}") for i in range(n)
    )


def offers(n: int, world) -> None:
    """Organisations offering mentoring: suggestions for the open request."""
    from mentoring.models import MentorOffer

    MentorOffer.objects.bulk_create(
        MentorOffer(organisation=o, capacity=3, description="Wir helfen gern.", is_active=True)
        for o in _organisations(n, world, "Mentorin")
    )


def tandem_meetings(n: int, world) -> None:
    from mentoring.models import TandemMeeting

    tandem = world.obj("tandem")
    TandemMeeting.objects.bulk_create(
        TandemMeeting(
            tandem=tandem,
            met_on=date(2025, 1, 1) + timedelta(days=world.runs * 20 + i),
            summary=f"Treffen {world.runs}-{i}",
            logged_by=world.focus.person,
            logged_for=world.focus.organisation,
        )
        for i in range(n)
    )


def site_rows(n: int, world) -> None:
    """The focus organisation's status history and recognition documents (its placements
    and consultations come from the generator)."""
    from volunteering.models import RecognitionDocument, ServiceProfile, StatusChange

    profile = ServiceProfile.objects.get(organisation=world.focus.organisation)
    StatusChange.objects.bulk_create(
        StatusChange(profile=profile, to_status="advised", note=f"Schritt {world.runs}-{i}")
        for i in range(n)
    )
    RecognitionDocument.objects.bulk_create(
        RecognitionDocument(
            profile=profile,
            title=f"Bescheid {world.runs}-{i}",
            file=f"volunteering/test/{world.runs}-{i}.pdf",
            original_name="bescheid.pdf",
            content_type="application/pdf",
            size=1000,
            uploaded_by=world.focus.person,
        )
        for i in range(n)
    )


def placement_seminars(n: int, world) -> None:
    from volunteering.models import Seminar, SeminarAttendance

    placement = world.obj("placement")
    _messages(n, world, placement)
    seminars = Seminar.objects.bulk_create(
        factories.SeminarFactory.build(
            title=f"Seminar {world.runs}-{i}", carrier=placement.contingent.carrier
        )
        for i in range(n)
    )
    SeminarAttendance.objects.bulk_create(
        SeminarAttendance(seminar=s, placement=placement, days_attended=4) for s in seminars
    )


def seminar_placements(n: int, world) -> None:
    """Placements under the seminar's carrier: the seminar's attendance list offers each."""
    from volunteering.models import Placement, Volunteer

    seminar = world.obj("seminar")
    contingent = world.obj("contingent")
    volunteers = Volunteer.objects.bulk_create(
        factories.VolunteerFactory.build(first_name=f"Freiwillige {world.runs}-{i}")
        for i in range(n)
    )
    Placement.objects.bulk_create(
        factories.PlacementFactory.build(
            volunteer=v,
            site=world.focus.organisation,
            contingent=contingent,
            service_type=contingent.service_type,
            start_date=seminar.start_date - timedelta(days=30),
            end_date=seminar.start_date + timedelta(days=300),
        )
        for v in volunteers
    )


def questions(n: int, world) -> None:
    from participation_check.models import GuidelineQuestion

    GuidelineQuestion.objects.bulk_create(
        GuidelineQuestion(
            analysis=world.focus.analysis,
            position=world.runs * 100 + i,
            text=f"Frage {world.runs}-{i}",
        )
        for i in range(n)
    )


def answers(n: int, world) -> None:
    """Guideline questions answered in the interview, and its tags."""
    from participation_check.models import GuidelineQuestion, InterviewAnswer, InterviewTag

    interview = world.obj("interview")
    asked = GuidelineQuestion.objects.bulk_create(
        GuidelineQuestion(
            analysis=interview.analysis, position=world.runs * 100 + i, text=f"Frage {i}"
        )
        for i in range(n)
    )
    InterviewAnswer.objects.bulk_create(
        InterviewAnswer(interview=interview, question=q, text=f"Antwort {world.runs}-{i}")
        for i, q in enumerate(asked)
    )
    InterviewTag.objects.bulk_create(
        InterviewTag(interview=interview, kind="barrier", category="time", note=f"Notiz {i}")
        for i in range(n)
    )


def analysis_rows(n: int, world) -> None:
    """The analysis's status history, team and report PDFs (its structures, interviews,
    meetings and recommendations come from the generator)."""
    from participation_check.models import AnalysisStatusChange
    from participation_check.services import REPORT_KIND

    analysis = world.focus.analysis
    AnalysisStatusChange.objects.bulk_create(
        factories.AnalysisStatusChangeFactory.build(
            analysis=analysis, note=f"Schritt {world.runs}-{i}", by=world.personas["consultant"]
        )
        for i in range(n)
    )
    team = _people(n, world, "analyst")
    StaffRole.objects.bulk_create(StaffRole(user=p, role=StaffRole.Role.CONSULTANT) for p in team)
    analysis.team.add(*team)
    _documents(n, world, REPORT_KIND, analysis, requested_by=world.personas["consultant"])


def recommendation_history(n: int, world) -> None:
    from participation_check.models import RecommendationStatusChange

    recommendation = world.obj("recommendation")
    RecommendationStatusChange.objects.bulk_create(
        RecommendationStatusChange(
            recommendation=recommendation,
            from_status="open",
            to_status="accepted",
            date=date(2025, 1, 1),
            note=f"Schritt {world.runs}-{i}",
            by=world.personas["consultant"],
        )
        for i in range(n)
    )


def personal_records(n: int, world) -> None:
    """Consents, data exports and handled erasure requests of the focus person; more
    organisations they administer, and exports of the focus organisation."""
    from privacy.models import ConsentRecord, DataExport, ErasureRequest

    person, organisation = world.focus.person, world.focus.organisation
    Membership.objects.bulk_create(
        Membership(user=person, organisation=o, role=Membership.Role.ADMIN)
        for o in _organisations(n, world, "Verwaltet")
    )
    ErasureRequest.objects.bulk_create(
        ErasureRequest(
            person=person,
            origin=ErasureRequest.Origin.PERSON,
            status=ErasureRequest.Status.DECLINED,
            message=f"Bitte löschen {world.runs}-{i}",
            handled_by=world.personas["admin"],
        )
        for i in range(n)
    )
    ConsentRecord.objects.bulk_create(
        ConsentRecord(
            person=person,
            organisation=organisation,
            purpose="photos",
            details=f"Fotos {world.runs}-{i}",
            text_version="2025-01",
        )
        for i in range(n)
    )
    DataExport.objects.bulk_create(
        [
            *(
                DataExport(scope=DataExport.Scope.PERSON, person=person, requested_by=person)
                for _ in range(n)
            ),
            *(
                DataExport(
                    scope=DataExport.Scope.ORGANISATION,
                    organisation=organisation,
                    requested_by=person,
                )
                for _ in range(n)
            ),
        ]
    )


# The objects whose pages are measured: made once, the first time a page asks -----------------

TARGETS = {}


def target(make):
    TARGETS[make.__name__] = make
    return make


@target
def organisation(world):
    return world.focus.organisation


@target
def network(world):
    """A network of migrant organisations whose admin is the focus person."""
    network = factories.OrganisationFactory(name="Netzwerk Messbar", kind=Organisation.Kind.NETWORK)
    Membership.objects.create(
        user=world.focus.person, organisation=network, role=Membership.Role.ADMIN
    )
    return network


@target
def outcome(world):
    from organisations.models import Outcome

    return Outcome.objects.create(
        organisation=world.focus.organisation,
        kind=Outcome.Kind.OUTSIDE_FUNDING,
        date=date(2025, 1, 1),
        funder="Stiftung Beispielhaft",
    )


@target
def call(world):
    return world.focus.call


@target
def analysis(world):
    return world.focus.analysis


@target
def document(world):
    from ikmo.models import GeneratedDocument
    from organisations.documents import PROFILE_SHEET

    org = world.focus.organisation
    return GeneratedDocument.objects.create(
        kind=PROFILE_SHEET,
        target=org,
        organisation=org,
        title=f"Profilblatt {org.name}",
        requested_by=world.focus.person,
    )


@target
def workshop(world):
    starts = timezone.now() + timedelta(days=30)
    return factories.WorkshopFactory(
        trainer=world.personas["consultant"],
        capacity=4,
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
    )


@target
def attended_registration(world):
    starts = timezone.now() - timedelta(days=10)
    return factories.RegistrationFactory(
        workshop=factories.WorkshopFactory(
            trainer=world.personas["consultant"], starts_at=starts, ends_at=starts
        ),
        participant=world.focus.person,
        organisation=world.focus.organisation,
        attended=True,
    )


@target
def coaching_session(world):
    return factories.CoachingSessionFactory(
        organisation=world.focus.organisation, consultant=world.personas["consultant"]
    )


@target
def coaching_case(world):
    from qualification.models import CoachingCase

    case, _created = CoachingCase.objects.get_or_create(
        organisation=world.focus.organisation,
        defaults={"consultant": world.personas["consultant"], "started_on": date(2025, 1, 1)},
    )
    return case


@target
def open_call(world):
    return factories.CallFactory()


@target
def application(world):
    from actionfund.models import JuryAssignment, Status

    application = factories.ApplicationFactory(
        call=world.focus.call,
        organisation=world.focus.organisation,
        created_by=world.focus.person,
        status=Status.IN_REVIEW,
        submitted_at=timezone.now(),
    )
    JuryAssignment.objects.create(application=application, juror=world.personas["jury"])
    return application


@target
def paid_application(world):
    from actionfund.models import Status

    return factories.ApplicationFactory(
        call=world.focus.call,
        organisation=world.focus.organisation,
        created_by=world.focus.person,
        status=Status.PAID,
        requested_amount=Decimal("1000"),
        approved_amount=Decimal("1000"),
        submitted_at=timezone.now() - timedelta(days=60),
        decided_at=timezone.now() - timedelta(days=30),
        approved_at=timezone.now() - timedelta(days=30),
        proof_due_date=timezone.localdate() + timedelta(days=60),
    )


@target
def invitation(world):
    from actionfund.models import PartnerInvitation

    applicant = factories.OrganisationFactory(name="Einladender Verein e.V.")
    application = factories.ApplicationFactory(call=world.obj("open_call"), organisation=applicant)
    return PartnerInvitation.objects.create(
        application=application, organisation=world.focus.organisation
    )


@target
def draft(world):
    return factories.ApplicationFactory(
        call=world.obj("open_call"),
        organisation=world.focus.organisation,
        created_by=world.focus.person,
    )


@target
def export(world):
    from ikmo.models import ListExport

    return ListExport.objects.create(
        requested_by=world.personas["lead"], list_key="organisations.directory"
    )


def _bulk_message(world, subject):
    from messaging.models import BulkMessage

    return BulkMessage.objects.create(
        requested_by=world.personas["consultant"],
        segment="organisations.directory",
        segment_label="Organisationen: alle",
        kind=BulkMessage.Kind.SERVICE,
        subject_de=subject,
        body_de="Text",
        status=BulkMessage.Status.DONE,
    )


def _recipients(message, n, world):
    """n recipients of ``message``: sent, failed and waiting mails."""
    from ikmo.models import OutboundEmail
    from messaging.models import BulkRecipient

    statuses = [
        OutboundEmail.Status.SENT,
        OutboundEmail.Status.FAILED,
        OutboundEmail.Status.PENDING,
    ]
    for i, person in enumerate(_people(n, world, f"bulk{message.pk}")):
        email = OutboundEmail.objects.create(
            to=person.email, subject=message.subject_de, body="Text", status=statuses[i % 3]
        )
        BulkRecipient.objects.create(
            message=message, user=person, email=person.email, email_row=email
        )


def mail_texts(n: int, world) -> None:
    """Customised texts: the first mails in German, then in English, ..."""
    from mailtexts.registry import all_mails
    from mailtexts.services import mailtext_save

    mails = all_mails()
    for i in range(n):
        kind = mails[i % len(mails)]
        language = ["de", "en", "tr", "ar"][(i // len(mails)) % 4]
        mailtext_save(
            kind=kind,
            language=language,
            subject=f"Betreff {world.runs}-{i}",
            body=" ".join([f"Text {world.runs}-{i}", *(f"{{{p}}}" for p in kind.required_names)]),
            by=world.personas["lead"],
        )


def bulk_messages(n: int, world) -> None:
    for i in range(n):
        _recipients(_bulk_message(world, f"Rundschreiben {world.runs}-{i}"), 2, world)


def bulk_message_rows(n: int, world) -> None:
    _recipients(world.obj("bulk_message"), n, world)


@target
def bulk_message(world):
    return _bulk_message(world, "Raumänderung")


@target
def contact(world):
    return factories.CooperationContactFactory(
        organisation=world.focus.organisation, created_by=world.personas["consultant"]
    )


@target
def event(world):
    return factories.EventFactory(
        is_open=True,
        capacity=200,
        created_by=world.personas["consultant"],
        invited=[world.focus.organisation],
    )


@target
def event_speaker(world):
    from mentoring.models import EventSpeaker

    return EventSpeaker.objects.create(event=world.obj("event"), name="Rednerin Seite")


@target
def event_agenda(world):
    from mentoring.models import EventAgendaItem

    return EventAgendaItem.objects.create(
        event=world.obj("event"), starts_at=datetime_time(9, 30), title="Begrüßung"
    )


@target
def event_stand(world):
    from mentoring.models import EventInfoStand

    return EventInfoStand.objects.create(event=world.obj("event"), organisation_name="Stand")


@target
def public_event(world):
    return factories.EventFactory(
        is_public=True, is_open=True, capacity=500, created_by=world.personas["consultant"]
    )


def _second_organisation(world, **values):
    """Another organisation with the focus person among its admins."""
    organisation = factories.OrganisationFactory(**values)
    factories.MembershipFactory(
        user=world.focus.person, organisation=organisation, role=Membership.Role.ADMIN
    )
    return organisation


@target
def mentee(world):
    """An organisation that may ask for mentoring (a start-up)."""
    return _second_organisation(world, stage=Organisation.Stage.STARTUP)


@target
def mentor(world):
    """An organisation that may offer mentoring (an established one)."""
    return _second_organisation(world, stage=Organisation.Stage.ESTABLISHED)


@target
def mentor_request(world):
    return factories.MentorRequestFactory(organisation=world.obj("mentee"))


@target
def tandem(world):
    from mentoring.models import Tandem

    return factories.TandemFactory(
        mentor=world.focus.organisation,
        mentee=factories.OrganisationFactory(),
        lead=world.personas["consultant"],
        status=Tandem.Status.ACTIVE,
        starts_on=date(2025, 1, 1),
        activated_at=timezone.now(),
    )


@target
def finished_tandem(world):
    from mentoring.models import Tandem

    return factories.TandemFactory(
        mentor=world.focus.organisation,
        mentee=factories.OrganisationFactory(),
        lead=world.personas["consultant"],
        status=Tandem.Status.COMPLETED,
        starts_on=date(2024, 1, 1),
        ended_on=date(2024, 7, 1),
        activated_at=timezone.now() - timedelta(days=500),
    )


@target
def consultation(world):
    return factories.ConsultationFactory(
        organisation=world.focus.organisation, consultant=world.personas["consultant"]
    )


@target
def contingent(world):
    return factories.ContingentFactory(
        carrier=factories.OrganisationFactory(kind=Organisation.Kind.CARRIER), year=2025
    )


@target
def placement(world):
    return factories.PlacementFactory(
        site=world.focus.organisation, contingent=world.obj("contingent")
    )


@target
def seminar(world):
    return factories.SeminarFactory(carrier=world.obj("contingent").carrier)


@target
def structure(world):
    return factories.ParticipationStructureFactory(analysis=world.focus.analysis)


@target
def interview(world):
    return factories.InterviewFactory(
        analysis=world.focus.analysis,
        organisation=world.focus.organisation,
        interviewer=world.personas["consultant"],
        consent_given=True,
        consent_form="written",
        consent_date=timezone.localdate(),
    )


@target
def exchange_meeting(world):
    return factories.ExchangeMeetingFactory(analysis=world.focus.analysis)


@target
def recommendation(world):
    return factories.RecommendationFactory(analysis=world.focus.analysis)


@target
def period(world):
    return world.generator.period


@target
def funder_report(world):
    from reporting.models import FunderReport

    return FunderReport.objects.create(period=world.generator.period, summary="–")


@target
def frozen_report(world):
    from reporting.models import FunderReport

    return FunderReport.objects.create(period=world.generator.period, summary="–")


def frozen_figure_rows(n: int, world) -> None:
    """The report's figures frozen again over all rows made so far: a report freezes once,
    so the test thaws it in between, and its drill-down lists every row."""
    from reporting.models import FunderReport
    from reporting.services import report_freeze

    report = world.obj("frozen_report")
    report.frozen_records.all().delete()
    FunderReport.objects.filter(pk=report.pk).update(snapshot={}, snapshot_taken_at=None)
    report_freeze(report_id=report.pk)


@target
def data_export(world):
    from privacy.models import DataExport

    person = world.focus.person
    return DataExport.objects.create(
        scope=DataExport.Scope.PERSON, person=person, requested_by=person
    )


def listed_organisations(n: int, world) -> None:
    """n more organisations listed publicly, each showing every field, in Neukölln."""
    from organisations.models import FieldOfWork, SpokenLanguage

    fields_of_work = list(FieldOfWork.objects.all()[:3])
    languages = list(SpokenLanguage.objects.all()[:3])
    for i in range(n):
        organisation = factories.OrganisationFactory(name=f"Elfenverein {world.runs}-{i} e.V.")
        organisation.fields_of_work.set(fields_of_work)
        organisation.languages.set(languages)
        factories.listed(organisation)


@target
def listed_org(world):
    organisation = factories.OrganisationFactory()
    factories.listed(organisation)
    return organisation


@target
def person(world):
    return world.focus.person


class World:
    # URL arguments that are not {"pk": a target's pk}.
    SPECIAL_KWARGS = {
        "": lambda world: {},
        "org_pk": lambda world: {"org_pk": world.focus.organisation.pk},
        "mentee_org_pk": lambda world: {"org_pk": world.obj("mentee").pk},
        "mentor_org_pk": lambda world: {"org_pk": world.obj("mentor").pk},
        "export": lambda world: {"uuid": world.obj("export").uuid},
        "bulk_message": lambda world: {"uuid": world.obj("bulk_message").uuid},
        "outcome": lambda world: {
            "pk": world.focus.organisation.pk,
            "outcome_pk": world.obj("outcome").pk,
        },
        "frozen_figure": lambda world: {
            "pk": world.obj("frozen_report").pk,
            "key": "coaching_sessions",
        },
        "event_speaker": lambda world: {
            "pk": world.obj("event").pk,
            "speaker_pk": world.obj("event_speaker").pk,
        },
        "event_agenda": lambda world: {
            "pk": world.obj("event").pk,
            "item_pk": world.obj("event_agenda").pk,
        },
        "event_stand": lambda world: {
            "pk": world.obj("event").pk,
            "stand_pk": world.obj("event_stand").pk,
        },
        "tandem_side": lambda world: {
            "pk": world.obj("finished_tandem").pk,
            "org_pk": world.focus.organisation.pk,
        },
    }

    def __init__(self, org, **personas):
        self.personas = personas
        self.focus = Focus(
            organisation=org,
            person=personas["member"],
            consultant=personas["consultant"],
            juror=personas["jury"],
        )
        self.objects = {}
        self.runs = 0

    def obj(self, name: str):
        """The page's object: the same one for both renders."""
        if name not in self.objects:
            self.objects[name] = TARGETS[name](self)
        return self.objects[name]

    def add_rows(self, n: int, page: Page) -> None:
        self.page_target = page.kwargs
        self.generator = generator = generate(Scale.small(n), focus=self.focus)
        # Later runs add to the same call and analysis, so their pages grow too.
        self.focus.call = self.focus.call or generator.calls[-1]
        self.focus.analysis = self.focus.analysis or generator.analyses[-1]
        if page.extra:
            globals()[page.extra](n, self)
        self.runs += 1

    def url(self, page: Page) -> str:
        name, _, key = page.kwargs.partition("/")
        if page.kwargs in self.SPECIAL_KWARGS:
            kwargs = self.SPECIAL_KWARGS[page.kwargs](self)
        elif name == "indicator":
            kwargs = {"key": key}
        else:
            kwargs = {"pk": self.obj(name).pk, **({"step": key} if key else {})}
        url = reverse(page.route, kwargs=kwargs)
        return f"{url}?{page.query}" if page.query else url


@pytest.fixture
def world(org, org_admin, consultant, project_lead, jury_member, portal_admin):
    return World(
        org,
        member=org_admin,
        consultant=consultant,
        lead=project_lead,
        jury=jury_member,
        admin=portal_admin,
    )


def _count(client, url) -> tuple[int, list[str], int]:
    response = client.get(url)  # warms per-process caches (content types, catalogues)
    assert response.status_code == 200, (url, response.status_code, response.get("Location"))
    cache.clear()  # pages that keep figures for a minute must compute them here
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), [q["sql"] for q in queries.captured_queries], len(response.content)


@pytest.mark.parametrize("page", PAGES, ids=[p.id for p in PAGES])
def test_query_count_does_not_grow_with_rows(page, world, client):
    client.force_login(world.personas[page.persona])
    world.add_rows(SMALL, page)
    # URLs with an object are built after the first rows exist.
    small, _, small_size = _count(client, world.url(page))
    world.add_rows(LARGE - SMALL, page)
    large, sql, large_size = _count(client, world.url(page))
    assert large <= small + page.slack, (
        f"{page.id}: {small} queries with {SMALL} rows, {large} with {LARGE}:\n" + "\n".join(sql)
    )
    if page.grows:  # the rows were on the page, so the equal counts mean something
        assert large_size > small_size + 500, (page.id, small_size, large_size)


def test_page_ids_are_unique():
    ids = [p.id for p in PAGES]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def _portal_routes():
    """(route name, number of URL arguments) of every named route of the portal's own apps
    and of its top-level URLs (not the admin's, not allauth's)."""
    from django.urls import URLPattern, get_resolver

    from ikmo.subprojects import portal_apps

    namespaces = {c.label for c in portal_apps() if c.url_prefix}
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLPattern):
            if entry.name:
                yield entry.name, entry.pattern.regex.groups
        elif getattr(entry, "namespace", None) in namespaces:
            for pattern in entry.url_patterns:
                yield f"{entry.namespace}:{pattern.name}", pattern.pattern.regex.groups


def test_every_list_route_of_every_app_is_declared():
    """A new list page (an app's URL without arguments that renders HTML) must be added."""
    declared = {p.route for p in PAGES}
    # Routes without arguments that are forms, files, redirects or fixed texts, not lists.
    not_lists = {
        "healthz",
        "request_too_large",
        "mfa_required",
        "account_email_verification_sent",
        "account_resend_verification",
        "organisations:register",
        "organisations:join",
        "qualification:workshop_calendar",
        "qualification:workshop_create",
        "qualification:coaching_start",
        "actionfund:call_create",
        "actionfund:transition_table",
        "mentoring:contact_create",
        "mentoring:event_create",
        "volunteering:placement_new",
        "volunteering:seminar_new",
        "participation_check:analysis_create",
        "reporting:figures_csv",
        "reporting:figures_xlsx",
        "reporting:period_new",
        "privacy:policy",
        "privacy:accessibility",
        "privacy:export_me",
        "privacy:erasure_ask",
        "messaging:new",
        "messaging:notifications",
    }
    missing = [
        route
        for route, arguments in _portal_routes()
        if arguments == 0 and route not in declared | not_lists
    ]
    assert not missing, f"declare these list routes in PAGES (or in not_lists): {missing}"


POST_ONLY = "an action: POST only, answers with a redirect"
FILE = "a file download, not a page"
# Routes with arguments that render no HTML page on GET.
NOT_PAGES = {
    "organisations:network_action": POST_ONLY,
    "organisations:network_join": "a form with one chooser (its options load on demand)",
    "organisations:centre_contact": "a form with one chooser (its options load on demand)",
    "actionfund:application_message_post": POST_ONLY,
    "actionfund:application_message_file": FILE,
    "qualification:coaching_message_post": POST_ONLY,
    "qualification:coaching_message_file": FILE,
    "volunteering:placement_message_post": POST_ONLY,
    "volunteering:placement_message_file": FILE,
    "mailtexts:edit": "one mail's text in one language: a form over fixed code texts",
    "mailtexts:reset": POST_ONLY,
    "mailtexts:restore": POST_ONLY,
    "actionfund:invitation_decline": POST_ONLY,
    "actionfund:invitation_withdraw": POST_ONLY,
    "actionfund:partner_invite": POST_ONLY,
    "actionfund:partner_invitation_withdraw": POST_ONLY,
    "mfa_invitation": "redeems a one-time token, then redirects",
    # Check-in by code (ikmo/checkin.py): one registration or one occasion per page, never a
    # list; their queries are counted in tests/ikmo/test_checkin.py.
    "checkin_code": "one registration's code, reached by a signed token",
    "checkin_room_scan": "one person's own check-in, reached by a signed token",
    "checkin_confirm": POST_ONLY,
    "checkin_undo": POST_ONLY,
    "choose": "the choosers' JSON search (tests/ikmo/test_choosers.py counts its queries)",
    "document_download": FILE,
    "organisations:join_request": POST_ONLY,
    "api_token_revoke": POST_ONLY,
    "organisations:approve": POST_ONLY,
    "organisations:reject": POST_ONLY,
    "organisations:member_action": POST_ONLY,
    "organisations:profile_sheet": POST_ONLY,
    "organisations:outcome_delete": POST_ONLY,
    "organisations:public_contact": POST_ONLY,
    "organisations:public_listing_withdraw": POST_ONLY,
    "qualification:workshop_ics": FILE,
    "qualification:workshop_cancel": POST_ONLY,
    "qualification:workshop_register": POST_ONLY,
    "qualification:attendance_set": POST_ONLY,
    "qualification:participants_csv": FILE,
    "qualification:participants_pdf": POST_ONLY,
    "qualification:certificates_issue": POST_ONLY,
    "qualification:registration_cancel": POST_ONLY,
    "qualification:registration_certificate": POST_ONLY,
    "qualification:coaching_follow_up_done": POST_ONLY,
    "qualification:coaching_case_toggle": POST_ONLY,
    "actionfund:application_autosave": POST_ONLY,
    "actionfund:application_submit": POST_ONLY,
    "actionfund:application_withdraw": POST_ONLY,
    "actionfund:application_transition": POST_ONLY,
    "actionfund:jury_assign": POST_ONLY,
    "actionfund:jury_unassign": POST_ONLY,
    "actionfund:attachment_download": FILE,
    "actionfund:attachment_delete": POST_ONLY,
    "actionfund:agreement_request": POST_ONLY,
    "actionfund:payment_add": POST_ONLY,
    "actionfund:return_add": POST_ONLY,
    "actionfund:receipt_add": POST_ONLY,
    "actionfund:receipt_download": FILE,
    "actionfund:proof_review": POST_ONLY,
    "mentoring:contact_status": POST_ONLY,
    "mentoring:contact_delete": POST_ONLY,
    "mentoring:event_register": POST_ONLY,
    "mentoring:event_ics": FILE,
    "mentoring:event_table_add": POST_ONLY,
    "mentoring:event_speaker_add": POST_ONLY,
    "mentoring:event_speaker_remove": POST_ONLY,
    "mentoring:event_agenda_add": POST_ONLY,
    "mentoring:event_agenda_remove": POST_ONLY,
    "mentoring:event_stand_add": POST_ONLY,
    "mentoring:event_stand_remove": POST_ONLY,
    "mentoring:guest_attended": POST_ONLY,
    "mentoring:guest_documents": POST_ONLY,
    "mentoring:event_report": POST_ONLY,
    "mentoring:guest_cancel": "a guest's signed link: one registration and a button",
    "mentoring:event_unregister": POST_ONLY,
    "mentoring:event_attendance_add": POST_ONLY,
    "mentoring:event_attendance_remove": POST_ONLY,
    "mentoring:event_outcome": POST_ONLY,
    "mentoring:event_cancel": POST_ONLY,
    "mentoring:task_add": POST_ONLY,
    "mentoring:task_toggle": POST_ONLY,
    "mentoring:request_withdraw": POST_ONLY,
    "mentoring:tandem_propose": POST_ONLY,
    "mentoring:tandem_accept": POST_ONLY,
    "mentoring:tandem_decline": POST_ONLY,
    "mentoring:tandem_close": POST_ONLY,
    "volunteering:interest": POST_ONLY,
    "volunteering:document_download": FILE,
    "volunteering:document_delete": POST_ONLY,
    "volunteering:placement_transition": POST_ONLY,
    "volunteering:volunteer_erase": POST_ONLY,
    "volunteering:volunteer_export": FILE,
    "participation_check:analysis_transition": POST_ONLY,
    "participation_check:structure_delete": POST_ONLY,
    "participation_check:interview_withdraw_consent": POST_ONLY,
    "participation_check:interview_delete": POST_ONLY,
    "participation_check:report_pdf": FILE,
    "participation_check:report_pdf_request": POST_ONLY,
    "reporting:records_csv": FILE,
    "reporting:report_records_csv": FILE,
    "reporting:report_csv": FILE,
    "reporting:report_xlsx": FILE,
    "privacy:consent_withdraw": POST_ONLY,
    "privacy:export_download": FILE,
    "privacy:export_organisation": POST_ONLY,
    "privacy:export_person": POST_ONLY,
    "privacy:erasure_decline": POST_ONLY,
    "messaging:compose": "a form; its choices are the sender's workshops and events of the "
    "last 180 days and the calls (tests/messaging/test_bulk.py counts its queries)",
    "messaging:unsubscribe": "a fixed text and one button, for the person a token names",
    "messaging:unsubscribe_one_click": "a mail program's POST or a redirect, for the person "
    "a token names",
}


def test_every_route_with_arguments_of_every_app_is_declared():
    """A new detail or form page (a URL with arguments that renders HTML on GET) must be
    added to PAGES; anything else is named in NOT_PAGES with the reason."""
    declared = {p.route for p in PAGES}
    routes = {route for route, arguments in _portal_routes() if arguments}
    missing = sorted(routes - declared - set(NOT_PAGES))
    assert not missing, f"declare these routes in PAGES (or in NOT_PAGES): {missing}"
    both = sorted(declared & set(NOT_PAGES))
    assert not both, f"in PAGES and NOT_PAGES: {both}"
    stale = sorted(set(NOT_PAGES) - routes)
    assert not stale, f"NOT_PAGES names routes that no longer exist: {stale}"
