"""Fictional demo data for networking & mentoring. Safe to run again: nothing is duplicated.

Relies on the demo organisations and logins of organisations' seed_demo command. Rows are
built with the factories of devtools/factories.py (a dev dependency, like seed_demo).
"""

import datetime

from django.utils import timezone

from devtools.factories import (
    CooperationContactFactory,
    CooperationStatusChangeFactory,
    EventAttendanceFactory,
    EventFactory,
    EventRegistrationFactory,
    FollowUpTaskFactory,
    MentorOfferFactory,
    MentorRequestFactory,
    TandemEvaluationFactory,
    TandemFactory,
    TandemMeetingFactory,
    ensure,
)
from organisations.models import District, FieldOfWork, Organisation, SpokenLanguage, User

from .models import (
    Event,
    EventAgendaItem,
    EventInfoStand,
    EventSpeaker,
    MentorRequest,
    Tandem,
    TandemEvaluation,
    TandemMeeting,
)

OFFERS = [
    # organisation, fields, languages, topics, capacity, description
    (
        "Brückenbau e.V.",
        ["education", "youth"],
        ["ar", "de"],
        ["founding-association", "funding", "volunteers"],
        2,
        "Wir haben selbst klein angefangen und teilen gern, was wir über Förderanträge und "
        "Ehrenamtliche gelernt haben.",
    ),
    (
        "Sonnenblume Kulturverein e.V.",
        ["culture", "women"],
        ["tr", "ku", "de"],
        ["management", "volunteers"],
        1,
        "Erfahrung mit Kulturprojekten und Frauengruppen im Kiez.",
    ),
    (
        "Samowar Seniorentreff e.V.",
        ["elderly", "culture"],
        ["ru", "uk"],
        ["founding-association", "finance"],
        1,
        "Über zwanzig Jahre Vereinsarbeit mit älteren Menschen.",
    ),
]

REQUESTS = [
    # organisation, fields, languages, topics, district slug, needs, status
    (
        "Kiez der Sprachen e.V.",
        ["education", "culture"],
        ["ar", "fa", "de"],
        ["funding", "founding-association"],
        "mitte",
        "Wir möchten unseren ersten Förderantrag schreiben und suchen eine Organisation, "
        "die uns dabei begleitet.",
        "open",
    ),
    (
        "Neue Nachbarschaft Initiative",
        ["refugee-support", "elderly"],
        ["uk", "ru"],
        ["founding-association"],
        "lichtenberg",
        "Wir wollen einen Verein gründen und brauchen Rat zur Satzung und zu den Finanzen.",
        "matched",
    ),
    (
        "Regenbogen ohne Grenzen e.V.",
        ["culture", "lgbtiq"],
        ["tr", "de"],
        ["volunteers"],
        "tempelhof-schoneberg",
        "Wie gewinnen und halten wir Ehrenamtliche?",
        "matched",
    ),
]


def _orgs(*names):
    found = {o.name: o for o in Organisation.objects.filter(name__in=names)}
    return [found.get(n) for n in names]


def _set_profile(obj, fields, languages, topics):
    from qualification.models import Topic

    obj.fields_of_work.set(FieldOfWork.objects.filter(slug__in=fields))
    obj.languages.set(SpokenLanguage.objects.filter(slug__in=languages))
    obj.topics.set(Topic.objects.filter(slug__in=topics))


