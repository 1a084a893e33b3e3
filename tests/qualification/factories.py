"""Qualification test data. Fictional only."""

from datetime import timedelta

from django.utils import timezone

from qualification.models import Registration, Topic, Workshop, WorkshopSession
from qualification.services import _sync_dates
from tests import factories


def make_workshop(
    *,
    trainer=None,
    capacity: int = 10,
    starts_in: timedelta = timedelta(days=10),
    hours: int = 3,
    sessions: int = 1,
    status: str = Workshop.Status.PUBLISHED,
    title: str = "Fördermittel beantragen",
    topics=("funding",),
    languages=("de",),
    **extra,
) -> Workshop:
    from organisations.models import SpokenLanguage

    if trainer is None:
        trainer = factories.staff(email=f"trainer{Workshop.objects.count()}@centre.example")
    workshop = Workshop.objects.create(
        title=title,
        description="Wie stelle ich einen Antrag?",
        venue=extra.pop("venue", "Musterstraße 1, 10115 Berlin"),
        capacity=capacity,
        trainer=trainer,
        status=status,
        **extra,
    )
    workshop.topics.set(Topic.objects.filter(slug__in=topics))
    workshop.languages.set(SpokenLanguage.objects.filter(slug__in=languages))
    start = timezone.now().replace(microsecond=0) + starts_in
    for i in range(sessions):
        WorkshopSession.objects.create(
            workshop=workshop,
            starts_at=start + timedelta(days=7 * i),
            ends_at=start + timedelta(days=7 * i, hours=hours),
        )
    _sync_dates(workshop)
    return workshop


def register(workshop, user, organisation, *, status=Registration.Status.CONFIRMED, **extra):
    """A registration row written directly (bypassing the service) for setting up a scene."""
    from django.db.models import Max

    last = workshop.registrations.aggregate(m=Max("position"))["m"] or 0
    return Registration.objects.create(
        workshop=workshop,
        participant=user,
        organisation=organisation,
        registered_by=user,
        status=status,
        position=last + 1,
        **extra,
    )
