"""Workshop attendance comes from the qualification app, looked up by model name."""

from datetime import timedelta

import pytest

from actionfund import selectors, services
from actionfund.eligibility import (
    eligibility_problems,
    organisation_attended_workshop,
    organisations_attended_workshop,
)
from actionfund.models import Call
from tests.qualification.factories import make_workshop, register

from .factories import CallFactory, in_review

pytestmark = pytest.mark.django_db


def test_no_attendance_means_false(org):
    assert organisation_attended_workshop(org) is False


def test_a_confirmed_attended_registration_counts(org, org_member, other_org):
    workshop = make_workshop(starts_in=timedelta(days=-10))
    register(workshop, org_member, org, attended=True)
    assert organisation_attended_workshop(org) is True
    assert organisation_attended_workshop(other_org) is False
    assert organisations_attended_workshop([org.pk, other_org.pk]) == {org.pk}


def test_registered_but_absent_does_not_count(org, org_member):
    workshop = make_workshop(starts_in=timedelta(days=-10))
    register(workshop, org_member, org, attended=False)
    assert organisation_attended_workshop(org) is False


def test_required_workshop_passes_after_attendance(org, org_member, org_admin):
    call = CallFactory(workshop_rule=Call.WorkshopRule.REQUIRED)
    assert eligibility_problems(call=call, organisation=org)
    register(make_workshop(starts_in=timedelta(days=-10)), org_member, org, attended=True)
    assert eligibility_problems(call=call, organisation=org) == []
    services.application_start(call=call, organisation=org, by=org_admin)


def test_bonus_points_lift_the_ranking(
    org, org_admin, org_member, other_org, other_org_admin, fund_lead, jury_member
):
    call = CallFactory(workshop_rule=Call.WorkshopRule.BONUS)
    from .factories import CriterionFactory

    criterion = CriterionFactory(call=call)
    # b is submitted first, so without the bonus it would rank first on the tie.
    b = in_review(organisation=other_org, by=other_org_admin, lead=fund_lead, call=call)
    a = in_review(organisation=org, by=org_admin, lead=fund_lead, call=call)
    services.jury_assign(application=a, jurors=[jury_member], by=fund_lead)
    services.jury_assign(application=b, jurors=[jury_member], by=fund_lead)
    services.scores_save(application=a, juror=jury_member, values={criterion.pk: (3, "")})
    services.scores_save(application=b, juror=jury_member, values={criterion.pk: (3, "")})
    assert [x.pk for x in selectors.ranking(call)] == [b.pk, a.pk]
    register(make_workshop(starts_in=timedelta(days=-10)), org_member, org, attended=True)
    ranked = selectors.ranking(call)
    assert [x.pk for x in ranked] == [a.pk, b.pk]
    assert ranked[0].bonus == call.workshop_bonus and ranked[1].bonus == 0
