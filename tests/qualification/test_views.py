from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ikmo.models import GeneratedDocument
from qualification.models import Registration, Topic, Workshop
from tests import factories

from .factories import make_workshop, register

pytestmark = pytest.mark.django_db


def test_public_list_shows_published_coming_workshops_only(client, trainer):
    make_workshop(trainer=trainer, title="Vereinsrecht kompakt")
    make_workshop(trainer=trainer, title="Entwurf intern", status=Workshop.Status.DRAFT)
    make_workshop(trainer=trainer, title="Schon vorbei", starts_in=timedelta(days=-20))
    response = client.get(reverse("qualification:workshop_list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Vereinsrecht kompakt" in body
    assert "Entwurf intern" not in body
    assert "Schon vorbei" not in body


def test_list_filters_by_topic_language_and_month(client, trainer):
    in_two_months = timezone.localtime() + timedelta(days=60)
    make_workshop(trainer=trainer, title="Finanzen A", topics=("finance",), languages=("ar",))
    make_workshop(
        trainer=trainer,
        title="Ehrenamt B",
        topics=("volunteers",),
        languages=("de",),
        starts_in=timedelta(days=60),
    )
    url = reverse("qualification:workshop_list")
    finance = Topic.objects.get(slug="finance")
    body = client.get(url, {"topic": finance.pk}).content.decode()
    assert "Finanzen A" in body and "Ehrenamt B" not in body
    from organisations.models import SpokenLanguage

    arabic = SpokenLanguage.objects.get(slug="ar")
    body = client.get(url, {"language": arabic.pk}).content.decode()
    assert "Finanzen A" in body and "Ehrenamt B" not in body
    body = client.get(url, {"month": in_two_months.strftime("%Y-%m")}).content.decode()
    assert "Ehrenamt B" in body and "Finanzen A" not in body


def test_the_list_shows_each_workshop_once_whatever_the_filters(client, trainer):
    both = make_workshop(
        trainer=trainer, title="Zwei Themen", topics=("finance", "legal"), languages=("de", "ar")
    )
    one = make_workshop(
        trainer=trainer, title="Ein Thema", topics=("finance",), languages=("de",),
        starts_in=timedelta(days=30),
    )  # fmt: skip
    from organisations.models import SpokenLanguage

    finance, legal = Topic.objects.get(slug="finance"), Topic.objects.get(slug="legal")
    german = SpokenLanguage.objects.get(slug="de")
    url = reverse("qualification:workshop_list")
    for data, expected in (
        ({}, [both, one]),
        ({"topic": finance.pk}, [both, one]),
        ({"topic": legal.pk}, [both]),
        ({"language": german.pk}, [both, one]),
        ({"topic": finance.pk, "language": german.pk}, [both, one]),
    ):
        page = client.get(url, data).context["page"]
        assert list(page.object_list) == expected, data
        assert page.paginator.count == len(expected), data


def test_invalid_month_filter_shows_a_message_not_an_error(client, trainer):
    make_workshop(trainer=trainer, title="Finanzen A")
    response = client.get(reverse("qualification:workshop_list"), {"month": "2026-13"})
    assert response.status_code == 200
    assert "Bitte wählen Sie einen Monat" in response.content.decode()


def _list_queries(client, url):
    client.get(url)  # warm per-process caches (content types), which are not per-row costs
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_list_query_count_does_not_grow_with_workshops(client, trainer, org):
    url = reverse("qualification:workshop_list")
    for _ in range(2):
        w = make_workshop(trainer=trainer)
        register(w, factories.member_of(org), org)
    few = _list_queries(client, url)
    for _ in range(8):
        w = make_workshop(trainer=trainer, topics=("finance", "legal"), languages=("de", "ar"))
        register(w, factories.member_of(org), org)
    assert _list_queries(client, url) == few


def test_my_registrations_lists_own_made_for_colleagues_and_as_admin_the_organisations(
    client_for, trainer, org, other_org, org_admin, org_member, colleague
):
    """Each registration once, soonest workshop first: one's own, those one made for a
    colleague, and as the organisation's admin all of its registrations; never another
    organisation's, and a member does not see a colleague's."""
    first = make_workshop(trainer=trainer, title="Erster Workshop", starts_in=timedelta(days=5))
    later = make_workshop(trainer=trainer, title="Späterer Workshop", starts_in=timedelta(days=9))
    own = register(first, org_member, org)
    made_for_colleague = register(later, colleague, org)
    Registration.objects.filter(pk=made_for_colleague.pk).update(registered_by=org_member)
    colleague_alone = register(first, colleague, org)
    elsewhere = register(first, factories.member_of(other_org), other_org)
    both_ways = register(later, org_member, org)  # own and (as it happens) made by self

    def listed(person):
        page = client_for(person).get(reverse("qualification:my_registrations"))
        rows = page.context["upcoming"]
        assert [r.workshop for r in rows] == sorted((r.workshop for r in rows), key=_starts)
        return sorted(r.pk for r in rows)

    assert listed(org_member) == sorted([own.pk, made_for_colleague.pk, both_ways.pk])
    assert listed(org_admin) == sorted(
        [own.pk, colleague_alone.pk, made_for_colleague.pk, both_ways.pk]
    )
    assert elsewhere.pk not in listed(org_admin)


def _starts(workshop):
    return workshop.starts_at


def test_my_registrations_query_count_does_not_grow(client_for, org, org_admin, trainer):
    client = client_for(org_admin)
    url = reverse("qualification:my_registrations")
    past = make_workshop(trainer=trainer, starts_in=timedelta(days=-3))
    register(past, org_admin, org, attended=True)
    for _ in range(2):
        register(make_workshop(trainer=trainer), factories.member_of(org), org)
    few = _list_queries(client, url)
    for _ in range(8):
        register(make_workshop(trainer=trainer), factories.member_of(org), org)
        p = make_workshop(trainer=trainer, starts_in=timedelta(days=-3))
        register(p, factories.member_of(org), org, attended=True)
    assert _list_queries(client, url) == few


def test_coaching_list_query_count_does_not_grow(client_for, consultant, org):
    from qualification.models import CoachingSession

    client = client_for(consultant)
    url = reverse("qualification:coaching")

    def add(n):
        for i in range(n):
            s = CoachingSession.objects.create(
                organisation=factories.OrganisationFactory(),
                consultant=consultant,
                date=timezone.localdate() - timedelta(days=i),
                duration_minutes=60,
                format="phone",
                follow_up_date=timezone.localdate(),
                next_step="Anrufen",
            )
            s.topics.set(Topic.objects.all()[:2])

    add(2)
    few = _list_queries(client, url)
    add(8)
    assert _list_queries(client, url) == few


def test_the_coaching_log_lists_each_session_once_with_or_without_a_topic(client_for, consultant):
    from devtools.factories import CoachingSessionFactory
    from qualification.filters import CoachingLogFilter
    from qualification.selectors import coaching_log

    first, second = Topic.objects.all()[:2]
    sessions = []
    for days in range(3):
        session = CoachingSessionFactory(
            consultant=consultant, date=timezone.localdate() - timedelta(days=days)
        )
        session.topics.set([first, second] if days < 2 else [second])
        sessions.append(session)
    for data, expected in (
        ({}, sessions),
        ({"topic": str(first.pk)}, sessions[:2]),
        ({"topic": str(second.pk)}, sessions),
    ):
        log = CoachingLogFilter(data or None, queryset=coaching_log(consultant))
        assert list(log.qs) == expected  # newest first, each session once
        assert log.qs.count() == len(expected)
    page = client_for(consultant).get(reverse("qualification:coaching"), {"topic": str(second.pk)})
    assert list(page.context["page"].object_list) == sessions
    assert page.context["page"].paginator.count == 3


# Registration through the browser forms -------------------------------------------------------


def test_member_registers_a_colleague_through_the_detail_page(
    client_for, org_member, colleague, org, workshop
):
    from organisations.models import Membership

    client = client_for(org_member)
    detail = client.get(workshop.get_absolute_url()).content.decode()
    assert "Wer nimmt teil?" in detail
    membership = Membership.objects.get(user=colleague, organisation=org)
    response = client.post(
        reverse("qualification:workshop_register", args=[workshop.pk]),
        {"membership": membership.pk},
        follow=True,
    )
    assert "ist angemeldet" in response.content.decode()
    assert Registration.objects.get().participant == colleague


def test_registration_form_never_offers_people_of_other_organisations(
    client_for, org_member, other_member, other_org, workshop
):
    from organisations.models import Membership

    client = client_for(org_member)
    page = client.get(workshop.get_absolute_url()).content.decode()
    # Nowhere on the page; the last name alone not among the choices (the generated trainer
    # may share a last name with them).
    choices = page.split('name="membership"', 1)[1].split("</select>", 1)[0]
    assert other_member.email not in page and other_member.get_full_name() not in page
    assert other_member.last_name not in choices
    foreign = Membership.objects.get(user=other_member, organisation=other_org)
    response = client.post(
        reverse("qualification:workshop_register", args=[workshop.pk]),
        {"membership": foreign.pk},
        follow=True,
    )
    assert "Bitte wählen Sie, wer teilnimmt" in response.content.decode()
    assert not Registration.objects.exists()


def test_full_workshop_message_names_the_waiting_list_place(client_for, org, trainer):
    workshop = make_workshop(trainer=trainer, capacity=1)
    register(workshop, factories.member_of(org), org)
    member = factories.member_of(org)
    from organisations.models import Membership

    membership = Membership.objects.get(user=member)
    response = client_for(member).post(
        reverse("qualification:workshop_register", args=[workshop.pk]),
        {"membership": membership.pk},
        follow=True,
    )
    assert "Warteliste (Platz 1)" in response.content.decode()


# Permissions ----------------------------------------------------------------------------------


def test_other_organisations_cannot_cancel_or_see_registrations(
    client_for, org, org_member, other_org_admin, workshop
):
    registration = register(workshop, org_member, org)
    client = client_for(other_org_admin)
    response = client.post(reverse("qualification:registration_cancel", args=[registration.pk]))
    assert response.status_code == 404
    page = client.get(reverse("qualification:my_registrations")).content.decode()
    assert workshop.title not in page
    registration.refresh_from_db()
    assert registration.status == "confirmed"


def test_org_admin_sees_and_cancels_colleagues_registration(
    client_for, org, org_member, org_admin, workshop
):
    registration = register(workshop, org_member, org)
    client = client_for(org_admin)
    assert workshop.title in client.get(reverse("qualification:my_registrations")).content.decode()
    client.post(reverse("qualification:registration_cancel", args=[registration.pk]))
    registration.refresh_from_db()
    assert registration.status == "cancelled"


def test_a_member_cannot_cancel_a_colleagues_registration_made_by_someone_else(
    client_for, org, org_member, colleague, workshop
):
    registration = register(workshop, colleague, org)
    response = client_for(org_member).post(
        reverse("qualification:registration_cancel", args=[registration.pk])
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    "persona,status",
    [
        ("anonymous", 302),
        ("outsider", 403),
        ("org_member", 403),
        ("other_trainer", 403),
        ("trainer", 200),
        ("project_lead", 200),
    ],
)
def test_attendance_page_is_for_the_trainer_and_leads_only(
    request, client, client_for, persona, status, trainer
):
    workshop = make_workshop(trainer=trainer)
    if persona == "other_trainer":
        user = factories.staff(email="other-trainer@centre.example")
        from tests.conftest import enrol_mfa

        enrol_mfa(user)
    elif persona != "anonymous":
        user = request.getfixturevalue(persona)
    c = client if persona == "anonymous" else client_for(user)
    assert c.get(reverse("qualification:attendance", args=[workshop.pk])).status_code == status
    assert (
        c.get(reverse("qualification:participants_csv", args=[workshop.pk])).status_code == status
    )


def test_drafts_are_invisible_to_members(client_for, org_member, trainer):
    draft = make_workshop(trainer=trainer, status=Workshop.Status.DRAFT)
    assert client_for(org_member).get(draft.get_absolute_url()).status_code == 404


def test_trainer_takes_attendance_with_htmx(client_for, org, org_member, trainer):
    workshop = make_workshop(trainer=trainer, starts_in=timedelta(minutes=-5))
    registration = register(workshop, org_member, org)
    client = client_for(trainer)
    response = client.post(
        reverse("qualification:attendance_set", args=[workshop.pk, registration.pk]),
        {"attended": "yes"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert f'id="attendance-{registration.pk}"' in response.content.decode()
    registration.refresh_from_db()
    assert registration.attended is True


def test_attendance_cannot_be_set_through_another_workshops_url(
    client_for, org, org_member, trainer
):
    mine = make_workshop(trainer=trainer, starts_in=timedelta(minutes=-5))
    other = make_workshop(starts_in=timedelta(minutes=-5))
    registration = register(other, org_member, org)
    response = client_for(trainer).post(
        reverse("qualification:attendance_set", args=[mine.pk, registration.pk]),
        {"attended": "yes"},
    )
    assert response.status_code == 404


def test_participant_csv_lists_people_and_neutralises_formulas(client_for, org, trainer):
    workshop = make_workshop(trainer=trainer)
    person = factories.member_of(org, first_name="=HYPERLINK(1)", last_name="Test")
    register(workshop, person, org)
    response = client_for(trainer).get(
        reverse("qualification:participants_csv", args=[workshop.pk])
    )
    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert "'=HYPERLINK(1) Test" in text
    assert org.name in text


def test_participant_csv_writes_iso_dates_in_every_language(client_for, org, trainer):
    import csv
    import datetime as dt

    from django.conf import settings

    workshop = make_workshop(trainer=trainer)
    register(workshop, factories.member_of(org), org)
    registered = timezone.make_aware(dt.datetime(2026, 12, 31, 9, 5))
    Registration.objects.filter(workshop=workshop).update(created_at=registered)
    client = client_for(trainer)
    for language in ("de", "en", "ar", "tr"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = client.get(
            reverse("qualification:participants_csv", args=[workshop.pk]),
            HTTP_ACCEPT_LANGUAGE=language,
        )
        assert response.status_code == 200
        rows = list(csv.reader(response.content.decode("utf-8-sig").splitlines(), delimiter=";"))
        assert rows[1][-1] == "2026-12-31 09:05", language


# Confidential notes ---------------------------------------------------------------------------


@pytest.fixture
def coaching_session(org, consultant):
    from qualification.models import CoachingSession

    return CoachingSession.objects.create(
        organisation=org,
        consultant=consultant,
        date=timezone.localdate(),
        duration_minutes=90,
        format="video",
        outcome="Satzung besprochen",
        confidential_notes="GEHEIM-Streit im Vorstand",
    )


@pytest.mark.parametrize(
    "persona,status,sees_notes",
    [
        ("consultant", 200, True),
        ("project_lead", 200, True),
        ("org_admin", 404, False),
        ("org_member", 404, False),
        ("jury_member", 404, False),
    ],
)
def test_confidential_notes_only_for_consultants_and_leads(
    request, client_for, coaching_session, persona, status, sees_notes
):
    user = request.getfixturevalue(persona)
    response = client_for(user).get(coaching_session.get_absolute_url())
    assert response.status_code == status
    assert ("GEHEIM" in response.content.decode()) is sees_notes


def test_timeline_shows_coaching_to_members_without_notes(
    client_for, org, org_member, coaching_session
):
    url = reverse("organisations:timeline", args=[org.pk])
    page = client_for(org_member).get(url).content.decode()
    assert "Coaching-Termin" in page
    assert "GEHEIM" not in page
    assert coaching_session.get_absolute_url() not in page


def test_the_timeline_names_a_sessions_topics_in_the_readers_language(org, consultant):
    """Topics in the catalogue's order and the reader's language, read for all sessions in
    one query (organisations.selectors.translated_names), none for a session without."""
    from django.utils import translation

    from organisations.selectors import translated_names
    from organisations.timeline import timeline_for
    from tests.qualification.test_services import _session

    with_topics = _session(org, consultant, days_ago=1)
    with_topics.topics.set(Topic.objects.filter(slug__in=["legal", "funding", "volunteers"]))
    without = _session(org, consultant, days_ago=2)
    with translation.override("de"), CaptureQueriesContext(connection) as queries:
        names = translated_names([with_topics, without], "topics")
    assert len(queries) == 1
    assert names == {
        with_topics.pk: ["Arbeit mit Ehrenamtlichen", "Fördermöglichkeiten", "Rechtsfragen"]
    }
    for language, topics in (
        ("de", "Arbeit mit Ehrenamtlichen, Fördermöglichkeiten, Rechtsfragen"),
        ("en", "Working with volunteers, Funding opportunities, Legal questions"),
    ):
        with translation.override(language):
            details = [
                e.detail
                for e in timeline_for(organisation=org, user=consultant)
                if e.url in (with_topics.get_absolute_url(), without.get_absolute_url())
            ]
        assert details[0].endswith(f" · {topics}")
        assert details[1].count(" · ") == 1  # format and length only


def test_timeline_never_carries_confidential_notes_even_for_staff(
    org, consultant, coaching_session
):
    from organisations.timeline import timeline_for

    events = timeline_for(organisation=org, user=consultant)
    assert any(coaching_session.get_absolute_url() == e.url for e in events)
    assert not any("GEHEIM" in (e.title + e.detail) for e in events)


def test_members_cannot_open_the_coaching_log(client_for, org_admin, org):
    client = client_for(org_admin)
    assert client.get(reverse("qualification:coaching")).status_code == 403
    assert client.get(reverse("qualification:coaching_create", args=[org.pk])).status_code == 403


def test_consultant_logs_a_session_and_sees_it_in_the_follow_ups(client_for, consultant, org):
    client = client_for(consultant)
    today = timezone.localdate()
    finance = Topic.objects.get(slug="finance")
    response = client.post(
        reverse("qualification:coaching_create", args=[org.pk]),
        {
            "date": today.isoformat(),
            "duration_minutes": 45,
            "format": "phone",
            "topics": [finance.pk],
            "participants": "Vorstand",
            "participant_count": 2,
            "outcome": "Kassenbuch eingerichtet",
            "next_step": "Belege sortieren",
            "follow_up_date": (today + timedelta(days=3)).isoformat(),
            "confidential_notes": "",
        },
    )
    assert response.status_code == 302
    home = client.get(reverse("qualification:coaching")).content.decode()
    assert "Belege sortieren" in home
    assert org.coaching_case.is_active


def test_coaching_form_keeps_input_and_explains_errors(client_for, consultant, org):
    client = client_for(consultant)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(
        reverse("qualification:coaching_create", args=[org.pk]),
        {
            "date": tomorrow.isoformat(),
            "duration_minutes": 45,
            "format": "phone",
            "participant_count": 1,
            "outcome": "Mein Text bleibt",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "nicht in der Zukunft" in body
    assert "Mein Text bleibt" in body


# Calendar -------------------------------------------------------------------------------------


def test_ics_export_of_a_workshop_series(client, trainer):
    workshop = make_workshop(
        trainer=trainer,
        sessions=2,
        title="Buchhaltung; Teil 1, Basics",
        venue="Haus der Vereine\nRaum 2",
    )
    response = client.get(reverse("qualification:workshop_ics", args=[workshop.pk]))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert body.endswith("END:VCALENDAR\r\n")
    assert body.count("BEGIN:VEVENT") == 2
    assert "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin" in body
    sessions = list(workshop.sessions.all())
    for s in sessions:
        assert f"UID:workshop-{workshop.pk}-session-{s.pk}@testserver" in body
        local = timezone.localtime(s.starts_at).strftime("%Y%m%dT%H%M%S")
        assert f"DTSTART;TZID=Europe/Berlin:{local}" in body
    assert "SUMMARY:Buchhaltung\\; Teil 1\\, Basics (1/2)" in body
    assert "LOCATION:Haus der Vereine\\nRaum 2" in body
    import re

    assert re.search(r"DTSTAMP:\d{8}T\d{6}Z\r\n", body)
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


def test_ics_feed_follows_the_list_filters(client, trainer):
    make_workshop(trainer=trainer, title="Finanzen A", topics=("finance",))
    make_workshop(trainer=trainer, title="Ehrenamt B", topics=("volunteers",))
    make_workshop(trainer=trainer, title="Entwurf", topics=("finance",), status="draft")
    finance = Topic.objects.get(slug="finance")
    body = client.get(
        reverse("qualification:workshop_calendar"), {"topic": finance.pk}
    ).content.decode()
    assert "SUMMARY:Finanzen A" in body
    assert "Ehrenamt B" not in body and "Entwurf" not in body


def test_ics_of_a_draft_is_not_public(client, trainer):
    draft = make_workshop(trainer=trainer, status="draft")
    assert client.get(reverse("qualification:workshop_ics", args=[draft.pk])).status_code == 404


# Certificates ---------------------------------------------------------------------------------


@pytest.fixture
def attended(org, org_member, trainer):
    workshop = make_workshop(trainer=trainer, starts_in=timedelta(days=-2))
    return register(workshop, org_member, org, attended=True)


def test_certificate_pdf_is_rendered_by_the_worker(
    client_for, attended, org_member, django_capture_on_commit_callbacks
):
    client = client_for(org_member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("qualification:registration_certificate", args=[attended.pk])
        )
    document = GeneratedDocument.objects.get(kind="qualification_certificate")
    assert response.status_code == 302
    assert response["Location"] == reverse("document_detail", args=[document.pk])
    document.refresh_from_db()
    assert document.status == "done", document.error
    data = document.file.open("rb").read()
    assert data.startswith(b"%PDF")
    download = client.get(reverse("document_download", args=[document.pk]))
    assert download.status_code == 200


@pytest.mark.parametrize(
    "persona,allowed",
    [
        ("org_member", True),  # the attendee
        ("org_admin", True),
        ("trainer", True),
        ("project_lead", True),
        ("colleague", False),
        ("other_org_admin", False),
        ("outsider", False),
    ],
)
def test_certificate_visible_to_attendee_admins_trainer_staff_only(
    request, client_for, attended, org_member, persona, allowed, django_capture_on_commit_callbacks
):
    from qualification import services

    with django_capture_on_commit_callbacks(execute=True):
        document = services.certificate_request(registration=attended, by=org_member)
    user = request.getfixturevalue(persona)
    client = client_for(user)
    expected = 200 if allowed else 404
    assert client.get(reverse("document_detail", args=[document.pk])).status_code == expected
    assert client.get(reverse("document_download", args=[document.pk])).status_code == expected


def test_no_certificate_for_people_who_were_absent(client_for, org, org_member, trainer):
    workshop = make_workshop(trainer=trainer, starts_in=timedelta(days=-2))
    r = register(workshop, org_member, org, attended=False)
    response = client_for(org_member).post(
        reverse("qualification:registration_certificate", args=[r.pk])
    )
    assert response.status_code == 404
    assert not GeneratedDocument.objects.exists()


def test_trainer_issues_certificates_once_per_attendee(client_for, org, trainer):
    workshop = make_workshop(trainer=trainer, starts_in=timedelta(days=-2))
    for _ in range(3):
        register(workshop, factories.member_of(org), org, attended=True)
    register(workshop, factories.member_of(org), org, attended=False)
    client = client_for(trainer)
    url = reverse("qualification:certificates_issue", args=[workshop.pk])
    client.post(url)
    client.post(url)
    assert GeneratedDocument.objects.filter(kind="qualification_certificate").count() == 3


def test_participant_list_pdf_renders(
    client_for, org, org_member, trainer, django_capture_on_commit_callbacks
):
    workshop = make_workshop(trainer=trainer)
    register(workshop, org_member, org)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(trainer).post(
            reverse("qualification:participants_pdf", args=[workshop.pk])
        )
    document = GeneratedDocument.objects.get(kind="qualification_participant_list")
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == "done", document.error
    assert document.file.open("rb").read(4) == b"%PDF"


# Feedback -------------------------------------------------------------------------------------


def test_attendee_gives_feedback_and_trainer_sees_the_chart_data(
    client_for, attended, org_member, trainer
):
    client = client_for(org_member)
    url = reverse("qualification:feedback", args=[attended.pk])
    response = client.post(url, {"rating": "4", "comment": "Sehr praktisch"})
    assert response.status_code == 302
    page = client_for(trainer).get(attended.workshop.get_absolute_url()).content.decode()
    assert 'id="feedback-distribution"' in page
    assert "[0, 0, 0, 1, 0]" in page
    assert "Sehr praktisch" in page
    assert "js/qualification.js" in page


def test_feedback_without_rating_keeps_the_comment(client_for, attended, org_member):
    response = client_for(org_member).post(
        reverse("qualification:feedback", args=[attended.pk]), {"comment": "Mein Kommentar"}
    )
    assert response.status_code == 200
    assert "Mein Kommentar" in response.content.decode()


def test_members_do_not_see_feedback_comments(client_for, attended, org_member, colleague):
    from qualification import services

    services.feedback_submit(registration=attended, rating=2, comment="Zu schnell", by=org_member)
    page = client_for(colleague).get(attended.workshop.get_absolute_url()).content.decode()
    assert "Zu schnell" not in page


# Workshop management --------------------------------------------------------------------------


def test_staff_creates_a_workshop_series(client_for, consultant):
    from organisations.models import SpokenLanguage

    client = client_for(consultant)
    # A fixed time of day: an evening run must not push the two-hour session past midnight.
    start = (timezone.localtime() + timedelta(days=14)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    fmt = "%Y-%m-%dT%H:%M"
    data = {
        "title_de": "Projektmanagement in zwei Teilen",
        "description_de": "",
        "topics": [Topic.objects.get(slug="management").pk],
        "languages": [SpokenLanguage.objects.get(slug="de").pk],
        "venue": "",
        "online_url": "https://meet.example/ikmo",
        "capacity": 12,
        "trainer": consultant.pk,
        "registration_deadline": (start - timedelta(days=2)).strftime(fmt),
        "status": "published",
        "sessions-TOTAL_FORMS": "2",
        "sessions-INITIAL_FORMS": "0",
        "sessions-MIN_NUM_FORMS": "0",
        "sessions-MAX_NUM_FORMS": "20",
        "sessions-0-starts_at": start.strftime(fmt),
        "sessions-0-ends_at": (start + timedelta(hours=2)).strftime(fmt),
        "sessions-1-starts_at": (start + timedelta(days=7)).strftime(fmt),
        "sessions-1-ends_at": (start + timedelta(days=7, hours=2)).strftime(fmt),
    }
    response = client.post(reverse("qualification:workshop_create"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    workshop = Workshop.objects.get()
    assert workshop.sessions.count() == 2
    assert workshop.starts_at < workshop.ends_at
    assert timezone.localtime(workshop.ends_at) == start + timedelta(days=7, hours=2)


def test_workshop_form_explains_missing_dates_and_place(client_for, consultant):
    client = client_for(consultant)
    response = client.post(
        reverse("qualification:workshop_create"),
        {
            "title_de": "Ohne Termin",
            "capacity": 5,
            "trainer": consultant.pk,
            "status": "draft",
            "sessions-TOTAL_FORMS": "1",
            "sessions-INITIAL_FORMS": "0",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "mindestens einen Termin" in body
    assert "Ort oder einen Online-Link" in body
    assert "Ohne Termin" in body


def test_members_cannot_create_workshops(client_for, org_admin):
    assert client_for(org_admin).get(reverse("qualification:workshop_create")).status_code == 403


def test_home_lists_upcoming_workshops(client, trainer):
    make_workshop(trainer=trainer, title="Fördertöpfe finden")
    body = client.get(reverse("qualification:home")).content.decode()
    assert "Fördertöpfe finden" in body


def test_detail_page_names_the_workshop_languages(client, trainer):
    workshop = make_workshop(trainer=trainer, languages=("ar", "tr"))
    body = client.get(workshop.get_absolute_url()).content.decode()
    assert "Arabisch, Türkisch" in body
    assert "name_local" not in body


def test_staff_of_other_sub_projects_do_not_see_coaching_notes(client_for, coaching_session):
    from organisations.models import StaffRole
    from tests.conftest import enrol_mfa

    for role in (StaffRole.Role.CONSULTANT, StaffRole.Role.PROJECT_LEAD):
        user = factories.staff(role, subproject="mentoring")
        enrol_mfa(user)
        response = client_for(user).get(coaching_session.get_absolute_url())
        assert response.status_code == 404


def test_online_link_only_for_registered_people_also_in_the_calendar(
    client, client_for, org, org_member, colleague, trainer
):
    workshop = make_workshop(trainer=trainer, venue="", online_url="https://meet.example/geheim")
    register(workshop, org_member, org)
    ics_url = reverse("qualification:workshop_ics", args=[workshop.pk])
    feed_url = reverse("qualification:workshop_calendar")

    def assert_hidden(c):
        assert "meet.example" not in c.get(workshop.get_absolute_url()).content.decode()
        body = c.get(ics_url).content.decode()
        assert "meet.example" not in body and "LOCATION:Online" in body
        assert "meet.example" not in c.get(feed_url).content.decode()

    assert_hidden(client)  # anonymous
    assert_hidden(client_for(colleague))
    member = client_for(org_member)
    assert "https://meet.example/geheim" in member.get(workshop.get_absolute_url()).content.decode()
    assert "meet.example/geheim" in member.get(ics_url).content.decode()


def test_the_workshop_page_counts_its_free_places_once(client_for, org, org_admin, trainer):
    """The places line, the register button and the badge all show the free places: the
    confirmed registrations are counted once for the page (waiting and cancelled ones are not
    taken places)."""
    workshop = make_workshop(trainer=trainer, capacity=3)
    for status in (Registration.Status.CONFIRMED, Registration.Status.WAITLISTED):
        register(workshop, factories.member_of(org), org, status=status)
    register(workshop, factories.member_of(org), org, status=Registration.Status.CANCELLED)
    with CaptureQueriesContext(connection) as queries:
        response = client_for(org_admin).get(workshop.get_absolute_url())
    assert response.status_code == 200 and response.context["free_places"] == 2
    assert "2 von 3 frei" in response.content.decode()
    confirmed_counts = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT COUNT(*) AS "__count" FROM "qualification_registration"')
    ]
    assert confirmed_counts == [], confirmed_counts  # the workshop's own row carries the count
