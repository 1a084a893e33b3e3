"""Every way data leaves the portal shows no more than the page that shows it.

For every model registered for an organisation's export and every person of the fixture
world, each record the organisation export would hand that person must be reachable by the
same person in the portal (a page that answers 200 for them). For every generated document
kind, a document listed for a person must be one they can download, and a document rendered
with its requester's view opens for nobody with a narrower view.
"""

from __future__ import annotations

import pytest
from django.test import Client

from ikmo.documents import document_kinds, documents_for_user
from privacy import exports
from privacy.registry import all_personal_models

from .probe import send, url_for
from .world import finished_document

pytestmark = pytest.mark.django_db


def _one(name, **kwargs):
    return [(name, kwargs, None)]


def _application(app_id):
    return _one("actionfund:application_detail", pk=app_id)


# label -> (record, viewer, world) -> candidate pages [(route, kwargs, marker)]; the record
# is reachable when one candidate answers 200 (and shows the marker, when given).
PAGES = {
    "organisations.Organisation": lambda o, u, w: _one("organisations:detail", pk=o.pk),
    # The export holds the e-mail address: the members page shows it, the profile names only.
    "organisations.User": lambda o, u, w: (
        [("organisations:members", {"pk": m.organisation_id}, o.email) for m in o.memberships.all()]
        + [("privacy:my_data", {}, o.email if o.pk == u.pk else "\x00never")]
    ),
    "organisations.Membership": lambda o, u, w: [
        ("organisations:members", {"pk": o.organisation_id}, o.user.email),
        # Her own membership: she is listed on her organisation's page.
        (
            "organisations:detail",
            {"pk": o.organisation_id},
            str(o.user) if o.user_id == u.pk else "\x00never",
        ),
    ],
    # What an organisation shows publicly: its admins edit it, everyone reads it once listed.
    "organisations.PublicProfile": lambda o, u, w: [
        ("organisations:public_profile", {"pk": o.organisation_id}, None),
        ("organisations:public_detail", {"pk": o.organisation_id}, None),
    ],
    # The member's page lists the networks it belongs to or asked to join.
    "organisations.NetworkMembership": lambda o, u, w: [
        ("organisations:detail", {"pk": o.member_id}, o.network.name)
    ],
    "ikmo.GeneratedDocument": lambda o, u, w: _one("document_download", pk=o.pk),
    "privacy.ConsentRecord": lambda o, u, w: (
        _one("privacy:my_data") if o.person_id == u.pk else _one("privacy:person", pk=o.person_id)
    ),
    "qualification.Registration": lambda o, u, w: [
        ("qualification:my_registrations", {}, o.workshop.title),
        ("qualification:attendance", {"pk": o.workshop_id}, None),
    ],
    "qualification.Feedback": lambda o, u, w: [
        ("qualification:feedback", {"pk": o.registration_id}, None),
        ("qualification:attendance", {"pk": o.registration.workshop_id}, None),
    ],
    "qualification.CoachingCase": lambda o, u, w: _one(
        "qualification:coaching_organisation", org_pk=o.organisation_id
    ),
    "qualification.CoachingSession": lambda o, u, w: _one("qualification:coaching_detail", pk=o.pk),
    "mentoring.CooperationContact": lambda o, u, w: _one("mentoring:contact_detail", pk=o.pk),
    "mentoring.CooperationStatusChange": lambda o, u, w: _one(
        "mentoring:contact_detail", pk=o.contact_id
    ),
    "mentoring.Event": lambda o, u, w: _one("mentoring:event_detail", pk=o.pk),
    "mentoring.EventRegistration": lambda o, u, w: _one("mentoring:event_detail", pk=o.event_id),
    "mentoring.EventAttendance": lambda o, u, w: [
        ("mentoring:event_detail", {"pk": o.event_id}, o.name or None)
    ],
    "mentoring.FollowUpTask": lambda o, u, w: [
        ("mentoring:event_detail", {"pk": o.event_id}, o.title)
    ],
    "mentoring.MentorOffer": lambda o, u, w: _one("mentoring:offer_edit", org_pk=o.organisation_id),
    "mentoring.MentorRequest": lambda o, u, w: [
        ("mentoring:request_edit", {"org_pk": o.organisation_id}, None),
        ("mentoring:match", {"pk": o.pk}, None),
    ],
    "mentoring.Tandem": lambda o, u, w: _one("mentoring:tandem_detail", pk=o.pk),
    "mentoring.TandemMeeting": lambda o, u, w: _one("mentoring:tandem_detail", pk=o.tandem_id),
    "mentoring.TandemEvaluation": lambda o, u, w: _one("mentoring:tandem_detail", pk=o.tandem_id),
    "participation_check.Interview": lambda o, u, w: _one(
        "participation_check:interview_detail", pk=o.pk
    ),
    "participation_check.InterviewAnswer": lambda o, u, w: _one(
        "participation_check:interview_detail", pk=o.interview_id
    ),
    "participation_check.InterviewTag": lambda o, u, w: _one(
        "participation_check:interview_detail", pk=o.interview_id
    ),
    "participation_check.ExchangeMeeting": lambda o, u, w: _one(
        "participation_check:meeting_list", pk=o.analysis_id
    ),
    "participation_check.ParticipationStructure": lambda o, u, w: [
        ("participation_check:structure_list", {"pk": o.analysis_id}, None),
        ("participation_check:report", {"pk": o.analysis_id}, None),
    ],
    "participation_check.Recommendation": lambda o, u, w: [
        ("participation_check:recommendation_detail", {"pk": o.pk}, None),
        ("participation_check:report", {"pk": o.analysis_id}, None),
    ],
    "participation_check.RecommendationStatusChange": lambda o, u, w: _one(
        "participation_check:recommendation_detail", pk=o.recommendation_id
    ),
    "actionfund.Application": lambda o, u, w: _application(o.pk),
    "actionfund.BudgetLine": lambda o, u, w: _application(o.application_id),
    "actionfund.Attachment": lambda o, u, w: _one(
        "actionfund:attachment_download", pk=o.application_id, attachment_pk=o.pk
    ),
    "actionfund.StatusChange": lambda o, u, w: _application(o.application_id),
    # The applicant sees its invitations on the application page, the partner its own page.
    "actionfund.PartnerInvitation": lambda o, u, w: [
        ("actionfund:application_detail", {"pk": o.application_id}, o.organisation.name),
        ("actionfund:invitation_detail", {"pk": o.pk}, None),
    ],
    "actionfund.Payment": lambda o, u, w: _application(o.application_id),
    "actionfund.Return": lambda o, u, w: _application(o.application_id),
    "actionfund.ProofOfUse": lambda o, u, w: _application(o.application_id),
    "actionfund.ActualSpending": lambda o, u, w: _application(o.proof.application_id),
    "actionfund.Receipt": lambda o, u, w: _one(
        "actionfund:receipt_download", pk=o.proof.application_id, receipt_pk=o.pk
    ),
    "volunteering.ServiceProfile": lambda o, u, w: _one(
        "volunteering:organisation", pk=o.organisation_id
    ),
    "volunteering.StatusChange": lambda o, u, w: _one(
        "volunteering:status", pk=o.profile.organisation_id
    ),
    "volunteering.RecognitionDocument": lambda o, u, w: _one(
        "volunteering:document_download", pk=o.pk
    ),
    "volunteering.Consultation": lambda o, u, w: _one("volunteering:consultation_edit", pk=o.pk),
    "volunteering.Contingent": lambda o, u, w: _one("volunteering:contingents"),
    "volunteering.Volunteer": lambda o, u, w: [
        ("volunteering:placement", {"pk": p.pk}, None) for p in o.placements.all()
    ],
    "volunteering.Placement": lambda o, u, w: _one("volunteering:placement", pk=o.pk),
    "volunteering.SeminarAttendance": lambda o, u, w: _one("volunteering:seminar", pk=o.seminar_id),
}


