import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ikmo.models import OutboundEmail
from mentoring import selectors, services
from mentoring.models import MentorOffer, MentorRequest, Tandem, TandemEvaluation, TandemMeeting
from organisations.models import District, Membership, Organisation
from tests.factories import OrganisationFactory, member_of

from .conftest import PERSONAS
from .factories import field, language, mentor_offer, mentor_request, topic

pytestmark = pytest.mark.django_db

T = Tandem.Status


def recipients():
    return sorted(OutboundEmail.objects.values_list("to", flat=True))


# Offers and requests ---------------------------------------------------------------------


def test_an_established_organisation_offers_mentoring(client_for, org_admin, mentor_org):
    response = client_for(org_admin).post(
        reverse("mentoring:offer_edit", args=[mentor_org.pk]),
        {
            "fields_of_work": [field("education").pk],
            "topics": [topic("funding").pk],
            "languages": [language("ar").pk],
            "capacity": 2,
            "description": "Wir begleiten gern.",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    offer = MentorOffer.objects.get(organisation=mentor_org)
    assert offer.capacity == 2 and list(offer.topics.all()) == [topic("funding")]


def test_a_start_up_cannot_offer_and_an_established_one_cannot_ask(
    client_for, org_admin, other_org_admin, mentor_org, mentee_org
):
    assert (
        client_for(other_org_admin)
        .get(reverse("mentoring:offer_edit", args=[mentee_org.pk]))
        .status_code
        == 403
    )
    assert (
        client_for(org_admin)
        .get(reverse("mentoring:request_edit", args=[mentor_org.pk]))
        .status_code
        == 403
    )


def test_members_of_other_organisations_get_404_on_offer_and_request_pages(
    client_for, org_admin, mentee_org
):
    response = client_for(org_admin).get(reverse("mentoring:request_edit", args=[mentee_org.pk]))
    assert response.status_code == 404


def test_a_start_up_asks_for_a_mentor_once_at_a_time(client_for, other_org_admin, mentee_org):
    client = client_for(other_org_admin)
    url = reverse("mentoring:request_edit", args=[mentee_org.pk])
    data = {
        "fields_of_work": [field("education").pk],
        "languages": [language("ar").pk],
        "needs": "Hilfe bei der Vereinsgründung",
        "district": mentee_org.district_id,
    }
    assert client.post(url, data).status_code == 302
    # The page now edits the open request instead of adding a second one.
    data["needs"] = "Hilfe bei Förderanträgen"
    client.post(url, data)
    assert list(MentorRequest.objects.values_list("needs", flat=True)) == [
        "Hilfe bei Förderanträgen"
    ]


def test_a_request_needs_fields_languages_and_needs(client_for, other_org_admin, mentee_org):
    response = client_for(other_org_admin).post(
        reverse("mentoring:request_edit", args=[mentee_org.pk]), {"needs": ""}
    )
    assert set(response.context["form"].errors) >= {"fields_of_work", "languages", "needs"}


# Suggestions -----------------------------------------------------------------------------


def test_suggestions_are_ranked_and_skip_full_paused_and_own_offers(open_request, offer):
    neukoelln = District.objects.get(slug="neukolln")
    weaker = OrganisationFactory(name="Schwächer e.V.", stage="established", district=None)
    mentor_offer(weaker, fields=("education",), languages=("ar",))
    paused = OrganisationFactory(name="Pausiert e.V.", stage="established", district=neukoelln)
    mentor_offer(paused, fields=("education",), languages=("ar",), is_active=False)
    full = OrganisationFactory(name="Voll e.V.", stage="established", district=neukoelln)
    full_offer = mentor_offer(full, fields=("education",), languages=("ar",))
    Tandem.objects.create(mentor=full, mentee=OrganisationFactory(), status=T.ACTIVE)

    names = [m.candidate.organisation.name for m in selectors.suggestions_for(open_request)]
    assert names == ["Brückenbau Test e.V.", "Schwächer e.V."]
    full_offer.capacity = 2
    full_offer.save()
    names = [m.candidate.organisation.name for m in selectors.suggestions_for(open_request)]
    assert "Voll e.V." in names


def test_match_page_shows_reasons(client_for, consultant, open_request, offer):
    response = client_for(consultant).get(reverse("mentoring:match", args=[open_request.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Brückenbau Test e.V." in text
    # German UI: the reasons are shown in the reader's language.
    assert "Bildung" in text and "Arabisch" in text
    assert not response.context["can_confirm"]  # consultants suggest, leads confirm


def test_the_match_page_shows_the_best_ten_and_the_rest_a_page_further(
    client_for, project_lead, open_request, offer
):
    """Every offer that shares a point is a suggestion; the page shows the best ten with how
    many there are, the next page the rest in the same order, and one chosen from the
    second page is confirmed like one from the first."""
    for number in range(11):  # weaker than `offer`: a field and a language, no district
        weaker = OrganisationFactory(name=f"Mentorin {number:02} e.V.", stage="established")
        mentor_offer(weaker, fields=("education",), languages=("ar",))
    ranked = [m.candidate.pk for m in selectors.suggestions_for(open_request)]
    assert len(ranked) == 12 and ranked[0] == offer.pk

    client = client_for(project_lead)
    url = reverse("mentoring:match", args=[open_request.pk])
    first = client.get(url)
    shown = [m.candidate.pk for m in first.context["suggestions"]]
    assert shown == ranked[:10]
    text = first.content.decode()
    assert text.count('data-testid="suggestion"') == 10
    assert "12 insgesamt" in text
    assert 'href="?page=2#suggestions"' in text

    second = client.get(url, {"page": 2})
    assert [m.candidate.pk for m in second.context["suggestions"]] == ranked[10:]
    assert second.content.decode().count('data-testid="suggestion"') == 2
    # A page number out of range or not a number shows a page of suggestions, not an error.
    assert [m.candidate.pk for m in client.get(url, {"page": "x"}).context["suggestions"]] == (
        ranked[:10]
    )

    last = MentorOffer.objects.get(pk=ranked[-1])
    response = client.post(
        reverse("mentoring:tandem_propose", args=[open_request.pk]),
        {"offer": last.pk, "goals": "Vereinsgründung begleiten"},
    )
    assert response.status_code == 302
    tandem = Tandem.objects.get(request=open_request)
    assert tandem.mentor_id == last.organisation_id and tandem.goals == "Vereinsgründung begleiten"


def test_the_matching_overview_suggests_what_the_request_page_lists(
    client_for, consultant, mentee_org, offer
):
    """A start-up already mentored by an organisation asks again: neither the request's page
    nor the overview suggests the organisation it already has, and both count the same."""
    first = mentor_request(mentee_org, fields=("education",), languages=("ar",))
    Tandem.objects.create(
        mentor=offer.organisation, mentee=mentee_org, status=T.ACTIVE, request=first
    )
    first.status = MentorRequest.Status.MATCHED
    first.save(update_fields=["status"])
    offer.capacity = 2  # room for another tandem: only the running one keeps it out
    offer.save(update_fields=["capacity"])
    other = OrganisationFactory(name="Zweite Mentorin e.V.", stage="established")
    mentor_offer(other, fields=("education",), languages=("ar",))
    again = mentor_request(mentee_org, fields=("education",), languages=("ar",))

    listed = [m.candidate.organisation.name for m in selectors.suggestions_for(again)]
    assert listed == ["Zweite Mentorin e.V."]
    client = client_for(consultant)
    [shown] = client.get(reverse("mentoring:match_list")).context["requests"]
    assert shown.pk == again.pk
    assert shown.best.candidate.organisation.name == "Zweite Mentorin e.V."
    assert shown.match_count == 1
    # Once the tandem has ended, the organisation is a suggestion on both pages again.
    Tandem.objects.filter(request=first).update(status=T.COMPLETED)
    [shown] = client.get(reverse("mentoring:match_list")).context["requests"]
    assert shown.match_count == 2 == len(selectors.suggestions_for(again))
    assert shown.best.candidate.pk == offer.pk


def test_a_refused_proposal_keeps_the_browser_draft_and_says_why(
    client_for, project_lead, open_request, offer
):
    """A redirect that carries an error is a refusal: the browser keeps the typed goals
    (no "saved" cookie, ikmo/middleware.py) and the match page says why."""
    client = client_for(project_lead)
    url = reverse("mentoring:tandem_propose", args=[open_request.pk])
    offer.is_active = False
    offer.save(update_fields=["is_active"])
    refused = client.post(url, {"offer": offer.pk, "goals": "Förderantrag bis 31.12.2026"})
    assert refused.status_code == 302 and refused.url == open_request.get_absolute_url()
    assert "ikmo_saved" not in refused.cookies
    page = client.get(refused.url).content.decode()
    assert "nicht mehr verfügbar" in page
    assert not Tandem.objects.exists()

    offer.is_active = True
    offer.save(update_fields=["is_active"])
    saved = client.post(url, {"offer": offer.pk, "goals": "Förderantrag bis 31.12.2026"})
    assert saved.status_code == 302 and saved.cookies["ikmo_saved"].value == "1"
    assert Tandem.objects.get().goals == "Förderantrag bis 31.12.2026"


# The journey -----------------------------------------------------------------------------


def test_lead_confirms_then_both_admins_accept_and_the_tandem_becomes_active(
    client_for, project_lead, org_admin, other_org_admin, open_request, offer, mentor_org
):
    client = client_for(project_lead)
    response = client.post(
        reverse("mentoring:tandem_propose", args=[open_request.pk]),
        {"offer": offer.pk, "goals": "Förderantrag schreiben"},
    )
    tandem = Tandem.objects.get()
    assert response.url == tandem.get_absolute_url()
    assert tandem.status == T.PROPOSED and tandem.lead == project_lead
    assert tandem.goals == "Förderantrag schreiben" and tandem.match_score > 0
    open_request.refresh_from_db()
    assert open_request.status == MentorRequest.Status.MATCHED
    assert recipients() == sorted([org_admin.email, other_org_admin.email])

    OutboundEmail.objects.all().delete()
    client = client_for(org_admin)
    client.post(
        reverse("mentoring:tandem_accept", args=[tandem.pk]), {"organisation": mentor_org.pk}
    )
    tandem.refresh_from_db()
    assert tandem.status == T.PROPOSED and tandem.mentor_accepted_at is not None
    assert recipients() == []

    client = client_for(other_org_admin)
    client.post(
        reverse("mentoring:tandem_accept", args=[tandem.pk]), {"organisation": tandem.mentee_id}
    )
    tandem.refresh_from_db()
    assert tandem.status == T.ACTIVE and tandem.starts_on == timezone.localdate()
    assert recipients() == sorted([org_admin.email, other_org_admin.email, project_lead.email])


def test_only_the_lead_confirms(client_for, consultant, open_request, offer):
    response = client_for(consultant).post(
        reverse("mentoring:tandem_propose", args=[open_request.pk]), {"offer": offer.pk}
    )
    assert response.status_code == 403
    with pytest.raises(ValidationError):
        services.tandem_propose(mentor_request=open_request, offer=offer, by=consultant)
    assert not Tandem.objects.exists()


def test_a_member_who_is_not_admin_cannot_accept(client_for, org_member, proposed_tandem, org):
    response = client_for(org_member).post(
        reverse("mentoring:tandem_accept", args=[proposed_tandem.pk]), {"organisation": org.pk}
    )
    assert response.status_code == 403
    with pytest.raises(ValidationError):
        services.tandem_accept(tandem=proposed_tandem, organisation=org, by=org_member)


def test_an_admin_answers_only_for_their_own_side(client_for, org_admin, proposed_tandem):
    response = client_for(org_admin).post(
        reverse("mentoring:tandem_accept", args=[proposed_tandem.pk]),
        {"organisation": proposed_tandem.mentee_id},
    )
    assert response.status_code == 403
    proposed_tandem.refresh_from_db()
    assert proposed_tandem.mentee_accepted_at is None


def test_accepting_twice_is_refused(proposed_tandem, mentor_org, org_admin):
    services.tandem_accept(tandem=proposed_tandem, organisation=mentor_org, by=org_admin)
    with pytest.raises(ValidationError):
        services.tandem_accept(tandem=proposed_tandem, organisation=mentor_org, by=org_admin)


def test_declining_reopens_the_request(
    client_for, other_org_admin, proposed_tandem, open_request, project_lead
):
    OutboundEmail.objects.all().delete()
    client_for(other_org_admin).post(
        reverse("mentoring:tandem_decline", args=[proposed_tandem.pk]),
        {"organisation": proposed_tandem.mentee_id, "reason": "Zu weit weg"},
    )
    proposed_tandem.refresh_from_db()
    open_request.refresh_from_db()
    assert proposed_tandem.status == T.DECLINED and proposed_tandem.end_note == "Zu weit weg"
    assert open_request.status == MentorRequest.Status.OPEN
    assert project_lead.email in recipients()


def test_either_side_logs_meetings_while_active(
    client_for, org_member, other_org_admin, active_tandem, mentee_org
):
    client = client_for(org_member)
    url = reverse("mentoring:meeting_add", args=[active_tandem.pk])
    today = timezone.localdate().isoformat()
    client.post(url, {"met_on": today, "format": "online", "summary": "Kennenlernen"})
    client = client_for(other_org_admin)
    client.post(url, {"met_on": today, "format": "in_person", "summary": "Antrag besprochen"})
    meetings = TandemMeeting.objects.order_by("pk")
    assert [m.summary for m in meetings] == ["Kennenlernen", "Antrag besprochen"]
    assert meetings[1].logged_for == mentee_org


def test_a_meeting_in_the_future_is_refused_and_the_text_kept(
    client_for, org_member, active_tandem
):
    future = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    response = client_for(org_member).post(
        reverse("mentoring:meeting_add", args=[active_tandem.pk]),
        {"met_on": future, "format": "online", "summary": "Mein langer Bericht"},
    )
    assert response.status_code == 200 and "met_on" in response.context["form"].errors
    assert "Mein langer Bericht" in response.content.decode()
    assert not TandemMeeting.objects.exists()


def test_no_meetings_before_both_accepted(client_for, org_member, proposed_tandem):
    response = client_for(org_member).post(
        reverse("mentoring:meeting_add", args=[proposed_tandem.pk]),
        {"met_on": timezone.localdate().isoformat(), "format": "online", "summary": "x"},
    )
    assert response.status_code == 403


def test_ending_early_needs_a_reason_then_both_sides_evaluate_once(
    client_for, org_admin, other_org_admin, active_tandem, mentor_org, mentee_org
):
    client = client_for(org_admin)
    url = reverse("mentoring:tandem_close", args=[active_tandem.pk])
    client.post(url, {"status": T.ENDED_EARLY, "note": ""})
    active_tandem.refresh_from_db()
    assert active_tandem.status == T.ACTIVE
    client.post(url, {"status": T.ENDED_EARLY, "note": "Verein aufgelöst"})
    active_tandem.refresh_from_db()
    assert active_tandem.status == T.ENDED_EARLY and active_tandem.ended_on

    evaluation = {"goals_reached": "partly", "rating": "4", "comment": "Hilfreich"}
    for user, organisation in ((org_admin, mentor_org), (other_org_admin, mentee_org)):
        response = client_for(user).post(
            reverse("mentoring:tandem_evaluate", args=[active_tandem.pk, organisation.pk]),
            evaluation,
        )
        assert response.status_code == 302
    assert TandemEvaluation.objects.filter(tandem=active_tandem).count() == 2
    with pytest.raises(ValidationError):
        services.evaluation_submit(
            tandem=active_tandem,
            organisation=mentor_org,
            goals_reached="partly",
            rating=4,
            by=org_admin,
        )
    # An admin cannot evaluate for the other side.
    response = client_for(org_admin).get(
        reverse("mentoring:tandem_evaluate", args=[active_tandem.pk, mentee_org.pk])
    )
    assert response.status_code == 403


def test_the_lead_completes_a_tandem(project_lead, active_tandem):
    services.tandem_close(tandem=active_tandem, status=T.COMPLETED, by=project_lead)
    active_tandem.refresh_from_db()
    assert active_tandem.status == T.COMPLETED
    with pytest.raises(ValidationError):
        services.tandem_close(tandem=active_tandem, status=T.COMPLETED, by=project_lead)


# Permissions -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", [*PERSONAS, "third_org_admin"])
def test_tandem_details_only_for_the_two_organisations_and_staff(
    client, persona, name, active_tandem
):
    TandemMeeting.objects.create(
        tandem=active_tandem, met_on=timezone.localdate(), summary="Vertraulicher Bericht"
    )
    user = persona(name)
    if user:
        client.force_login(user)
    allowed = name in (
        "org_member",
        "org_admin",
        "other_org_admin",
        "consultant",
        "project_lead",
        "portal_admin",
    )
    urls = [
        reverse("mentoring:tandem_detail", args=[active_tandem.pk]),
        reverse("mentoring:tandem_plan", args=[active_tandem.pk]),
        reverse("mentoring:meeting_add", args=[active_tandem.pk]),
    ]
    for url in urls:
        response = client.get(url)
        if name == "anonymous":
            assert response.status_code == 302 and "login" in response.url
        elif not allowed:
            assert response.status_code == 404, url
    if allowed:
        response = client.get(urls[0])
        assert response.status_code == 200
        assert "Vertraulicher Bericht" in response.content.decode()
    # The list shows the tandem to exactly the same people.
    if user:
        listed = client.get(reverse("mentoring:tandem_list")).context["page"]
        assert (active_tandem.pk in {t.pk for t in listed}) is allowed
    # Nobody outside can act on it.
    if not allowed:
        client.post(
            reverse("mentoring:tandem_close", args=[active_tandem.pk]),
            {"status": T.COMPLETED},
        )
        active_tandem.refresh_from_db()
        assert active_tandem.status == T.ACTIVE


@pytest.mark.parametrize(
    "name", ["org_admin", "other_org_admin", "qualification_consultant", "jury_member"]
)
def test_matching_pages_are_for_mentoring_staff(client, persona, name, open_request):
    client.force_login(persona(name))
    assert client.get(reverse("mentoring:match_list")).status_code == 404
    assert client.get(reverse("mentoring:match", args=[open_request.pk])).status_code == 404


def test_list_pages_do_not_grow_queries_with_rows(client_for, project_lead):
    client = client_for(project_lead)

    def fill(n):
        for _ in range(n):
            mentor = OrganisationFactory(stage=Organisation.Stage.ESTABLISHED)
            mentee = OrganisationFactory()
            member_of(mentee, role=Membership.Role.ADMIN)
            mentor_offer(mentor, fields=("education", "youth"), languages=("de", "ar"))
            req = mentor_request(mentee, topics=("funding",))
            tandem = Tandem.objects.create(
                mentor=mentor, mentee=mentee, status=T.ACTIVE, request=req
            )
            TandemMeeting.objects.create(tandem=tandem, met_on=timezone.localdate(), summary="x")
            mentor_request(OrganisationFactory(), languages=("ar",))

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    fill(2)
    target = MentorRequest.objects.filter(status="open").first()
    pages = [
        reverse("mentoring:tandem_list"),
        reverse("mentoring:match_list"),
        reverse("mentoring:match", args=[target.pk]),
    ]
    few = [count(url) for url in pages]
    fill(8)
    assert [count(url) for url in pages] == few


def test_closing_with_errors_shows_the_form_again_with_the_note(
    client_for, org_admin, active_tandem
):
    url = reverse("mentoring:tandem_close", args=[active_tandem.pk])
    response = client_for(org_admin).post(url, {"note": "Verein aufgelöst"})  # no status
    assert response.status_code == 400
    form = response.context["close_form"]
    assert "status" in form.errors and form["note"].value() == "Verein aufgelöst"
    active_tandem.refresh_from_db()
    assert active_tandem.status == T.ACTIVE


@pytest.mark.django_db
def test_profiles_from_the_link_tables_equal_those_from_the_objects(mentor_org, mentee_org):
    mentor_offer(mentor_org, fields=("education", "youth"), languages=("ar", "de"))
    mentor_offer(
        OrganisationFactory(stage=Organisation.Stage.ESTABLISHED), fields=(), languages=("tr",)
    )
    mentor_request(mentee_org, fields=("youth",), languages=("ar",), topics=("funding",))
    mentor_request(OrganisationFactory(), district=None, fields=(), languages=())
    offers = selectors.profiles_of(
        selectors.available_offers(prefetch=False),
        district_of=lambda offer: offer.organisation.district,
    )
    assert [(o.pk, p) for o, p in offers] == [
        (o.pk, selectors.offer_profile(o)) for o in selectors.available_offers()
    ]
    requests = selectors.profiles_of(
        selectors.open_requests(), district_of=lambda r: r.district or r.organisation.district
    )
    assert [(r.pk, p) for r, p in requests] == [
        (r.pk, selectors.request_profile(r)) for r in selectors.open_requests()
    ]
    # Not vacuous: the first request has a topic, a field of work and a language.
    first = requests[0][1]
    assert first.topics and first.fields and first.languages


@pytest.mark.django_db
@pytest.mark.parametrize("request_district", ["own", "other", "none"])
def test_the_database_ranks_offers_exactly_as_the_worded_score(mentee_org, request_district):
    """`ranked_offers` scores in SQL what `matching.score` words: the same offers, points
    and order, over offers with and without shared fields, topics, district and languages
    (and the penalty for none in common)."""
    from itertools import product

    from mentoring.matching import rank
    from organisations.models import SpokenLanguage
    from qualification.models import Topic

    from .factories import field as field_of

    fields = ["education", "youth"]
    languages = list(SpokenLanguage.objects.order_by("slug").values_list("slug", flat=True)[:3])
    topics = list(Topic.objects.order_by("slug").values_list("slug", flat=True)[:2])
    field_of("youth")  # both fields exist
    districts = list(District.objects.order_by("slug")[:2])
    combos = product([(), fields[:1], fields], [(), languages[:1], languages[2:]], [(), topics])
    for number, (f, lang, t) in enumerate(combos):
        mentor = OrganisationFactory(
            name=f"Mentor {number:02} e.V.",
            stage=Organisation.Stage.ESTABLISHED,
            district=districts[number % 2] if number % 3 else None,
        )
        mentor_offer(mentor, fields=f, languages=lang, topics=t)
    district = {"own": mentee_org.district, "other": districts[0], "none": None}[request_district]
    wanted = mentor_request(
        mentee_org, fields=fields[1:], languages=languages[:2], topics=topics[:1], district=district
    )
    ranked = list(selectors.ranked_offers(wanted))
    offers = selectors.profiles_of(
        selectors.available_offers(prefetch=False).exclude(organisation=mentee_org),
        district_of=lambda offer: offer.organisation.district,
    )
    expected = rank(selectors.request_profile(wanted), offers)
    assert [(o.pk, o.points) for o in ranked] == [(m.candidate.pk, m.score) for m in expected]
    # Not vacuous: weaker and stronger fits, some offers not fitting at all, and the
    # penalty for no common language counted.
    assert len({m.score for m in expected}) >= 4
    assert 0 < len(expected) < len(offers)
    scored = [selectors.score(selectors.request_profile(wanted), p)[1] for _o, p in offers]
    assert any(r.code == "no_language" for reasons in scored for r in reasons)
    assert [m.reasons for m in selectors.suggestions_for(wanted)] == [m.reasons for m in expected]


def test_the_match_page_reads_the_profiles_of_its_own_suggestions_only(
    client_for, project_lead, open_request, offer, monkeypatch
):
    for number in range(14):
        weaker = OrganisationFactory(name=f"Mentorin {number:02} e.V.", stage="established")
        mentor_offer(weaker, fields=("education",), languages=("ar",))
    read = []
    profiles_of = selectors.profiles_of

    def counting(objects, **kwargs):
        objects = list(objects)
        read.append(len(objects))
        return profiles_of(objects, **kwargs)

    monkeypatch.setattr(selectors, "profiles_of", counting)
    url = reverse("mentoring:match", args=[open_request.pk])
    response = client_for(project_lead).get(url)
    assert len(response.context["suggestions"]) == 10 and response.context["listing"].count == 15
    assert read == [10]  # scored and counted in the database, not one profile per offer
    second = client_for(project_lead).get(url + "?page=2")
    assert [m.candidate.organisation.name for m in second.context["suggestions"]][-1] == (
        "Mentorin 13 e.V."
    )
