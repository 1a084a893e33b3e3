from datetime import timedelta

import pytest
from django.utils import timezone

from qualification.models import CoachingSession, Workshop
from qualification.selectors import (
    organisation_attended_workshop,
    organisations_attended_workshop,
)
from reporting.registry import DateRange, get_indicator
from tests import factories

from .factories import make_workshop, register

pytestmark = pytest.mark.django_db

KEYS = ["workshops_held", "basic_workshops", "participants", "coaching_sessions", "coaching_hours"]


def test_indicators_count_what_was_logged(org, other_org, trainer, consultant):
    today = timezone.localdate()
    basic = make_workshop(trainer=trainer, starts_in=timedelta(days=-5), is_basic=True)
    plain = make_workshop(trainer=trainer, starts_in=timedelta(days=-3))
    make_workshop(trainer=trainer, starts_in=timedelta(days=5))  # not held yet
    make_workshop(trainer=trainer, starts_in=timedelta(days=-4), status=Workshop.Status.CANCELLED)
    make_workshop(trainer=trainer, starts_in=timedelta(days=-200))  # outside the period
    a, b = factories.member_of(org), factories.member_of(org)
    register(basic, a, org, attended=True)
    register(plain, a, org, attended=True)
    register(plain, b, org, attended=False)
    third = factories.OrganisationFactory()
    for days_ago, minutes, organisation in ((1, 90, other_org), (2, 30, third), (400, 60, org)):
        CoachingSession.objects.create(
            organisation=organisation,
            consultant=consultant,
            date=today - timedelta(days=days_ago),
            duration_minutes=minutes,
            format="phone",
        )

    period = DateRange(today - timedelta(days=30), today)
    result = {key: get_indicator(key).value(period) for key in KEYS}

    assert result["workshops_held"] == 2
    assert result["basic_workshops"] == 1
    assert result["participants"] == 2
    assert result["coaching_sessions"] == 2
    assert str(result["coaching_hours"]) == "2.0"
    # Supported: org (workshops), other_org and third (coaching), each once.
    supported = get_indicator("organisations_supported").records(period)
    assert set(supported) == {org, other_org, third}


def test_organisation_attended_workshop(org, other_org, trainer):
    workshop = make_workshop(trainer=trainer, starts_in=timedelta(days=-1))
    register(workshop, factories.member_of(other_org), other_org, attended=False)
    assert organisation_attended_workshop(org) is False
    assert organisation_attended_workshop(other_org) is False
    register(workshop, factories.member_of(org), org, attended=True)
    assert organisation_attended_workshop(org) is True
    assert organisations_attended_workshop([org.pk, other_org.pk]) == {org.pk}


def test_beat_tasks_are_scheduled_and_run(settings, org, org_member, trainer):
    from ikmo.models import OutboundEmail
    from qualification import tasks

    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "qualification.tasks.send_workshop_reminders",
        "qualification.tasks.send_workshop_followups",
        "qualification.tasks.send_coaching_follow_up_reminders",
        "qualification.tasks.send_coaching_nudges",
    } <= names
    soon = make_workshop(trainer=trainer, starts_in=timedelta(hours=3))
    register(soon, org_member, org)
    assert tasks.send_workshop_reminders.delay().get() == 1
    assert tasks.send_workshop_reminders.delay().get() == 0
    assert OutboundEmail.objects.filter(to=org_member.email).count() == 1
    assert tasks.send_workshop_followups.delay().get() == 0
    assert tasks.send_coaching_follow_up_reminders.delay().get() == 0
    assert tasks.send_coaching_nudges.delay().get() == 0


def test_dashboard_and_navigation_entries_by_role(org_member, consultant, outsider):
    from qualification import dashboard, navigation

    labels = lambda user: [str(label) for label, _url in navigation.items(user)]  # noqa: E731
    assert labels(org_member) == ["Workshops", "Meine Anmeldungen"]
    assert labels(outsider) == ["Workshops"]
    assert "Coaching-Protokoll" in labels(consultant)
    assert [c.title for c in dashboard.cards(org_member)] == ["Meine Workshops"]
    assert "Fällige Coaching-Nachverfolgungen" in [c.title for c in dashboard.cards(consultant)]


def test_trainers_see_their_workshops_on_the_overview(trainer, client_for):
    from django.urls import reverse

    from qualification import dashboard

    workshop = make_workshop(trainer=trainer, title="Meine Schulung")
    cards = {c.title: c for c in dashboard.cards(trainer)}
    links = cards["Von Ihnen geleitete Workshops"].links
    assert [link.url for link in links] == [reverse("qualification:attendance", args=[workshop.pk])]
    page = client_for(trainer).get(reverse("home")).content.decode()
    assert "Meine Schulung" in page


def test_the_overview_and_the_qualification_page_show_the_next_workshops_first(
    org, org_admin, org_member, client_for
):
    """Soonest first, the person's own registrations only (not those they made for a
    colleague as the organisation's admin), none cancelled or over."""
    from django.urls import reverse

    from qualification import dashboard
    from qualification.models import Registration

    days = [40, 5, 70, 12, 26, 19, 55]
    workshops = {
        d: make_workshop(title=f"Workshop in {d} Tagen", starts_in=timedelta(days=d)) for d in days
    }
    for workshop in workshops.values():
        register(workshop, org_admin, org)
    register(
        make_workshop(title="Abgesagt", starts_in=timedelta(days=1)),
        org_admin,
        org,
        status=Registration.Status.CANCELLED,
    )
    register(make_workshop(title="Vorbei", starts_in=timedelta(days=-3)), org_admin, org)
    colleague = register(
        make_workshop(title="Für die Kollegin", starts_in=timedelta(days=2)), org_member, org
    )
    Registration.objects.filter(pk=colleague.pk).update(registered_by=org_admin)

    card = next(c for c in dashboard.cards(org_admin) if c.title == "Meine Workshops")
    assert [link.label for link in card.links] == [f"Workshop in {d} Tagen" for d in (5, 12, 19)]
    page = client_for(org_admin).get(reverse("qualification:home"))
    assert [r.workshop.title for r in page.context["my_upcoming"]] == [
        f"Workshop in {d} Tagen" for d in (5, 12, 19, 26, 40)
    ]
