"""Fictional demo data for the participation check (called by `manage.py seed_demo`).

Safe to run again: analyses are found by title and left alone if they exist. Rows are built
with the factories of devtools/factories.py (a dev dependency, like seed_demo).
"""

import datetime

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from devtools.factories import (
    AnalysisFactory,
    AnalysisStatusChangeFactory,
    ExchangeMeetingFactory,
    GuidelineQuestionFactory,
    InterviewAnswerFactory,
    InterviewFactory,
    InterviewTagFactory,
    OpennessRatingFactory,
    ParticipationStructureFactory,
    RecommendationFactory,
    RecommendationStatusChangeFactory,
    StaffRoleFactory,
    UserFactory,
    ensure,
)
from organisations.models import District, Organisation, SpokenLanguage, StaffRole, User

from .models import Interview
from .services import DEFAULT_GUIDELINE

ANALYST_EMAIL = "teilhabe@ikmo.example"
DEMO_PASSWORD = "ikmo-demo-2026"

# (name, type, responsible body, frequency, languages, MO members?, {criterion: (score, evidence)})
STRUCTURES = [
    (
        "Integrationsbeirat (Demo)",
        "integration_council",
        "Bezirksamt – Integrationsbüro",
        "quarterly",
        ["de"],
        True,
        {
            "multilingual_information": (
                1,
                "Einladungen auf Deutsch, Zusammenfassung auf Englisch.",
            ),
            "open_to_non_citizens": (2, "Geschäftsordnung §2: Wohnsitz im Bezirk genügt."),
            "mo_seats": (
                2,
                "Sechs von zwölf Sitzen sind für Migrant*innenorganisationen reserviert.",
            ),
            "meeting_times": (0, "Sitzungen dienstags um 14 Uhr."),
            "accessibility": (1, "Rathaussaal mit Aufzug, keine Verdolmetschung."),
            "public_invitations": (1, "Termine nur im Amtsblatt."),
        },
    ),
    (
        "Quartiersrat Rollberg (Demo)",
        "neighbourhood_management",
        "Quartiersmanagement-Team (fiktiv)",
        "monthly",
        ["de", "ar", "tr"],
        True,
        {
            "multilingual_information": (2, "Aushänge in drei Sprachen, Messenger-Gruppe."),
            "open_to_non_citizens": (2, "Alle Bewohner*innen ab 16 Jahren wählbar."),
            "mo_seats": (1, "Ein Sitz für lokale Vereine, nicht speziell MO."),
            "meeting_times": (2, "Abends um 18:30 Uhr mit Kinderbetreuung."),
            "accessibility": (2, "Stadtteilladen im Erdgeschoss."),
            "public_invitations": (2, "Website, Aushänge und Newsletter."),
        },
    ),
    (
        "Bezirkselternausschuss (Demo)",
        "parents_council",
        "Schul- und Sportamt (fiktiv)",
        "monthly",
        ["de"],
        False,
        {
            "multilingual_information": (0, "Nur deutschsprachige Unterlagen."),
            "open_to_non_citizens": (2, "Alle Elternvertreter*innen."),
            "mo_seats": (0, "Keine Sitze für Vereine vorgesehen."),
            "meeting_times": (1, "Abends, aber an wechselnden Orten."),
        },
    ),
    (
        "Jugendhilfeausschuss (Demo)",
        "district_committee",
        "Bezirksverordnetenversammlung (fiktiv)",
        "monthly",
        ["de"],
        False,
        {
            "multilingual_information": (0, "Nur Drucksachen auf Deutsch."),
            "open_to_non_citizens": (1, "Bürgerdeputierte brauchen Wahlrecht; Gäste willkommen."),
            "mo_seats": (1, "Ein beratender Sitz für freie Träger."),
            "public_invitations": (2, "Tagesordnungen online."),
        },
    ),
    (
        "Seniorenvertretung (Demo)",
        "senior_body",
        "Bezirksamt – Sozialamt (fiktiv)",
        "quarterly",
        ["de", "ru"],
        True,
        {
            "multilingual_information": (1, "Flyer auf Deutsch und Russisch."),
            "meeting_times": (2, "Vormittags, passend für die Zielgruppe."),
            "accessibility": (2, "Barrierefreier Seniorentreff."),
        },
    ),
]

