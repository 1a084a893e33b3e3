"""One factory per model, for the tests (tests/factories.py re-exports them) and the scale
generator (devtools/scale.py builds its rows with `Factory.build(...)` and bulk-inserts them).

`ensure()` below is their get-or-create, for the demo data each app's `demo.py` loads.

Fictional data only. When a model gains a required field, give its factory a default here:
the tests and the scale generator both follow.
"""

from datetime import date, timedelta
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from actionfund.models import (
    Application,
    BudgetLine,
    Call,
    Criterion,
    JuryAssignment,
    Payment,
    ProofOfUse,
    Score,
)
from mentoring.models import (
    CooperationContact,
    CooperationStatusChange,
    Event,
    EventAttendance,
    EventRegistration,
    FollowUpTask,
    MentorOffer,
    MentorRequest,
    Tandem,
    TandemEvaluation,
    TandemMeeting,
)
from organisations.models import (
    District,
    FieldOfWork,
    Membership,
    Organisation,
    Outcome,
    StaffRole,
    User,
)
from participation_check.models import (
    Analysis,
    AnalysisStatusChange,
    ExchangeMeeting,
    GuidelineQuestion,
    Interview,
    InterviewAnswer,
    InterviewTag,
    OpennessRating,
    ParticipationStructure,
    Recommendation,
    RecommendationStatusChange,
)
from qualification.models import (
    CoachingCase,
    CoachingSession,
    Feedback,
    Registration,
    Workshop,
    WorkshopSession,
)
from reporting.models import FundingPeriod, PlanValue
from volunteering.models import (
    Consultation,
    Contingent,
    Placement,
    Seminar,
    SeminarAttendance,
    ServiceProfile,
    Volunteer,
)
from volunteering.models import StatusChange as SiteStatusChange

DEFAULT_PASSWORD = "correct-horse-battery-staple-42"
# password=UNUSABLE: a person nobody signs in as (no hashing: the scale generator makes
# thousands).
UNUSABLE = object()


def district(name: str = "Neukölln") -> District:
    return District.objects.get(name=name)


def field(slug: str = "education") -> FieldOfWork:
    return FieldOfWork.objects.get(slug=slug)


def ensure(factory_class, *, defaults=None, **lookup):
    """``get_or_create`` through a factory, for the demo data (``manage.py seed_demo``), which
    must be safe to run again: the row matching ``lookup``, or a new one built by the factory
    from ``lookup`` and ``defaults``, so a model change is followed here only.
    Returns ``(object, created)``."""
    model = factory_class._meta.model
    try:
        return model._default_manager.get(**lookup), False
    except model.DoesNotExist:
        return factory_class(**lookup, **(defaults or {})), True


# Organisations and people -----------------------------------------------------------------


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
        if extracted is UNUSABLE:
            self.password = "!"  # what set_unusable_password() stores, without randomness
            return
        self.set_password(extracted or DEFAULT_PASSWORD)
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        """A verified primary address, as allauth requires before login (default on)."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


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


def approved_organisations(count: int, name: str = "Verein") -> list[Organisation]:
    """``count`` approved organisations named "<name> 00", "<name> 01", …: the first from the
    factory (the district, the sequences), the rest in one bulk insert, with the search key
    that ``save()`` would compute. For lists and counts of many rows."""
    from organisations.search import search_key

    first = OrganisationFactory(name=f"{name} 00")
    names = [f"{name} {n:02}" for n in range(1, count)]
    return [first] + Organisation.objects.bulk_create(
        Organisation(
            name=each,
            search_name=search_key(each),
            kind=first.kind,
            legal_form=first.legal_form,
            district=first.district,
            email=f"verein{n}@verein.example",
            status=Organisation.Status.APPROVED,
        )
        for n, each in enumerate(names, 1)
    )


class PartnerFactory(OrganisationFactory):
    """A district office or social service provider."""

    name = factory.Sequence(lambda n: f"Bezirksamt Test {n}")
    kind = Organisation.Kind.PUBLIC_ADMINISTRATION
    legal_form = Organisation.LegalForm.PUBLIC_BODY
    stage = Organisation.Stage.ESTABLISHED


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outcome

    organisation = factory.SubFactory(OrganisationFactory)
    kind = Outcome.Kind.OUTSIDE_FUNDING
    date = factory.LazyFunction(timezone.localdate)
    funder = "Stiftung Beispielhaft"
    amount = Decimal("5000.00")


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


# Qualification ----------------------------------------------------------------------------


class WorkshopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workshop

    title = factory.Sequence(lambda n: f"Fördermittel beantragen {n}")
    description = "Wie stelle ich einen Antrag?"
    venue = "Musterstraße 1, 10115 Berlin"
    capacity = 10
    trainer = factory.SubFactory(UserFactory)
    status = Workshop.Status.PUBLISHED


class WorkshopSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkshopSession

    workshop = factory.SubFactory(WorkshopFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=3))


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    workshop = factory.SubFactory(WorkshopFactory)
    participant = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    status = Registration.Status.CONFIRMED
    position = factory.Sequence(lambda n: n + 1)


class FeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Feedback

    registration = factory.SubFactory(RegistrationFactory, attended=True)
    rating = 5


class CoachingCaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoachingCase

    organisation = factory.SubFactory(OrganisationFactory)
    consultant = factory.SubFactory(UserFactory)
    started_on = factory.LazyFunction(timezone.localdate)


class CoachingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoachingSession

    organisation = factory.SubFactory(OrganisationFactory)
    consultant = factory.SubFactory(UserFactory)
    date = factory.LazyFunction(timezone.localdate)
    duration_minutes = 60
    format = "in_person"
    outcome = "Vereinsgründung besprochen."

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # As the coaching services do: a later session covers the earlier ones' follow-ups.
        from qualification.services import coaching_superseded_refresh

        session = super()._create(model_class, *args, **kwargs)
        coaching_superseded_refresh(organisation_ids=[session.organisation_id])
        session.refresh_from_db(fields=["superseded"])
        return session


# Action fund ------------------------------------------------------------------------------


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call

    year = 2026
    title = factory.Sequence(lambda n: f"Kaleidoskop Testaufruf {n}")
    description = "Fiktiver Aufruf für Tests."
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=10))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=20))
    total_budget = Decimal("10000.00")
    max_single = Decimal("1500.00")
    max_cooperation = Decimal("3000.00")
    is_published = True


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    call = factory.SubFactory(CallFactory)
    title = factory.Sequence(lambda n: f"Kriterium {n}")
    weight = Decimal("1.00")


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A complete draft: every required field filled, no budget lines yet."""

    class Meta:
        model = Application

    call = factory.SubFactory(CallFactory)
    title = factory.Sequence(lambda n: f"Nachbarschaftsfest {n}")
    summary = "Ein Fest im Kiez."
    goals = "Begegnung fördern."
    target_group = "Familien im Kiez."
    district = factory.LazyFunction(district)
    start_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=40))
    end_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=100))
    activities = "Vorbereitung, Fest, Auswertung."


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine

    application = factory.SubFactory(ApplicationFactory)
    category = BudgetLine.Category.FEES
    description = "Honorar"
    amount = Decimal("100.00")


class JuryAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JuryAssignment

    application = factory.SubFactory(ApplicationFactory)
    juror = factory.SubFactory(UserFactory)


class ScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Score

    application = factory.SubFactory(ApplicationFactory)
    juror = factory.SubFactory(UserFactory)
    criterion = factory.SubFactory(CriterionFactory)
    value = 5


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    application = factory.SubFactory(ApplicationFactory)
    amount = Decimal("1000.00")
    paid_on = factory.LazyFunction(timezone.localdate)


class ProofOfUseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProofOfUse

    application = factory.SubFactory(ApplicationFactory)
    report = "Das Fest hat stattgefunden."


# Networking and mentoring -----------------------------------------------------------------


class CooperationContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CooperationContact

    organisation = factory.SubFactory(OrganisationFactory)
    partner = factory.SubFactory(PartnerFactory)
    field_of_work = factory.LazyFunction(field)
    contact_person = "Frau Beispiel, Jugendamt"
    contact_date = factory.LazyFunction(lambda: date(2026, 3, 2))


class CooperationStatusChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CooperationStatusChange

    contact = factory.SubFactory(CooperationContactFactory)
    to_status = "contact_made"


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event
        skip_postgeneration_save = True

    kind = Event.Kind.EXPERT_ROUND
    title = factory.Sequence(lambda n: f"Fachrunde Bildung {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    place = "Rathaus Neukölln, Raum 1"

    @factory.post_generation
    def invited(self, create, extracted, **kwargs):
        if create and extracted:
            self.invited_organisations.set(extracted)


class EventAttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventAttendance

    event = factory.SubFactory(EventFactory)
    organisation = factory.SubFactory(OrganisationFactory)


class EventRegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventRegistration

    event = factory.SubFactory(EventFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    person = factory.SubFactory(UserFactory)


class FollowUpTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUpTask

    event = factory.SubFactory(EventFactory)
    title = "Protokoll verschicken"


class MentorOfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentorOffer

    organisation = factory.SubFactory(OrganisationFactory)


class MentorRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentorRequest

    organisation = factory.SubFactory(OrganisationFactory)
    needs = "Wir brauchen Hilfe beim Vereinsaufbau."


class TandemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tandem

    mentor = factory.SubFactory(OrganisationFactory)
    mentee = factory.SubFactory(OrganisationFactory)


class TandemMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TandemMeeting

    tandem = factory.SubFactory(TandemFactory)
    met_on = factory.LazyFunction(timezone.localdate)
    summary = "Satzung gemeinsam gelesen."


class TandemEvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TandemEvaluation

    tandem = factory.SubFactory(TandemFactory)
    organisation = factory.SelfAttribute("tandem.mentee")
    goals_reached = TandemEvaluation.GoalsReached.YES
    rating = 4


# Volunteer service ------------------------------------------------------------------------


class ServiceProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceProfile

    organisation = factory.SubFactory(OrganisationFactory)


class SiteStatusChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SiteStatusChange

    profile = factory.SubFactory(ServiceProfileFactory)
    to_status = "interested"


class ConsultationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consultation

    organisation = factory.SubFactory(OrganisationFactory)
    held_on = date(2025, 5, 5)
    topic = "Anerkennung als Einsatzstelle"


class ContingentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contingent

    carrier = factory.SubFactory(OrganisationFactory)
    year = 2025
    service_type = "fsj"
    places = 10


class VolunteerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Volunteer

    first_name = factory.Sequence(lambda n: f"Vorname{n}")
    last_name = "Testperson"
    consent_given_on = date(2025, 6, 1)
    consent_text_version = "2025-01"


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Placement

    volunteer = factory.SubFactory(VolunteerFactory)
    site = factory.SubFactory(OrganisationFactory)
    contingent = factory.SubFactory(ContingentFactory)
    service_type = factory.SelfAttribute("contingent.service_type")
    start_date = date(2025, 9, 1)
    end_date = date(2026, 8, 31)
    weekly_hours = Decimal("39")
    mentor_name = "Mentorin Muster"
    status = "active"


class SeminarFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Seminar

    title = factory.Sequence(lambda n: f"Seminar {n}")
    carrier = factory.SubFactory(OrganisationFactory)
    service_type = ""
    start_date = date(2025, 10, 6)
    end_date = date(2025, 10, 10)
    days = 5


class SeminarAttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SeminarAttendance

    seminar = factory.SubFactory(SeminarFactory)
    placement = factory.SubFactory(PlacementFactory)
    days_attended = 5


# Participation check ----------------------------------------------------------------------


class AnalysisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Analysis

    title = factory.Sequence(lambda n: f"Teilhabecheck {n}")
    district = factory.LazyFunction(district)
    social_space = "Schillerkiez"
    period_start = date(2026, 1, 1)
    period_end = date(2026, 12, 31)


class AnalysisStatusChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnalysisStatusChange

    analysis = factory.SubFactory(AnalysisFactory)
    from_status = "planned"
    to_status = "inventory"


class ParticipationStructureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ParticipationStructure

    analysis = factory.SubFactory(AnalysisFactory)
    name = factory.Sequence(lambda n: f"Beirat {n}")
    type = "advisory_council"
    responsible_body = "Bezirksamt Neukölln"


class OpennessRatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpennessRating

    structure = factory.SubFactory(ParticipationStructureFactory)
    criterion = "multilingual_information"
    score = 1


class GuidelineQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GuidelineQuestion

    analysis = factory.SubFactory(AnalysisFactory)
    text = "Wo erfahren Sie von Beteiligungsmöglichkeiten?"


class InterviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interview

    analysis = factory.SubFactory(AnalysisFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    date = factory.LazyFunction(timezone.localdate)


class InterviewAnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InterviewAnswer

    interview = factory.SubFactory(InterviewFactory)
    question = factory.SubFactory(
        GuidelineQuestionFactory, analysis=factory.SelfAttribute("..interview.analysis")
    )
    text = "Über die Nachbarschaft."


class InterviewTagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InterviewTag

    interview = factory.SubFactory(InterviewFactory)
    kind = "need"
    category = "language"


class ExchangeMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExchangeMeeting

    analysis = factory.SubFactory(AnalysisFactory)
    title = factory.Sequence(lambda n: f"Austauschtreffen {n}")
    date = factory.LazyFunction(timezone.localdate)


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recommendation

    analysis = factory.SubFactory(AnalysisFactory)
    finding = "Informationen gibt es nur auf Deutsch."
    text = "Einladungen mehrsprachig verschicken."
    addressee = factory.SubFactory(PartnerFactory)


class RecommendationStatusChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecommendationStatusChange

    recommendation = factory.SubFactory(RecommendationFactory)
    from_status = "open"
    to_status = "accepted"
    date = factory.LazyFunction(timezone.localdate)


# Reporting --------------------------------------------------------------------------------


class FundingPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingPeriod

    name = factory.Sequence(lambda n: f"AMIF {2026 + n}")
    funder = "amif"
    start = date(2026, 1, 1)
    end = date(2026, 12, 31)


class PlanValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanValue

    period = factory.SubFactory(FundingPeriodFactory)
    indicator_key = "organisations_supported"
    value = Decimal("100")


def listed(organisation, *, by=None, **choices):
    """List an organisation publicly, through the service an admin's form uses (with a
    recorded consent). Shows every field unless told otherwise."""
    from organisations.services import PublicListingChoice, public_profile_save

    values = {
        "show_fields_of_work": True,
        "show_languages": True,
        "show_district": True,
        "show_offer": True,
        "show_contact": True,
        "offer": f"Beratung und Hausaufgabenhilfe bei {organisation.name}",
        "contact_email": "info@verein.example",
        **choices,
    }
    if by is None:
        admin = organisation.memberships.filter(role=Membership.Role.ADMIN).first()
        by = admin.user if admin else member_of(organisation, role=Membership.Role.ADMIN)
    return public_profile_save(
        organisation=organisation,
        choice=PublicListingChoice(**values),
        agreed=True,
        by=by,
    )
