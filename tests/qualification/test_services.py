import dataclasses
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ikmo.models import AuditEntry, OutboundEmail
from organisations.models import Membership
from qualification import services
from qualification.models import Registration, Workshop
from tests import factories

from .factories import make_workshop, register

pytestmark = pytest.mark.django_db


def mails_to(email):
    return list(OutboundEmail.objects.filter(to=email).values_list("subject", flat=True))


def test_member_registers_themselves_and_gets_a_confirmation(workshop, org, org_member):
    registration = services.registration_create(
        workshop=workshop, participant=org_member, organisation=org, by=org_member
    )
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.position == 1
    assert any("Anmeldung bestätigt" in s for s in mails_to(org_member.email))
    assert AuditEntry.objects.filter(
        action="qualification.registration.confirmed", organisation=org
    ).exists()


def test_member_registers_a_colleague_of_the_same_organisation(
    workshop, org, org_member, colleague
):
    registration = services.registration_create(
        workshop=workshop, participant=colleague, organisation=org, by=org_member
    )
    assert registration.participant == colleague
    assert registration.registered_by == org_member
    assert mails_to(colleague.email)


def test_nobody_can_register_people_of_another_organisation(
    workshop, org, other_org, org_member, other_member
):
    with pytest.raises(ValidationError):
        services.registration_create(
            workshop=workshop, participant=other_member, organisation=org, by=org_member
        )
    with pytest.raises(ValidationError):
        services.registration_create(
            workshop=workshop, participant=other_member, organisation=other_org, by=org_member
        )
    assert not Registration.objects.exists()


def test_pending_member_cannot_register(workshop, org):
    pending = factories.UserFactory()
    factories.MembershipFactory(user=pending, organisation=org, status=Membership.Status.PENDING)
    with pytest.raises(ValidationError):
        services.registration_create(
            workshop=workshop, participant=pending, organisation=org, by=pending
        )


def test_the_same_person_cannot_be_registered_twice(workshop, org, org_member, colleague):
    services.registration_create(
        workshop=workshop, participant=colleague, organisation=org, by=colleague
    )
    with pytest.raises(ValidationError, match="bereits angemeldet"):
        services.registration_create(
            workshop=workshop, participant=colleague, organisation=org, by=org_member
        )


def test_full_workshop_puts_people_on_the_waiting_list_in_order(workshop, org, org_member):
    people = [factories.member_of(org) for _ in range(4)]
    results = [
        services.registration_create(workshop=workshop, participant=p, organisation=org, by=p)
        for p in people
    ]
    assert [r.status for r in results] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert [r.position for r in results] == [1, 2, 3, 4]
    assert any("Warteliste" in s for s in mails_to(people[2].email))


def test_registration_after_the_deadline_is_refused(org, org_member, trainer):
    workshop = make_workshop(
        trainer=trainer, registration_deadline=timezone.now() - timedelta(minutes=1)
    )
    with pytest.raises(ValidationError, match="Anmeldeschluss"):
        services.registration_create(
            workshop=workshop, participant=org_member, organisation=org, by=org_member
        )


def test_drafts_and_cancelled_workshops_take_no_registrations(org, org_member, trainer):
    for status in (Workshop.Status.DRAFT, Workshop.Status.CANCELLED):
        workshop = make_workshop(trainer=trainer, status=status)
        with pytest.raises(ValidationError):
            services.registration_create(
                workshop=workshop, participant=org_member, organisation=org, by=org_member
            )


def test_cancelling_a_confirmed_place_promotes_the_first_on_the_waiting_list(workshop, org):
    a, b, c, d = (factories.member_of(org) for _ in range(4))
    ra = services.registration_create(workshop=workshop, participant=a, organisation=org, by=a)
    services.registration_create(workshop=workshop, participant=b, organisation=org, by=b)
    rc = services.registration_create(workshop=workshop, participant=c, organisation=org, by=c)
    rd = services.registration_create(workshop=workshop, participant=d, organisation=org, by=d)
    OutboundEmail.objects.all().delete()

    promoted = services.registration_cancel(registration=ra, by=a)

    assert [r.pk for r in promoted] == [rc.pk]
    rc.refresh_from_db()
    rd.refresh_from_db()
    assert rc.status == "confirmed" and rc.promoted_at is not None
    assert rd.status == "waitlisted"
    assert mails_to(c.email) == ["Ein Platz ist für Sie frei: Fördermittel beantragen"]
    assert mails_to(d.email) == []
    assert AuditEntry.objects.filter(action="qualification.registration.promoted").count() == 1


