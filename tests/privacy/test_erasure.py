"""Erasure removes a person from everywhere (records, history, files, free text) while the
facts funders count stay the same."""

from datetime import date, timedelta

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from actionfund.models import Attachment
from ikmo.audit import audit_log
from ikmo.mail import email_queue
from ikmo.models import AuditEntry, GeneratedDocument
from mentoring.models import EventAttendance
from participation_check.models import Analysis, Interview
from privacy import services
from privacy.erasure import erasure_plan, person_erase
from privacy.models import ConsentRecord, ErasureRequest
from privacy.registry import Identity
from qualification.models import CoachingSession, Feedback, Registration
from tests import factories
from tests.actionfund.factories import submitted
from tests.mentoring.factories import EventFactory
from tests.qualification.factories import make_workshop, register
from tests.volunteering.factories import VolunteerFactory

from .conftest import EMAIL, NAME_LAST, reauthenticated

pytestmark = pytest.mark.django_db

TERMS = [NAME_LAST, "zelinda.quastorf", "Zelinda Quastorf"]


def everywhere(term: str) -> list[str]:
    """Every text column of every table, searched for the term."""
    found = []
    for model in apps.get_models():
        fields = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        if not fields:
            continue
        q = Q()
        for f in fields:
            q |= Q(**{f"{f.name}__icontains": term})
        for row in model._default_manager.filter(q).values("pk", *[f.name for f in fields]):
            hits = [f.name for f in fields if term.lower() in str(row[f.name]).lower()]
            if hits:
                found.append(f"{model._meta.label}#{row['pk']}: {hits}")
    return found


def indicator_values():
    try:
        from reporting.registry import DateRange, all_indicators
    except ImportError:  # pragma: no cover - reporting is on main
        pytest.skip("reporting registry not importable")
    today = timezone.localdate()
    period = DateRange(today - timedelta(days=400), today + timedelta(days=400))
    return {i.key: i.value(period) for i in all_indicators()}


@pytest.fixture
def traces(subject, org, consultant, project_lead, portal_admin):
    """The subject everywhere: records about them, records they made, history, files, text."""
    workshop = make_workshop(trainer=consultant, starts_in=timedelta(days=-3))
    registration = register(workshop, subject, org, attended=True)
    Feedback.objects.create(
        registration=registration, rating=4, comment="Zelinda Quastorf: gern wieder"
    )
    event = EventFactory(created_by=consultant)
    EventAttendance.objects.create(event=event, organisation=org, person=subject)
    other_event = EventFactory(created_by=consultant)
    EventAttendance.objects.create(event=other_event, organisation=org, name="Zelinda Quastorf")
    CoachingSession.objects.create(
        organisation=org,
        consultant=consultant,
        date=timezone.localdate(),
        duration_minutes=90,
        format="phone",
        participants="Zelinda Quastorf (Vorstand), Kassenwart",
        outcome="Satzung besprochen",
        confidential_notes=f"Rückfragen an {EMAIL}",
    )
    application = submitted(organisation=org, by=subject)
    attachment = Attachment(
        application=application,
        original_name="plan.pdf",
        content_type="application/pdf",
        size=8,
        uploaded_by=subject,
    )
    attachment.file.save("plan.pdf", ContentFile(b"%PDF-1.4"), save=False)
    attachment.save()
    services.consent_give(person=subject, purpose="photos", text_version="2025-01", by=consultant)
    ConsentRecord.objects.create(
        name="Zelinda Quastorf", email=EMAIL, purpose="newsletter", text_version="1"
    )
    audit_log(
        actor=portal_admin,
        action="organisations.member.changed",
        target=subject,
        organisation=org,
        changes={"first_name": ["Zelinda", "Zelinda"], "note": "Anruf von Zelinda Quastorf"},
    )
    email_queue(
        to=EMAIL,
        template="privacy/email/erasure_requested",
        context={"request": {"person_id": subject.pk, "message": "Zelinda Quastorf"}, "url": "x"},
    )
    VolunteerFactory(email=EMAIL, first_name="Zelinda", last_name="Quastorf")
    analysis = Analysis.objects.create(
        title="Teilhabecheck Neukölln",
        district=factories.district(),
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
        created_by=project_lead,
    )
    Interview.objects.create(
        analysis=analysis,
        organisation=org,
        date=timezone.localdate(),
        interviewer=project_lead,
        interviewee="Zelinda Quastorf",
        consent_given=True,
        consent_form="oral",
        consent_date=timezone.localdate(),
        summary="Gespräch mit Zelinda Quastorf",
    )
    LogEntry.objects.log_actions(
        user_id=portal_admin.pk, queryset=[subject], action_flag=CHANGE, change_message="Name"
    ) if hasattr(LogEntry.objects, "log_actions") else LogEntry.objects.log_action(
        portal_admin.pk,
        ContentType.objects.get_for_model(subject).pk,
        subject.pk,
        str(subject),
        CHANGE,
        "Name",
    )
    document = GeneratedDocument.objects.create(
        kind="qualification.certificate",
        content_type=ContentType.objects.get_for_model(Registration),
        object_id=str(registration.pk),
        organisation=org,
        title="Teilnahmebescheinigung Zelinda Quastorf",
        requested_by=subject,
    )
    document.file.save("cert.pdf", ContentFile(b"%PDF-1.4 cert"), save=True)
    services.erasure_request(person=subject, message="Bitte alles löschen")
    return {
        "registration": registration,
        "application": application,
        "attachment": attachment,
        "document": document,
    }


