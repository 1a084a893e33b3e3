"""Audit actions renamed to ``<app>.<object>.<verb>`` (ikmo/audit.py).

The staff second-factor invitations (ikmo/mfa.py) are renamed here too: they are the
accounts' business, and an ikmo migration of its own for two names was not worth it.
"""

from django.db import migrations

RENAMED = {
    "organisation.registered": "organisations.organisation.registered",
    "organisation.updated": "organisations.organisation.updated",
    "organisation.approved": "organisations.organisation.approved",
    "organisation.rejected": "organisations.organisation.rejected",
    "membership.requested": "organisations.membership.requested",
    "membership.approved": "organisations.membership.approved",
    "membership.declined": "organisations.membership.declined",
    "membership.role_changed": "organisations.membership.role_changed",
    "membership.removed": "organisations.membership.removed",
    "mfa.invitation.created": "ikmo.mfa_invitation.created",
    "mfa.invitation.used": "ikmo.mfa_invitation.used",
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
        ("organisations", "0004_organisation_search_name"),
    ]

    operations = [
        migrations.RunPython(
            rename(RENAMED), rename({new: old for old, new in RENAMED.items()}), elidable=True
        ),
    ]
