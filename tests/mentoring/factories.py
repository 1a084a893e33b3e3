"""Factories for networking & mentoring tests. Fictional data only."""

import datetime

import factory
from django.utils import timezone

from mentoring.models import CooperationContact, Event
from organisations.models import FieldOfWork, Organisation
from tests.factories import OrganisationFactory


def field(slug: str = "education") -> FieldOfWork:
    return FieldOfWork.objects.get(slug=slug)


class PartnerFactory(OrganisationFactory):
    """A district office or social service provider."""

    name = factory.Sequence(lambda n: f"Bezirksamt Test {n}")
    kind = Organisation.Kind.PUBLIC_ADMINISTRATION
    legal_form = Organisation.LegalForm.PUBLIC_BODY
    stage = Organisation.Stage.ESTABLISHED


class CooperationContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CooperationContact

    organisation = factory.SubFactory(OrganisationFactory)
    partner = factory.SubFactory(PartnerFactory)
    field_of_work = factory.LazyFunction(field)
    contact_person = "Frau Beispiel, Jugendamt"
    contact_date = factory.LazyFunction(lambda: datetime.date(2026, 3, 2))


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event
        skip_postgeneration_save = True

    kind = Event.Kind.EXPERT_ROUND
    title = factory.Sequence(lambda n: f"Fachrunde Bildung {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    place = "Rathaus Neukölln, Raum 1"

    @factory.post_generation
    def invited(self, create, extracted, **kwargs):
        if create and extracted:
            self.invited_organisations.set(extracted)


def language(slug: str = "de"):
    from organisations.models import SpokenLanguage

    return SpokenLanguage.objects.get(slug=slug)


def topic(slug: str = "funding"):
    from qualification.models import Topic

    return Topic.objects.get(slug=slug)


def mentor_offer(organisation, *, fields=("education",), languages=("de",), topics=(), **kw):
    from mentoring.models import MentorOffer

    offer = MentorOffer.objects.create(organisation=organisation, **kw)
    offer.fields_of_work.set([field(s) for s in fields])
    offer.languages.set([language(s) for s in languages])
    offer.topics.set([topic(s) for s in topics])
    return offer


def mentor_request(organisation, *, fields=("education",), languages=("de",), topics=(), **kw):
    from mentoring.models import MentorRequest

    kw.setdefault("needs", "Wir brauchen Hilfe beim Vereinsaufbau.")
    kw.setdefault("district", organisation.district)
    req = MentorRequest.objects.create(organisation=organisation, **kw)
    req.fields_of_work.set([field(s) for s in fields])
    req.languages.set([language(s) for s in languages])
    req.topics.set([topic(s) for s in topics])
    return req
