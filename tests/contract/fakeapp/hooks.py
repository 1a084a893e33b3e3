"""Every hook of the fake sub-project in one module (a real app spreads them over
navigation.py, dashboard.py, timeline.py, indicators.py, documents.py, privacy.py, demo.py)."""

from django.urls import reverse
from django.utils import timezone

from ikmo.choosers import Scope
from ikmo.dashboard import Card
from ikmo.documents import DocumentKind
from organisations.choosers import ORGANISATIONS
from organisations.models import Organisation
from organisations.timeline import TimelineEvent
from privacy.registry import by_user, register
from reporting.registry import Indicator, Reach, Unit, within

from .models import LabVisit

SEEDED = []


def navigation_items(user):
    return [("Lab bookings", reverse("citizens_lab:home"))] if user.is_authenticated else []


def cards(user):
    return [Card(title="Next lab visit", subproject="citizens_lab", count=3)]


def events(organisation, user, limit):
    yield TimelineEvent(
        when=timezone.now(),
        title=f"Visited the lab: {organisation.name}",
        subproject="citizens_lab",
    )


INDICATORS = [
    Indicator(
        key="lab_organisations",
        label="Organisations at the lab",
        subproject="citizens_lab",
        unit=Unit.ORGANISATIONS,
        # Stands in for the lab's own records: organisations registered in the period.
        records=lambda period: within(Organisation.objects.all(), "created_at", period),
        organisation_field="",
        date_field="created_at",
        reach=Reach.SUPPORTED,
    )
]

KINDS = [
    DocumentKind(
        key="lab_certificate",
        template="pdf/base.html",
        build_context=lambda target, document: {},
        can_view=lambda user, target: False,
        title=lambda target: "Lab certificate",
    )
]

register(LabVisit, people=[by_user("visitor")], organisation="organisation")

# The organisations a lab visit can be booked for: staff choose among the approved ones.
CHOOSERS = [
    Scope(
        name="lab_organisations",
        kind=ORGANISATIONS,
        choices=lambda user: Organisation.objects.approved(),
        allowed=lambda user: user.is_authenticated and user.is_centre_staff,
    )
]


def seed(stdout):
    SEEDED.append(stdout)
