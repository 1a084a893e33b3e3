"""Fictional demo data for qualification & coaching (called by `manage.py seed_demo`).

Safe to run again: workshops are found by title, coaching sessions by organisation and date,
and existing records are left alone. Rows are built with the factories of
devtools/factories.py (a dev dependency, like seed_demo).
"""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from devtools.factories import (
    CoachingCaseFactory,
    CoachingSessionFactory,
    FeedbackFactory,
    RegistrationFactory,
    WorkshopFactory,
    WorkshopSessionFactory,
    ensure,
)
from organisations.models import Membership, Organisation, SpokenLanguage, User

from .models import Registration, Topic, Workshop
from .services import _sync_dates

TRAINER_EMAIL = "consultant@ikmo.example"

# (title, days from today, start hour, hours, sessions, topics, languages, basic, capacity,
#  venue, online link, description)
WORKSHOPS = [
    (
        "Einen Verein gründen – Schritt für Schritt (Demo)",
        -21,
        17,
        3,
        1,
        ["founding-association", "legal"],
        ["de", "ar"],
        True,
        15,
        "Musterhaus der Vereine, Raum 2, Musterstraße 1, 10115 Berlin",
        "",
        "Satzung, Gründungsversammlung, Eintragung ins Vereinsregister: was Sie brauchen.",
    ),
    (
        "Fördermittel finden und beantragen (Demo)",
        9,
        10,
        4,
        1,
        ["funding", "management"],
        ["de", "tr"],
        True,
        12,
        "Musterhaus der Vereine, Raum 1, Musterstraße 1, 10115 Berlin",
        "",
        "Welche Förderprogramme passen zu Ihrem Verein? Wir üben einen Antrag gemeinsam.",
    ),
    (
        "Buchhaltung für kleine Vereine – Reihe (Demo)",
        16,
        18,
        2,
        3,
        ["finance"],
        ["de", "ru", "uk"],
        False,
        10,
        "",
        "https://meet.ikmo.example/buchhaltung",
        "Drei Abende online: Kassenbuch, Belege, Jahresabschluss.",
    ),
    (
        "Mit Ehrenamtlichen arbeiten (Demo)",
        30,
        14,
        3,
        1,
        ["volunteers", "volunteer-services"],
        ["de", "en", "ar"],
        False,
        2,
        "Stadtteilzentrum Beispielkiez, Beispielweg 5, 12043 Berlin",
        "",
        "Ehrenamtliche gewinnen, begleiten und halten. Wenige Plätze – mit Warteliste.",
    ),
]

# (organisation name, days ago, minutes, format, topics, outcome, next step, follow-up in days)
COACHING = [
    (
        "Neue Nachbarschaft Initiative",
        50,
        90,
        "in_person",
        ["founding-association"],
        "Satzungsentwurf besprochen; Gründungsversammlung geplant.",
        "Satzung an das Amtsgericht schicken",
        -40,
    ),
    (
        "Brückenbau e.V.",
        6,
        60,
        "video",
        ["funding"],
        "Zwei passende Förderprogramme ausgewählt.",
        "Projektskizze entwerfen und besprechen",
        2,
    ),
    (
        "Kiez der Sprachen e.V.",
        3,
        45,
        "phone",
        ["employer", "finance"],
        "Fragen zum Minijob geklärt.",
        "Lohnabrechnung mit Steuerbüro klären",
        10,
    ),
]


# Some demo workshops also in English, Turkish and Arabic (the others show their German text,
# marked as German, to readers of those languages). Fictional, like the rest.
TRANSLATIONS = {
    "Einen Verein gründen – Schritt für Schritt (Demo)": {
        "title_en": "Founding an association – step by step (demo)",
        "title_tr": "Dernek kurmak – adım adım (demo)",
        "title_ar": "تأسيس جمعية – خطوة بخطوة (تجريبي)",
        "description_en": "Statutes, founding meeting, entry in the register of associations: "
        "what you need.",
        "description_tr": "Tüzük, kuruluş toplantısı, dernekler siciline kayıt: neye ihtiyacınız "
        "var.",
        "description_ar": "النظام الأساسي، الاجتماع التأسيسي، التسجيل في سجل الجمعيات: ما تحتاجونه.",
    },
    "Fördermittel finden und beantragen (Demo)": {
        "title_en": "Finding and applying for funding (demo)",
        "title_tr": "Hibe bulmak ve başvurmak (demo)",
        "title_ar": "إيجاد التمويل والتقدم بطلب (تجريبي)",
    },
}


