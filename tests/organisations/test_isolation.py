"""Org A's people never reach org B's data, by any URL: every answer is 404 and nothing changes."""

import pytest
from django.urls import reverse

from ikmo.models import GeneratedDocument
from organisations.models import Membership, Organisation
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def b_memberships(other_org, other_org_admin):
    member = factories.member_of(other_org, email="member@org-b.example")
    pending = factories.MembershipFactory(organisation=other_org, status=Membership.Status.PENDING)
    return {
        "admin": Membership.objects.get(user=other_org_admin, organisation=other_org),
        "member": Membership.objects.get(user=member, organisation=other_org),
        "pending": pending,
    }


def _snapshot(organisation):
    organisation.refresh_from_db()
    return (
        organisation.name,
        organisation.status,
        organisation.communities_served,
        sorted(organisation.memberships.values_list("pk", "role", "status")),
        GeneratedDocument.objects.filter(organisation=organisation).count(),
    )


def _b_urls(other_org, b_memberships, other_org_document):
    b = other_org.pk
    urls = [
        ("get", reverse("organisations:detail", args=[b]), None),
        ("get", reverse("organisations:timeline", args=[b]), None),
        ("get", reverse("organisations:edit", args=[b]), None),
        ("post", reverse("organisations:edit", args=[b]), {"name": "Taken over"}),
        ("get", reverse("organisations:members", args=[b]), None),
        ("post", reverse("organisations:profile_sheet", args=[b]), None),
        ("post", reverse("organisations:approve", args=[b]), None),
        ("post", reverse("organisations:reject", args=[b]), {"reason": "x"}),
        ("get", reverse("document_detail", args=[other_org_document.pk]), None),
        ("get", reverse("document_download", args=[other_org_document.pk]), None),
    ]
    for membership in b_memberships.values():
        for action in ("approve", "decline", "role", "remove"):
            urls.append(
                (
                    "post",
                    reverse("organisations:member_action", args=[b, membership.pk, action]),
                    {"role": "admin"},
                )
            )
    return urls


@pytest.mark.parametrize("who", ["org_admin", "org_member"])
def test_org_a_never_reaches_org_b(
    client, request, who, org, other_org, b_memberships, other_org_document
):
    client.force_login(request.getfixturevalue(who))
    before = _snapshot(other_org)
    for method, url, data in _b_urls(other_org, b_memberships, other_org_document):
        response = getattr(client, method)(url, data or {})
        assert response.status_code == 404, f"{method.upper()} {url}"
        assert other_org.name.encode() not in response.content, url
    assert _snapshot(other_org) == before


def test_org_a_admin_cannot_act_on_org_b_memberships_through_org_a(
    client, org, org_admin, other_org, b_memberships
):
    """Org A's id in the URL with org B's membership id must not work either."""
    client.force_login(org_admin)
    before = _snapshot(other_org)
    for membership in b_memberships.values():
        for action in ("approve", "decline", "role", "remove"):
            url = reverse("organisations:member_action", args=[org.pk, membership.pk, action])
            assert client.post(url, {"role": "admin"}).status_code == 404, url
    assert _snapshot(other_org) == before


def test_org_b_is_not_in_org_a_lists(client, org, org_admin, other_org, other_org_document):
    client.force_login(org_admin)
    home = client.get(reverse("home")).content.decode()
    assert org.name in home
    assert other_org.name not in home
    # The directory is for staff only; members get 403 rather than a filtered list.
    assert client.get(reverse("organisations:directory")).status_code == 403


def test_org_b_pending_registration_is_invisible_to_org_a(client, org_admin):
    pending = factories.OrganisationFactory(status=Organisation.Status.PENDING)
    client.force_login(org_admin)
    assert client.get(reverse("organisations:detail", args=[pending.pk])).status_code == 404
    assert client.get(reverse("organisations:registrations")).status_code == 403


def test_unknown_member_actions_are_404(client, org, org_admin):
    client.force_login(org_admin)
    membership = Membership.objects.get(user=org_admin)
    url = reverse("organisations:member_action", args=[org.pk, membership.pk, "delete_all"])
    assert client.post(url).status_code == 404


def test_member_actions_only_accept_post(client, org, org_admin, org_member):
    client.force_login(org_admin)
    membership = Membership.objects.get(user=org_member)
    url = reverse("organisations:member_action", args=[org.pk, membership.pk, "remove"])
    assert client.get(url).status_code == 405
    assert Membership.objects.filter(pk=membership.pk).exists()
