"""The qualification endpoints: public workshops, registrations (register, cancel) and the
coaching log, with the pages' rules."""

import datetime
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ikmo.api.auth import TokenScope
from ikmo.models import AuditEntry, OutboundEmail
from organisations.models import Membership
from qualification.models import CoachingCase, CoachingSession, Registration, Topic, Workshop
from tests import factories
from tests.qualification.factories import make_workshop, register
from tests.security.world import PERSONAS

from .matrix import LOGGED_IN, STAFF, ApiRoute
from .test_api_matrix import call, check

pytestmark = pytest.mark.django_db

WORKSHOPS = reverse("api:qualification_workshops-list")
REGISTRATIONS = reverse("api:qualification_registrations-list")
COACHING = reverse("api:qualification_coaching_sessions-list")


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def cancel_url(registration):
    return reverse("api:qualification_registrations-cancel", args=[registration.pk])


@pytest.fixture
def trainer(consultant):
    return consultant


@pytest.fixture
def workshop(trainer):
    return make_workshop(trainer=trainer, capacity=2, online_url="https://meet.example/abc")


# Workshops -----------------------------------------------------------------------------------


def test_anyone_reads_published_coming_workshops_as_the_list_shows_them(workshop, trainer):
    make_workshop(trainer=trainer, title="Entwurf", status=Workshop.Status.DRAFT)
    make_workshop(trainer=trainer, title="Vorbei", starts_in=datetime.timedelta(days=-30))
    response = Client().get(WORKSHOPS)
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["title"] for r in rows] == [workshop.title]
    row = rows[0]
    assert row["free_places"] == 2 and row["capacity"] == 2
    assert row["registration_open"] is True
    assert len(row["sessions"]) == 1
    assert [t["slug"] for t in row["topics"]] == ["funding"]
    assert "online_url" not in row  # the cards do not show the link


def test_the_online_link_goes_only_to_participants_and_the_team(
    workshop, org_member, org_admin, org, api_as, trainer
):
    url = reverse("api:qualification_workshops-detail", args=[workshop.pk])
    assert Client().get(url).json()["online_url"] is None
    assert api_as(org_admin).get(url).json()["online_url"] is None
    register(workshop, org_member, org)
    assert api_as(org_member).get(url).json()["online_url"] == "https://meet.example/abc"
    assert api_as(trainer).get(url).json()["online_url"] == "https://meet.example/abc"


def test_a_draft_is_not_found_for_the_public_and_a_past_workshop_still_opens(trainer):
    draft = make_workshop(trainer=trainer, status=Workshop.Status.DRAFT)
    past = make_workshop(trainer=trainer, starts_in=datetime.timedelta(days=-30))
    client = Client()
    assert (
        client.get(reverse("api:qualification_workshops-detail", args=[draft.pk])).status_code
        == 404
    )
    response = client.get(reverse("api:qualification_workshops-detail", args=[past.pk]))
    assert response.status_code == 200
    assert response.json()["registration_open"] is False


def test_workshops_filter_like_the_list(trainer):
    funding = make_workshop(trainer=trainer, title="Geld", topics=("funding",))
    other_topic = Topic.objects.exclude(slug="funding").first()
    make_workshop(trainer=trainer, title="Anderes", topics=(other_topic.slug,))
    past = make_workshop(trainer=trainer, title="Früher", starts_in=datetime.timedelta(days=-40))
    topic = Topic.objects.get(slug="funding")
    titles = [r["title"] for r in Client().get(WORKSHOPS, {"topic": topic.pk}).json()["results"]]
    assert titles == [funding.title]
    month = timezone.localtime(past.starts_at).strftime("%Y-%m")
    titles = [r["title"] for r in Client().get(WORKSHOPS, {"month": month}).json()["results"]]
    assert past.title in titles
    ordered = Client().get(WORKSHOPS, {"ordering": "-title"}).json()["results"]
    assert [r["title"] for r in ordered] == ["Geld", "Anderes"]


@pytest.mark.parametrize(
    "query",
    [
        {"month": "2026-13"},
        {"month": "x\x00"},
        {"topic": "abc"},
        {"topic": "99999999999999999999"},
        {"language": "-1"},
    ],
)
def test_bad_filter_values_answer_400_as_json(query):
    response = Client().get(WORKSHOPS, query)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and set(body["errors"]) <= {"month", "topic", "language"}