def test_erasure_keeps_the_funders_figures_and_leaves_the_name_nowhere(
    subject, traces, portal_admin, now_and_commit, private_storage
):
    for term in TERMS:
        assert everywhere(term), f"the scene should contain {term!r} before erasure"
    before = indicator_values()
    document_file = traces["document"].file.name
    assert (private_storage / document_file).exists()

    with now_and_commit():
        request = person_erase(person=subject, by=portal_admin)

    assert indicator_values() == before
    for term in TERMS:
        assert everywhere(term) == [], term
    # Facts stay: the attendance, the application and its amount, the person's consent.
    registration = Registration.objects.get(pk=traces["registration"].pk)
    assert registration.attended is True and registration.participant_id == subject.pk
    application = traces["application"]
    application.refresh_from_db()
    assert application.created_by_id == subject.pk and application.requested_amount > 0
    assert ConsentRecord.objects.filter(person=subject, purpose="photos").exists()
    # The organisation's own file stays; the person's generated certificate goes.
    assert Attachment.objects.filter(pk=traces["attachment"].pk).exists()
    assert not (private_storage / document_file).exists()
    assert GeneratedDocument.objects.get(pk=traces["document"].pk).file.name == ""
    # History: every entry is still there, with the actor as an anonymous id.
    submitted_entry = AuditEntry.objects.get(action="actionfund.application.submitted")
    assert submitted_entry.actor_id == subject.pk
    target_entry = AuditEntry.objects.get(action="organisations.member.changed")
    assert target_entry.changes["first_name"] == ["[erased]", "[erased]"]
    # The account is unusable and has no addresses.
    subject.refresh_from_db()
    assert not subject.is_active and not subject.has_usable_password()
    assert not EmailAddress.objects.filter(user=subject).exists()
    assert not subject.memberships.exists()
    assert request.status == ErasureRequest.Status.DONE and request.origin == "person"
    assert AuditEntry.objects.filter(
        action="privacy.person.erased", object_id=str(subject.pk)
    ).exists()


def test_someone_else_with_their_own_data_is_untouched(subject, traces, portal_admin, bystander):
    Feedback.objects.create(
        registration=register(make_workshop(), bystander, bystander.memberships.get().organisation),
        rating=3,
        comment="Gut organisiert",
    )
    person_erase(person=subject, by=portal_admin)
    bystander.refresh_from_db()
    assert bystander.is_active and bystander.email == "bystander@org-a.example"
    assert Feedback.objects.filter(comment="Gut organisiert").exists()
    assert EmailAddress.objects.filter(user=bystander).exists()


def test_the_plan_names_what_goes_and_what_stays(subject, traces):
    plan = erasure_plan(Identity.of_user(subject))
    removed = {item.spec.label: item for item in plan.removed}
    assert (
        "qualification.Feedback" in removed
        and "comment" in removed["qualification.Feedback"].person.fields
    )
    assert removed["organisations.Membership"].action == "delete"
    kept = {item.spec.label for item in plan.kept}
    assert {"actionfund.Application", "qualification.Registration"} & (kept | set(removed))
    assert "actionfund.Attachment" in kept
    assert plan.blockers == []


def test_a_running_volunteer_placement_blocks_erasure(subject, portal_admin):
    from volunteering.models import Placement

    volunteer = VolunteerFactory(email=EMAIL)
    from tests.volunteering.factories import ContingentFactory, carrier_profile, site_profile

    carrier = carrier_profile()
    site = factories.OrganisationFactory()
    site_profile(site, carrier.organisation)
    Placement.objects.create(
        volunteer=volunteer,
        site=site,
        contingent=ContingentFactory(carrier=carrier.organisation),
        service_type="fsj",
        start_date=date(2025, 9, 1),
        end_date=date(2026, 8, 31),
        weekly_hours=39,
        mentor_name="Anleiterin",
        status="active",
    )
    plan = erasure_plan(Identity.of_user(subject))
    assert plan.blockers
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        person_erase(person=subject, by=portal_admin)
    subject.refresh_from_db()
    assert subject.email == EMAIL and subject.is_active  # nothing changed


