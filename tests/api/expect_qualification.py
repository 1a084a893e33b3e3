"""The qualification endpoints. The lists that take a POST are declared with their write
(one entry per route name); their GET is checked for every persona in
tests/api/test_qualification.py (test_the_lists_behind_the_writes_...)."""

import datetime

from .matrix import EVERYONE, MEMBERS, ORG_A, STAFF, ApiRoute


def open_workshop(w, key="api_open_workshop"):
    """A published workshop still open for registration (the world's own one is over)."""
    from ikmo.subprojects import SubProject
    from tests.qualification.factories import make_workshop

    if key not in w.objects:
        w.objects[key] = make_workshop(
            trainer=w.consultants[SubProject.QUALIFICATION],
            title="Workshop Zukunftsplanung",
            starts_in=datetime.timedelta(days=14),
        )
    return w.objects[key]


def open_registration_a(w):
    """Member A's registration for a coming workshop: one that can still be cancelled."""
    from tests.qualification.factories import register

    if "api_open_registration_a" not in w.objects:
        workshop = open_workshop(w, key="api_cancel_workshop")
        w.objects["api_open_registration_a"] = register(workshop, w.users["member_a"], w.org_a)
    return w.objects["api_open_registration_a"]


def coaching_body(w):
    return {
        "organisation": w.org_a.pk,
        "date": (datetime.date.today() - datetime.timedelta(days=1)).isoformat(),
        "duration_minutes": 60,
        "format": "phone",
    }


EXPECTATIONS = {
    # As the public workshop list and page.
    "api:qualification_workshops-list": ApiRoute(EVERYONE, "qualification", public=True),
    "api:qualification_workshops-detail": ApiRoute(
        EVERYONE, "qualification", kwargs=lambda w: {"pk": w.workshop.pk}, public=True
    ),
    # Register oneself (for one's only organisation): as qualification:workshop_register,
    # members may; the others have no organisation to register for (403).
    "api:qualification_registrations-list": ApiRoute(
        MEMBERS,
        "qualification",
        method="post",
        body=lambda w: {"workshop": open_workshop(w).pk},
    ),
    "api:qualification_registrations-detail": ApiRoute(
        ORG_A | STAFF, "qualification", kwargs=lambda w: {"pk": w.registration_a.pk}
    ),
    # As qualification:registration_cancel.
    "api:qualification_registrations-cancel": ApiRoute(
        ORG_A | STAFF,
        "qualification",
        kwargs=lambda w: {"pk": open_registration_a(w).pk},
        method="post",
    ),
    # As qualification:coaching_create (the team logs a session with organisation A).
    "api:qualification_coaching_sessions-list": ApiRoute(
        STAFF, "qualification", method="post", body=coaching_body
    ),
    "api:qualification_coaching_sessions-detail": ApiRoute(
        STAFF, "qualification", kwargs=lambda w: {"pk": w.coaching_a.pk}
    ),
}
