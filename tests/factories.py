"""Factories shared by every app's tests. Fictional data only."""

import factory
from allauth.account.models import EmailAddress

from organisations.models import District, Membership, Organisation, StaffRole, User

DEFAULT_PASSWORD = "correct-horse-battery-staple-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name", locale="de_DE")
    last_name = factory.Faker("last_name", locale="de_DE")
    preferred_language = "de"

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or DEFAULT_PASSWORD)
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        """A verified primary address, as allauth requires before login (default on)."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


def district(name: str = "Neukölln") -> District:
    return District.objects.get(name=name)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Testverein {n} e.V.")
    kind = Organisation.Kind.MIGRANT_ORGANISATION
    legal_form = Organisation.LegalForm.REGISTERED_ASSOCIATION
    district = factory.LazyFunction(district)
    email = factory.Sequence(lambda n: f"kontakt{n}@verein.example")
    status = Organisation.Status.APPROVED


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.MEMBER
    status = Membership.Status.ACTIVE


class StaffRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffRole

    user = factory.SubFactory(UserFactory)
    role = StaffRole.Role.CONSULTANT
    subproject = ""


def member_of(organisation, *, role=Membership.Role.MEMBER, **user_kwargs) -> User:
    user = UserFactory(**user_kwargs)
    MembershipFactory(user=user, organisation=organisation, role=role)
    return user


def staff(role=StaffRole.Role.CONSULTANT, subproject: str = "", **user_kwargs) -> User:
    user = UserFactory(**user_kwargs)
    StaffRoleFactory(user=user, role=role, subproject=subproject)
    return user