# (organisation name, [(kind, category)], summary)
INTERVIEWS = [
    (
        "Brückenbau e.V.",
        [("barrier", "language"), ("barrier", "time"), ("need", "information")],
        "Fiktives Gespräch: Der Verein kennt den Integrationsbeirat, die Sitzungszeiten "
        "passen nicht zu ehrenamtlicher Arbeit.",
    ),
    (
        "Kiez der Sprachen e.V.",
        [("barrier", "information"), ("need", "contacts"), ("need", "qualification")],
        "Fiktives Gespräch: Kaum Wissen über bezirkliche Gremien; Wunsch nach Einführung.",
    ),
    (
        "Sonnenblume Kulturverein e.V.",
        [("barrier", "recognition"), ("need", "resources"), ("barrier", "language")],
        "Fiktives Gespräch: Der Verein fühlt sich bei Beteiligungsverfahren nur angehört.",
    ),
    (
        "Neue Nachbarschaft Initiative",
        [("barrier", "legal_status"), ("need", "information")],
        "Fiktives Gespräch: Unsicherheit, ob Geflüchtete mitwirken dürfen.",
    ),
]

# (finding, recommendation, addressee, priority, status)
RECOMMENDATIONS = [
    (
        "Sitzungen des Integrationsbeirats finden werktags nachmittags statt.",
        "Mindestens jede zweite Sitzung am Abend anbieten.",
        "Bezirksamt Neukölln – Integrationsbüro (Demo)",
        1,
        "accepted",
    ),
    (
        "Einladungen und Unterlagen gibt es fast nur auf Deutsch.",
        "Einladungen in den im Kiez häufigsten Sprachen verschicken und Verdolmetschung anbieten.",
        "Bezirksamt Neukölln – Integrationsbüro (Demo)",
        1,
        "in_progress",
    ),
    (
        "Vereine wissen wenig über bezirkliche Gremien.",
        "Jährliche Informationsveranstaltung „Gremien im Kiez“ mit Migrant*innenorganisationen.",
        "Stadtteilhilfe Süd gGmbH (Demo)",
        2,
        "implemented",
    ),
    (
        "Der Bezirkselternausschuss sieht keine Beteiligung von Vereinen vor.",
        "Einen beratenden Sitz für Elternvereine von Migrant*innen prüfen.",
        "Bezirksamt Neukölln – Integrationsbüro (Demo)",
        2,
        "open",
    ),
    (
        "Geflüchtete sind unsicher, ob sie mitwirken dürfen.",
        "In allen Einladungen ausdrücklich sagen, dass keine Staatsangehörigkeit nötig ist.",
        "Stadtteilhilfe Süd gGmbH (Demo)",
        3,
        "rejected",
    ),
]

ORDER = ["planned", "inventory", "interviews", "exchange", "recommendations", "published"]
REC_PATH = {
    "open": [],
    "accepted": ["accepted"],
    "in_progress": ["accepted", "in_progress"],
    "implemented": ["accepted", "in_progress", "implemented"],
    "rejected": ["rejected"],
}


def _analyst(password: str) -> User:
    user, _ = ensure(
        UserFactory,
        email=ANALYST_EMAIL,
        defaults={"password": password, "first_name": "Tara", "last_name": "Teilhabe"},
    )
    EmailAddress.objects.update_or_create(
        user=user, email=ANALYST_EMAIL, defaults={"verified": True, "primary": True}
    )
    ensure(
        StaffRoleFactory,
        user=user,
        role=StaffRole.Role.CONSULTANT,
        subproject="participation_check",
    )
    return user


def _analysis(title, district_slug, space, start, end, status, team, summary=""):
    analysis, created = ensure(
        AnalysisFactory,
        title=title,
        defaults={
            "district": District.objects.get(slug=district_slug),
            "social_space": space,
            "period_start": start,
            "period_end": end,
            "status": status,
            "summary": summary,
            "published_at": timezone.now() if status == "published" else None,
        },
    )
    if not created:
        return analysis, False
    analysis.team.set(team)
    for i, text in enumerate(DEFAULT_GUIDELINE):
        GuidelineQuestionFactory(analysis=analysis, position=(i + 1) * 10, text=str(text))
    steps = ORDER[: ORDER.index(status) + 1]
    for before, after in zip(steps, steps[1:], strict=False):
        AnalysisStatusChangeFactory(
            analysis=analysis, from_status=before, to_status=after, by=team[0]
        )
    return analysis, True


def _structures(analysis, count):
    languages = {lang.slug: lang for lang in SpokenLanguage.objects.all()}
    for name, kind, body, freq, langs, mo, ratings in STRUCTURES[:count]:
        structure = ParticipationStructureFactory(
            analysis=analysis,
            name=name,
            type=kind,
            responsible_body=body,
            meeting_frequency=freq,
            has_mo_members=mo,
            how_to_join="Fiktiv: formlose Anfrage an die Geschäftsstelle.",
        )
        structure.languages.set([languages[s] for s in langs if s in languages])
        for criterion, (score, evidence) in ratings.items():
            OpennessRatingFactory(
                structure=structure, criterion=criterion, score=score, evidence=evidence
            )


