"""Berlin's twelve districts, fields of work and common languages as reference data."""

from django.db import migrations
from django.utils.text import slugify

DISTRICTS = [
    "Charlottenburg-Wilmersdorf", "Friedrichshain-Kreuzberg", "Lichtenberg",
    "Marzahn-Hellersdorf", "Mitte", "Neukölln", "Pankow", "Reinickendorf", "Spandau",
    "Steglitz-Zehlendorf", "Tempelhof-Schöneberg", "Treptow-Köpenick",
]

FIELDS = [
    ("education", "Bildung", "Education"),
    ("health", "Gesundheit", "Health"),
    ("elderly", "Ältere Menschen", "Elderly people"),
    ("youth", "Kinder und Jugend", "Children and youth"),
    ("work", "Arbeit und Beruf", "Work and career"),
    ("culture", "Kultur", "Culture"),
    ("sports", "Sport", "Sports"),
    ("religion", "Religion", "Religion"),
    ("women", "Frauen", "Women"),
    ("lgbtiq", "LSBTIQ*", "LGBTIQ*"),
    ("refugee-support", "Unterstützung Geflüchteter", "Support for refugees"),
    ("counselling", "Beratung", "Counselling"),
    ("anti-discrimination", "Antidiskriminierung", "Anti-discrimination"),
    ("political-participation", "Politische Teilhabe", "Political participation"),
    ("environment", "Umwelt und Nachhaltigkeit", "Environment and sustainability"),
]

LANGUAGES = [
    ("de", "Deutsch", "German"), ("en", "Englisch", "English"), ("ar", "Arabisch", "Arabic"),
    ("tr", "Türkisch", "Turkish"), ("ru", "Russisch", "Russian"), ("uk", "Ukrainisch", "Ukrainian"),
    ("fa", "Persisch (Farsi/Dari)", "Persian (Farsi/Dari)"), ("ku", "Kurdisch", "Kurdish"),
    ("pl", "Polnisch", "Polish"), ("vi", "Vietnamesisch", "Vietnamese"),
    ("fr", "Französisch", "French"), ("es", "Spanisch", "Spanish"),
    ("ti", "Tigrinya", "Tigrinya"), ("so", "Somali", "Somali"), ("ro", "Rumänisch", "Romanian"),
    ("bg", "Bulgarisch", "Bulgarian"), ("sr", "Bosnisch/Kroatisch/Serbisch", "Bosnian/Croatian/Serbian"),
    ("sq", "Albanisch", "Albanian"), ("zh", "Chinesisch", "Chinese"), ("pt", "Portugiesisch", "Portuguese"),
]


def forwards(apps, schema_editor):
    District = apps.get_model("organisations", "District")
    FieldOfWork = apps.get_model("organisations", "FieldOfWork")
    SpokenLanguage = apps.get_model("organisations", "SpokenLanguage")
    for name in DISTRICTS:
        District.objects.update_or_create(slug=slugify(name), defaults={"name": name})
    for position, (slug, de, en) in enumerate(FIELDS):
        FieldOfWork.objects.update_or_create(
            slug=slug, defaults={"name_de": de, "name_en": en, "position": position}
        )
    for position, (slug, de, en) in enumerate(LANGUAGES):
        SpokenLanguage.objects.update_or_create(
            slug=slug, defaults={"name_de": de, "name_en": en, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
