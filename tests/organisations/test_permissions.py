"""Who may do what: one table of personas x actions, with the exact answer each one gets.

Org A is `org` (org_member, org_admin belong to it); `other_org_admin` belongs to org B.
404 means "does not exist for you" (the record's existence is not revealed); 403 means
"you can see it, but not do this".
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ikmo.models import GeneratedDocument
from organisations import permissions
from organisations.models import Membership, Organisation
from tests import factories
from tests.organisations.conftest import PERSONAS

pytestmark = pytest.mark.django_db

LOGIN = "login"  # 302 to the login page
DONE = "done"  # 302 after the action took effect

#                    anonymous member admin  other  consul lead   jury   p.admin
TABLE = {
    "directory": (LOGIN, 403, 403, 403, 200, 200, 403, 200),
    "detail": (LOGIN, 200, 200, 404, 200, 200, 404, 200),
    # The activity timeline loaded into the detail page: the same people, the same answers.
    "timeline": (LOGIN, 200, 200, 404, 200, 200, 404, 200),
    "edit": (LOGIN, 403, 200, 404, 403, 200, 404, 200),
    "edit_post": (LOGIN, 403, DONE, 404, 403, DONE, 404, DONE),
    "members": (LOGIN, 403, 200, 404, 403, 403, 404, 200),
    "member_approve": (LOGIN, 403, DONE, 404, 403, 403, 404, DONE),
    "registrations": (LOGIN, 403, 403, 403, 403, 200, 403, 200),
    "approve": (LOGIN, 404, 404, 404, 403, DONE, 404, DONE),
    "reject": (LOGIN, 404, 404, 404, 403, DONE, 404, DONE),
    "profile_sheet": (LOGIN, DONE, DONE, 404, DONE, DONE, 404, DONE),
    # The sheet was requested by the organisation's admin and shows her view.
    "document_detail": (LOGIN, 404, 200, 404, 404, 404, 404, 200),
    "document_download": (LOGIN, 404, 200, 404, 404, 404, 404, 200),
}

CASES = [
    pytest.param(action, name, expected[i], id=f"{action}-{name}")
    for action, expected in TABLE.items()
    for i, name in enumerate(PERSONAS)
]


@pytest.fixture
def join_request(org):
    applicant = factories.UserFactory(email="applicant@example.org")
    return factories.MembershipFactory(
        user=applicant, organisation=org, status=Membership.Status.PENDING
    )


def _profile_post(organisation) -> dict:
    return {
        "name": organisation.name,
        "kind": organisation.kind,
        "legal_form": organisation.legal_form,
        "founding_year": 2001,
        "stage": organisation.stage,
        "district": organisation.district_id,
        "email": organisation.email,
        "communities_served": "Changed by the test",
    }


def _request(client, action, *, org, pending_org, org_document, join_request):
    url = {
        "directory": reverse("organisations:directory"),
        "detail": reverse("organisations:detail", args=[org.pk]),
        "timeline": reverse("organisations:timeline", args=[org.pk]),
        "edit": reverse("organisations:edit", args=[org.pk]),
        "edit_post": reverse("organisations:edit", args=[org.pk]),
        "members": reverse("organisations:members", args=[org.pk]),
        "member_approve": reverse(
            "organisations:member_action", args=[org.pk, join_request.pk, "approve"]
        ),
        "registrations": reverse("organisations:registrations"),
        "approve": reverse("organisations:approve", args=[pending_org.pk]),
        "reject": reverse("organisations:reject", args=[pending_org.pk]),
        "profile_sheet": reverse("organisations:profile_sheet", args=[org.pk]),
        "document_detail": reverse("document_detail", args=[org_document.pk]),
        "document_download": reverse("document_download", args=[org_document.pk]),
    }[action]
    if action == "edit_post":
        return client.post(url, _profile_post(org))
    if action == "reject":
        return client.post(url, {"reason": "Not a migrant organisation."})
    if action in ("member_approve", "approve", "profile_sheet"):
        return client.post(url)
    return client.get(url)


def _effect_happened(action, *, org, pending_org, join_request) -> bool | None:
    """Whether the state change behind a POST action took place (None for reads)."""
    if action == "edit_post":
        org.refresh_from_db()
        return org.communities_served == "Changed by the test"
    if action == "member_approve":
        join_request.refresh_from_db()
        return join_request.status == Membership.Status.ACTIVE
    if action == "approve":
        pending_org.refresh_from_db()
        return pending_org.status == Organisation.Status.APPROVED
    if action == "reject":
        pending_org.refresh_from_db()
        return pending_org.status == Organisation.Status.REJECTED
    if action == "profile_sheet":
        return GeneratedDocument.objects.filter(organisation=org).count() > 1
    return None


@pytest.mark.parametrize(("action", "name", "expected"), CASES)
def test_persona_action_table(
    client, persona, action, name, expected, org, pending_org, org_document, join_request
):
    # On-commit work (rendering, e-mails) does not run here: this is only about who may act.
    user = persona(name)
    if user is not None:
        client.force_login(user)
    response = _request(
        client,
        action,
        org=org,
        pending_org=pending_org,
        org_document=org_document,
        join_request=join_request,
    )
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    elif expected == DONE:
        assert response.status_code == 302
        assert not response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == expected
    if action == "document_download" and expected == 200:
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF")
    effect = _effect_happened(action, org=org, pending_org=pending_org, join_request=join_request)
    if effect is not None:
        assert effect is (expected == DONE), "state changed although refused, or not at all"


class TestPredicatesAndSelectors:
    def test_project_leads_are_scoped_to_their_sub_project(self):
        from organisations.models import StaffRole

        scoped = factories.staff(StaffRole.Role.PROJECT_LEAD, subproject="actionfund")
        everywhere = factories.staff(StaffRole.Role.PROJECT_LEAD)
        assert permissions.is_project_lead(scoped, "actionfund")
        assert not permissions.is_project_lead(scoped, "mentoring")
        assert permissions.is_project_lead(everywhere, "mentoring")
        # A lead of any sub-project decides on registrations to the shared registry.
        assert permissions.can_decide_registrations(scoped)

    def test_jury_members_are_not_centre_staff(self, jury_member, org):
        assert not permissions.is_centre_staff(jury_member)
        assert not permissions.can_view_organisation(jury_member, org)

    def test_inactive_staff_lose_their_access(self, consultant, org):
        consultant.is_active = False
        consultant.save()
        assert not permissions.can_view_organisation(consultant, org)

    def test_members_see_only_their_own_active_organisations(
        self, org, other_org, org_member, consultant
    ):
        from organisations.selectors import organisations_for_user

        factories.MembershipFactory(
            user=org_member, organisation=other_org, status=Membership.Status.PENDING
        )
        assert list(organisations_for_user(org_member)) == [org]
        assert set(organisations_for_user(consultant)) == {org, other_org}

    def test_anonymous_sees_nothing(self, org):
        from django.contrib.auth.models import AnonymousUser

        from organisations.selectors import organisations_for_user

        assert not organisations_for_user(AnonymousUser()).exists()
        assert not permissions.can_view_organisation(AnonymousUser(), org)

    def test_a_pending_member_cannot_see_the_organisation(self, client, org):
        user = factories.UserFactory()
        factories.MembershipFactory(user=user, organisation=org, status=Membership.Status.PENDING)
        client.force_login(user)
        assert client.get(reverse("organisations:detail", args=[org.pk])).status_code == 404

    def test_unknown_organisations_are_404_for_staff_too(self, client, consultant):
        client.force_login(consultant)
        assert client.get(reverse("organisations:detail", args=[999999])).status_code == 404
        assert client.get(reverse("document_detail", args=[999999])).status_code == 404


def test_the_persons_organisations_are_read_once_for_every_sub_project(org, other_org):
    """Active memberships only, the admin's apart; one query per request whichever
    sub-project asks (volunteering and mentoring filter by the same rule)."""
    from mentoring import permissions as mentoring_permissions
    from volunteering import permissions as volunteering_permissions

    person = factories.member_of(org, role=Membership.Role.ADMIN)
    factories.MembershipFactory(user=person, organisation=other_org)
    pending = factories.OrganisationFactory(name="Noch offen e.V.")
    factories.MembershipFactory(user=person, organisation=pending, status=Membership.Status.PENDING)
    with CaptureQueriesContext(connection) as queries:
        assert permissions.active_organisation_ids(person) == {org.pk, other_org.pk}
        assert permissions.admin_organisation_ids(person) == {org.pk}
        assert volunteering_permissions.can_view_profile(person, other_org)
        assert not volunteering_permissions.can_view_profile(person, pending)
        assert mentoring_permissions.active_organisation_ids(person) == {org.pk, other_org.pk}
    memberships = [q for q in queries.captured_queries if '"organisations_membership"' in q["sql"]]
    assert len(memberships) == 1
    assert permissions.active_organisation_ids(factories.UserFactory()) == frozenset()