def test_the_workshop_list_costs_the_same_for_many_rows(trainer, django_assert_max_num_queries):
    for i in range(12):
        make_workshop(trainer=trainer, title=f"W{i}", sessions=2)
    with django_assert_max_num_queries(8):
        response = Client().get(WORKSHOPS)
    assert response.json()["count"] == 12


# Registrations -------------------------------------------------------------------------------


def test_registering_refuses_bad_input_then_registers_and_writes_the_audit_entry(
    workshop, org_member, api_as
):
    client = api_as(org_member, "write")
    for body in ({}, {"workshop": "abc"}, {"workshop": 2**40}, {"workshop": [1]}):
        response = post(client, REGISTRATIONS, body)
        assert response.status_code == 400, body
        assert "workshop" in response.json()["errors"]
    response = post(client, REGISTRATIONS, {"workshop": 999999})
    assert response.status_code == 400
    assert response.json()["errors"]["workshop"]
    bad_json = client.post(REGISTRATIONS, "{not json", content_type="application/json")
    assert bad_json.status_code == 400
    assert not Registration.objects.exists()

    response = post(client, REGISTRATIONS, {"workshop": workshop.pk})
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "confirmed" and body["is_me"] is True
    assert body["workshop"]["id"] == workshop.pk and body["can_cancel"] is True
    registration = Registration.objects.get()
    assert body["id"] == registration.pk
    assert registration.participant == org_member and registration.registered_by == org_member
    assert AuditEntry.objects.filter(
        action="qualification.registration.confirmed", object_id=str(registration.pk)
    ).exists()
    assert OutboundEmail.objects.filter(to=org_member.email).count() == 1


def test_sending_the_registration_twice_registers_once_and_says_so(workshop, org_member, api_as):
    client = api_as(org_member, "write")
    assert post(client, REGISTRATIONS, {"workshop": workshop.pk}).status_code == 201
    again = post(client, REGISTRATIONS, {"workshop": workshop.pk})
    assert again.status_code == 400
    assert "already registered" in json.dumps(again.json()["errors"]).lower() or (
        "bereits angemeldet" in json.dumps(again.json()["errors"], ensure_ascii=False)
    )
    assert Registration.objects.filter(workshop=workshop).count() == 1


def test_a_full_workshop_puts_people_on_the_waiting_list(workshop, org, api_as):
    for i in range(2):
        register(workshop, factories.member_of(org, email=f"p{i}@org.example"), org)
    late = factories.member_of(org, email="late@org.example")
    response = post(api_as(late, "write"), REGISTRATIONS, {"workshop": workshop.pk})
    assert response.status_code == 201
    assert response.json()["status"] == "waitlisted"
    assert response.json()["waitlist_rank"] == 1


