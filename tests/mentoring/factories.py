"""Factories for networking & mentoring tests. Fictional data only."""

from devtools.factories import (  # noqa: F401 - the tests import them from here
    CooperationContactFactory,
    EventFactory,
    PartnerFactory,
    field,
)


def public_event(**kw):
    """An open public event ten days ahead (guests without an account may register)."""
    import datetime

    from django.utils import timezone

    defaults = {
        "is_public": True,
        "is_open": True,
        "title": "Fachtag Teilhabe",
        "place": "Rathaus Mitte",
        "starts_at": timezone.now() + datetime.timedelta(days=10),
    }
    return EventFactory(**{**defaults, **kw})


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