def _interviews(analysis, interviewer, start, count):
    questions = list(analysis.questions.all())
    for i, (org_name, tags, summary) in enumerate(INTERVIEWS[:count]):
        organisation = Organisation.objects.filter(name=org_name).first()
        if organisation is None:
            continue
        day = start + datetime.timedelta(days=30 + 7 * i)
        interview = InterviewFactory(
            analysis=analysis,
            organisation=organisation,
            date=day,
            interviewer=interviewer,
            interviewee="Vorstand (fiktiv)",
            consent_given=True,
            consent_form=Interview.ConsentForm.WRITTEN,
            consent_date=day,
            summary=summary,
        )
        for question in questions[:3]:
            InterviewAnswerFactory(
                interview=interview, question=question, text="Fiktive Antwort für die Demo."
            )
        for kind, category in tags:
            InterviewTagFactory(interview=interview, kind=kind, category=category)


def _recommendations(analysis, by, start):
    for finding, text, addressee_name, priority, status in RECOMMENDATIONS:
        addressee = Organisation.objects.filter(name=addressee_name).first()
        if addressee is None:
            continue
        rec = RecommendationFactory(
            analysis=analysis,
            finding=finding,
            text=text,
            addressee=addressee,
            priority=priority,
            created_by=by,
        )
        before = "open"
        day = start + datetime.timedelta(days=200)
        for step in REC_PATH[status]:
            RecommendationStatusChangeFactory(
                recommendation=rec, from_status=before, to_status=step, date=day, by=by
            )
            before = step
            day += datetime.timedelta(days=30)
        rec.status = status
        rec.status_date = day - datetime.timedelta(days=30) if REC_PATH[status] else start
        if status in ("accepted", "in_progress", "implemented", "rejected"):
            rec.response = "Fiktive Antwort der adressierten Stelle."
            rec.response_date = start + datetime.timedelta(days=210)
        rec.save()


@transaction.atomic
def seed(stdout=None, *, password: str = DEMO_PASSWORD):
    # seed_demo --allow-production passes the staging copy's own IKMO_DEMO_PASSWORD: the
    # analyst gets it, and the summary never advertises the published one (nor echoes the
    # secret into a deployment log).
    analyst = _analyst(password)
    team = [analyst]
    lead = User.objects.filter(email="lead@ikmo.example").first()
    if lead:
        team.append(lead)
    today = timezone.localdate()
    year = today.year - 1

    start = datetime.date(year, 1, 15)
    analysis, created = _analysis(
        "Teilhabecheck Rollbergviertel (Demo)",
        "neukolln",
        "Rollbergviertel",
        start,
        datetime.date(year, 11, 30),
        "published",
        team,
        summary=(
            "Fiktive Demo-Analyse: Die Beteiligungsstrukturen im Quartier sind für "
            "Migrant*innenorganisationen grundsätzlich offen, scheitern aber oft an "
            "Sitzungszeiten und Sprache."
        ),
    )
    if created:
        _structures(analysis, 5)
        _interviews(analysis, analyst, start, 4)
        meeting = ExchangeMeetingFactory(
            analysis=analysis,
            title="Runder Tisch mit Bezirksamt und Trägern (Demo)",
            date=start + datetime.timedelta(days=150),
            location="Stadtteilladen (fiktiv)",
            notes="Fiktives Protokoll: Ergebnisse der Gespräche vorgestellt und diskutiert.",
        )
        meeting.participants.set(
            Organisation.objects.filter(
                name__in=[
                    "Bezirksamt Neukölln – Integrationsbüro (Demo)",
                    "Stadtteilhilfe Süd gGmbH (Demo)",
                    "Brückenbau e.V.",
                ]
            )
        )
        _recommendations(analysis, analyst, start)

    start = datetime.date(today.year, 1, 10)
    analysis, created = _analysis(
        "Teilhabecheck Soldiner Kiez (Demo)",
        "mitte",
        "Soldiner Kiez",
        start,
        datetime.date(today.year, 12, 15),
        "interviews",
        team,
    )
    if created:
        _structures(analysis, 3)
        _interviews(analysis, analyst, start, 2)

    _analysis(
        "Teilhabecheck Frankfurter Allee Süd (Demo)",
        "lichtenberg",
        "Frankfurter Allee Süd",
        datetime.date(today.year, 3, 1),
        datetime.date(today.year + 1, 2, 28),
        "planned",
        team,
    )
    if stdout is not None:
        shown = DEMO_PASSWORD if password == DEMO_PASSWORD else "your IKMO_DEMO_PASSWORD"
        stdout.write(
            f"Participation check: demo analyses loaded; analyst login {ANALYST_EMAIL} "
            f"(password: {shown})."
        )
