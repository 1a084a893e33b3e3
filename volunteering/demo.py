"""Fictional demo data for the volunteer service desk (called by `manage.py seed_demo`).

Safe to run again: records are looked up by name first, nothing is duplicated. Rows are
built with the factories of devtools/factories.py (a dev dependency, like seed_demo).
"""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from devtools.factories import (
    ConsultationFactory,
    ContingentFactory,
    PlacementFactory,
    SeminarAttendanceFactory,
    SeminarFactory,
    ServiceProfileFactory,
    SiteStatusChangeFactory,
    VolunteerFactory,
    ensure,
)
from organisations.models import Organisation, User

from .models import PlacementStatus, SiteStatus, Volunteer

CARRIERS = ["Trägerverein Brücke e.V. (Demo)", "Dialogwerk Berlin e.V. (Demo)"]
# organisation, status, carrier, FSJ, BFD, places
PROFILES = [
    ("Brückenbau e.V.", SiteStatus.RECOGNISED, CARRIERS[0], True, True, 3),
    ("Samowar Seniorentreff e.V.", SiteStatus.RECOGNISED, CARRIERS[1], False, True, 2),
    ("Sonnenblume Kulturverein e.V.", SiteStatus.ADVISED, None, False, False, None),
    ("Teranga Berlin e.V.", SiteStatus.INTERESTED, None, False, False, None),
]
CONSULTATIONS = [
    (
        "Brückenbau e.V.",
        200,
        "Anerkennung als Einsatzstelle",
        "Unterlagen für den Träger vorbereitet",
    ),
    (
        "Sonnenblume Kulturverein e.V.",
        20,
        "Erstberatung FSJ und BFD",
        "Interesse an zwei BFD-Plätzen",
    ),
    ("Samowar Seniorentreff e.V.", 90, "Pädagogische Begleitung im BFD 27+", "Mentorin benannt"),
]
# first name, last name, site, service, months ago started, hours, birth year, background
PLACEMENTS = [
    ("Demo", "Freiwillige A", "Brückenbau e.V.", "fsj", 7, "39", 2006, True),
    ("Demo", "Freiwilliger B", "Brückenbau e.V.", "fsj", 3, "39", 2005, None),
    ("Demo", "Freiwillige C", "Samowar Seniorentreff e.V.", "bfd", 5, "25", 1968, False),
]


@transaction.atomic
def seed(stdout):
    orgs = {
        o.name: o for o in Organisation.objects.filter(name__in=CARRIERS + [p[0] for p in PROFILES])
    }
    if len(orgs) < len(CARRIERS) + len(PROFILES):
        stdout.write("volunteering: demo organisations missing, skipped")
        return
    staff = User.objects.filter(email="lead@ikmo.example").first()
    today = timezone.localdate()
    for name in CARRIERS:
        _profile(orgs[name], SiteStatus.CARRIER, None, True, True, 40, today, staff)
    for name, status, carrier, fsj, bfd, places in PROFILES:
        _profile(orgs[name], status, orgs.get(carrier), fsj, bfd, places, today, staff)
    for name, days_ago, topic, outcome in CONSULTATIONS:
        ensure(
            ConsultationFactory,
            organisation=orgs[name],
            topic=topic,
            defaults={
                "held_on": today - timedelta(days=days_ago),
                "outcome": outcome,
                "next_step": "Nachfassen per Telefon",
                "follow_up_on": today + timedelta(days=7),
                "consultant": staff,
            },
        )
    contingents = {}
    for carrier, service, places in [
        (CARRIERS[0], "fsj", 8),
        (CARRIERS[0], "bfd", 5),
        (CARRIERS[1], "bfd", 6),
    ]:
        for year in (today.year - 1, today.year):
            contingents[(carrier, service, year)], _ = ensure(
                ContingentFactory,
                carrier=orgs[carrier],
                year=year,
                service_type=service,
                defaults={"places": places},
            )
    created = []
    for first, last, site_name, service, months_ago, hours, birth_year, background in PLACEMENTS:
        volunteer = Volunteer.objects.filter(first_name=first, last_name=last).first()
        if volunteer is not None:
            continue
        site = orgs[site_name]
        carrier = site.volunteer_profile.carrier
        start = (today - timedelta(days=30 * months_ago)).replace(day=1)
        volunteer = VolunteerFactory(
            first_name=first,
            last_name=last,
            birth_year=birth_year,
            migration_background=background,
            migration_background_consent=background is not None,
            consent_given_on=start - timedelta(days=20),
            consent_text_version="2025-01",
        )
        created.append(
            PlacementFactory(
                volunteer=volunteer,
                site=site,
                contingent=contingents[(carrier.name, service, start.year)],
                service_type=service,
                start_date=start,
                end_date=start.replace(year=start.year + 1) - timedelta(days=1),
                weekly_hours=Decimal(hours),
                mentor_name="Demo-Mentorin",
                status=PlacementStatus.ACTIVE,
                created_by=staff,
            )
        )
    seminar, _ = ensure(
        SeminarFactory,
        title="Einführungsseminar (Demo)",
        carrier=orgs[CARRIERS[0]],
        defaults={
            "start_date": today - timedelta(days=60),
            "end_date": today - timedelta(days=56),
            "days": 5,
            "location": "Berlin-Mitte",
        },
    )
    for placement in created:
        if placement.service_type == "fsj" and placement.start_date <= seminar.start_date:
            ensure(
                SeminarAttendanceFactory,
                seminar=seminar,
                placement=placement,
                defaults={"days_attended": 5, "recorded_by": staff},
            )
    stdout.write(f"volunteering: {len(created)} demo placements added")


def _profile(org, status, carrier, fsj, bfd, places, today, staff):
    site = status in (SiteStatus.RECOGNISED, SiteStatus.CARRIER)
    profile, created = ensure(
        ServiceProfileFactory,
        organisation=org,
        defaults={
            "status": status,
            "carrier": carrier,
            "offers_fsj": fsj,
            "offers_bfd": bfd,
            "places": places,
            "recognised_on": today - timedelta(days=400) if site else None,
        },
    )
    if created:
        SiteStatusChangeFactory(profile=profile, from_status="", to_status=status, changed_by=staff)
    return profile