# The pages ---------------------------------------------------------------------------------


def test_erasure_asks_for_reauthentication_first(client_for, portal_admin, subject, settings):
    settings.IKMO_REAUTHENTICATION_REQUIRED = True  # off for app tests that use force_login
    response = client_for(portal_admin).get(reverse("privacy:erase", args=[subject.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert (
        reauthenticated(client_for(portal_admin), portal_admin)
        .get(reverse("privacy:erase", args=[subject.pk]))
        .status_code
        == 200
    )


def test_the_confirmation_page_names_what_is_removed_and_kept(
    client, portal_admin, subject, traces
):
    response = reauthenticated(client, portal_admin).get(
        reverse("privacy:erase", args=[subject.pk])
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "What will be removed" in page and "What is kept" in page
    assert "feedback" in page.lower() and "memberships" in page.lower()


def test_a_wrong_confirmation_erases_nothing(client, portal_admin, subject, traces):
    client = reauthenticated(client, portal_admin)
    response = client.post(
        reverse("privacy:erase", args=[subject.pk]), {"confirm_email": "someone@else.example"}
    )
    assert response.status_code == 400
    assert "This is not the person&#x27;s e-mail address" in response.content.decode()
    subject.refresh_from_db()
    assert subject.email == EMAIL


def test_the_right_confirmation_erases(client, portal_admin, subject, traces, now_and_commit):
    client = reauthenticated(client, portal_admin)
    with now_and_commit():
        response = client.post(
            reverse("privacy:erase", args=[subject.pk]), {"confirm_email": EMAIL.upper()}
        )
    assert response.status_code == 200
    assert "Personal data erased" in response.content.decode()
    subject.refresh_from_db()
    assert subject.email == f"erased-{subject.pk}@erased.invalid"
    # Erasing again only shows what was done.
    again = client.get(reverse("privacy:erase", args=[subject.pk]))
    assert "Personal data erased" in again.content.decode()


@pytest.mark.parametrize("who", ["consultant", "project_lead", "org_admin", "subject"])
def test_only_portal_admins_erase(client, request, who, subject):
    user = request.getfixturevalue(who)
    response = reauthenticated(client, user).post(
        reverse("privacy:erase", args=[subject.pk]), {"confirm_email": EMAIL}
    )
    assert response.status_code == 403
    subject.refresh_from_db()
    assert subject.email == EMAIL


def test_nobody_erases_their_own_account(portal_admin):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        person_erase(person=portal_admin, by=portal_admin)


def test_the_django_admin_action_leads_to_the_confirmation(client_for, portal_admin, subject):
    response = client_for(portal_admin).post(
        reverse("admin:organisations_user_changelist"),
        {"action": "erase_person", "_selected_action": [subject.pk]},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("privacy:erase", args=[subject.pk])


def test_a_person_asks_for_erasure_and_the_admins_hear_of_it(client_for, subject, portal_admin):
    from ikmo.models import OutboundEmail

    client = client_for(subject)
    response = client.post(reverse("privacy:erasure_ask"), {"message": "Bitte löschen"})
    assert response.status_code == 302
    request = ErasureRequest.objects.get(person=subject)
    assert request.status == "requested" and request.message == "Bitte löschen"
    mail = OutboundEmail.objects.get(to=portal_admin.email)
    assert reverse("privacy:erase", args=[subject.pk]) in mail.body
    assert EMAIL not in mail.body  # the request names an account id, not the person
    # Asking twice is answered, not duplicated.
    response = client.post(reverse("privacy:erasure_ask"), {"message": ""}, follow=True)
    assert ErasureRequest.objects.filter(person=subject).count() == 1
    assert "already asked" in response.content.decode()


def test_an_admin_declines_with_a_reason(client_for, subject, portal_admin):
    request = services.erasure_request(person=subject)
    client = client_for(portal_admin)
    response = client.post(reverse("privacy:erasure_decline", args=[request.pk]), {"reason": ""})
    request.refresh_from_db()
    assert request.status == "requested"
    client.post(
        reverse("privacy:erasure_decline", args=[request.pk]), {"reason": "Laufender Vertrag"}
    )
    request.refresh_from_db()
    assert request.status == "declined" and request.summary == {"reason": "Laufender Vertrag"}
    assert response.status_code == 302