def test_cancelling_a_waiting_list_place_promotes_nobody(workshop, org):
    a, b, c = (factories.member_of(org) for _ in range(3))
    for p in (a, b):
        services.registration_create(workshop=workshop, participant=p, organisation=org, by=p)
    rc = services.registration_create(workshop=workshop, participant=c, organisation=org, by=c)
    assert services.registration_cancel(registration=rc, by=c) == []
    assert workshop.registrations.filter(status="confirmed").count() == 2


def test_raising_the_capacity_fills_places_from_the_waiting_list(workshop, org):
    from qualification.forms import SessionFormSet, WorkshopForm

    people = [factories.member_of(org) for _ in range(3)]
    for p in people:
        services.registration_create(workshop=workshop, participant=p, organisation=org, by=p)
    form = WorkshopForm(
        {
            "title_de": workshop.title,
            "topics": [t.pk for t in workshop.topics.all()],
            "languages": [lang.pk for lang in workshop.languages.all()],
            "venue": workshop.venue,
            "capacity": 3,
            "trainer": workshop.trainer_id,
            "status": "published",
        },
        instance=workshop,
        user=workshop.trainer,
    )
    session = workshop.sessions.get()
    fmt = "%Y-%m-%dT%H:%M"
    sessions = SessionFormSet(
        {
            "sessions-TOTAL_FORMS": "1",
            "sessions-INITIAL_FORMS": "1",
            "sessions-0-id": str(session.pk),
            "sessions-0-starts_at": timezone.localtime(session.starts_at).strftime(fmt),
            "sessions-0-ends_at": timezone.localtime(session.ends_at).strftime(fmt),
        },
        instance=workshop,
        prefix="sessions",
    )
    assert form.is_valid(), form.errors
    assert sessions.is_valid(), sessions.errors
    services.workshop_save(
        workshop=workshop, data=form.workshop_data(), sessions=sessions.dates(), by=workshop.trainer
    )
    assert workshop.registrations.filter(status="confirmed").count() == 3


def test_capacity_cannot_drop_below_confirmed_places(workshop, org):
    from qualification.forms import WorkshopForm

    for p in (factories.member_of(org) for _ in range(2)):
        services.registration_create(workshop=workshop, participant=p, organisation=org, by=p)
    form = WorkshopForm({"capacity": 1}, instance=workshop, user=workshop.trainer)
    form.is_valid()
    assert "capacity" in form.errors


def test_no_cancellation_once_the_workshop_has_started(org, org_member, trainer):
    workshop = make_workshop(trainer=trainer, starts_in=timedelta(hours=-1))
    registration = register(workshop, org_member, org)
    with pytest.raises(ValidationError):
        services.registration_cancel(registration=registration, by=org_member)


def test_cancelling_twice_is_refused(workshop, org, org_member):
    r = services.registration_create(
        workshop=workshop, participant=org_member, organisation=org, by=org_member
    )
    services.registration_cancel(registration=r, by=org_member)
    with pytest.raises(ValidationError):
        services.registration_cancel(registration=r, by=org_member)


def test_a_cancelled_person_can_register_again(workshop, org, org_member):
    r = services.registration_create(
        workshop=workshop, participant=org_member, organisation=org, by=org_member
    )
    services.registration_cancel(registration=r, by=org_member)
    again = services.registration_create(
        workshop=workshop, participant=org_member, organisation=org, by=org_member
    )
    assert again.status == "confirmed" and again.position == 2


def test_workshop_cancellation_informs_everyone_registered(workshop, org, org_member, colleague):
    for p in (org_member, colleague):
        services.registration_create(workshop=workshop, participant=p, organisation=org, by=p)
    OutboundEmail.objects.all().delete()
    services.workshop_cancel(workshop=workshop, by=workshop.trainer)
    assert OutboundEmail.objects.count() == 2
    workshop.refresh_from_db()
    assert workshop.status == "cancelled"


# Attendance and feedback ----------------------------------------------------------------------


def test_attendance_only_from_the_first_day(org, org_member, trainer):
    future = make_workshop(trainer=trainer)
    r = register(future, org_member, org)
    with pytest.raises(ValidationError):
        services.attendance_set(registration=r, attended=True, by=trainer)
    today = make_workshop(trainer=trainer, starts_in=timedelta(minutes=-30))
    r2 = register(today, org_member, org)
    assert services.attendance_set(registration=r2, attended=True, by=trainer).attended is True


