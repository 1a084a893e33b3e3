import pytest

from ikmo.subprojects import SubProject
from mentoring import services
from organisations.models import Membership, Organisation, StaffRole
from tests.conftest import enrol_mfa
from tests.factories import OrganisationFactory, member_of, staff

from .factories import mentor_offer, mentor_request

PERSONAS = [
    "anonymous",
    "org_member",
    "org_admin",
    "other_org_admin",
    "qualification_consultant",
    "consultant",
    "project_lead",
    "jury_member",
    "portal_admin",
]


@pytest.fixture
def qualification_consultant(db):
    """Centre staff of another sub-project: no business in mentoring's internal records."""
    user = staff(
        StaffRole.Role.CONSULTANT,
        subproject=SubProject.QUALIFICATION,
        email="coach@centre.example",
    )
    enrol_mfa(user)
    return user


@pytest.fixture
def persona(request, db):
    def get(name):
        return None if name == "anonymous" else request.getfixturevalue(name)

    return get


@pytest.fixture
def mentor_org(org):
    """The `org` fixture as an established organisation that mentors."""
    org.stage = Organisation.Stage.ESTABLISHED
    org.save(update_fields=["stage"])
    return org


@pytest.fixture
def mentee_org(other_org):
    return other_org  # start-up is the model default


@pytest.fixture
def third_org_admin(db):
    third = OrganisationFactory(name="Drittverein e.V.")
    return member_of(third, role=Membership.Role.ADMIN, email="admin@org-c.example")


@pytest.fixture
def offer(mentor_org):
    return mentor_offer(mentor_org, fields=("education", "youth"), languages=("ar", "de"))


@pytest.fixture
def open_request(mentee_org):
    return mentor_request(mentee_org, fields=("education",), languages=("ar",))


@pytest.fixture
def proposed_tandem(open_request, offer, project_lead, org_admin, other_org_admin):
    return services.tandem_propose(mentor_request=open_request, offer=offer, by=project_lead)


@pytest.fixture
def active_tandem(proposed_tandem, mentor_org, mentee_org, org_admin, other_org_admin):
    services.tandem_accept(tandem=proposed_tandem, organisation=mentor_org, by=org_admin)
    return services.tandem_accept(
        tandem=proposed_tandem, organisation=mentee_org, by=other_org_admin
    )
