"""Networks and umbrella organisations, and the named contact at the centre: the services'
rules, who may do what, and what the pages, the directory and the API show."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ikmo.models import AuditEntry, OutboundEmail
from organisations import permissions, services
from organisations.models import Membership, NetworkMembership, Organisation, StaffRole
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(db):
    return factories.OrganisationFactory(
        name="Netzwerk Brückenbund", kind=Organisation.Kind.NETWORK
    )


@pytest.fixture
def network_admin(network):
    return factories.member_of(
        network, role=Membership.Role.ADMIN, email="admin@brueckenbund.example"
    )


@pytest.fixture
def request_a(org, network, org_admin, network_admin):
    return services.network_membership_request(member=org, network=network, by=org_admin)


# --- services -------------------------------------------------------------------------------


def test_a_request_waits_for_the_network_and_tells_its_admins(request_a, network_admin):
    assert request_a.status == NetworkMembership.Status.PENDING
    assert OutboundEmail.objects.filter(to=network_admin.email).count() == 1
    assert AuditEntry.objects.filter(action="organisations.network_membership.requested").exists()


def test_confirming_makes_a_member_once_and_tells_the_members_admins(
    request_a, network_admin, org_admin
):
    services.network_membership_confirm(membership=request_a, by=network_admin)
    request_a.refresh_from_db()
    assert request_a.status == NetworkMembership.Status.ACTIVE
    assert request_a.decided_by == network_admin
    assert OutboundEmail.objects.filter(to=org_admin.email).count() == 1
    with pytest.raises(ValidationError):
        services.network_membership_confirm(membership=request_a, by=network_admin)
    assert (
        AuditEntry.objects.filter(action="organisations.network_membership.confirmed").count() == 1
    )


def test_a_declined_organisation_may_ask_again(request_a, network_admin, org, network, org_admin):
    services.network_membership_decline(membership=request_a, by=network_admin)
    request_a.refresh_from_db()
    assert request_a.status == NetworkMembership.Status.DECLINED
    again = services.network_membership_request(member=org, network=network, by=org_admin)
    assert again.pk == request_a.pk and again.status == NetworkMembership.Status.PENDING


def test_asking_twice_is_refused(request_a, org, network, org_admin):
    with pytest.raises(ValidationError):
        services.network_membership_request(member=org, network=network, by=org_admin)
    assert NetworkMembership.objects.count() == 1


def test_leaving_ends_the_membership_and_is_audited(request_a, network_admin, org_admin):
    services.network_membership_confirm(membership=request_a, by=network_admin)
    services.network_membership_end(membership=request_a, by=org_admin)
    assert not NetworkMembership.objects.exists()
    entry = AuditEntry.objects.get(action="organisations.network_membership.ended")
    assert entry.actor == org_admin


def test_only_organisations_of_the_network_kind_can_be_networks(org, other_org, org_admin):
    with pytest.raises(ValidationError) as error:
        services.network_membership_request(member=org, network=other_org, by=org_admin)
    assert error.value.code == "not_a_network"
    assert not NetworkMembership.objects.exists()


def test_a_network_cannot_be_its_own_member(network, network_admin):
    with pytest.raises(ValidationError) as error:
        services.network_membership_request(member=network, network=network, by=network_admin)
    assert error.value.code == "self_membership"


def test_a_network_waiting_for_approval_cannot_be_joined(org, org_admin):
    pending = factories.OrganisationFactory(
        kind=Organisation.Kind.NETWORK, status=Organisation.Status.PENDING
    )
    with pytest.raises(ValidationError):
        services.network_membership_request(member=org, network=pending, by=org_admin)


def test_staff_record_a_membership_directly(org, network, consultant):
    membership = services.network_membership_record(member=org, network=network, by=consultant)
    assert membership.status == NetworkMembership.Status.ACTIVE
    assert AuditEntry.objects.filter(action="organisations.network_membership.recorded").exists()


def test_the_contact_must_be_centre_staff(org, project_lead, org_member, jury_member):
    for person in (org_member, jury_member):
        with pytest.raises(ValidationError) as error:
            services.centre_contact_assign(organisation=org, contact=person, by=project_lead)
        assert error.value.code == "not_centre_staff"
    org.refresh_from_db()
    assert org.centre_contact is None


def test_naming_a_contact_is_audited_and_mails_the_new_contact_once(org, project_lead, consultant):
    services.centre_contact_assign(organisation=org, contact=consultant, by=project_lead)
    services.centre_contact_assign(organisation=org, contact=consultant, by=project_lead)
    org.refresh_from_db()
    assert org.centre_contact == consultant
    assert OutboundEmail.objects.filter(to=consultant.email).count() == 1
    entry = AuditEntry.objects.get(action="organisations.organisation.contact_changed")
    assert entry.changes == {"centre_contact": [None, consultant.pk]}


# --- permissions ----------------------------------------------------------------------------


def test_only_the_networks_admins_and_staff_answer_a_request(
    request_a, network_admin, org_admin, org_member, other_org_admin, consultant
):
    assert permissions.can_answer_network_request(network_admin, request_a)
    assert permissions.can_answer_network_request(consultant, request_a)
    for person in (org_admin, org_member, other_org_admin):
        assert not permissions.can_answer_network_request(person, request_a)


def test_member_b_cannot_confirm_a_request_of_org_a(client, request_a, other_org_admin):
    client.force_login(other_org_admin)
    for pk in (request_a.member_id, request_a.network_id):
        url = reverse("organisations:network_action", args=[pk, request_a.pk, "confirm"])
        assert client.post(url).status_code == 404
    request_a.refresh_from_db()
    assert request_a.status == NetworkMembership.Status.PENDING


def test_the_requesting_admin_cannot_confirm_her_own_request(client, request_a, org_admin):
    client.force_login(org_admin)
    url = reverse(
        "organisations:network_action", args=[request_a.member_id, request_a.pk, "confirm"]
    )
    assert client.post(url).status_code == 403
    request_a.refresh_from_db()
    assert request_a.status == NetworkMembership.Status.PENDING


def test_the_network_admin_confirms_on_the_networks_page(client, request_a, network_admin):
    client.force_login(network_admin)
    url = reverse(
        "organisations:network_action", args=[request_a.network_id, request_a.pk, "confirm"]
    )
    assert client.post(url).status_code == 302
    request_a.refresh_from_db()
    assert request_a.status == NetworkMembership.Status.ACTIVE


def test_an_unknown_action_is_not_found(client, request_a, network_admin):
    client.force_login(network_admin)
    url = reverse("organisations:network_action", args=[request_a.network_id, request_a.pk, "x"])
    assert client.post(url).status_code == 404


def test_a_plain_member_cannot_ask_for_her_organisation(client, org, org_member, network):
    client.force_login(org_member)
    response = client.post(
        reverse("organisations:network_join", args=[org.pk]), {"network": network.pk}
    )
    assert response.status_code == 403
    assert not NetworkMembership.objects.exists()


def test_consultants_cannot_name_a_contact(client, org, consultant):
    client.force_login(consultant)
    response = client.post(
        reverse("organisations:centre_contact", args=[org.pk]), {"contact": consultant.pk}
    )
    assert response.status_code == 403


def test_a_lead_cannot_name_a_member_as_contact_through_the_form(
    client, org, project_lead, org_member
):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(project_lead)
    response = client.post(
        reverse("organisations:centre_contact", args=[org.pk]), {"contact": org_member.pk}
    )
    assert response.status_code == 200
    assert "Choose a consultant or project lead of the centre." in response.content.decode()
    org.refresh_from_db()
    assert org.centre_contact is None


# --- pages, directory, API ------------------------------------------------------------------


def test_members_see_their_contact_and_networks(client, request_a, network_admin, org, org_member):
    contact = factories.staff(
        StaffRole.Role.CONSULTANT, first_name="Dilek", last_name="Beraterin", email="d@c.example"
    )
    org.centre_contact = contact
    org.save()
    services.network_membership_confirm(membership=request_a, by=network_admin)
    client.force_login(org_member)
    page = client.get(reverse("organisations:detail", args=[org.pk])).content.decode()
    assert "Dilek Beraterin" in page and "d@c.example" in page
    assert "Netzwerk Brückenbund" in page
    home = client.get(reverse("home")).content.decode()
    assert "Dilek Beraterin" in home and "d@c.example" in home


def test_the_networks_page_lists_its_members_a_page_at_a_time(client, network, network_admin):
    members = [factories.OrganisationFactory(name=f"Mitgliedsverein {i:02}") for i in range(12)]
    NetworkMembership.objects.bulk_create(
        NetworkMembership(network=network, member=m, status="active") for m in members
    )
    client.force_login(network_admin)
    url = reverse("organisations:detail", args=[network.pk])
    first = client.get(url).content.decode()
    assert "Mitgliedsverein 09" in first and "Mitgliedsverein 10" not in first
    second = client.get(url + "?members_page=2").content.decode()
    assert "Mitgliedsverein 11" in second and "Mitgliedsverein 00" not in second


def test_the_directory_filters_by_network_and_by_contact(
    client, request_a, network_admin, org, other_org, consultant, network
):
    services.network_membership_confirm(membership=request_a, by=network_admin)
    other_org.centre_contact = consultant
    other_org.save()
    client.force_login(consultant)
    url = reverse("organisations:directory")
    in_network = client.get(url, {"network": network.pk}).context["page"].object_list
    assert [o.pk for o in in_network] == [org.pk]
    mine = client.get(url, {"contact": consultant.pk}).context["page"].object_list
    assert [o.pk for o in mine] == [other_org.pk]
    # Junk in the filters is never an error page.
    assert client.get(url, {"network": "x", "contact": "99999999999999"}).status_code == 200


def test_the_api_shows_kind_networks_and_the_contacts_name(
    client, request_a, network_admin, org, org_member, consultant
):
    services.network_membership_confirm(membership=request_a, by=network_admin)
    org.centre_contact = consultant
    org.save()
    client.force_login(org_member)
    data = client.get(f"/api/v1/organisations/organisations/{org.pk}/").json()
    assert data["kind"] == "mo"
    assert data["networks"] == [{"id": request_a.network_id, "name": "Netzwerk Brückenbund"}]
    assert data["centre_contact"] == str(consultant)
    assert consultant.email not in str(data)