def test_attendance_is_not_recorded_for_the_waiting_list(org, org_member, trainer):
    workshop = make_workshop(trainer=trainer, starts_in=timedelta(minutes=-30))
    r = register(workshop, org_member, org, status=Registration.Status.WAITLISTED)
    with pytest.raises(ValidationError):
        services.attendance_set(registration=r, attended=True, by=trainer)


def test_feedback_once_per_registration_and_only_by_the_attendee(org, org_member, trainer):
    workshop = make_workshop(trainer=trainer, starts_in=timedelta(days=-1))
    r = register(workshop, org_member, org, attended=True)
    services.feedback_submit(registration=r, rating=4, comment=" gut ", by=org_member)
    with pytest.raises(ValidationError):
        services.feedback_submit(registration=r, rating=5, comment="", by=org_member)
    absent = register(workshop, factories.member_of(org), org, attended=False)
    with pytest.raises(ValidationError):
        services.feedback_submit(registration=absent, rating=5, comment="", by=absent.participant)


def test_feedback_summary_aggregates_ratings(org, trainer):
    from qualification.selectors import feedback_summary

    workshop = make_workshop(trainer=trainer, starts_in=timedelta(days=-1))
    for rating in (5, 4, 4, 2):
        r = register(workshop, factories.member_of(org), org, attended=True)
        services.feedback_submit(registration=r, rating=rating, comment="", by=r.participant)
    summary = feedback_summary(workshop)
    assert summary["count"] == 4
    assert summary["average"] == 3.8
    assert summary["distribution"] == [0, 1, 0, 2, 1]


# Reminders: exactly once ----------------------------------------------------------------------


def test_workshop_reminder_is_sent_exactly_once(org, org_member, colleague, trainer):
    soon = make_workshop(trainer=trainer, starts_in=timedelta(hours=20))
    later = make_workshop(trainer=trainer, starts_in=timedelta(days=5))
    register(soon, org_member, org)
    register(soon, colleague, org, status=Registration.Status.WAITLISTED)
    register(later, org_member, org)

    assert services.workshop_reminders_send_all() == 1
    assert services.workshop_reminders_send_all() == 0
    assert mails_to(org_member.email) == ["Erinnerung: Fördermittel beantragen"]
    assert mails_to(colleague.email) == []


def test_reminder_claim_cannot_be_won_twice(org, org_member, trainer):
    soon = make_workshop(trainer=trainer, starts_in=timedelta(hours=2))
    r = register(soon, org_member, org)
    assert services.workshop_reminder_send(registration_id=r.pk) is True
    assert services.workshop_reminder_send(registration_id=r.pk) is False
    assert OutboundEmail.objects.filter(to=org_member.email).count() == 1


def test_follow_up_with_feedback_link_goes_to_attendees_once(org, org_member, colleague, trainer):
    past = make_workshop(trainer=trainer, starts_in=timedelta(days=-1), hours=2)
    r = register(past, org_member, org, attended=True)
    register(past, colleague, org, attended=False)
    assert services.workshop_followups_send_all() == 1
    assert services.workshop_followups_send_all() == 0
    body = OutboundEmail.objects.get(to=org_member.email).body
    assert f"/qualification/registrations/{r.pk}/feedback/" in body
    assert not OutboundEmail.objects.filter(to=colleague.email).exists()


# Coaching --------------------------------------------------------------------------------------


def _session(org, consultant, *, days_ago=0, follow_up_in=None, **extra):
    from qualification.models import CoachingCase, CoachingSession

    today = timezone.localdate()
    session = CoachingSession.objects.create(
        organisation=org,
        consultant=consultant,
        date=today - timedelta(days=days_ago),
        duration_minutes=extra.pop("duration_minutes", 90),
        format="in_person",
        follow_up_date=None if follow_up_in is None else today + timedelta(days=follow_up_in),
        next_step="Antrag gemeinsam durchgehen" if follow_up_in is not None else "",
        **extra,
    )
    # As coaching_session_create does: a later session covers the earlier follow-ups.
    services.coaching_superseded_refresh(organisation_ids=[org.pk])
    CoachingCase.objects.get_or_create(
        organisation=org, defaults={"consultant": consultant, "started_on": session.date}
    )
    return session


def test_follow_up_reminder_exactly_once_and_not_when_already_followed_up(
    org, other_org, consultant
):
    due = _session(org, consultant, days_ago=10, follow_up_in=0)
    handled = _session(other_org, consultant, days_ago=20, follow_up_in=-1)
    _session(other_org, consultant, days_ago=2)  # a later session took care of it
    _session(org, consultant, days_ago=1, follow_up_in=5)  # not due yet; but is later than `due`

    # `due` has a later session for org too (days_ago=1), so nothing is due at all:
    assert services.coaching_follow_up_reminders_send_all() == 0
    assert handled.pk and due.pk