def test_after_the_deadline_registration_is_refused_with_the_pages_message(
    trainer, org_member, api_as
):
    closed = make_workshop(
        trainer=trainer, registration_deadline=timezone.now() - datetime.timedelta(hours=1)
    )
    with_english = api_as(org_member, "write")
    response = with_english.post(
        REGISTRATIONS,
        json.dumps({"workshop": closed.pk}),
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 400
    assert response.json()["errors"]["non_field_errors"] == [
        "The registration deadline for this workshop has passed."
    ]
    assert not Registration.objects.exists()


def test_the_organisation_must_be_ones_own_and_is_asked_for_when_there_are_several(
    workshop, org, other_org, org_member, api_as
):
    client = api_as(org_member, "write")
    refused = post(client, REGISTRATIONS, {"workshop": workshop.pk, "organisation": other_org.pk})
    assert refused.status_code == 403
    factories.MembershipFactory(user=org_member, organisation=other_org)
    response = post(client, REGISTRATIONS, {"workshop": workshop.pk})
    assert response.status_code == 400
    assert "organisation" in response.json()["errors"]
    response = post(client, REGISTRATIONS, {"workshop": workshop.pk, "organisation": other_org.pk})
    assert response.status_code == 201
    assert response.json()["organisation"] == {"id": other_org.pk, "name": other_org.name}


def test_people_without_an_organisation_cannot_register(workshop, consultant, api_as):
    response = post(api_as(consultant, "write"), REGISTRATIONS, {"workshop": workshop.pk})
    assert response.status_code == 403
    assert not Registration.objects.exists()


# Founding initiatives and individuals, as on the workshop page ------------------------------


@pytest.fixture
def open_workshop(trainer):
    return make_workshop(trainer=trainer, capacity=5, is_basic=True, open_to_initiatives=True)


@pytest.fixture
def initiative(db):
    from organisations.models import Organisation

    return factories.OrganisationFactory(
        name="Gründungsinitiative API", status=Organisation.Status.PENDING
    )


def test_workshops_say_whether_they_are_open_to_initiatives_and_filter_by_it(
    workshop, open_workshop
):
    rows = Client().get(WORKSHOPS).json()["results"]
    assert {r["id"]: r["open_to_initiatives"] for r in rows} == {
        workshop.pk: False,
        open_workshop.pk: True,
    }
    only = Client().get(WORKSHOPS, {"open_to_initiatives": "true"}).json()["results"]
    assert [r["id"] for r in only] == [open_workshop.pk]


def test_a_person_without_organisation_registers_as_an_individual(open_workshop, api_as):
    person = factories.UserFactory(email="einzeln@example.org")
    response = post(api_as(person, "write"), REGISTRATIONS, {"workshop": open_workshop.pk})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["organisation"] is None and body["taking_part_as"] == "individual"
    registration = Registration.objects.get()
    assert registration.organisation is None and registration.participant == person
    listed = api_as(person).get(REGISTRATIONS).json()["results"]
    assert [r["id"] for r in listed] == [registration.pk]


def test_a_founder_chooses_between_the_initiative_and_taking_part_alone(
    open_workshop, initiative, api_as
):
    founder = factories.member_of(initiative, email="gruenderin@example.org")
    client = api_as(founder, "write")
    asked = post(client, REGISTRATIONS, {"workshop": open_workshop.pk})
    assert asked.status_code == 400 and "organisation" in asked.json()["errors"]
    both = post(
        client,
        REGISTRATIONS,
        {"workshop": open_workshop.pk, "organisation": initiative.pk, "individual": True},
    )
    assert both.status_code == 400 and "individual" in both.json()["errors"]
    assert not Registration.objects.exists()
    response = post(
        client, REGISTRATIONS, {"workshop": open_workshop.pk, "organisation": initiative.pk}
    )
    assert response.status_code == 201
    body = response.json()
    assert body["taking_part_as"] == "initiative"
    assert body["organisation"] == {"id": initiative.pk, "name": initiative.name}
    assert Registration.objects.get().organisation == initiative


def test_individuals_and_initiatives_register_only_themselves_and_only_where_open(
    workshop, open_workshop, initiative, org_member, api_as
):
    founder = factories.member_of(initiative, email="gruenderin@example.org")
    colleague = factories.member_of(initiative, email="mitgruender@example.org")
    client = api_as(founder, "write")
    closed = post(client, REGISTRATIONS, {"workshop": workshop.pk, "organisation": initiative.pk})
    assert closed.status_code == 403
    for body in (
        {"workshop": open_workshop.pk, "organisation": initiative.pk, "participant": colleague.pk},
        {"workshop": open_workshop.pk, "individual": True, "participant": colleague.pk},
    ):
        refused = post(client, REGISTRATIONS, body)
        assert refused.status_code == 400 and "participant" in refused.json()["errors"], body
    # A member of an approved organisation takes part for it, not alone.
    alone = post(
        api_as(org_member, "write"),
        REGISTRATIONS,
        {"workshop": open_workshop.pk, "individual": True},
    )
    assert alone.status_code == 400
    assert not Registration.objects.exists()


def test_a_colleague_can_be_registered_but_nobody_else_and_no_name_is_revealed(
    workshop, org, org_admin, other_org_admin, api_as
):
    colleague = factories.member_of(org, email="kollegin@org.example", first_name="Kollegin")
    client = api_as(org_admin, "write")
    response = post(
        client, REGISTRATIONS, {"workshop": workshop.pk, "participant": other_org_admin.pk}
    )
    assert response.status_code == 400
    assert other_org_admin.email not in response.content.decode()
    assert other_org_admin.get_full_name() not in response.content.decode()
    response = post(client, REGISTRATIONS, {"workshop": workshop.pk, "participant": colleague.pk})
    assert response.status_code == 201
    assert response.json()["is_me"] is False
    registration = Registration.objects.get()
    assert registration.participant == colleague and registration.registered_by == org_admin


def test_a_read_only_token_cannot_register(workshop, org_member, api_as):
    response = post(api_as(org_member, "read"), REGISTRATIONS, {"workshop": workshop.pk})
    assert response.status_code == 403
    assert response.json()["detail"] == str(TokenScope.message)
    assert not Registration.objects.exists()


def test_cancelling_refuses_others_then_cancels_and_moves_the_waiting_list_up(
    workshop, org, org_member, other_org_admin, api_as
):
    mine = register(workshop, org_member, org)
    register(workshop, factories.member_of(org, email="zwei@org.example"), org)
    waiting = register(
        workshop,
        factories.member_of(org, email="warte@org.example"),
        org,
        status=Registration.Status.WAITLISTED,
    )
    assert post(api_as(other_org_admin, "write"), cancel_url(mine), {}).status_code == 404
    assert post(api_as(org_member, "read"), cancel_url(mine), {}).status_code == 403
    response = post(api_as(org_member, "write"), cancel_url(mine), {})
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert response.json()["can_cancel"] is False
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
    assert AuditEntry.objects.filter(
        action="qualification.registration.cancelled", object_id=str(mine.pk)
    ).exists()
    again = post(api_as(org_member, "write"), cancel_url(mine), {})
    assert again.status_code == 400


def test_a_colleague_sees_only_registrations_the_page_shows_them(
    workshop, org, org_member, org_admin, other_org_admin, api_as, trainer
):
    mine = register(workshop, org_member, org)
    colleague = factories.member_of(org, email="kollege@org.example")
    theirs = register(workshop, colleague, org)
    ids = lambda client: {r["id"] for r in client.get(REGISTRATIONS).json()["results"]}  # noqa: E731
    assert ids(api_as(org_member)) == {mine.pk}
    assert ids(api_as(org_admin)) == {mine.pk, theirs.pk}  # their organisation's admin
    assert ids(api_as(other_org_admin)) == set()
    assert ids(api_as(trainer)) == {mine.pk, theirs.pk}  # the workshop's trainer
    other_trainer = factories.staff(email="andere@centre.example")
    from tests.conftest import enrol_mfa

    enrol_mfa(other_trainer)
    assert ids(api_as(other_trainer)) == set()  # a consultant, but not of this workshop
    detail = reverse("api:qualification_registrations-detail", args=[theirs.pk])
    assert api_as(org_member).get(detail).status_code == 404
    filtered = api_as(org_admin).get(REGISTRATIONS, {"status": "waitlisted"}).json()
    assert filtered["count"] == 0
    assert api_as(org_admin).get(REGISTRATIONS, {"status": "nope"}).status_code == 400


def test_the_registration_list_costs_the_same_for_many_rows(
    trainer, org, project_lead, api_as, django_assert_max_num_queries
):
    for i in range(6):
        workshop = make_workshop(trainer=trainer, title=f"W{i}", capacity=1)
        for j in range(2):
            member = factories.member_of(
                factories.OrganisationFactory(), email=f"m{i}-{j}@org.example"
            )
            status = Registration.Status.CONFIRMED if j == 0 else Registration.Status.WAITLISTED
            register(
                workshop, member, Membership.objects.get(user=member).organisation, status=status
            )
    client = api_as(project_lead)
    with django_assert_max_num_queries(12):
        response = client.get(REGISTRATIONS)
    assert response.json()["count"] == 12
    assert {r["waitlist_rank"] for r in response.json()["results"]} == {None, 1}


# Coaching ------------------------------------------------------------------------------------


def session_body(org, **changes):
    body = {
        "organisation": org.pk,
        "date": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
        "duration_minutes": 90,
        "format": "video",
        "topics": [Topic.objects.get(slug="funding").pk],
        "outcome": "Antrag vorbereitet",
    }
    body.update(changes)
    return body


def test_coaching_is_for_the_qualification_team_only(org, org_admin, api_as):
    assert api_as(org_admin).get(COACHING).status_code == 403
    response = post(api_as(org_admin, "write"), COACHING, session_body(org))
    assert response.status_code == 403
    assert not CoachingSession.objects.exists()


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"date": (timezone.localdate() + datetime.timedelta(days=2)).isoformat()}, "date"),
        ({"date": "31.02.2026"}, "date"),
        ({"follow_up_date": timezone.localdate().isoformat()}, "next_step"),
        ({"duration_minutes": 10**30}, "duration_minutes"),
        ({"duration_minutes": "eine Stunde"}, "duration_minutes"),
        ({"format": "telepathy"}, "format"),
        ({"topics": "funding"}, "topics"),
        ({"topics": [2**40]}, "topics"),
        ({"outcome": "nul\x00byte"}, "outcome"),
        ({"participants": {"a": 1}}, "participants"),
        ({"organisation": "A"}, "organisation"),
        ({"organisation": 2**40}, "organisation"),
        ({"participant_count": 501}, "participant_count"),
    ],
)
def test_a_coaching_session_is_checked_like_the_form(changes, field, org, consultant, api_as):
    response = post(api_as(consultant, "write"), COACHING, session_body(org, **changes))
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert not CoachingSession.objects.exists()


