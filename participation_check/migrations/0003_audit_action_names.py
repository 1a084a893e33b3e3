"""Audit actions follow <app>.<object>.<verb> (issue 16): rename the entries already written."""

from django.db import migrations

RENAMED = {
    "participation.analysis_created": "participation_check.analysis.created",
    "participation.analysis_updated": "participation_check.analysis.updated",
    "participation.analysis_status": "participation_check.analysis.status_changed",
    "participation.guideline_updated": "participation_check.guideline.updated",
    "participation.structure_created": "participation_check.structure.created",
    "participation.structure_updated": "participation_check.structure.updated",
    "participation.structure_deleted": "participation_check.structure.deleted",
    "participation.interview_created": "participation_check.interview.created",
    "participation.interview_updated": "participation_check.interview.updated",
    "participation.interview_viewed": "participation_check.interview.viewed",
    "participation.interview_consent_withdrawn": "participation_check.interview.consent_withdrawn",
    "participation.interview_deleted": "participation_check.interview.deleted",
    "participation.meeting_created": "participation_check.meeting.created",
    "participation.meeting_updated": "participation_check.meeting.updated",
    "participation.recommendation_created": "participation_check.recommendation.created",
    "participation.recommendation_updated": "participation_check.recommendation.updated",
    "participation.recommendation_status": "participation_check.recommendation.status_changed",
    "participation.recommendation_response": (
        "participation_check.recommendation.response_recorded"
    ),
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
        ("participation_check", "0002_translatable_field_labels"),
        ("ikmo", "0005_staff_mfa_invitation"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