def seed(stdout=None):
    lead = User.objects.filter(email="lead@ikmo.example").first()
    mo_admin = User.objects.filter(email="mo-a@ikmo.example").first()
    today = timezone.localdate()
    now = timezone.now()

    offers = {}
    for name, fields, languages, topics, capacity, description in OFFERS:
        (organisation,) = _orgs(name)
        if organisation is None:
            continue
        offer, created = ensure(
            MentorOfferFactory,
            organisation=organisation,
            defaults={"capacity": capacity, "description": description, "created_by": lead},
        )
        if created:
            _set_profile(offer, fields, languages, topics)
        offers[name] = offer

    requests = {}
    for name, fields, languages, topics, district, needs, status in REQUESTS:
        (organisation,) = _orgs(name)
        if organisation is None:
            continue
        request = MentorRequest.objects.filter(organisation=organisation).first()
        if request is None:
            request = MentorRequestFactory(
                organisation=organisation,
                district=District.objects.filter(slug=district).first(),
                needs=needs,
                status=status,
            )
            _set_profile(request, fields, languages, topics)
        requests[name] = request

    # A running tandem with meetings, and a completed one with both evaluations.
    samowar, nachbarschaft = _orgs("Samowar Seniorentreff e.V.", "Neue Nachbarschaft Initiative")
    if samowar and nachbarschaft:
        start = today - datetime.timedelta(weeks=10)
        tandem, created = ensure(
            TandemFactory,
            mentor=samowar,
            mentee=nachbarschaft,
            defaults={
                "request": requests.get("Neue Nachbarschaft Initiative"),
                "lead": lead,
                "status": Tandem.Status.ACTIVE,
                "match_score": 9,
                "goals": "Satzung entwerfen, Gründungsversammlung vorbereiten, "
                "Kassenführung verstehen.",
                "starts_on": start,
                "planned_end_on": start + datetime.timedelta(weeks=40),
                "mentor_accepted_at": now - datetime.timedelta(weeks=10, days=2),
                "mentee_accepted_at": now - datetime.timedelta(weeks=10),
                "activated_at": now - datetime.timedelta(weeks=10),
            },
        )
        if created:
            for weeks, summary in ((9, "Kennenlernen, Ziele abgestimmt"), (5, "Satzungsentwurf")):
                TandemMeetingFactory(
                    tandem=tandem,
                    met_on=today - datetime.timedelta(weeks=weeks),
                    format=TandemMeeting.Format.IN_PERSON,
                    duration_minutes=90,
                    summary=summary,
                    logged_for=samowar,
                )
    sonnenblume, regenbogen = _orgs("Sonnenblume Kulturverein e.V.", "Regenbogen ohne Grenzen e.V.")
    if sonnenblume and regenbogen:
        start = today - datetime.timedelta(weeks=40)
        tandem, created = ensure(
            TandemFactory,
            mentor=sonnenblume,
            mentee=regenbogen,
            defaults={
                "request": requests.get("Regenbogen ohne Grenzen e.V."),
                "lead": lead,
                "status": Tandem.Status.COMPLETED,
                "match_score": 7,
                "goals": "Ein Konzept für die Gewinnung von Ehrenamtlichen.",
                "starts_on": start,
                "ended_on": today - datetime.timedelta(weeks=4),
                "mentor_accepted_at": now - datetime.timedelta(weeks=40),
                "mentee_accepted_at": now - datetime.timedelta(weeks=40),
                "activated_at": now - datetime.timedelta(weeks=40),
            },
        )
        if created:
            TandemMeetingFactory(
                tandem=tandem,
                met_on=start + datetime.timedelta(weeks=2),
                format=TandemMeeting.Format.ONLINE,
                summary="Erste Ideen gesammelt",
            )
            for organisation, rating in ((sonnenblume, 4), (regenbogen, 5)):
                TandemEvaluationFactory(
                    tandem=tandem,
                    organisation=organisation,
                    goals_reached=TandemEvaluation.GoalsReached.YES,
                    rating=rating,
                    comment="Gute Zusammenarbeit.",
                )

    # Partner brokering.
    brueckenbau, lotus, office, service = _orgs(
        "Brückenbau e.V.",
        "Lotus Gesundheitsnetz e.V.",
        "Bezirksamt Neukölln – Integrationsbüro (Demo)",
        "Stadtteilhilfe Süd gGmbH (Demo)",
    )
    contacts = [
        (brueckenbau, office, "education", "ongoing", "Frau Muster, Integrationsbüro", 120),
        (lotus, service, "health", "meeting_held", "Herr Beispiel, Beratungsstelle", 30),
    ]
    for organisation, partner, field, status, person, days in contacts:
        if not (organisation and partner):
            continue
        contact, created = ensure(
            CooperationContactFactory,
            organisation=organisation,
            partner=partner,
            defaults={
                "field_of_work": FieldOfWork.objects.get(slug=field),
                "contact_person": person,
                "contact_date": today - datetime.timedelta(days=days),
                "outcome": "Gemeinsamer Elternabend geplant." if status == "ongoing" else "",
                "status": status,
                "status_changed_at": now,
                "created_by": lead,
            },
        )
        if created:
            CooperationStatusChangeFactory(
                contact=contact, to_status="contact_made", changed_by=lead
            )
            if status != "contact_made":
                CooperationStatusChangeFactory(
                    contact=contact, from_status="contact_made", to_status=status, changed_by=lead
                )

    # One expert round held, one network event coming up.
    held, created = ensure(
        EventFactory,
        title="Fachrunde Bildung: Migrant*innenorganisationen und Schulen",
        defaults={
            "kind": Event.Kind.EXPERT_ROUND,
            "field_of_work": FieldOfWork.objects.get(slug="education"),
            "starts_at": now - datetime.timedelta(days=21),
            "place": "Rathaus Neukölln (Demo)",
            "status": Event.Status.HELD,
            "minutes": "Austausch über Elternarbeit; Arbeitsgruppe zu Sprachmittlung gegründet.",
            "created_by": lead,
        },
    )
    if created:
        invited = [o for o in (brueckenbau, office, lotus) if o]
        held.invited_organisations.set(invited)
        if brueckenbau and mo_admin:
            EventRegistrationFactory(event=held, person=mo_admin, organisation=brueckenbau)
            EventAttendanceFactory(event=held, organisation=brueckenbau, person=mo_admin)
        if office:
            EventAttendanceFactory(event=held, organisation=office, name="Frau Muster")
        FollowUpTaskFactory(
            event=held,
            title="Protokoll an alle Teilnehmenden schicken",
            assignee=lead,
            due_on=today + datetime.timedelta(days=5),
            created_by=lead,
        )
    ensure(
        EventFactory,
        title="Netzwerktreffen: Vereine und Bezirksverwaltung",
        defaults={
            "kind": Event.Kind.NETWORK_EVENT,
            "starts_at": now + datetime.timedelta(days=14),
            "place": "Nachbarschaftshaus (Demo)",
            "is_open": True,
            "capacity": 40,
            "created_by": lead,
        },
    )
    _seed_public_fachtag(now=now, lead=lead)
    if stdout is not None:
        stdout.write("Mentoring: offers, requests, tandems, contacts and events loaded.")