def test_logging_a_session_after_a_mistake_writes_it_with_its_audit_entry(org, consultant, api_as):
    client = api_as(consultant, "write")
    future = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    refused = post(client, COACHING, session_body(org, date=future))
    assert refused.status_code == 400
    assert not CoachingSession.objects.exists()
    follow_up = (timezone.localdate() + datetime.timedelta(days=14)).isoformat()
    response = post(
        client,
        COACHING,
        session_body(
            org, follow_up_date=follow_up, next_step="Satzung prüfen", confidential_notes="intern"
        ),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    session = CoachingSession.objects.get()
    assert body["id"] == session.pk
    assert body["organisation"] == {"id": org.pk, "name": org.name}
    assert body["participant_count"] == 1 and body["confidential_notes"] == "intern"
    assert session.consultant == consultant and session.duration_minutes == 90
    assert list(session.topics.values_list("slug", flat=True)) == ["funding"]
    assert AuditEntry.objects.filter(
        action="qualification.session.logged", object_id=str(session.pk)
    ).exists()
    assert CoachingCase.objects.filter(organisation=org, consultant=consultant).exists()


def test_a_read_only_token_cannot_log_a_session(org, consultant, api_as):
    response = post(api_as(consultant, "read"), COACHING, session_body(org))
    assert response.status_code == 403
    assert response.json()["detail"] == str(TokenScope.message)
    assert not CoachingSession.objects.exists()


def test_a_body_that_is_not_an_object_is_refused(consultant, api_as):
    response = api_as(consultant, "write").post(COACHING, "[1, 2]", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_the_coaching_list_filters_like_the_log(
    org, other_org, consultant, project_lead, api_as, django_assert_max_num_queries
):
    day = timezone.localdate() - datetime.timedelta(days=3)
    for i in range(5):
        CoachingSession.objects.create(
            organisation=org if i % 2 else other_org,
            consultant=consultant if i < 3 else project_lead,
            date=day,
            duration_minutes=60,
            format=CoachingSession.Format.PHONE if i else CoachingSession.Format.VIDEO,
        ).topics.set(Topic.objects.all()[:2])
    client = api_as(consultant)
    with django_assert_max_num_queries(8):
        response = client.get(COACHING)
    assert response.json()["count"] == 5
    assert client.get(COACHING, {"mine": "true"}).json()["count"] == 3
    assert client.get(COACHING, {"organisation": org.pk}).json()["count"] == 2
    assert client.get(COACHING, {"q": other_org.name[:6]}).json()["count"] == 3
    assert client.get(COACHING, {"format": "video"}).json()["count"] == 1
    assert client.get(COACHING, {"format": "fax"}).status_code == 400


# The lists behind the writes, for every persona of the security tests' world -----------------


@pytest.mark.parametrize(
    "name, route",
    [
        (
            "api:qualification_registrations-list",
            ApiRoute(LOGGED_IN, "qualification", filtered=True),
        ),
        ("api:qualification_coaching_sessions-list", ApiRoute(STAFF, "qualification")),
    ],
)
def test_the_lists_behind_the_writes_show_each_persona_only_their_share(name, route, world):
    client = Client()
    problems = []
    url = reverse(name)
    for persona in PERSONAS:
        status, body, written = call(
            client, world.persona(persona, "qualification"), route, url, None
        )
        check(name, route, persona, status, body, written, problems)
    assert not problems, "\n".join(problems)
