from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from qualification.models import CoachingCase, CoachingNudge, CoachingSession, Feedback

from .factories import make_workshop, register

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model",
    [
        "topic",
        "workshop",
        "registration",
        "feedback",
        "coachingcase",
        "coachingsession",
        "coachingnudge",
    ],
)
def test_admin_lists_and_change_pages_load(client_for, portal_admin, org, org_member, model):
    workshop = make_workshop(trainer=portal_admin, starts_in=timedelta(days=-1))
    registration = register(workshop, org_member, org, attended=True)
    Feedback.objects.create(registration=registration, rating=5)
    session = CoachingSession.objects.create(
        organisation=org,
        consultant=portal_admin,
        date=timezone.localdate(),
        duration_minutes=30,
        format="phone",
    )
    case = CoachingCase.objects.create(
        organisation=org, consultant=portal_admin, started_on=session.date
    )
    CoachingNudge.objects.create(case=case, last_session_date=session.date)
    portal_admin.is_superuser = True  # model permissions; the admin role alone grants none
    portal_admin.save(update_fields=["is_superuser"])
    client = client_for(portal_admin)
    changelist = client.get(reverse(f"admin:qualification_{model}_changelist"), {"q": "a"})
    assert changelist.status_code == 200
    obj = changelist.context["cl"].model.objects.first()
    change = client.get(reverse(f"admin:qualification_{model}_change", args=[obj.pk]))
    assert change.status_code == 200
