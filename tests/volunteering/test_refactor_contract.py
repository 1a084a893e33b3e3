"""The desk's services without forms, its list filters and its audit vocabulary."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ikmo.audit import is_valid_action
from ikmo.models import AuditEntry
from volunteering import services
from volunteering.models import PLACEMENT_FLOW, SITE_FLOW, PlacementStatus, SiteStatus

from .factories import PlacementFactory

pytestmark = pytest.mark.django_db


def test_a_contingent_cannot_shrink_below_its_booked_places_when_called_directly(
    site, contingent, desk_consultant
):
    PlacementFactory(site=site, contingent=contingent, status=PlacementStatus.PLANNED)
    PlacementFactory(site=site, contingent=contingent, status=PlacementStatus.ACTIVE)
    with pytest.raises(ValidationError) as caught:
        services.contingent_update(contingent=contingent, places=1, by=desk_consultant)
    assert caught.value.error_dict["places"][0].code == "below_booked"
    contingent.refresh_from_db()
    assert contingent.places == 2
    services.contingent_update(contingent=contingent, places=5, note="mehr", by=desk_consultant)
    contingent.refresh_from_db()
    assert (contingent.places, contingent.note) == (5, "mehr")


def test_the_seminar_service_keeps_the_date_rules(carrier, desk_consultant):
    seminar = {"title": "Bildung", "carrier": carrier, "location": "Berlin", "by": desk_consultant}
    with pytest.raises(ValidationError) as caught:
        services.seminar_save(
            **seminar, start_date=date(2026, 3, 4), end_date=date(2026, 3, 2), days=1
        )
    assert caught.value.error_dict["end_date"][0].code == "date_order"
    with pytest.raises(ValidationError) as caught:
        services.seminar_save(
            **seminar, start_date=date(2026, 3, 2), end_date=date(2026, 3, 3), days=5
        )
    assert caught.value.error_dict["days"][0].code == "too_many_days"
    created = services.seminar_save(
        **seminar, start_date=date(2026, 3, 2), end_date=date(2026, 3, 3), days=2
    )
    services.seminar_save(
        **{**seminar, "title": "Politische Bildung"},
        seminar=created,
        start_date=date(2026, 3, 2),
        end_date=date(2026, 3, 3),
        days=2,
    )
    entry = AuditEntry.objects.get(action="volunteering.seminar.changed")
    assert entry.changes == {"title": ["Bildung", "Politische Bildung"]}


def test_the_workflows_hold_the_same_steps_as_before():
    assert SITE_FLOW.targets(SiteStatus.INTERESTED) == [SiteStatus.ADVISED]
    assert SITE_FLOW.targets(SiteStatus.CARRIER) == [SiteStatus.RECOGNISED, SiteStatus.ADVISED]
    assert not SITE_FLOW.allows(SiteStatus.INTERESTED, SiteStatus.RECOGNISED)
    assert PLACEMENT_FLOW.targets(PlacementStatus.PLANNED) == [
        PlacementStatus.ACTIVE,
        PlacementStatus.CANCELLED,
    ]
    for closed in (
        PlacementStatus.FINISHED,
        PlacementStatus.ENDED_EARLY,
        PlacementStatus.CANCELLED,
    ):
        assert PLACEMENT_FLOW.targets(closed) == []


def test_a_closed_placement_cannot_move(site, contingent, desk_consultant):
    placement = PlacementFactory(site=site, contingent=contingent, status=PlacementStatus.FINISHED)
    with pytest.raises(ValidationError) as caught:
        services.placement_transition(
            placement=placement, to_status=PlacementStatus.ACTIVE, by=desk_consultant
        )
    assert caught.value.code == "transition"


@pytest.mark.parametrize(
    "route, query",
    [
        ("volunteering:organisations", "status=nonsense"),
        ("volunteering:placements", "status=nonsense&page=x"),
        ("volunteering:contingents", "year=abc"),
        ("volunteering:contingents", "year=99999999999999999999"),
    ],
)
def test_bad_filter_values_are_ignored_not_an_error(client_for, desk_consultant, route, query):
    response = client_for(desk_consultant).get(reverse(route) + "?" + query)
    assert response.status_code == 200


def test_the_status_filter_still_filters(client_for, desk_consultant, site, contingent):
    active = PlacementFactory(site=site, contingent=contingent, status=PlacementStatus.ACTIVE)
    planned = PlacementFactory(site=site, contingent=contingent, status=PlacementStatus.PLANNED)
    response = client_for(desk_consultant).get(
        reverse("volunteering:placements") + "?status=active"
    )
    shown = [p.pk for p in response.context["page"].object_list]
    assert active.pk in shown and planned.pk not in shown
    assert response.context["status"] == "active"


def test_every_audit_action_of_the_desk_is_well_formed(site, contingent, desk_consultant, carrier):
    services.profile_register_interest(organisation=carrier, by=desk_consultant)
    services.consultation_log(
        organisation=site,
        held_on=date(2025, 5, 1),
        format="phone",
        topic="Anerkennung",
        by=desk_consultant,
    )
    placement = PlacementFactory(site=site, contingent=contingent, status=PlacementStatus.PLANNED)
    services.placement_transition(
        placement=placement, to_status=PlacementStatus.CANCELLED, by=desk_consultant
    )
    services.volunteer_erase(volunteer=placement.volunteer, by=desk_consultant)
    services.contingent_update(contingent=contingent, places=3, by=desk_consultant)
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert "volunteering.placement.cancelled" in actions
    assert len(actions) >= 4
    assert all(is_valid_action(action) for action in actions), actions


@pytest.mark.parametrize(
    "persona", ["desk_consultant", "workshop_trainer", "org_admin", "org_member", "other_org_admin"]
)
def test_the_profile_predicate_and_the_lookup_filter_say_the_same(request, persona, org):
    from volunteering import permissions, selectors

    user = request.getfixturevalue(persona)
    assert selectors.organisations_visible_to(user).filter(pk=org.pk).exists() == (
        permissions.can_view_profile(user, org)
    )
