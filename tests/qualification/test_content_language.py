"""Workshop texts in the reader's language, German when there is none (ikmo/content_language.py)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from ikmo import choosers
from ikmo.content_language import lang_attrs
from ikmo.models import OutboundEmail
from qualification import services
from qualification.models import Workshop
from tests import factories

from .factories import make_workshop

pytestmark = pytest.mark.django_db


@pytest.fixture
def translated(trainer):
    workshop = make_workshop(trainer=trainer, title="Vereinsgründung leicht gemacht")
    workshop.title_en = "Founding an association made easy"
    workshop.title_ar = "تأسيس جمعية بسهولة"
    workshop.description_en = "How to found a registered association."
    workshop.save()
    return workshop


def _page(client, url, language):
    return client.get(url, headers={"accept-language": language}).content.decode()


def test_an_english_reader_sees_the_english_title_and_a_turkish_reader_the_german_one(
    translated,
):
    with translation.override("en"):
        assert translated.title == "Founding an association made easy"
        assert translated.description == "How to found a registered association."
        assert lang_attrs(translated, "title") == ""
    with translation.override("tr"):
        assert translated.title == "Vereinsgründung leicht gemacht"
        assert translated.description == "Wie stelle ich einen Antrag?"
        assert lang_attrs(translated, "title") == ' lang="de" dir="ltr"'
    with translation.override("ar"):
        assert translated.title == "تأسيس جمعية بسهولة"
        # No Arabic description: the German one, marked as German and left to right.
        assert lang_attrs(translated, "description") == ' lang="de" dir="ltr"'


def test_an_english_reader_of_a_workshop_without_english_text_gets_the_german_one(trainer):
    workshop = make_workshop(trainer=trainer, title="Buchhaltung für Vereine")
    with translation.override("en"):
        assert workshop.title == "Buchhaltung für Vereine"
        assert lang_attrs(workshop, "title") == ' lang="de" dir="ltr"'


def test_the_pages_mark_the_german_fallback_and_not_the_readers_own_language(client, translated):
    detail = reverse("qualification:workshop_detail", args=[translated.pk])
    english = _page(client, detail, "en")
    assert '<h1 class="h3 mb-1">Founding an association made easy</h1>' in english
    turkish = _page(client, detail, "tr")
    assert '<h1 class="h3 mb-1" lang="de" dir="ltr">Vereinsgründung leicht gemacht</h1>' in turkish
    listing = _page(client, reverse("qualification:workshop_list"), "ar")
    assert "تأسيس جمعية بسهولة" in listing
    assert "Vereinsgründung" not in listing


def test_saving_in_another_language_keeps_the_untranslated_column_german(translated):
    with translation.override("en"):
        translated.save()
    assert Workshop.objects.filter(
        pk=translated.pk, title="Vereinsgründung leicht gemacht"
    ).exists()


def _form_data(workshop, **changes):
    start = timezone.localtime(workshop.starts_at)
    fmt = "%Y-%m-%dT%H:%M"
    session = workshop.sessions.get()
    return {
        "title_de": workshop.title_de,
        "description_de": workshop.description_de,
        "title_en": "",
        "title_ar": "",
        "topics": [t.pk for t in workshop.topics.all()],
        "languages": [lang.pk for lang in workshop.languages.all()],
        "venue": workshop.venue,
        "capacity": workshop.capacity,
        "trainer": workshop.trainer.pk,
        "status": workshop.status,
        "sessions-TOTAL_FORMS": "1",
        "sessions-INITIAL_FORMS": "1",
        "sessions-0-id": str(session.pk),
        "sessions-0-starts_at": start.strftime(fmt),
        "sessions-0-ends_at": (start + timedelta(hours=2)).strftime(fmt),
        **changes,
    }


def test_the_staff_form_saves_each_language_and_keeps_them_after_a_refusal(client_for, consultant):
    workshop = make_workshop(trainer=consultant, title="Ehrenamt stärken")
    client = client_for(consultant)
    url = reverse("qualification:workshop_edit", args=[workshop.pk])
    refused = client.post(
        url, _form_data(workshop, title_de="", title_en="Strengthening volunteering")
    )
    page = refused.content.decode()
    assert refused.status_code == 200 and "title_de" in page
    assert 'value="Strengthening volunteering"' in page  # nothing typed is lost
    assert 'name="title_ar" maxlength="200" lang="ar" dir="rtl"' in page
    workshop.refresh_from_db()
    assert workshop.title_de == "Ehrenamt stärken" and workshop.title_en is None

    saved = client.post(
        url,
        _form_data(
            workshop,
            title_en="Strengthening volunteering",
            title_ar="تعزيز العمل التطوعي",
            description_tr="Gönüllülük",
        ),
    )
    assert saved.status_code == 302
    workshop.refresh_from_db()
    assert (workshop.title_de, workshop.title_en, workshop.title_ar, workshop.title_tr) == (
        "Ehrenamt stärken",
        "Strengthening volunteering",
        "تعزيز العمل التطوعي",
        None,
    )
    assert workshop.description_tr == "Gönüllülük"


def test_a_service_refuses_translations_of_fields_that_have_none(trainer):
    workshop = make_workshop(trainer=trainer)
    data = services.WorkshopData(
        title="Vereinsrecht",
        trainer=trainer,
        capacity=5,
        venue="Rathaus",
        translations={"venue_en": "Town hall"},
    )
    dates = [services.SessionDates(starts_at=workshop.starts_at, ends_at=workshop.ends_at)]
    with pytest.raises(ValueError, match="venue_en"):
        services.workshop_save(workshop=None, data=data, sessions=dates, by=trainer)


def test_the_api_answers_in_the_language_the_caller_asks_for(client, translated):
    url = reverse("api:qualification_workshops-detail", args=[translated.pk])
    english = client.get(url, headers={"accept-language": "en"}).json()
    assert english["title"] == "Founding an association made easy"
    assert english["description"] == "How to found a registered association."
    german = client.get(url, headers={"accept-language": "de"}).json()
    assert german["title"] == "Vereinsgründung leicht gemacht"
    turkish = client.get(url, headers={"accept-language": "tr"}).json()
    assert turkish["title"] == "Vereinsgründung leicht gemacht"


def test_the_confirmation_mail_names_the_workshop_in_the_recipients_language(org, translated):
    english = factories.member_of(org, email="reader-en@org-a.example")
    english.preferred_language = "en"
    english.save()
    arabic = factories.member_of(org, email="reader-ar@org-a.example")
    arabic.preferred_language = "ar"
    arabic.save()
    for person in (english, arabic):
        services.registration_create(
            workshop=translated, participant=person, organisation=org, by=person
        )
    assert (
        "Founding an association made easy" in OutboundEmail.objects.get(to=english.email).subject
    )
    assert "تأسيس جمعية بسهولة" in OutboundEmail.objects.get(to=arabic.email).subject


def test_the_workshop_chooser_finds_a_workshop_by_its_english_title(org_member, translated):
    make_workshop(trainer=translated.trainer, title="Buchhaltung")
    scope = choosers.get_scope("workshops", kind="workshops")
    with translation.override("de"):
        found = choosers.search(scope, org_member, query="association")["results"]
    assert [row["text"] for row in found] == ["Vereinsgründung leicht gemacht"]
    with translation.override("en"):
        found = choosers.search(scope, org_member, query="Vereinsgründung")["results"]
    assert [row["text"] for row in found] == ["Founding an association made easy"]


def test_the_workshop_list_in_english_costs_the_same_queries_however_many_are_translated(
    client, trainer
):
    url = reverse("qualification:workshop_list")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, headers={"accept-language": "en"}).status_code == 200
        return len(queries)

    make_workshop(trainer=trainer, title="Eins")
    one = count()
    for n in range(4):
        workshop = make_workshop(trainer=trainer, title=f"Workshop {n}")
        workshop.title_en = f"Workshop {n} in English"
        workshop.save()
    assert count() == one


@pytest.mark.django_db(transaction=True)
def test_the_migration_makes_existing_texts_the_german_version():
    executor = MigrationExecutor(connection)
    before = [("qualification", "0008_coaching_session_superseded")]
    after = [("qualification", "0009_workshop_texts_per_language")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    trainer = old.get_model("organisations", "User").objects.create(
        email="migration@centre.example", password="!"
    )
    old.get_model("qualification", "Workshop").objects.create(
        title="Alter Titel", description="Alte Beschreibung", capacity=5, trainer_id=trainer.pk
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    workshop = Workshop.objects.get(title_de="Alter Titel")
    assert workshop.description_de == "Alte Beschreibung"
    assert workshop.title_en is None
    with translation.override("en"):
        assert workshop.title == "Alter Titel"
