"""Audit actions of generated documents renamed to ``<app>.<object>.<verb>`` (ikmo/audit.py)."""

from django.db import migrations

RENAMED = {
    "document.requested": "ikmo.document.requested",
    "document.downloaded": "ikmo.document.downloaded",
}


def rename(mapping):
    def run(apps, schema_editor):
        AuditEntry = apps.get_model("ikmo", "AuditEntry")
        for old, new in mapping.items():
            AuditEntry.objects.filter(action=old).update(action=new)

    return run


class Migration(migrations.Migration):
    dependencies = [("ikmo", "0006_document_is_a_background_job")]

    operations = [
        migrations.RunPython(
            rename(RENAMED), rename({new: old for old, new in RENAMED.items()}), elidable=True
        ),
    ]
