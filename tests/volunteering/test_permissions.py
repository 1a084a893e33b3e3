"""Who sees which volunteers: a table of personas × actions, including people with no access."""

import pytest
from django.urls import reverse

from tests import factories
from volunteering.models import PlacementStatus

from .factories import PlacementFactory

VIEW, EDIT, TRANSITION = "view", "edit", "transition"

# persona: expected status for (view, edit, transition) on a placement at org A's site
TABLE = {
    "org_member": (200, 403, 403),
    "org_admin": (200, 403, 403),
    "carrier_member": (200, 403, 403),
    "other_org_admin": (404, 404, 404),
    "workshop_trainer": (404, 404, 404),
    "jury_member": (404, 404, 404),
    "desk_consultant": (200, 200, 302),
    "project_lead": (200, 200, 302),
    "portal_admin": (200, 200, 302),
}


@pytest.fixture
def carrier_member(carrier):
    return factories.member_of(carrier, email="member@carrier.example")


@pytest.fixture
def placement(site, contingent):
    return PlacementFactory(site=site, contingent=contingent, volunteer__first_name="Sichtbar")


@pytest.mark.django_db
@pytest.mark.parametrize("persona", list(TABLE))
def test_placement_access_by_persona(request, client_for, placement, persona):
    client = client_for(request.getfixturevalue(persona))
    view, edit, transition = TABLE[persona]
    assert client.get(reverse("volunteering:placement", args=[placement.pk])).status_code == view
    assert (
        client.get(reverse("volunteering:placement_edit", args=[placement.pk])).status_code == edit
    )
    response = client.post(
        reverse("volunteering:placement_transition", args=[placement.pk]),
        {"status": "finished"},
    )
    assert response.status_code == transition
    placement.refresh_from_db()
    assert (placement.status == PlacementStatus.FINISHED) == (transition == 302)


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_login(client, placement):
    response = client.get(reverse("volunteering:placement", args=[placement.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_a_site_lists_only_its_own_volunteers(
    client_for, org_member, other_org_admin, placement, other_site, contingent
):
    PlacementFactory(site=other_site, contingent=contingent, volunteer__first_name="Fremd")
    response = client_for(org_member).get(reverse("volunteering:placements"))
    names = [p.volunteer.first_name for p in response.context["page"].object_list]
    assert names == ["Sichtbar"]
    response = client_for(other_org_admin).get(reverse("volunteering:placements"))
    assert [p.volunteer.first_name for p in response.context["page"].object_list] == ["Fremd"]
    assert b"Sichtbar" not in response.content


@pytest.mark.django_db
def test_the_carrier_sees_the_placements_it_carries(
    client_for, carrier_member, placement, other_site, contingent
):
    PlacementFactory(site=other_site, contingent=contingent)
    response = client_for(carrier_member).get(reverse("volunteering:placements"))
    assert len(response.context["page"].object_list) == 2


@pytest.mark.django_db
def test_staff_of_other_sub_projects_see_no_volunteer_lists(
    client_for, workshop_trainer, placement
):
    client = client_for(workshop_trainer)
    response = client.get(reverse("volunteering:placements"))
    assert list(response.context["page"].object_list) == []
    assert client.get(reverse("volunteering:organisations")).status_code == 403
    assert client.get(reverse("volunteering:contingents")).status_code == 403
    assert client.get(reverse("volunteering:placement_new")).status_code == 403


@pytest.mark.django_db
def test_the_timeline_never_names_volunteers(org_member, desk_consultant, placement, site):
    from organisations.timeline import timeline_for

    for user in (org_member, desk_consultant):
        events = timeline_for(organisation=site, user=user)
        assert any(f"P-{placement.pk}" in str(e.title) for e in events)
        assert not any("Sichtbar" in str(e.title) + str(e.detail) for e in events)
