"""Every reminder sender asks the one predicate (ikmo.notifications.mail_wanted): a person who
turned reminders off gets none, whoever sends it; transactional mail still comes."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from actionfund import services as actionfund_services
from devtools.factories import TandemFactory
from ikmo.mail import email_queue
from ikmo.models import NotificationPreference, OutboundEmail
from ikmo.notifications import MailKind, mail_wanted
from mentoring import services as mentoring_services
from mentoring.models import Tandem
from organisations.models import Membership
from qualification import services as qualification_services
from qualification.models import CoachingCase, CoachingSession
from tests import factories
from tests.actionfund.factories import CallFactory, draft
from tests.qualification.factories import make_workshop, register
from tests.volunteering.factories import PlacementFactory, carrier_profile, site_profile
from volunteering import services as volunteering_services
from volunteering.models import Contingent

pytestmark = pytest.mark.django_db


def _member(org, email, role=Membership.Role.ADMIN):
    return factories.member_of(org, role=role, email=email)


def workshop_reminder(org, consultant):
    person = _member(org, "teilnehmerin@org.example", Membership.Role.MEMBER)
    workshop = make_workshop(trainer=consultant, starts_in=timedelta(hours=20))
    registration = register(workshop, person, org)
    return person, lambda: qualification_services.workshop_reminder_send(
        registration_id=registration.pk
    )


def workshop_followup(org, consultant):
    person = _member(org, "teilnehmerin@org.example", Membership.Role.MEMBER)
    workshop = make_workshop(trainer=consultant, starts_in=timedelta(days=-2))
    registration = register(workshop, person, org, attended=True)
    return person, lambda: qualification_services.workshop_followup_send(
        registration_id=registration.pk
    )


def _coaching(org, consultant, *, days_ago, follow_up_in=None):
    today = timezone.localdate()
    CoachingCase.objects.get_or_create(
        organisation=org, defaults={"consultant": consultant, "started_on": today}
    )
    return CoachingSession.objects.create(
        organisation=org,
        consultant=consultant,
        date=today - timedelta(days=days_ago),
        duration_minutes=60,
        format=CoachingSession.Format.PHONE,
        follow_up_date=(today + timedelta(days=follow_up_in)) if follow_up_in is not None else None,
    )


def coaching_follow_up(org, consultant):
    session = _coaching(org, consultant, days_ago=7, follow_up_in=0)
    return consultant, lambda: qualification_services.coaching_follow_up_reminder_send(
        session_id=session.pk
    )


def coaching_nudge(org, consultant):
    _coaching(org, consultant, days_ago=60)
    return consultant, lambda: qualification_services.coaching_nudges_send_all()


def actionfund_draft_deadline(org, consultant):
    person = _member(org, "antrag@org.example")
    draft(
        organisation=org, by=person, call=CallFactory(closes_at=timezone.now() + timedelta(days=2))
    )
    return person, lambda: actionfund_services.reminders_send()["draft_deadline"]


def tandem_nudge(org, consultant):
    person = _member(org, "mentorin@org.example")
    tandem = TandemFactory(
        mentor=org,
        status=Tandem.Status.ACTIVE,
        starts_on=timezone.localdate() - timedelta(weeks=10),
    )
    return person, lambda: mentoring_services.tandem_nudge(tandem_id=tandem.pk)


def _placement(org, **dates):
    carrier = factories.OrganisationFactory(name="Trägerwerk Test e.V.", kind="carrier")
    carrier_profile(carrier)
    site_profile(org, carrier)
    today = date.today()
    contingent = Contingent.objects.create(
        carrier=carrier, year=today.year, service_type="fsj", places=10
    )
    return PlacementFactory(site=org, contingent=contingent, **dates)


def placement_ending(org, consultant):
    person = _member(org, "einsatzstelle@org.example")
    today = date.today()
    placement = _placement(
        org, start_date=today - timedelta(days=330), end_date=today + timedelta(days=30)
    )
    return person, lambda: volunteering_services.remind_placement_ending(placement_id=placement.pk)


def seminar_days_missing(org, consultant):
    person = _member(org, "einsatzstelle@org.example")
    today = date.today()
    placement = _placement(
        org, start_date=today - timedelta(days=240), end_date=today + timedelta(days=120)
    )
    return person, lambda: volunteering_services.remind_seminar_days_missing(
        placement_id=placement.pk, today=today
    )


SENDERS = [
    workshop_reminder,
    workshop_followup,
    coaching_follow_up,
    coaching_nudge,
    actionfund_draft_deadline,
    tandem_nudge,
    placement_ending,
    seminar_days_missing,
]


@pytest.mark.parametrize("wants_reminders", [True, False], ids=["reminders-on", "reminders-off"])
@pytest.mark.parametrize("scenario", SENDERS, ids=lambda s: s.__name__)
def test_every_reminder_sender_honours_the_persons_choice(
    scenario, wants_reminders, org, consultant
):
    person, send = scenario(org, consultant)
    if not wants_reminders:
        NotificationPreference.objects.create(user=person, reminders=False)
    OutboundEmail.objects.all().delete()
    assert send()  # the reminder is due and claimed either way: it is not tried again later
    got = OutboundEmail.objects.filter(to=person.email).count()
    assert (got > 0) is wants_reminders


def test_without_a_choice_reminders_come_and_newsletters_do_not(org):
    person = _member(org, "neu@org.example")
    assert mail_wanted(to=person.email, kind=MailKind.REMINDER)
    assert not mail_wanted(to=person.email, kind=MailKind.NEWSLETTER)
    assert mail_wanted(to="desk-inbox@centre.example", kind=MailKind.REMINDER)
    assert not mail_wanted(to="desk-inbox@centre.example", kind=MailKind.NEWSLETTER)


def test_transactional_mail_comes_whatever_the_choice(org):
    person = _member(org, "still@org.example")
    NotificationPreference.objects.create(user=person, reminders=False, newsletter=False)
    email = email_queue(
        to=person.email.upper(),
        template="organisations/email/join_approved",
        context={"organisation": org, "recipient": person},
    )
    assert email is not None
    assert (
        email_queue(
            to=person.email.upper(),
            template="organisations/email/join_approved",
            context={"organisation": org, "recipient": person},
            kind=MailKind.REMINDER,
        )
        is None
    )