def _people(w):
    people = dict(w.users)
    for subproject, user in w.consultants.items():
        people[f"consultant-{subproject}"] = user
    for subproject, user in w.leads.items():
        people[f"lead-{subproject}"] = user
    return people


def test_every_model_in_an_organisation_export_names_the_page_that_shows_it():
    """A model opted into the organisation export must say where a person sees it."""
    exported = {s.label for s in exports.organisation_specs()}
    assert exported, "nothing is exported for organisations"
    assert not exported - set(PAGES), f"no page declared for {sorted(exported - set(PAGES))}"
    # Opting in without a visibility rule is refused when the model is registered.
    assert all(s.visible_to for s in all_personal_models() if s.organisation_export)


def test_each_exported_record_is_one_the_person_can_reach_in_the_portal(world):
    client = Client()
    problems = []
    seen: dict[tuple, bool] = {}
    for persona, user in _people(world).items():
        for organisation in (world.org_a, world.org_c):
            for spec in exports.organisation_specs():
                for obj in exports.organisation_queryset(spec, organisation, user):
                    candidates = PAGES[spec.label](obj, user, world)
                    reachable = False
                    for name, kwargs, marker in candidates:
                        key = (user.pk, name, tuple(sorted(kwargs.items())), marker)
                        if key not in seen:
                            outcome = send(client, user, "get", url_for(name, kwargs))
                            seen[key] = outcome.status == 200 and (
                                marker is None or marker in outcome.body
                            )
                        if seen[key]:
                            reachable = True
                            break
                    if not reachable:
                        problems.append(f"{persona}: {spec.label} #{obj.pk} ({obj})")
    assert not problems, "Exported but not reachable in the portal:\n" + "\n".join(problems)


