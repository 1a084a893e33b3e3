"""Audit actions renamed to ``<app>.<object>.<verb>`` (ikmo/audit.py)."""

from django.db import migrations

RENAMED = {
    "reporting.period_created": "reporting.period.created",
    "reporting.period_changed": "reporting.period.updated",
    "reporting.plan_changed": "reporting.plan.updated",
    "reporting.report_requested": "reporting.report.requested",
}


def rename(mapping):
    def run(apps, schema_editor):
        AuditEntry = apps.get_model("ikmo", "AuditEntry")
        for old, new in mapping.items():
            AuditEntry.objects.filter(action=old).update(action=new)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("ikmo", "0001_initial"),
        ("reporting", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(
            rename(RENAMED), rename({new: old for old, new in RENAMED.items()}), elidable=True
        ),
    ]