def test_a_later_session_covers_earlier_follow_ups_whichever_way_it_comes_in(
    org, other_org, consultant, client
):
    """The flag the follow-up lists read follows every write: a new session, a corrected date
    and a session deleted in the admin."""
    from qualification.models import CoachingSession
    from qualification.selectors import open_follow_ups
    from tests.conftest import enrol_mfa

    early = _session(org, consultant, days_ago=10, follow_up_in=2)
    assert [s.pk for s in open_follow_ups(consultant)] == [early.pk]
    data = services.CoachingSessionData(
        date=timezone.localdate() - timedelta(days=3),
        duration_minutes=45,
        format="phone",
        topics=[],
        participants="",
        participant_count=1,
        outcome="",
        next_step="",
        follow_up_date=None,
        confidential_notes="",
    )
    later = services.coaching_session_create(organisation=org, data=data, by=consultant)
    assert list(open_follow_ups(consultant)) == []
    assert CoachingSession.objects.get(pk=early.pk).superseded
    assert not CoachingSession.objects.get(pk=later.pk).superseded

    # The later one was entered with a wrong date: moved before the early one, it covers
    # nothing any more.
    data = dataclasses.replace(data, date=timezone.localdate() - timedelta(days=20))
    services.coaching_session_update(session=later, data=data, by=consultant)
    assert [s.pk for s in open_follow_ups(consultant)] == [early.pk]

    data = dataclasses.replace(data, date=timezone.localdate() - timedelta(days=1))
    services.coaching_session_update(session=later, data=data, by=consultant)
    assert list(open_follow_ups(consultant)) == []

    # An admin deletes the later one: the early follow-up is open again.
    admin = factories.UserFactory(is_staff=True, is_superuser=True)
    enrol_mfa(admin)
    client.force_login(admin)
    response = client.post(
        f"/admin/qualification/coachingsession/{later.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert not CoachingSession.objects.filter(pk=later.pk).exists()
    assert [s.pk for s in open_follow_ups(consultant)] == [early.pk]


def test_follow_up_reminder_sent_once(org, consultant):
    session = _session(org, consultant, days_ago=7, follow_up_in=0)
    assert services.coaching_follow_up_reminders_send_all() == 1
    assert services.coaching_follow_up_reminders_send_all() == 0
    subjects = mails_to(consultant.email)
    assert subjects == [f"Coaching-Nachverfolgung fällig: {org.name}"]
    session.refresh_from_db()
    assert session.follow_up_reminded_at is not None


def test_nudge_once_per_gap_and_again_after_a_new_gap(org, consultant, settings):
    settings.IKMO_COACHING_NUDGE_WEEKS = 6
    _session(org, consultant, days_ago=43)
    assert services.coaching_nudges_send_all() == 1
    assert services.coaching_nudges_send_all() == 0
    # A new session closes the gap; six weeks later a new gap nudges again.
    _session(org, consultant, days_ago=0)
    assert services.coaching_nudges_send_all() == 0
    later = timezone.localdate() + timedelta(weeks=6)
    assert services.coaching_nudges_send_all(today=later) == 1
    assert services.coaching_nudges_send_all(today=later) == 0
    assert len(mails_to(consultant.email)) == 2


def test_no_nudge_for_closed_coaching_or_short_gaps(org, other_org, consultant, settings):
    from qualification.models import CoachingCase

    settings.IKMO_COACHING_NUDGE_WEEKS = 6
    _session(org, consultant, days_ago=41)
    _session(other_org, consultant, days_ago=60)
    case = CoachingCase.objects.get(organisation=other_org)
    services.coaching_case_set_active(case=case, active=False, by=consultant)
    assert services.coaching_nudges_send_all() == 0


def test_nudge_weeks_are_configurable(org, consultant, settings):
    settings.IKMO_COACHING_NUDGE_WEEKS = 2
    _session(org, consultant, days_ago=15)
    assert services.coaching_nudges_send_all() == 1


def test_coaching_audit_never_records_confidential_text(org, consultant):
    from qualification.forms import CoachingSessionForm

    session = _session(org, consultant, days_ago=1, confidential_notes="alt")
    form = CoachingSessionForm(
        {
            "date": session.date.isoformat(),
            "duration_minutes": 60,
            "format": "phone",
            "participant_count": 1,
            "confidential_notes": "Vorstand zerstritten",
        },
        instance=session,
    )
    assert form.is_valid(), form.errors
    services.coaching_session_update(session=session, data=form.session_data(), by=consultant)
    entry = AuditEntry.objects.get(action="qualification.session.updated")
    assert "Vorstand" not in str(entry.changes)
    assert "confidential_notes" in entry.changes


def test_one_broken_reminder_does_not_block_the_others_and_is_retried(
    org, org_member, colleague, trainer, monkeypatch
):
    soon = make_workshop(trainer=trainer, starts_in=timedelta(hours=5))
    broken = register(soon, org_member, org)
    fine = register(soon, colleague, org)
    real_mail = services._mail

    def flaky_mail(user, template, context, **kwargs):
        if user == org_member:
            raise RuntimeError("template broken")
        return real_mail(user, template, context, **kwargs)

    monkeypatch.setattr(services, "_mail", flaky_mail)
    assert services.workshop_reminders_send_all() == 1
    broken.refresh_from_db()
    fine.refresh_from_db()
    assert broken.reminder_sent_at is None  # the claim was rolled back with the failure
    assert fine.reminder_sent_at is not None
    monkeypatch.setattr(services, "_mail", real_mail)
    assert services.workshop_reminders_send_all() == 1
    assert OutboundEmail.objects.filter(to=org_member.email).count() == 1


def _edit(workshop, *, capacity=None, shift=timedelta(0)):
    from qualification.forms import SessionFormSet, WorkshopForm

    form = WorkshopForm(
        {
            "title_de": workshop.title,
            "topics": [t.pk for t in workshop.topics.all()],
            "languages": [lang.pk for lang in workshop.languages.all()],
            "venue": workshop.venue,
            "capacity": capacity or workshop.capacity,
            "trainer": workshop.trainer_id,
            "status": workshop.status,
        },
        instance=workshop,
        user=workshop.trainer,
    )
    session = workshop.sessions.get()
    fmt = "%Y-%m-%dT%H:%M"
    sessions = SessionFormSet(
        {
            "sessions-TOTAL_FORMS": "1",
            "sessions-INITIAL_FORMS": "1",
            "sessions-0-id": str(session.pk),
            "sessions-0-starts_at": timezone.localtime(session.starts_at + shift).strftime(fmt),
            "sessions-0-ends_at": timezone.localtime(session.ends_at + shift).strftime(fmt),
        },
        instance=workshop,
        prefix="sessions",
    )
    assert form.is_valid(), form.errors
    assert sessions.is_valid(), sessions.errors
    return services.workshop_save(
        workshop=workshop, data=form.workshop_data(), sessions=sessions.dates(), by=workshop.trainer
    )


def test_new_dates_are_announced_to_everyone_registered(workshop, org, org_member, colleague):
    for p in (org_member, colleague):
        services.registration_create(workshop=workshop, participant=p, organisation=org, by=p)
    OutboundEmail.objects.all().delete()
    _edit(workshop, capacity=5)
    assert OutboundEmail.objects.count() == 0  # more places change nothing for them
    _edit(workshop, shift=timedelta(days=1))
    subjects = set(OutboundEmail.objects.values_list("to", "subject"))
    assert subjects == {
        (org_member.email, "Workshop geändert: Fördermittel beantragen"),
        (colleague.email, "Workshop geändert: Fördermittel beantragen"),
    }
    workshop.refresh_from_db()
    assert workshop.starts_at == workshop.sessions.get().starts_at


def test_workshop_status_follows_the_transition_table(workshop, trainer):
    from qualification.forms import WorkshopForm

    def status_error(instance, status):
        form = WorkshopForm({"status": status}, instance=instance, user=trainer)
        form.is_valid()
        return form.errors.get("status")

    assert status_error(workshop, "draft")  # published → draft is not allowed
    assert status_error(workshop, "cancelled")  # only through the cancel service
    cancelled = make_workshop(trainer=trainer, status=Workshop.Status.CANCELLED)
    assert status_error(cancelled, "published")
    draft = make_workshop(trainer=trainer, status=Workshop.Status.DRAFT)
    assert status_error(draft, "published") is None


@pytest.mark.parametrize(("days_ago", "expected"), [(8, "(vor 1 Woche)"), (15, "(vor 2 Wochen)")])
def test_nudge_names_the_gap_in_singular_or_plural(org, consultant, settings, days_ago, expected):
    settings.IKMO_COACHING_NUDGE_WEEKS = 1
    _session(org, consultant, days_ago=days_ago)
    assert services.coaching_nudges_send_all() == 1
    assert expected in OutboundEmail.objects.get(to=consultant.email).body