def _seed_public_fachtag(*, now, lead):
    """A public Fachtag with programme, speakers (all agreed to be named) and info stands."""
    start = timezone.localtime(now + datetime.timedelta(days=30)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    fachtag, created = ensure(
        EventFactory,
        title="Fachtag: Teilhabe gemeinsam gestalten (Demo)",
        defaults={
            "kind": Event.Kind.NETWORK_EVENT,
            "title_en": "Specialist day: shaping participation together (demo)",
            "description": (
                "Migrant*innenorganisationen, Bezirksverwaltungen und Politik im Gespräch: "
                "Impulse, World Café und ein Markt der Möglichkeiten mit Infoständen."
            ),
            "description_en": (
                "Migrant organisations, district administrations and politics in conversation: "
                "talks, a World Café and a market place with info stands."
            ),
            "starts_at": start,
            "ends_at": start + datetime.timedelta(hours=6),
            "place": "Rathaus Beispielstadt, Festsaal (Demo)",
            "is_open": True,
            "is_public": True,
            "capacity": 120,
            "created_by": lead,
        },
    )
    if not created:
        return
    host = EventSpeaker.objects.create(
        event=fachtag, name="Dr. Aylin Beispiel", role="Kompetenzzentrum (Demo)", publish=True
    )
    panel = EventSpeaker.objects.create(
        event=fachtag, name="Samir Muster", role="Verein Brückenbau e.V. (Demo)", publish=True
    )
    EventSpeaker.objects.create(event=fachtag, name="Noch unbestätigt (Demo)", publish=False)
    programme = [
        (datetime.time(10, 0), datetime.time(10, 30), "Begrüßung und Einführung", [host]),
        (datetime.time(10, 30), datetime.time(11, 30), "Podium: Teilhabe im Bezirk", [panel]),
        (datetime.time(11, 45), datetime.time(13, 0), "World Café an fünf Thementischen", []),
        (datetime.time(13, 0), datetime.time(14, 0), "Mittagspause und Infostände", []),
        (datetime.time(14, 0), datetime.time(15, 30), "Ergebnisse und Ausblick", [host]),
    ]
    for starts, ends, title, speakers in programme:
        item = EventAgendaItem.objects.create(
            event=fachtag, starts_at=starts, ends_at=ends, title=title
        )
        item.speakers.set(speakers)
    for name, topic in [
        ("Verein Brückenbau e.V. (Demo)", "Elternarbeit und Sprachmittlung"),
        ("Frauenzentrum Lotus (Demo)", "Beratung für Frauen"),
        ("Freiwilligendienst-Servicestelle (Demo)", "FSJ und BFD in Migrant*innenorganisationen"),
    ]:
        EventInfoStand.objects.create(event=fachtag, organisation_name=name, topic=topic)
