"""A fixture world for the security tests: one object of each kind, owned by organisation A.

Everything that belongs to organisation A carries a marker ("Alphaverein", "ALPHA-…") so a
response shown to someone who must not see it can be searched for a leak. Organisation B
is the neighbour who must never see A's data; organisation C is a third party (mentor of
A's tandem, carrier of A's volunteer placement).

Personas are resolved per route: "consultant" is a consultant of the sub-project that owns
the route (qualification for the shared pages), "other_consultant" one of another
sub-project, "lead" the project lead of that sub-project.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ikmo.api import tokens as api_tokens
from ikmo.models import AuditEntry, GeneratedDocument
from ikmo.subprojects import SubProject
from organisations.models import Membership, NetworkMembership, Organisation, StaffRole
from tests import factories
from tests.conftest import enrol_mfa

ORG_A = "Alphaverein Geheimgarten e.V."
ORG_B = "Betaverein Nachbarschaft e.V."
ORG_C = "Gammawerk Mentoring e.V."

# Strings that only organisation A (and the staff responsible) may ever see.
A_MARKERS = [
    ORG_A,
    "ALPHA-APPLICATION",
    "ALPHA-COACHING",
    "ALPHA-CONTACT",
    "ALPHA-INTERVIEW",
    "ALPHA-VOLUNTEER",
    "ALPHA-RECEIPT",
    "ALPHA-ATTACHMENT",
    "ALPHA-CONSULTATION",
    "ALPHA-MEETING",
    "ALPHA-OUTCOME",
    "ALPHA-INTERNAL",
]

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

SUBPROJECT_OF_APP = {
    "qualification": SubProject.QUALIFICATION,
    "mentoring": SubProject.MENTORING,
    "participation_check": SubProject.PARTICIPATION_CHECK,
    "actionfund": SubProject.ACTIONFUND,
    "volunteering": SubProject.VOLUNTEERING,
}

PERSONAS = [
    "anonymous",
    "member_a",
    "admin_a",
    "member_b",
    "consultant",
    "other_consultant",
    "jury",
    "jury_unassigned",
    "lead",
    "admin",
]


def _pdf(name="beleg.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def _staff(role, email, subproject=""):
    user = factories.staff(role, subproject=subproject, email=email)
    enrol_mfa(user)
    return user


def finished_document(target, *, kind, organisation=None, by=None, title="Dokument"):
    document = GeneratedDocument.objects.create(
        kind=kind,
        content_type=ContentType.objects.get_for_model(target),
        object_id=str(target.pk),
        organisation=organisation,
        title=title,
        status=GeneratedDocument.Status.DONE,
        progress=100,
        requested_by=by,
        finished_at=timezone.now(),
    )
    document.file.save("doc.pdf", ContentFile(PDF_BYTES), save=True)
    return document


@dataclass
class World:
    org_a: Organisation
    org_b: Organisation
    org_c: Organisation
    users: dict = field(default_factory=dict)
    consultants: dict = field(default_factory=dict)
    leads: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.__dict__["objects"][name]
        except KeyError:
            raise AttributeError(name) from None

    def persona(self, name: str, app: str):
        """The user playing `name` for a route of `app` (None for anonymous)."""
        if name == "anonymous":
            return None
        subproject = SUBPROJECT_OF_APP.get(app, SubProject.QUALIFICATION)
        if name == "consultant":
            return self.consultants[subproject]
        if name == "other_consultant":
            other = (
                SubProject.MENTORING
                if subproject == SubProject.QUALIFICATION
                else SubProject.QUALIFICATION
            )
            return self.consultants[other]
        if name == "lead":
            return self.leads[subproject]
        return self.users[name]


def build_world() -> World:
    org_a = factories.OrganisationFactory(
        name=ORG_A, email="kontakt@alphaverein.example", stage=Organisation.Stage.STARTUP
    )
    org_b = factories.OrganisationFactory(name=ORG_B, email="kontakt@betaverein.example")
    org_c = factories.OrganisationFactory(
        name=ORG_C,
        email="kontakt@gammawerk.example",
        stage=Organisation.Stage.ESTABLISHED,
        kind=Organisation.Kind.CARRIER,
    )
    w = World(org_a=org_a, org_b=org_b, org_c=org_c)
    w.users["member_a"] = factories.member_of(org_a, email="member@alpha.example")
    w.users["admin_a"] = factories.member_of(
        org_a, role=Membership.Role.ADMIN, email="admin@alpha.example"
    )
    # "Member of org B" is played by B's admin: the strongest neighbour.
    w.users["member_b"] = factories.member_of(
        org_b, role=Membership.Role.ADMIN, email="admin@beta.example"
    )
    w.users["admin_c"] = factories.member_of(
        org_c, role=Membership.Role.ADMIN, email="admin@gamma.example"
    )
    for subproject in SubProject.values:
        w.consultants[subproject] = _staff(
            StaffRole.Role.CONSULTANT, f"consultant-{subproject}@centre.example", subproject
        )
        w.leads[subproject] = _staff(
            StaffRole.Role.PROJECT_LEAD, f"lead-{subproject}@centre.example", subproject
        )
    w.users["jury"] = _staff(StaffRole.Role.JURY, "jury@centre.example", SubProject.ACTIONFUND)
    w.users["jury_unassigned"] = _staff(
        StaffRole.Role.JURY, "jury2@centre.example", SubProject.ACTIONFUND
    )
    admin = _staff(StaffRole.Role.ADMIN, "admin@centre.example")
    admin.is_staff = True
    admin.save(update_fields=["is_staff"])
    w.users["admin"] = admin

    _organisations(w)
    _qualification(w)
    _mentoring(w)
    _participation_check(w)
    _actionfund(w)
    _volunteering(w)
    _reporting(w)
    _privacy(w)
    _mailtexts(w)
    _messaging(w)
    return w


def _organisations(w: World):
    from organisations.documents import PROFILE_SHEET

    w.objects["membership_a"] = Membership.objects.get(
        user=w.users["member_a"], organisation=w.org_a
    )
    w.objects["pending_org"] = factories.OrganisationFactory(
        name="Neugründung Pending e.V.", status=Organisation.Status.PENDING
    )
    # A network of migrant organisations that org A has asked to join (its admins confirm).
    network = factories.OrganisationFactory(
        name="Netzwerk Deltabund", kind=Organisation.Kind.NETWORK
    )
    w.users["admin_n"] = factories.member_of(
        network, role=Membership.Role.ADMIN, email="admin@deltabund.example"
    )
    w.objects["network_n"] = network
    w.objects["network_request_a"] = NetworkMembership.objects.create(
        network=network, member=w.org_a, requested_by=w.users["admin_a"]
    )
    # An outcome: the centre's evaluation, for its staff only (not even org A's members).
    w.objects["api_token_a"] = api_tokens.token_create(
        user=w.users["member_a"], name="ALPHA-CONTACT CRM", scope="write"
    )[0]
    # Organisation C is listed publicly (its admin agreed); A and B are not.
    factories.listed(w.org_c, by=w.users["admin_c"], offer="Gammawerk berät Vereine")
    w.objects["listed_org"] = w.org_c
    w.objects["outcome_a"] = factories.OutcomeFactory(
        organisation=w.org_a, funder="ALPHA-OUTCOME Stiftung"
    )
    # A profile sheet shows its requester's view: only she (and portal admins) may open it.
    w.objects["profile_sheet_a"] = finished_document(
        w.org_a,
        kind=PROFILE_SHEET,
        organisation=w.org_a,
        by=w.users["admin_a"],
        title=f"Profile sheet: {ORG_A}",
    )


def _qualification(w: World):
    from qualification.models import CoachingCase, CoachingSession
    from tests.qualification.factories import make_workshop, register

    consultant = w.consultants[SubProject.QUALIFICATION]
    workshop = make_workshop(
        trainer=consultant, title="Workshop Vereinsfinanzen", starts_in=datetime.timedelta(days=-2)
    )
    w.objects["workshop"] = workshop
    w.objects["registration_a"] = register(workshop, w.users["member_a"], w.org_a, attended=True)
    w.objects["coaching_a"] = CoachingSession.objects.create(
        organisation=w.org_a,
        consultant=consultant,
        date=datetime.date.today() - datetime.timedelta(days=3),
        duration_minutes=60,
        format=CoachingSession.Format.PHONE,
        outcome="ALPHA-COACHING outcome",
    )
    case = CoachingCase.objects.create(
        organisation=w.org_a, consultant=consultant, started_on=datetime.date.today()
    )
    w.objects["coaching_case_a"] = case
    w.objects["coaching_message_a"] = _thread(w, case, by=w.users["member_a"], staff=consultant)


def _mentoring(w: World):
    from mentoring.models import (
        CooperationContact,
        Event,
        EventAgendaItem,
        EventAttendance,
        EventInfoStand,
        EventRegistration,
        EventSpeaker,
        FollowUpTask,
        Tandem,
    )
    from tests.mentoring.factories import PartnerFactory, field, mentor_offer, mentor_request

    lead = w.leads[SubProject.MENTORING]
    partner = PartnerFactory(name="Bezirksamt Partnertest")
    w.objects["contact_a"] = CooperationContact.objects.create(
        organisation=w.org_a,
        partner=partner,
        field_of_work=field(),
        contact_person="ALPHA-CONTACT Frau Beispiel",
        contact_date=datetime.date(2026, 3, 2),
    )
    event = Event.objects.create(
        kind=Event.Kind.EXPERT_ROUND,
        title="Fachrunde nur für eingeladene",
        starts_at=timezone.now() + datetime.timedelta(days=7),
        place="Rathaus",
        is_open=False,
    )
    event.invited_organisations.set([w.org_a])
    w.objects["event"] = event
    w.objects["attendance_a"] = EventAttendance.objects.create(
        event=event, organisation=w.org_a, name="ALPHA-MEETING Gast", recorded_by=lead
    )
    EventRegistration.objects.create(event=event, person=w.users["member_a"], organisation=w.org_a)
    w.objects["task"] = FollowUpTask.objects.create(event=event, title="Protokoll verschicken")
    # Its programme: a speaker who did not agree to be named, an item with her, a stand.
    w.objects["speaker"] = EventSpeaker.objects.create(
        event=event, name="Rednerin Matrix", role="Senatsverwaltung"
    )
    agenda_item = EventAgendaItem.objects.create(
        event=event, starts_at=datetime.time(10, 0), title="Begrüßung"
    )
    agenda_item.speakers.add(w.objects["speaker"])
    w.objects["agenda_item"] = agenda_item
    w.objects["info_stand"] = EventInfoStand.objects.create(
        event=event, organisation_name="Verein am Stand", topic="Beratung"
    )
    # A public Fachtag with one guest: its page is for everyone, its guests for the team.
    public_event = Event.objects.create(
        kind=Event.Kind.NETWORK_EVENT,
        title="Öffentlicher Fachtag",
        starts_at=timezone.now() + datetime.timedelta(days=9),
        place="Rathaus",
        is_open=True,
        is_public=True,
        capacity=50,
    )
    w.objects["public_event"] = public_event
    from mentoring import services as mentoring_services

    guest = mentoring_services.guest_register(
        event=public_event, name="Gast Matrix", email="gast@guest.example", consent=True
    )
    w.objects["guest"] = guest
    w.objects["guest_token"] = mentoring_services.guest_token(guest)
    w.objects["offer_c"] = mentor_offer(w.org_c)
    w.objects["request_a"] = mentor_request(w.org_a, needs="ALPHA-APPLICATION Hilfe gesucht")
    w.objects["tandem"] = Tandem.objects.create(
        mentor=w.org_c,
        mentee=w.org_a,
        lead=lead,
        status=Tandem.Status.ACTIVE,
        goals="Vereinsaufbau",
        starts_on=datetime.date.today() - datetime.timedelta(days=30),
    )
    # A pair forms one tandem only: the other stages are with other mentors.
    mentor_d = factories.OrganisationFactory(
        name="Deltaverein Mentoring e.V.", stage=Organisation.Stage.ESTABLISHED
    )
    mentor_e = factories.OrganisationFactory(
        name="Epsilonverein Mentoring e.V.", stage=Organisation.Stage.ESTABLISHED
    )
    w.objects["tandem_proposed"] = Tandem.objects.create(
        mentor=mentor_d, mentee=w.org_a, lead=lead, status=Tandem.Status.PROPOSED
    )
    w.objects["tandem_done"] = Tandem.objects.create(
        mentor=mentor_e,
        mentee=w.org_a,
        lead=lead,
        status=Tandem.Status.COMPLETED,
        starts_on=datetime.date(2025, 1, 1),
    )


def _participation_check(w: World):
    from participation_check.documents import REPORT_KIND
    from tests.participation_check.conftest import (
        make_analysis,
        make_interview,
        make_meeting,
        make_recommendation,
        make_structure,
        publish,
    )

    consultant = w.consultants[SubProject.PARTICIPATION_CHECK]
    analysis = make_analysis(team=[consultant], title="Teilhabecheck Arbeitsstand")
    w.objects["analysis"] = analysis
    w.objects["structure"] = make_structure(analysis)
    interview = make_interview(analysis, w.org_a)
    interview.summary = "ALPHA-INTERVIEW Zusammenfassung"
    interview.save(update_fields=["summary"])
    w.objects["interview_a"] = interview
    w.objects["pc_meeting"] = make_meeting(analysis, participants=[w.org_a])
    w.objects["recommendation"] = make_recommendation(analysis, w.org_c)
    published = publish(make_analysis(team=[consultant], title="Teilhabecheck veröffentlicht"))
    w.objects["published_analysis"] = published
    w.objects["report_pdf"] = finished_document(published, kind=REPORT_KIND, title="Bericht")


def _actionfund(w: World):
    from actionfund import services
    from actionfund.models import JuryAssignment, ProofOfUse
    from tests.actionfund.factories import CallFactory, CriterionFactory, draft, in_review, paid

    lead = w.leads[SubProject.ACTIONFUND]
    admin_a = w.users["admin_a"]
    call = CallFactory(title="Kaleidoskop Sicherheitstest")
    CriterionFactory(call=call, title="Teilhabe")
    w.objects["call"] = call
    review = in_review(
        organisation=w.org_a, by=admin_a, lead=lead, call=call, title="ALPHA-APPLICATION Chor"
    )
    JuryAssignment.objects.create(application=review, juror=w.users["jury"], assigned_by=lead)
    w.objects["af_review"] = review
    w.objects["af_message"] = _thread(w, review, by=admin_a, staff=lead)
    paid_app = paid(
        organisation=w.org_a, by=admin_a, lead=lead, call=call, title="ALPHA-APPLICATION Kino"
    )
    w.objects["af_paid"] = paid_app
    ProofOfUse.objects.get_or_create(application=paid_app)
    w.objects["receipt"] = services.receipt_add(
        application=paid_app, upload=_pdf("ALPHA-RECEIPT.pdf"), by=admin_a
    )
    # Made last: an organisation has one open draft per call, and the applications above
    # each passed through a draft of this call on their way.
    application = draft(organisation=w.org_a, by=admin_a, call=call, title="ALPHA-APPLICATION Fest")
    w.objects["af_draft"] = application
    w.objects["attachment"] = services.attachment_add(
        application=application,
        upload=_pdf("ALPHA-ATTACHMENT.pdf"),
        description="ALPHA-ATTACHMENT Plan",
        by=admin_a,
    )
    # Org C is invited as a partner of A's draft (and sees it read-only, as partners do).
    w.objects["af_invitation"] = services.partner_invite(
        application=application, organisation=w.org_c, by=admin_a
    )
    w.objects["export"] = _export(w.consultants[SubProject.QUALIFICATION])


def _thread(w: World, record, *, by, staff):
    """A message of organisation A with a file, and a staff member's internal note: the
    message (whose file the routes download) is returned."""
    from ikmo.services import message_post

    message = message_post(
        record=record, author=by, body="ALPHA-MEETING Frage", upload=_pdf("ALPHA-ATTACHMENT.pdf")
    )
    message_post(record=record, author=staff, body="ALPHA-INTERNAL Notiz", internal=True)
    return message


def _export(by):
    from ikmo.models import ListExport

    job = ListExport.objects.create(
        requested_by=by,
        list_key="qualification.coaching",
        format=ListExport.Format.CSV,
        status=ListExport.Status.DONE,
    )
    job.file.save("x.csv", ContentFile(b"organisation\nALPHA-COACHING\n"), save=True)
    # Asked for yesterday: a new request of the same list is a new export.
    ListExport.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=1)
    )
    return job


def _volunteering(w: World):
    from tests.volunteering.factories import (
        ConsultationFactory,
        ContingentFactory,
        PlacementFactory,
        SeminarFactory,
        VolunteerFactory,
        carrier_profile,
        site_profile,
    )
    from volunteering import services

    carrier_profile(w.org_c)
    profile = site_profile(w.org_a, w.org_c)
    assert profile.organisation_id == w.org_a.pk
    w.objects["recognition_doc"] = services.document_upload(
        organisation=w.org_a,
        title="ALPHA-RECEIPT Anerkennung",
        upload=_pdf(),
        by=w.users["admin_a"],
    )
    contingent = ContingentFactory(carrier=w.org_c, year=datetime.date.today().year)
    w.objects["contingent"] = contingent
    w.objects["placement_a"] = PlacementFactory(
        volunteer=VolunteerFactory(first_name="ALPHA-VOLUNTEER"),
        site=w.org_a,
        contingent=contingent,
    )
    w.objects["placement_message_a"] = _thread(
        w,
        w.objects["placement_a"],
        by=w.users["admin_a"],
        staff=w.consultants[SubProject.VOLUNTEERING],
    )
    w.objects["consultation_a"] = ConsultationFactory(
        organisation=w.org_a, topic="ALPHA-CONSULTATION Anerkennung"
    )
    w.objects["seminar"] = SeminarFactory(carrier=w.org_c, title="Seminar Einführung")


def _reporting(w: World):
    from reporting.models import FunderReport, FundingPeriod
    from reporting.services import report_freeze

    period = FundingPeriod.objects.create(
        name="AMIF Sicherheitstest",
        funder=FundingPeriod.Funder.AMIF,
        start=datetime.date(2025, 1, 1),
        end=datetime.date(2025, 12, 31),
    )
    w.objects["period"] = period
    report = FunderReport.objects.create(
        period=period, summary="Zusammenfassung", generated_by=w.leads[SubProject.QUALIFICATION]
    )
    w.objects["funder_report"] = report_freeze(report_id=report.pk)


__all__ = ["Decimal", "World", "build_world"]


def _privacy(w: World):
    from privacy.models import ConsentRecord, DataExport, ErasureRequest

    member_a = w.users["member_a"]
    w.objects["consent_a"] = ConsentRecord.objects.create(
        person=member_a,
        organisation=w.org_a,
        purpose=ConsentRecord.Purpose.PHOTOS,
        text_version="2026-01",
    )
    for key, scope, extra in [
        ("data_export_a", DataExport.Scope.PERSON, {"person": member_a}),
        ("org_export_a", DataExport.Scope.ORGANISATION, {"organisation": w.org_a}),
    ]:
        export = DataExport.objects.create(
            scope=scope, requested_by=member_a, status=DataExport.Status.DONE, **extra
        )
        export.file.save("export.zip", ContentFile(b"PK\x05\x06" + b"\x00" * 18), save=True)
        w.objects[key] = export
    w.objects["erasure_request_a"] = ErasureRequest.objects.create(
        person=member_a, origin=ErasureRequest.Origin.PERSON, message="ALPHA-MEETING bitte"
    )


def _mailtexts(w: World):
    from mailtexts.registry import mail_kind
    from mailtexts.services import mailtext_save

    kind = mail_kind("qualification/email/registration_confirmed")
    admin = w.users["admin"]
    for subject in ("ALPHA-MEETING Platz", "Ihr Platz: {workshop}"):
        w.objects["mailtext_de"] = mailtext_save(
            kind=kind, language="de", subject=subject, body="{registrations_link}", by=admin
        )
    w.objects["mailtext_change"] = AuditEntry.objects.filter(
        action="mailtexts.mailtext.changed"
    ).latest("pk")


def _messaging(w: World):
    from messaging.models import BulkMessage
    from messaging.services import unsubscribe_token

    # Sent by qualification's consultant to their workshop: qualification's lead sees it too.
    w.objects["bulk_message"] = BulkMessage.objects.create(
        requested_by=w.consultants[SubProject.QUALIFICATION],
        segment="qualification.workshop",
        segment_label="Workshop Vereinsfinanzen",
        subproject=SubProject.QUALIFICATION,
        kind=BulkMessage.Kind.SERVICE,
        subject_de="Raumänderung",
        body_de="Der Workshop findet in Raum 2 statt.",
        status=BulkMessage.Status.DONE,
    )
    w.objects["unsubscribe_token_a"] = unsubscribe_token(w.users["member_a"])
