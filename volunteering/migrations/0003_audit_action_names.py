"""Audit actions follow <app>.<object>.<verb> (issue 16): rename the entries already written."""

from django.db import migrations

RENAMED = {
    "volunteering.interest": "volunteering.profile.interest_registered",
    "volunteering.status_changed": "volunteering.profile.status_changed",
    "volunteering.document_uploaded": "volunteering.document.uploaded",
    "volunteering.document_deleted": "volunteering.document.deleted",
    "volunteering.document_downloaded": "volunteering.document.downloaded",
    "volunteering.consultation_logged": "volunteering.consultation.logged",
    "volunteering.consultation_updated": "volunteering.consultation.updated",
    "volunteering.contingent_created": "volunteering.contingent.created",
    "volunteering.contingent_changed": "volunteering.contingent.changed",
    "volunteering.placement_planned": "volunteering.placement.planned",
    "volunteering.placement_changed": "volunteering.placement.changed",
    "volunteering.placement_active": "volunteering.placement.started",
    "volunteering.placement_finished": "volunteering.placement.finished",
    "volunteering.placement_ended_early": "volunteering.placement.ended_early",
    "volunteering.placement_cancelled": "volunteering.placement.cancelled",
    "volunteering.seminar_created": "volunteering.seminar.created",
    "volunteering.seminar_changed": "volunteering.seminar.changed",
    "volunteering.attendance_recorded": "volunteering.attendance.recorded",
    "volunteering.volunteer_anonymised": "volunteering.volunteer.anonymised",
    "volunteering.volunteer_exported": "volunteering.volunteer.exported",
}


def _rename(apps, mapping):
    AuditEntry = apps.get_model("ikmo", "AuditEntry")
    for old, new in mapping.items():
        AuditEntry.objects.filter(action=old).update(action=new)


def forwards(apps, schema_editor):
    _rename(apps, RENAMED)


def backwards(apps, schema_editor):
    _rename(apps, {new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("volunteering", "0002_translatable_field_labels"),
        ("ikmo", "0005_staff_mfa_invitation"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
