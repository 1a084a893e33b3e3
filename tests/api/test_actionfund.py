"""The action fund's endpoints: calls, applications (who sees what, scores for staff only)
and the applicant's writes (draft save, submit, start) through the form's services."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from actionfund import selectors, services
from actionfund.models import Application, JuryAssignment, Status, StatusChange
from ikmo.models import AuditEntry
from organisations.models import StaffRole
from tests import factories
from tests.actionfund.factories import CallFactory, draft, in_review, submitted
from tests.conftest import enrol_mfa

pytestmark = pytest.mark.django_db

CALLS = "/api/v1/actionfund/calls/"
APPLICATIONS = "/api/v1/actionfund/applications/"


def detail(application):
    return f"{APPLICATIONS}{application.pk}/"


# Messages are checked in English (the source strings).
EN = {"Accept-Language": "en"}


def patch(client, url, body):
    return client.patch(url, data=json.dumps(body), content_type="application/json", headers=EN)


def post(client, url, body=None):
    return client.post(
        url, data=json.dumps(body or {}), content_type="application/json", headers=EN
    )


def ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def fund_consultant(db):
    user = factories.staff(
        StaffRole.Role.CONSULTANT, subproject="actionfund", email="fundconsultant@centre.example"
    )
    enrol_mfa(user)
    return user


@pytest.fixture
def juror(db):
    user = factories.staff(StaffRole.Role.JURY, subproject="actionfund", email="j1@centre.example")
    enrol_mfa(user)
    return user


@pytest.fixture
def other_juror(db):
    user = factories.staff(StaffRole.Role.JURY, subproject="actionfund", email="j2@centre.example")
    enrol_mfa(user)
    return user


# --- calls ---------------------------------------------------------------------------------


def test_anyone_reads_published_calls_with_criteria_and_ceilings(api_as, call, fund_consultant):
    hidden = CallFactory(title="Entwurf eines Aufrufs", is_published=False)
    anonymous = api_as(None)
    response = anonymous.get(CALLS)
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["title"] for r in rows] == [call.title]
    row = rows[0]
    assert row["max_single"] == "1500.00" and row["max_cooperation"] == "3000.00"
    assert [c["title"] for c in row["criteria"]] == ["Beitrag zur Teilhabe", "Machbarkeit"]
    assert row["criteria"][0]["weight"] == "2.00"
    assert row["is_open"] is True
    assert "total_budget" not in row  # the call pages do not show it
    assert anonymous.get(f"{CALLS}{hidden.pk}/").status_code == 404
    # Fund staff see unpublished calls, as on the call list.
    staff_titles = [r["title"] for r in api_as(fund_consultant).get(CALLS).json()["results"]]
    assert set(staff_titles) == {call.title, "Entwurf eines Aufrufs"}


# --- reading applications --------------------------------------------------------------------


def test_members_see_their_organisations_applications_and_nobody_else_does(
    api_as, call, org, org_member, other_org, other_org_admin
):
    mine = draft(organisation=org, by=org_member, call=call, title="Unser Chor")
    theirs = draft(organisation=other_org, by=other_org_admin, call=call, title="Deren Kino")
    member = api_as(org_member)
    assert ids(member.get(APPLICATIONS)) == [mine.pk]
    body = member.get(detail(mine)).json()
    assert body["title"] == "Unser Chor"
    assert body["organisation_name"] == org.name
    assert body["can_edit"] is True
    assert body["budget_total"] == "1000.00" and body["ceiling"] == "1500.00"
    assert [line["amount"] for line in body["budget_lines"]] == ["1000.00"]
    # Another organisation's application is not found at all (404, not 403).
    response = member.get(detail(theirs))
    assert response.status_code == 404
    assert set(response.json()) == {"detail", "code"}
    assert ids(api_as(other_org_admin).get(APPLICATIONS)) == [theirs.pk]


def test_the_staff_list_filters_like_the_page(
    api_as, call, org, org_member, other_org, fund_consultant
):
    other_call = CallFactory(title="Zweiter Aufruf")
    chor = submitted(organisation=org, by=org_member, call=call, title="Chorprojekt")
    kino = draft(organisation=other_org, by=org_member, call=other_call, title="Kinoabend")
    staff = api_as(fund_consultant)
    assert set(ids(staff.get(APPLICATIONS))) == {chor.pk, kino.pk}
    assert ids(staff.get(APPLICATIONS, {"status": "submitted"})) == [chor.pk]
    assert ids(staff.get(APPLICATIONS, {"q": "kino"})) == [kino.pk]
    assert ids(staff.get(APPLICATIONS, {"q": other_org.name[:8]})) == [kino.pk]
    assert ids(staff.get(APPLICATIONS, {"call": call.pk})) == [chor.pk]
    assert ids(staff.get(APPLICATIONS, {"ordering": "title"})) == [chor.pk, kino.pk]
    assert ids(staff.get(APPLICATIONS, {"ordering": "-title"})) == [kino.pk, chor.pk]
    for bad in (
        {"status": "bogus"},
        {"call": "x"},
        {"call": "99999999999999999999"},
        {"q": "a\x00"},
    ):
        response = staff.get(APPLICATIONS, bad)
        assert response.status_code == 400, bad
        assert response.json()["code"] == "invalid"
        assert set(response.json()["errors"]) <= {"status", "call", "q"}


def test_the_proof_of_use_filters_work_as_on_the_page(
    api_as, call, org, org_member, other_org, other_org_admin, fund_consultant
):
    # The API keeps the list page's proof-of-use filters (actionfund/api.py says why).
    today = timezone.localdate()
    late = draft(organisation=org, by=org_member, call=call)
    soon = draft(organisation=other_org, by=other_org_admin, call=call)
    other_late = draft(organisation=org, by=org_member, call=CallFactory())
    # Statuses and dates as a paid project has them; the third is due by its project end.
    Application.objects.filter(pk=late.pk).update(
        status=Status.PAID, proof_due_date=today - timedelta(days=2)
    )
    Application.objects.filter(pk=soon.pk).update(
        status=Status.PROOF_DUE, proof_due_date=today + timedelta(days=5)
    )
    Application.objects.filter(pk=other_late.pk).update(
        status=Status.PROOF_DUE,
        start_date=None,
        end_date=today - timedelta(weeks=other_late.call.proof_of_use_weeks, days=1),
    )
    staff = api_as(fund_consultant)
    assert set(ids(staff.get(APPLICATIONS, {"proof": "overdue"}))) == {late.pk, other_late.pk}
    assert ids(staff.get(APPLICATIONS, {"proof": "due_soon"})) == [soon.pk]
    assert ids(staff.get(APPLICATIONS, {"proof": "submitted"})) == []
    for written in (today.isoformat(), today.strftime("%d.%m.%Y")):
        assert set(ids(staff.get(APPLICATIONS, {"proof_due_by": written}))) == {
            late.pk,
            other_late.pk,
        }
    # An applicant's program narrows down only its own organisation's applications.
    assert set(ids(api_as(org_member).get(APPLICATIONS, {"proof": "overdue"}))) == {
        late.pk,
        other_late.pk,
    }
    assert ids(api_as(other_org_admin).get(APPLICATIONS, {"proof": "overdue"})) == []
    for bad in ({"proof": "late"}, {"proof_due_by": "31.02.2026"}):
        response = staff.get(APPLICATIONS, bad, headers=EN)
        assert response.status_code == 400, bad
        assert set(response.json()["errors"]) == set(bad)
    response = staff.get(APPLICATIONS, {"proof_due_by": "31.02.2026"}, headers=EN)
    assert response.json()["errors"]["proof_due_by"] == [
        "This is not a valid date. Please enter day, month and year."
    ]


def test_a_member_cannot_probe_unpublished_calls_through_the_filter(api_as, org_member):
    hidden = CallFactory(is_published=False)
    response = api_as(org_member).get(APPLICATIONS, {"call": hidden.pk})
    assert response.status_code == 400
    assert "call" in response.json()["errors"]


def test_fund_staff_see_the_weighted_score_applicants_and_jurors_never(
    api_as, call, org, org_admin, fund_lead, fund_consultant, juror, other_juror
):
    application = in_review(organisation=org, by=org_admin, lead=fund_lead, call=call)
    for person in (juror, other_juror):
        JuryAssignment.objects.create(application=application, juror=person, assigned_by=fund_lead)
    first, second = call.criteria.order_by("position")
    services.scores_save(
        application=application, juror=juror, values={first.pk: (5, ""), second.pk: (2, "")}
    )
    services.scores_save(application=application, juror=other_juror, values={first.pk: (3, "")})
    expected = selectors.weighted_scores([application.pk], call)[application.pk]
    assert expected == {"jurors": 2, "average": Decimal("3.00")}  # (12/3 + 6/3) / 2

    for staff in (fund_consultant, fund_lead):
        client = api_as(staff)
        row = client.get(APPLICATIONS).json()["results"][0]
        assert row["score"] == {"average": "3.00", "jurors": 2}
        assert client.get(detail(application)).json()["score"] == {"average": "3.00", "jurors": 2}

    for person in (org_admin, juror):
        client = api_as(person)
        listed = client.get(APPLICATIONS).json()["results"]
        shown = client.get(detail(application)).json()
        assert [r["score"] for r in listed] == [None]
        assert shown["score"] is None
        assert "3.00" not in json.dumps(listed) + json.dumps(shown)
    # The juror sees their assignment's progress, as on their assignment page.
    assert api_as(juror).get(detail(application)).json()["jury_progress"] == {
        "scored_criteria": 2,
        "criteria": 2,
    }
    assert api_as(org_admin).get(detail(application)).json()["jury_progress"] is None


def test_jurors_see_their_submitted_assignments_only(
    api_as, call, org, org_admin, juror, fund_lead
):
    assigned = in_review(organisation=org, by=org_admin, lead=fund_lead, call=call, title="A")
    JuryAssignment.objects.create(application=assigned, juror=juror, assigned_by=fund_lead)
    in_review(organisation=org, by=org_admin, lead=fund_lead, call=call, title="B")
    still_draft = draft(organisation=org, by=org_admin, call=call, title="C")
    JuryAssignment.objects.create(application=still_draft, juror=juror, assigned_by=fund_lead)
    client = api_as(juror)
    assert ids(client.get(APPLICATIONS)) == [assigned.pk]
    assert client.get(detail(still_draft)).status_code == 404


def test_the_list_reads_a_fixed_number_of_queries(
    api_as, call, org, org_admin, fund_lead, django_assert_max_num_queries
):
    other_call = CallFactory()
    client = api_as(fund_lead)
    for n in range(2):
        in_review(organisation=org, by=org_admin, lead=fund_lead, call=call, title=f"R{n}")
    draft(organisation=org, by=org_admin, call=other_call, title="D")
    with django_assert_max_num_queries(12) as few:
        assert len(ids(client.get(APPLICATIONS))) == 3
    for n in range(12):
        draft(organisation=factories.OrganisationFactory(), by=org_admin, call=call, title=f"M{n}")
        draft(organisation=factories.OrganisationFactory(), by=org_admin, call=other_call)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(ids(client.get(APPLICATIONS))) == 27


# --- saving a draft ------------------------------------------------------------------------


@pytest.fixture
def empty_draft(call, org, org_member):
    application, _created = services.application_start_or_continue(
        call=call, organisation=org, by=org_member
    )
    return application


def test_a_draft_is_saved_with_the_forms_rules_invalid_first_then_valid(
    api_as, empty_draft, org_member
):
    client = api_as(org_member, scope="write")
    url = detail(empty_draft)
    before = AuditEntry.objects.count()
    start = timezone.localdate() + timedelta(days=30)
    # JSON numbers or decimal strings with a point: German notation is not guessed at.
    response = patch(
        client,
        url,
        {"budget_lines": [{"category": "fees", "description": "Honorar", "amount": "1.234,56"}]},
    )
    assert response.status_code == 400
    assert response.json()["errors"]["budget_lines"][0].startswith("0: amount:")
    # The form's rules: lengths, the date order, a district that exists, amounts above zero
    # with two decimal places; every error at once.
    invalid = {
        "title": "x" * 201,
        "start_date": start.isoformat(),
        "end_date": (start - timedelta(days=1)).isoformat(),
        "district": 999999,
        "budget_lines": [
            {"category": "fees", "description": "Honorar", "amount": "800"},
            {"category": "rent", "description": "Saal", "amount": "-5"},
            {"category": "rent", "description": "", "amount": "10.005"},
        ],
    }
    response = patch(client, url, invalid)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    errors = body["errors"]
    assert set(errors) == {"title", "end_date", "district", "budget_lines"}
    assert any("end before it starts" in m for m in errors["end_date"])
    # One message per wrong entry of a line, the line's index first.
    assert sorted(m.split(":")[0] for m in errors["budget_lines"]) == ["1", "2", "2"]
    # Nothing was stored, nothing written to the audit trail.
    empty_draft.refresh_from_db()
    assert empty_draft.title == "" and empty_draft.start_date is None
    assert not empty_draft.budget_lines.exists()
    assert AuditEntry.objects.count() == before

    valid = {
        "title": "Nachbarschaftsfest",
        "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=60)).isoformat(),
        "budget_lines": [
            {"category": "fees", "description": "Honorar", "amount": 800},
            {"category": "rent", "description": "Saal", "amount": "150.50"},
        ],
    }
    response = patch(client, url, valid)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "Nachbarschaftsfest"
    assert body["budget_total"] == "950.50" and body["requested_amount"] == "950.50"
    assert [line["amount"] for line in body["budget_lines"]] == ["800.00", "150.50"]
    empty_draft.refresh_from_db()
    assert empty_draft.end_date == start + timedelta(days=60)
    actions = set(
        AuditEntry.objects.filter(object_id=str(empty_draft.pk)).values_list("action", flat=True)
    )
    assert {"actionfund.application.saved", "actionfund.budget.saved"} <= actions


def test_only_the_fields_sent_change_and_typing_kept_from_the_browser_stays(
    api_as, empty_draft, org_member
):
    Application.objects.filter(pk=empty_draft.pk).update(
        summary="Schon da",
        draft_data={"project": {"start_date": "32.13.2026"}, "basics": {"title": "alt"}},
    )
    client = api_as(org_member, scope="write")
    response = patch(client, detail(empty_draft), {"title": "Neu", "goals": "Begegnung"})
    assert response.status_code == 200, response.content
    empty_draft.refresh_from_db()
    assert (empty_draft.title, empty_draft.summary, empty_draft.goals) == (
        "Neu",
        "Schon da",
        "Begegnung",
    )
    # The browser's half-typed date stays; the title typed there was replaced by this one.
    assert empty_draft.draft_data == {"project": {"start_date": "32.13.2026"}}


def test_a_budget_line_is_kept_by_its_id_and_other_lines_are_removed(api_as, call, org, org_member):
    application = draft(organisation=org, by=org_member, call=call)
    kept = application.budget_lines.get()
    client = api_as(org_member, scope="write")
    body = {
        "budget_lines": [
            {"id": kept.pk, "category": "fees", "description": "Honorar neu", "amount": "900"},
            {"category": "travel", "description": "Tickets", "amount": 50},
        ]
    }
    response = patch(client, detail(application), body)
    assert response.status_code == 200, response.content
    lines = list(application.budget_lines.order_by("position"))
    assert [(line.pk == kept.pk, line.amount) for line in lines] == [
        (True, Decimal("900.00")),
        (False, Decimal("50.00")),
    ]
    foreign = {
        "budget_lines": [{"id": 2**31 - 1, "category": "fees", "description": "x", "amount": 1}]
    }
    response = patch(client, detail(application), foreign)
    assert response.status_code == 400
    assert "budget_lines" in response.json()["errors"]


def test_partners_are_invited_in_the_portal_and_shown_with_their_answer(
    api_as, empty_draft, org, org_member, org_admin
):
    """A partner becomes one by accepting an invitation (with consent) in the portal: the API
    cannot name partners, and lists the invitations with their status."""
    from actionfund import services

    partner = factories.OrganisationFactory(name="Partnerverein e.V.")
    client = api_as(org_member, scope="write")
    response = patch(client, detail(empty_draft), {"partners": [partner.pk]})
    assert response.status_code == 400
    assert "partners" in response.json()["errors"]
    services.partner_invite(application=empty_draft, organisation=partner, by=org_admin)
    body = client.get(detail(empty_draft)).json()
    assert body["partners"] == [] and body["is_cooperation"] is False
    assert body["ceiling"] == "1500.00"
    [invitation] = body["partner_invitations"]
    assert invitation["organisation"] == {"id": partner.pk, "name": "Partnerverein e.V."}
    assert invitation["status"] == "invited"


@pytest.mark.parametrize(
    "body",
    [
        {"title": ["a"]},
        {"title": None},
        {"title": "a\x00b"},
        {"district": "x"},
        {"district": 10**20},
        {"start_date": "31.12.2026"},
        {"partners": "1"},
        {"partners": [10**20]},
        {"budget_lines": {}},
        {"budget_lines": [{"category": "fees"}]},
        {"budget_lines": [{"category": "x", "description": "a", "amount": 1}]},
        {"budget_lines": [{"category": "fees", "description": "a", "amount": "1e400"}]},
        {"budget_lines": [{"category": "fees", "description": "a", "amount": "9" * 40}]},
        {"budget_lines": [{"category": "fees", "description": "a", "amount": 1}] * 31},
        {"status": "approved"},
        [],
    ],
)
def test_wrong_input_is_a_json_400_and_changes_nothing(api_as, empty_draft, org_member, body):
    response = patch(api_as(org_member, scope="write"), detail(empty_draft), body)
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"
    empty_draft.refresh_from_db()
    assert empty_draft.status == Status.DRAFT and empty_draft.title == ""


def test_only_the_applicant_saves_and_only_while_editable(
    api_as, call, org, org_member, fund_lead, other_org_admin
):
    application = draft(organisation=org, by=org_member, call=call)
    assert patch(api_as(fund_lead, "write"), detail(application), {"title": "x"}).status_code == 403
    assert (
        patch(api_as(other_org_admin, "write"), detail(application), {"title": "x"}).status_code
        == 404
    )
    services.application_submit(
        application=application, token=application.submission_token, by=org_member
    )
    response = patch(api_as(org_member, "write"), detail(application), {"title": "x"})
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.title != "x"


def test_a_read_only_token_cannot_save_start_or_submit(api_as, call, empty_draft, org, org_member):
    client = api_as(org_member, scope="read")
    before = AuditEntry.objects.count()
    for response in (
        patch(client, detail(empty_draft), {"title": "Lesen"}),
        post(client, f"{detail(empty_draft)}submit/", {"confirm": True}),
        post(client, APPLICATIONS, {"call": call.pk, "organisation": org.pk}),
    ):
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"
    empty_draft.refresh_from_db()
    assert empty_draft.title == "" and empty_draft.status == Status.DRAFT
    assert AuditEntry.objects.count() == before


# --- submitting ----------------------------------------------------------------------------


def test_submit_keeps_every_rule_and_a_second_submit_changes_nothing(
    api_as, call, org, org_member, django_capture_on_commit_callbacks, mailoutbox
):
    application = draft(organisation=org, by=org_member, call=call, amount="2000.00")
    client = api_as(org_member, scope="write")
    url = f"{detail(application)}submit/"

    response = post(client, url, {})
    assert response.status_code == 400
    assert "confirm" in response.json()["errors"]

    response = post(client, url, {"confirm": True})  # above the ceiling of 1500
    assert response.status_code == 400
    problems = response.json()["errors"]["non_field_errors"]
    assert any("ceiling" in p for p in problems)
    application.refresh_from_db()
    assert application.status == Status.DRAFT

    line = application.budget_lines.get()
    patch(
        client,
        detail(application),
        {
            "budget_lines": [
                {"id": line.pk, "category": "fees", "description": "Honorar", "amount": 1400}
            ]
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, url, {"confirm": True})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted"
    assert response.json()["can_edit"] is False
    assert (
        AuditEntry.objects.filter(
            action="actionfund.application.submitted", object_id=str(application.pk)
        ).count()
        == 1
    )

    again = post(client, url, {"confirm": True})
    assert again.status_code == 409
    assert again.json()["code"] == "already_submitted"
    assert StatusChange.objects.filter(application=application, to_status="submitted").count() == 1
    assert (
        AuditEntry.objects.filter(
            action="actionfund.application.submitted", object_id=str(application.pk)
        ).count()
        == 1
    )


def test_an_old_token_does_not_submit_twice(api_as, call, org, org_member):
    application = draft(organisation=org, by=org_member, call=call)
    old_token = application.submission_token
    client = api_as(org_member, scope="write")
    url = f"{detail(application)}submit/"
    assert post(client, url, {"confirm": True, "token": old_token}).status_code == 200
    assert post(client, url, {"confirm": True, "token": old_token}).status_code == 409


def test_an_incomplete_draft_is_refused_with_the_missing_fields(api_as, empty_draft, org_member):
    response = post(api_as(org_member, "write"), f"{detail(empty_draft)}submit/", {"confirm": True})
    assert response.status_code == 400
    problems = " ".join(response.json()["errors"]["non_field_errors"])
    assert "Please fill in" in problems and "budget line" in problems


def test_staff_and_jurors_cannot_submit_for_the_applicant(api_as, call, org, org_member, fund_lead):
    application = draft(organisation=org, by=org_member, call=call)
    response = post(api_as(fund_lead, "write"), f"{detail(application)}submit/", {"confirm": True})
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == Status.DRAFT


# --- starting a draft ----------------------------------------------------------------------


def test_start_makes_one_draft_and_then_answers_it(api_as, call, org, org_member, other_org):
    client = api_as(org_member, scope="write")
    first = post(client, APPLICATIONS, {"call": call.pk, "organisation": org.pk})
    assert first.status_code == 201, first.content
    assert first.json()["status"] == "draft" and first.json()["can_edit"] is True
    assert AuditEntry.objects.filter(
        action="actionfund.application.started", object_id=str(first.json()["id"])
    ).exists()
    again = post(client, APPLICATIONS, {"call": call.pk, "organisation": org.pk})
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Application.objects.filter(call=call, organisation=org).count() == 1
    # Not a member of that organisation: refused by the service.
    refused = post(client, APPLICATIONS, {"call": call.pk, "organisation": other_org.pk})
    assert refused.status_code == 403


def test_start_is_refused_for_a_closed_or_invisible_call(api_as, org, org_member):
    closed = CallFactory(
        opens_at=timezone.now() - timedelta(days=30), closes_at=timezone.now() - timedelta(days=1)
    )
    hidden = CallFactory(is_published=False)
    client = api_as(org_member, scope="write")
    response = post(client, APPLICATIONS, {"call": closed.pk, "organisation": org.pk})
    assert response.status_code == 400
    assert "not open" in response.json()["errors"]["non_field_errors"][0]
    response = post(client, APPLICATIONS, {"call": hidden.pk, "organisation": org.pk})
    assert response.status_code == 400
    assert "call" in response.json()["errors"]
