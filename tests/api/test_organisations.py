"""The registry's endpoint: the directory for the centre's staff, one's own organisations for
everyone else, as the profile page shows them."""

import pytest
from django.urls import reverse

from organisations.models import District, FieldOfWork, Organisation
from tests import factories

pytestmark = pytest.mark.django_db

LIST = reverse("api:organisations_organisations-list")


def detail(organisation):
    return reverse("api:organisations_organisations-detail", args=[organisation.pk])


def test_a_member_sees_their_own_organisations_profile_and_nobody_elses(
    org, other_org, org_member, api_as
):
    org.website = "https://brueckenbau.example"
    org.save()
    org.fields_of_work.set(FieldOfWork.objects.all()[:2])
    client = api_as(org_member)
    rows = client.get(LIST).json()["results"]
    assert [r["name"] for r in rows] == [org.name]
    profile = client.get(detail(org)).json()
    assert profile["website"] == "https://brueckenbau.example"
    assert profile["kind"] == "mo" and profile["legal_form"] == "ev"
    assert profile["district"]["name"] == org.district.name
    assert len(profile["fields_of_work"]) == 2
    # The people of the organisation are not part of it.
    assert org_member.email not in client.get(detail(org)).content.decode()
    assert client.get(detail(other_org)).status_code == 404


def test_a_pending_membership_shows_nothing(org, api_as):
    from organisations.models import Membership

    person = factories.UserFactory(email="wartet@org.example")
    factories.MembershipFactory(user=person, organisation=org, status=Membership.Status.PENDING)
    client = api_as(person)
    assert client.get(LIST).json()["count"] == 0
    assert client.get(detail(org)).status_code == 404


def test_staff_filter_the_directory_as_on_its_page(org, other_org, consultant, api_as):
    other_org.kind = Organisation.Kind.REFUGEE_INITIATIVE
    other_org.district = District.objects.exclude(pk=org.district_id).first()
    other_org.save()
    client = api_as(consultant)
    names = lambda query: [r["name"] for r in client.get(LIST, query).json()["results"]]  # noqa: E731
    assert names({}) == [org.name, other_org.name]
    assert names({"kind": "refugee_initiative"}) == [other_org.name]
    assert names({"district": org.district_id}) == [org.name]
    assert names({"q": "sonnen"}) == [other_org.name]
    assert names({"ordering": "-name"}) == [other_org.name, org.name]
    for bad in ({"kind": "x"}, {"district": "abc"}, {"q": "a\x00"}, {"district": "9" * 25}):
        response = client.get(LIST, bad)
        assert response.status_code == 400, bad
        assert response.json()["code"] == "invalid"


def test_the_directory_costs_the_same_for_many_rows(
    consultant, api_as, django_assert_max_num_queries
):
    fields = list(FieldOfWork.objects.all()[:3])
    for _ in range(15):
        factories.OrganisationFactory().fields_of_work.set(fields)
    client = api_as(consultant)
    # 9: the networks each organisation is in are one prefetch for the whole page.
    with django_assert_max_num_queries(9):
        response = client.get(LIST)
    assert response.json()["count"] == 15


def test_the_registry_cannot_be_written(org, org_admin, api_as):
    response = api_as(org_admin, "write").patch(
        detail(org), '{"name": "Neu"}', content_type="application/json"
    )
    assert response.status_code == 405
