"""Audit entries written before issue 16 get the ``qualification.<object>.<verb>`` names."""

from django.db import migrations

RENAMED = {
    "workshop.created": "qualification.workshop.created",
    "workshop.updated": "qualification.workshop.updated",
    "workshop.cancelled": "qualification.workshop.cancelled",
    "registration.confirmed": "qualification.registration.confirmed",
    "registration.waitlisted": "qualification.registration.waitlisted",
    "registration.promoted": "qualification.registration.promoted",
    "registration.cancelled": "qualification.registration.cancelled",
    "registration.attendance": "qualification.registration.attendance_recorded",
    "feedback.given": "qualification.feedback.given",
    "coaching.session_logged": "qualification.session.logged",
    "coaching.session_updated": "qualification.session.updated",
    "coaching.follow_up_done": "qualification.session.follow_up_done",
    "coaching.case_reopened": "qualification.case.reopened",
    "coaching.case_closed": "qualification.case.closed",
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
        ("qualification", "0004_translatable_field_labels"),
    ]

    operations = [
        migrations.RunPython(_rename(RENAMED), _rename({new: old for old, new in RENAMED.items()})),
    ]
