"""Founding initiatives (organisations waiting for approval) and individuals in workshops:
who may register, how it is recorded, what approval carries over, and how it is counted."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from ikmo.models import AuditEntry
from organisations import services as organisation_services
from organisations.models import Membership, Organisation
from qualification import services
from qualification.models import Registration
from reporting.registry import DateRange, get_indicator
from tests import factories

from .factories import make_workshop, register

pytestmark = pytest.mark.django_db

TakingPartAs = Registration.TakingPartAs


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (the msgids), whatever the catalogues say."""
    with translation.override("en"):
        yield


@pytest.fixture
def initiative(db):
    return factories.OrganisationFactory(
        name="Gründungsinitiative Teststraße",
        status=Organisation.Status.PENDING,
        legal_form=Organisation.LegalForm.IN_FOUNDING,
    )


@pytest.fixture
def founder(initiative):
    return factories.member_of(initiative, role=Membership.Role.ADMIN, email="gruender@example.org")


@pytest.fixture
def person(db):
    """Signed up, in no organisation at all."""
    return factories.UserFactory(email="einzelperson@example.org")


@pytest.fixture
def open_workshop(trainer):
    return make_workshop(trainer=trainer, capacity=2, is_basic=True, open_to_initiatives=True)


def _register(workshop, user, organisation=None):
    return services.registration_create(
        workshop=workshop, participant=user, organisation=organisation, by=user
    )


# Registering --------------------------------------------------------------------------------


def test_a_person_without_organisation_registers_as_an_individual(open_workshop, person):
    registration = _register(open_workshop, person)
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.organisation is None
    assert registration.taking_part_as == TakingPartAs.INDIVIDUAL
    assert AuditEntry.objects.filter(
        action="qualification.registration.confirmed", object_id=str(registration.pk)
    ).exists()


def test_a_member_of_a_pending_organisation_registers_as_its_initiative(
    open_workshop, initiative, founder
):
    registration = _register(open_workshop, founder, initiative)
    assert registration.organisation == initiative
    assert registration.taking_part_as == TakingPartAs.INITIATIVE
    assert registration.is_open_initiative
    assert "initiative in founding" in registration.taking_part_label


def test_workshops_not_open_to_initiatives_refuse_them_and_individuals(
    trainer, initiative, founder, person
):
    closed = make_workshop(trainer=trainer)
    with pytest.raises(ValidationError, match="only open to members of approved"):
        _register(closed, person)
    with pytest.raises(ValidationError, match="only open to members of approved"):
        _register(closed, founder, initiative)
    assert not Registration.objects.exists()


def test_members_of_approved_organisations_register_for_it_not_as_individuals(
    open_workshop, org, org_member
):
    with pytest.raises(ValidationError, match="register for your organisation"):
        _register(open_workshop, org_member)
    assert _register(open_workshop, org_member, org).taking_part_as == TakingPartAs.ORGANISATION


def test_nobody_registers_someone_else_as_an_individual_or_for_an_initiative(
    open_workshop, initiative, founder, person
):
    colleague = factories.member_of(initiative)
    with pytest.raises(ValidationError, match="only register themselves"):
        services.registration_create(
            workshop=open_workshop, participant=person, organisation=None, by=founder
        )
    with pytest.raises(ValidationError, match="only register themselves"):
        services.registration_create(
            workshop=open_workshop, participant=colleague, organisation=initiative, by=founder
        )
    assert not Registration.objects.exists()


def test_only_members_register_for_an_initiative_and_only_while_it_is_pending(
    open_workshop, initiative, person
):
    with pytest.raises(ValidationError, match="initiative you are an active member of"):
        _register(open_workshop, person, initiative)
    rejected = factories.OrganisationFactory(status=Organisation.Status.REJECTED)
    member = factories.member_of(rejected)
    with pytest.raises(ValidationError, match="initiative you are an active member of"):
        _register(open_workshop, member, rejected)
    assert not Registration.objects.exists()


def test_initiatives_and_individuals_share_the_places_and_the_waiting_list(
    open_workshop, initiative, founder, person, org, org_member
):
    assert _register(open_workshop, org_member, org).status == Registration.Status.CONFIRMED
    assert _register(open_workshop, person).status == Registration.Status.CONFIRMED
    late = _register(open_workshop, founder, initiative)
    assert late.status == Registration.Status.WAITLISTED
    # A freed place goes to the initiative, as to anyone next in line.
    services.registration_cancel(
        registration=Registration.objects.get(participant=person), by=person
    )
    late.refresh_from_db()
    assert late.status == Registration.Status.CONFIRMED


def test_a_person_cannot_register_twice_for_the_same_workshop(open_workshop, initiative, founder):
    _register(open_workshop, founder, initiative)
    # Neither again for the initiative, nor on the side as an individual.
    with pytest.raises(ValidationError, match="already registered"):
        _register(open_workshop, founder, initiative)
    with pytest.raises(ValidationError, match="already registered"):
        _register(open_workshop, founder)
    assert Registration.objects.filter(participant=founder).count() == 1


