"""The audit trail: who changed what, written by the services, readable but not editable."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from ikmo.audit import audit_log, is_valid_action, save_with_changes
from ikmo.models import AuditEntry
from organisations.models import FieldOfWork

pytestmark = pytest.mark.django_db


def test_audit_log_records_actor_action_target_and_organisation(org, org_admin):
    entry = audit_log(
        actor=org_admin,
        action="organisations.organisation.updated",
        target=org,
        organisation=org,
        changes={"phone": ["", "030 1"]},
    )
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.actor == org_admin
    assert entry.action == "organisations.organisation.updated"
    assert entry.target == org
    assert entry.object_repr == org.name
    assert entry.organisation == org
    assert entry.changes == {"phone": ["", "030 1"]}
    assert entry.created_at is not None


def test_anonymous_and_system_actions_have_no_actor(org):
    assert audit_log(actor=AnonymousUser(), action="ikmo.test.done", target=org).actor is None
    assert audit_log(actor=None, action="ikmo.test.undone").actor is None


def test_the_trail_survives_the_actor_being_deleted(org, org_admin):
    entry = audit_log(actor=org_admin, action="organisations.organisation.updated", target=org)
    org_admin.delete()
    entry.refresh_from_db()
    assert entry.actor is None
    assert entry.action == "organisations.organisation.updated"


def test_save_with_changes_computes_what_changed_from_the_model(org):
    """Without any form: a task, admin action or API call is recorded the same way."""
    org.founding_year = 2001
    org.save()
    first, second = FieldOfWork.objects.order_by("pk")[:2]
    org.fields_of_work.set([first])
    changes = save_with_changes(
        org,
        {"founding_year": 2002, "name": org.name, "fields_of_work": [first, second]},
    )
    org.refresh_from_db()
    assert org.founding_year == 2002
    assert set(org.fields_of_work.all()) == {first, second}
    assert changes == {
        "founding_year": ["2001", "2002"],
        "fields_of_work": [[str(first.pk)], sorted([str(first.pk), str(second.pk)])],
    }


def test_save_with_changes_on_a_new_record_reports_no_changes(org):
    from organisations.models import Organisation

    new = Organisation(name="Neu e.V.", kind=org.kind, district=org.district)
    assert save_with_changes(new, {"email": "neu@example.org"}) == {}
    assert Organisation.objects.filter(name="Neu e.V.", email="neu@example.org").exists()


@pytest.mark.parametrize(
    ("action", "valid"),
    [
        ("actionfund.application.submitted", True),
        ("mentoring.tandem.proposed", True),
        ("coaching.session_logged", False),
        ("nosuchapp.thing.done", False),
        ("organisation.updated", False),
    ],
)
def test_audit_actions_are_named_app_object_verb(action, valid):
    assert is_valid_action(action) is valid


def test_an_action_outside_the_vocabulary_is_refused(org):
    with pytest.raises(ValueError):
        audit_log(actor=None, action="organisation.updated", target=org)
    assert not AuditEntry.objects.exists()


def test_every_registry_service_leaves_an_entry(client, org, org_admin, org_member, project_lead):
    """One pass through the browser; each state change is attributed to the person who did it."""
    from organisations.models import Membership, Organisation
    from tests import factories

    client.force_login(factories.UserFactory(email="founder@example.org"))
    client.post(
        reverse("organisations:register"),
        {
            "name": "Audit Verein",
            "kind": "mo",
            "legal_form": "in_founding",
            "stage": "startup",
            "district": org.district_id,
        },
    )
    new = Organisation.objects.get(name="Audit Verein")
    client.force_login(project_lead)
    client.post(reverse("organisations:approve", args=[new.pk]))
    client.force_login(org_admin)
    membership = Membership.objects.get(user=org_member)
    client.post(
        reverse("organisations:member_action", args=[org.pk, membership.pk, "role"]),
        {"role": "admin"},
    )
    client.post(reverse("organisations:member_action", args=[org.pk, membership.pk, "remove"]))

    trail = list(AuditEntry.objects.order_by("pk").values_list("action", "actor__email"))
    assert trail == [
        ("organisations.organisation.registered", "founder@example.org"),
        ("organisations.organisation.approved", project_lead.email),
        ("organisations.membership.role_changed", org_admin.email),
        ("organisations.membership.removed", org_admin.email),
    ]


def test_admin_shows_the_trail_read_only(client, org, org_admin):
    from tests.conftest import enrol_mfa
    from tests.factories import UserFactory

    superuser = UserFactory(is_superuser=True, is_staff=True)
    enrol_mfa(superuser)
    entry = audit_log(
        actor=org_admin, action="organisations.organisation.updated", target=org, organisation=org
    )
    client.force_login(superuser)
    assert client.get(reverse("admin:ikmo_auditentry_changelist")).status_code == 200
    change = client.get(reverse("admin:ikmo_auditentry_change", args=[entry.pk]))
    assert change.status_code == 200
    assert 'name="_save"' not in change.content.decode()
    assert client.get(reverse("admin:ikmo_auditentry_add")).status_code == 403
    response = client.post(
        reverse("admin:ikmo_auditentry_delete", args=[entry.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
