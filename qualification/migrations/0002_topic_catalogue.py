"""The module catalogue of the qualification sub-project, in German and English."""

from django.db import migrations

TOPICS = [
    ("founding-association", "Vereinsgründung und -aufbau", "Founding and building an association"),
    ("volunteers", "Arbeit mit Ehrenamtlichen", "Working with volunteers"),
    ("volunteer-services", "Freiwilligendienste", "Volunteer services"),
    ("funding", "Fördermöglichkeiten", "Funding opportunities"),
    ("needs-assessment", "Methoden der Bedarfserhebung", "Needs assessment methods"),
    (
        "professionalisation",
        "Qualifizierung und Professionalisierung",
        "Qualification and professionalisation",
    ),
    ("legal", "Rechtsfragen", "Legal questions"),
    ("employer", "Verein als Arbeitgeber", "The association as employer"),
    ("finance", "Finanz- und Personalbuchhaltung", "Finance and payroll bookkeeping"),
    ("management", "Projekt- und Vereinsmanagement", "Project and association management"),
    ("political-participation", "Politische Partizipation", "Political participation"),
]


def forwards(apps, schema_editor):
    Topic = apps.get_model("qualification", "Topic")
    for position, (slug, de, en) in enumerate(TOPICS):
        Topic.objects.update_or_create(
            slug=slug, defaults={"name_de": de, "name_en": en, "position": position}
        )


def backwards(apps, schema_editor):
    apps.get_model("qualification", "Topic").objects.filter(
        slug__in=[slug for slug, _de, _en in TOPICS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("qualification", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