def test_the_organisation_admin_export_leaves_out_the_centres_working_records(world):
    """The records of the attacker's probe: the organisation's admin got each of them in her
    export although every page answers 404 for her."""
    data, _ = exports.organisation_data(world.org_a, viewer=world.users["admin_a"])
    records = data["records"]
    for label in (
        "participation_check.Interview",
        "participation_check.InterviewAnswer",
        "participation_check.ExchangeMeeting",
        "mentoring.CooperationContact",
        "volunteering.Consultation",
        "qualification.CoachingSession",
        "qualification.CoachingCase",
    ):
        assert label not in records, label
    # What she does see in the portal is there.
    assert {r["id"] for r in records["actionfund.Application"]} >= {world.af_draft.pk}
    assert records["organisations.Organisation"][0]["name"] == world.org_a.name
    # A recommendation of an unpublished analysis addressed to org C stays out of C's export.
    data_c, _ = exports.organisation_data(world.org_c, viewer=world.users["admin_c"])
    assert "participation_check.Recommendation" not in data_c["records"]
    # Nothing at all for someone without an account.
    assert exports.organisation_data(world.org_a, viewer=None)[0]["records"] == {}


def _one_document_of_each_kind(w):
    from actionfund.services import AGREEMENT_KIND
    from mentoring.documents import EVENT_REPORT, GUEST_LIST, NAME_BADGES
    from qualification.documents import CERTIFICATE, PARTICIPANT_LIST
    from reporting.documents import FUNDER_REPORT

    admin_a = w.users["admin_a"]
    return {
        "organisation_profile": w.profile_sheet_a,
        "participation_check_report": w.report_pdf,
        CERTIFICATE: finished_document(
            w.registration_a, kind=CERTIFICATE, organisation=w.org_a, by=admin_a
        ),
        PARTICIPANT_LIST: finished_document(
            w.workshop, kind=PARTICIPANT_LIST, by=w.workshop.trainer
        ),
        AGREEMENT_KIND: finished_document(
            w.af_paid, kind=AGREEMENT_KIND, organisation=w.org_a, by=admin_a
        ),
        FUNDER_REPORT: finished_document(
            w.funder_report, kind=FUNDER_REPORT, by=w.funder_report.generated_by
        ),
        # A public event's guest list and name badges, asked for by mentoring's consultant.
        GUEST_LIST: finished_document(
            w.public_event, kind=GUEST_LIST, by=w.consultants["mentoring"]
        ),
        NAME_BADGES: finished_document(
            w.public_event, kind=NAME_BADGES, by=w.consultants["mentoring"]
        ),
        EVENT_REPORT: finished_document(w.event, kind=EVENT_REPORT, by=w.consultants["mentoring"]),
    }


def test_every_document_kind_is_listed_only_to_people_who_can_download_it(world):
    documents = _one_document_of_each_kind(world)
    documents = {d.kind: d for d in documents.values()}
    assert set(documents) == set(document_kinds()), "a document kind without a case in this test"
    client = Client()
    problems = []
    for persona, user in _people(world).items():
        listed = {d.pk for d in documents_for_user(user)}
        for kind, document in documents.items():
            status = send(client, user, "get", url_for("document_download", {"pk": document.pk}))
            if document.pk in listed and status.status != 200:
                problems.append(f"{persona}: {kind} listed but answers {status.status}")
            spec = document_kinds()[kind]
            if (
                spec.for_requester
                and document.requested_by_id != user.pk
                and not user.is_portal_admin
                and status.status != 404
            ):
                problems.append(f"{persona}: another person's {kind} answers {status.status}")
    assert not problems, "\n".join(problems)


def test_a_consultant_asks_for_his_own_profile_sheet_and_cannot_open_the_admins(world):
    from organisations.documents import PROFILE_SHEET

    client = Client()
    consultant = world.consultants["qualification"]
    theirs = world.profile_sheet_a
    assert (
        send(client, consultant, "get", url_for("document_download", {"pk": theirs.pk})).status
        == 404
    )
    mine = finished_document(
        world.org_a, kind=PROFILE_SHEET, organisation=world.org_a, by=consultant
    )
    assert (
        send(client, consultant, "get", url_for("document_download", {"pk": mine.pk})).status == 200
    )
    # The organisation page lists only the sheets the viewer may open.
    page = send(
        client,
        world.users["admin_a"],
        "get",
        url_for("organisations:detail", {"pk": world.org_a.pk}),
    )
    assert f"/documents/{theirs.pk}/" in page.body
    assert f"/documents/{mine.pk}/" not in page.body
