"""Audit entries written before issue 16 get a verb in the past tense (``<app>.<object>.<verb>``)."""

from django.db import migrations

RENAMED = {
    "mentoring.contact.status": "mentoring.contact.status_changed",
    "mentoring.event.attendance": "mentoring.event.attendance_recorded",
    "mentoring.tandem.plan": "mentoring.tandem.plan_updated",
    "mentoring.tandem.meeting": "mentoring.tandem.meeting_logged",
}


def _rename(mapping):
    def run(apps, schema_editor):
        AuditEntry = apps.get_model("ikmo", "AuditEntry")
        for old, new in mapping.items():
            AuditEntry.objects.filter(action=old).update(action=new)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("ikmo", "0001_initial"),
        ("mentoring", "0004_translatable_field_labels"),
    ]

    operations = [
        migrations.RunPython(_rename(RENAMED), _rename({new: old for old, new in RENAMED.items()})),
    ]