# Approval ------------------------------------------------------------------------------------


def test_approval_carries_the_initiatives_registrations_over_to_the_organisation(
    open_workshop, initiative, founder, person, project_lead
):
    own = _register(open_workshop, founder, initiative)
    alone = _register(open_workshop, person)
    organisation_services.organisation_approve(organisation=initiative, by=project_lead)
    own.refresh_from_db()
    alone.refresh_from_db()
    assert own.carried_over_at is not None
    assert own.organisation == initiative
    assert own.taking_part_as == TakingPartAs.INITIATIVE  # how it was made stays recorded
    assert not own.is_open_initiative
    assert own.taking_part_label == initiative.name
    assert Registration.objects.filter(Registration.FOR_ORGANISATION, pk=own.pk).exists()
    entry = AuditEntry.objects.get(action="qualification.registration.carried_over")
    assert entry.actor == project_lead and entry.object_id == str(own.pk)
    assert entry.organisation_id == initiative.pk
    # The individual is nobody's: approving some organisation reassigns nothing.
    assert alone.organisation is None and alone.carried_over_at is None


def test_carry_over_is_undone_with_the_approval_if_anything_fails(
    open_workshop, initiative, founder, project_lead, monkeypatch
):
    own = _register(open_workshop, founder, initiative)

    def broken(*args, **kwargs):
        raise RuntimeError("mail server exploded")

    monkeypatch.setattr(organisation_services, "_mail_admins_of", broken)
    with pytest.raises(RuntimeError):
        organisation_services.organisation_approve(organisation=initiative, by=project_lead)
    own.refresh_from_db()
    initiative.refresh_from_db()
    assert initiative.status == Organisation.Status.PENDING
    assert own.carried_over_at is None


def test_a_rejected_initiative_keeps_its_registrations_as_an_initiatives(
    open_workshop, initiative, founder, project_lead
):
    own = _register(open_workshop, founder, initiative)
    organisation_services.organisation_reject(
        organisation=initiative, by=project_lead, reason="Kein Bezug zu Berlin"
    )
    own.refresh_from_db()
    assert own.carried_over_at is None and own.is_open_initiative


def test_individuals_who_join_an_organisation_later_keep_their_history_and_see_it(
    client_for, trainer, org, person
):
    past = make_workshop(trainer=trainer, starts_in=timedelta(days=-3), open_to_initiatives=True)
    alone = register(past, person, None, taking_part_as=TakingPartAs.INDIVIDUAL, attended=True)
    factories.MembershipFactory(user=person, organisation=org)
    client = client_for(person)
    page = client.get(
        reverse("qualification:my_registrations"), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert past.title in page
    assert ">Individual</span>" in page
    assert "not counted for the organisation you joined later" in page
    alone.refresh_from_db()
    assert alone.organisation is None


# Funder reporting ----------------------------------------------------------------------------


def test_indicators_count_individuals_and_initiatives_apart_from_organisations(
    trainer, org, org_member, initiative, founder, person, project_lead
):
    held = make_workshop(trainer=trainer, starts_in=timedelta(days=-5), open_to_initiatives=True)
    second = make_workshop(trainer=trainer, starts_in=timedelta(days=-2), open_to_initiatives=True)
    other_initiative = factories.OrganisationFactory(status=Organisation.Status.PENDING)
    helper = factories.member_of(other_initiative)
    register(held, org_member, org, attended=True)
    for workshop in (held, second):  # one person twice: one individual reached
        register(workshop, person, None, taking_part_as=TakingPartAs.INDIVIDUAL, attended=True)
    register(held, founder, initiative, taking_part_as=TakingPartAs.INITIATIVE, attended=True)
    register(second, founder, initiative, taking_part_as=TakingPartAs.INITIATIVE, attended=True)
    register(held, helper, other_initiative, taking_part_as=TakingPartAs.INITIATIVE, attended=False)
    # Local days, as the indicators count them (after midnight in Berlin the UTC date is
    # the day before).
    today = DateRange(
        timezone.localdate(held.starts_at) - timedelta(days=1), timezone.localdate(second.starts_at)
    )
    participants = get_indicator("participants")
    individuals = get_indicator("individuals_reached")
    initiatives = get_indicator("initiatives_reached")

    assert individuals.value(today) == 1
    assert initiatives.value(today) == 1  # the absent initiative was not reached
    # Pending organisations are no organisations: neither in attendances nor in the reach.
    assert participants.value(today) == 1
    assert set(participants.organisation_ids(today).values_list("organisation", flat=True)) == {
        org.pk
    }
    assert all(r.taking_part_as == "individual" for r in individuals.records(today))
    assert individuals.records(today).count() == 2  # the drill-down: both attendances

    organisation_services.organisation_approve(organisation=initiative, by=project_lead)
    # Approved: its attendances count for it now; it stays an initiative reached in founding.
    assert participants.value(today) == 3
    assert set(participants.organisation_ids(today).values_list("organisation", flat=True)) == {
        org.pk,
        initiative.pk,
    }
    assert initiatives.value(today) == 1
    assert individuals.value(today) == 1