def _at(day_offset: int, hour: int):
    day = timezone.localdate() + timedelta(days=day_offset)
    return timezone.make_aware(datetime.combine(day, time(hour)))


@transaction.atomic
def seed(stdout) -> None:
    trainer = User.objects.filter(email=TRAINER_EMAIL).first()
    if trainer is None:
        stdout.write("qualification: demo consultant missing, skipped")
        return
    topics = {t.slug: t for t in Topic.objects.all()}
    languages = {lang.slug: lang for lang in SpokenLanguage.objects.all()}
    created = 0
    workshops = {}
    for (
        title,
        offset,
        hour,
        hours,
        sessions,
        slugs,
        langs,
        basic,
        capacity,
        venue,
        url,
        text,
    ) in WORKSHOPS:
        workshop, is_new = ensure(
            WorkshopFactory,
            title=title,
            defaults={
                "description": text,
                "venue": venue,
                "online_url": url,
                "capacity": capacity,
                "trainer": trainer,
                "is_basic": basic,
                # As the migration opened the basic workshops to initiatives and individuals.
                "open_to_initiatives": basic,
                "status": Workshop.Status.PUBLISHED,
                "created_by": trainer,
            },
        )
        workshops[title] = workshop
        if TRANSLATIONS.get(title):
            Workshop.objects.filter(pk=workshop.pk).update(**TRANSLATIONS[title])
        if not is_new:
            continue
        created += 1
        workshop.topics.set([topics[s] for s in slugs])
        workshop.languages.set([languages[s] for s in langs])
        for i in range(sessions):
            WorkshopSessionFactory(
                workshop=workshop,
                starts_at=_at(offset + 7 * i, hour),
                ends_at=_at(offset + 7 * i, hour + hours),
            )
        _sync_dates(workshop)
        if offset > 0:
            workshop.registration_deadline = workshop.starts_at - timedelta(days=1)
            workshop.save(update_fields=["registration_deadline"])

    members = list(
        Membership.objects.filter(status=Membership.Status.ACTIVE, user__email__startswith="mo-")
        .select_related("user", "organisation")
        .order_by("user__email")
    )
    past = workshops[WORKSHOPS[0][0]]
    small = workshops[WORKSHOPS[3][0]]
    for index, membership in enumerate(members):
        _register(past, membership, attended=True, rating=5 - index % 2)
        _register(small, membership)

    for name, days_ago, minutes, fmt, slugs, outcome, next_step, follow_up in COACHING:
        organisation = Organisation.objects.filter(name=name).first()
        if organisation is None:
            continue
        day = timezone.localdate() - timedelta(days=days_ago)
        session, is_new = ensure(
            CoachingSessionFactory,
            organisation=organisation,
            date=day,
            defaults={
                "consultant": trainer,
                "duration_minutes": minutes,
                "format": fmt,
                "participants": "Vorstand (fiktiv)",
                "participant_count": 2,
                "outcome": outcome,
                "next_step": next_step,
                "follow_up_date": day + timedelta(days=days_ago + follow_up),
                "confidential_notes": "Demo: vertrauliche Notiz, nur für das Team sichtbar.",
            },
        )
        if is_new:
            session.topics.set([topics[s] for s in slugs])
        ensure(
            CoachingCaseFactory,
            organisation=organisation,
            defaults={"consultant": trainer, "started_on": day},
        )
    stdout.write(f"qualification: {created} demo workshops added")


def _register(workshop, membership, *, attended=None, rating=None) -> None:
    existing = Registration.objects.filter(workshop=workshop, participant=membership.user)
    if existing.exists():
        return
    taken = workshop.registrations.filter(status=Registration.Status.CONFIRMED).count()
    last = workshop.registrations.aggregate(m=Max("position"))["m"] or 0
    registration = RegistrationFactory(
        workshop=workshop,
        participant=membership.user,
        organisation=membership.organisation,
        registered_by=membership.user,
        status=Registration.Status.CONFIRMED
        if taken < workshop.capacity
        else Registration.Status.WAITLISTED,
        position=last + 1,
        attended=attended if taken < workshop.capacity else None,
    )
    if rating and registration.attended:
        FeedbackFactory(registration=registration, rating=rating, comment="Sehr praktisch.")
