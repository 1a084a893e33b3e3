"""Message threads (ikmo/threads.py, services, selectors, views) on the three records that
carry one: an action-fund application, a coaching case and a volunteer placement."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext

from ikmo import selectors, services
from ikmo.models import Message, OutboundEmail, Thread, ThreadRead
from ikmo.subprojects import SubProject
from organisations.models import Membership, StaffRole
from tests import factories
from tests.actionfund.factories import submitted
from tests.conftest import enrol_mfa

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="plan.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def staff(role, subproject, email, **extra):
    user = factories.staff(role, subproject=subproject, email=email)
    for name, value in extra.items():
        setattr(user, name, value)
    user.save()
    enrol_mfa(user)
    return user


@pytest.fixture
def fund_consultant(db):
    return staff(StaffRole.Role.CONSULTANT, SubProject.ACTIONFUND, "fund@centre.example")


@pytest.fixture
def fund_lead(db):
    return staff(
        StaffRole.Role.PROJECT_LEAD,
        SubProject.ACTIONFUND,
        "fund-lead@centre.example",
        preferred_language="tr",
    )


@pytest.fixture
def mentoring_consultant(db):
    return staff(StaffRole.Role.CONSULTANT, SubProject.MENTORING, "mentoring@centre.example")


@pytest.fixture
def application(org, org_admin, org_member):
    # Started by the member: the applicant recipients are she and the organisation's admin.
    return submitted(organisation=org, by=org_member, title="Kiezfest")


def mails_to():
    return sorted(OutboundEmail.objects.values_list("to", flat=True))


# --- posting and who is told ---------------------------------------------------------------


def test_an_applicant_message_is_mailed_once_to_each_fund_staff_member_and_no_one_else(
    application, org_member, fund_consultant, fund_lead, mentoring_consultant, other_org_admin
):
    OutboundEmail.objects.all().delete()
    message = services.message_post(
        record=application, author=org_member, body="Grüße aus Neukölln – äöüß"
    )
    assert message.side == Message.Side.ORGANISATION and not message.is_internal
    assert mails_to() == ["fund-lead@centre.example", "fund@centre.example"]
    # In each recipient's own language, with the text and a link to the thread.
    turkish = OutboundEmail.objects.get(to="fund-lead@centre.example")
    assert "IKMO ekibiniz" in turkish.body
    assert "Grüße aus Neukölln – äöüß" in turkish.body
    assert reverse("actionfund:application_messages", args=[application.pk]) in turkish.body
    german = OutboundEmail.objects.get(to="fund@centre.example")
    assert "Ihr IKMO-Team" in german.body


def test_a_public_reply_goes_to_the_applicants_and_an_internal_note_to_nobody(
    application, org_member, org_admin, fund_consultant, fund_lead
):
    OutboundEmail.objects.all().delete()
    services.message_post(
        record=application, author=fund_consultant, body="GEHEIM: Budget wirkt hoch", internal=True
    )
    assert mails_to() == []
    services.message_post(record=application, author=fund_consultant, body="Danke, wir prüfen.")
    assert mails_to() == sorted([org_admin.email, org_member.email])
    assert not any(
        "GEHEIM" in body for body in OutboundEmail.objects.values_list("body", flat=True)
    )


def test_internal_notes_are_shown_to_fund_staff_only(
    application, org_member, org_admin, fund_consultant, jury_member, mentoring_consultant
):
    services.message_post(record=application, author=org_member, body="Frage zum Budget")
    services.message_post(
        record=application, author=fund_consultant, body="GEHEIM notiz", internal=True
    )
    services.message_post(record=application, author=fund_consultant, body="Antwort")
    thread = selectors.thread_for(application)

    def bodies(user):
        page = selectors.thread_page(user=user, record=application)
        return [m.body for m in page.messages]

    assert bodies(fund_consultant) == ["Frage zum Budget", "GEHEIM notiz", "Antwort"]
    assert bodies(org_admin) == ["Frage zum Budget", "Antwort"]
    assert bodies(org_member) == ["Frage zum Budget", "Antwort"]
    kind = selectors.kind_of(application)
    assert not selectors.messages_visible_to(
        user=org_admin, thread=thread, kind=kind, record=application
    ).filter(is_internal=True)


def test_the_organisation_cannot_write_an_internal_note_and_outsiders_cannot_write(
    application, org_member, other_org_admin, mentoring_consultant, jury_member
):
    with pytest.raises(PermissionDenied):
        services.message_post(record=application, author=org_member, body="x", internal=True)
    for outsider in (other_org_admin, mentoring_consultant):
        with pytest.raises(PermissionDenied):
            services.message_post(record=application, author=outsider, body="x")
    assert not Message.objects.exists()


def test_an_empty_text_and_a_file_we_do_not_accept_are_refused_with_reasons(
    application, org_member
):
    fake = SimpleUploadedFile("rechnung.pdf", b"MZ\x90 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as caught:
        services.message_post(record=application, author=org_member, body="  ", upload=fake)
    errors = caught.value.message_dict
    assert errors["body"] == [gettext("Please write a message.")]
    assert "Diese Dateiart wird nicht angenommen" in errors["attachment"][0]
    assert "PDF, PNG, JPEG, DOCX, XLSX" in errors["attachment"][0]
    assert not Message.objects.exists() and not Thread.objects.exists()


def test_a_file_is_kept_under_a_random_name_with_the_uploaders_name_for_display(
    application, org_member
):
    message = services.message_post(
        record=application, author=org_member, body="Anbei", upload=pdf("Kosten\u202eplan.pdf")
    )
    assert message.attachment_name == "Kostenplan.pdf"
    assert message.attachment_type == "application/pdf"
    assert "Kosten" not in message.attachment.name
    assert message.attachment.name.startswith("messages/")


def test_the_same_form_sent_twice_makes_one_message(application, org_member, fund_consultant):
    OutboundEmail.objects.all().delete()
    first = services.message_post(
        record=application, author=org_member, body="Einmal", form_token="tok-1"
    )
    second = services.message_post(
        record=application, author=org_member, body="Einmal", form_token="tok-1"
    )
    assert first.pk == second.pk
    assert Message.objects.count() == 1
    assert mails_to() == ["fund@centre.example"]


def test_unread_messages_are_counted_until_the_person_has_seen_them(
    application, org_member, org_admin, fund_consultant
):
    services.message_post(record=application, author=fund_consultant, body="Eins")
    services.message_post(record=application, author=fund_consultant, body="Zwei")
    page = selectors.thread_page(user=org_admin, record=application)
    assert page.unread == 2
    # Own messages are never new to their author.
    assert selectors.thread_page(user=fund_consultant, record=application).unread == 0
    services.thread_mark_read(thread=page.thread, user=org_admin, message_id=page.newest_id)
    assert selectors.thread_page(user=org_admin, record=application).unread == 0
    # Marks never go back.
    services.thread_mark_read(thread=page.thread, user=org_admin, message_id=1)
    assert ThreadRead.objects.get(user=org_admin).last_read_message_id == page.newest_id
    unread = selectors.unread_threads_of(org_member)
    assert [(t.pk, n) for t, _k, n in unread] == [(page.thread.pk, 2)]


def test_an_internal_note_is_not_new_to_the_organisation(application, org_admin, fund_consultant):
    services.message_post(record=application, author=fund_consultant, body="x", internal=True)
    assert selectors.thread_page(user=org_admin, record=application).unread == 0
    assert selectors.unread_threads_of(org_admin) == []
    assert selectors.unread_threads_of(
        staff(StaffRole.Role.PROJECT_LEAD, SubProject.ACTIONFUND, "lead2@centre.example")
    )


def test_the_page_shows_the_newest_messages_and_links_to_earlier_ones(application, org_member):
    for number in range(5):
        services.message_post(record=application, author=org_member, body=f"Nachricht {number}")
    page = selectors.thread_page(user=org_member, record=application, size=3)
    assert [m.body for m in page.messages] == ["Nachricht 2", "Nachricht 3", "Nachricht 4"]
    earlier = selectors.thread_page(
        user=org_member, record=application, size=3, before=page.earlier_before
    )
    assert [m.body for m in earlier.messages] == ["Nachricht 0", "Nachricht 1"]
    assert earlier.earlier_before is None


# --- the other two records -------------------------------------------------------------------


@pytest.fixture
def case(org):
    from qualification.models import CoachingCase

    coach = staff(
        StaffRole.Role.CONSULTANT,
        SubProject.QUALIFICATION,
        "coach@centre.example",
        preferred_language="en",
    )
    return CoachingCase.objects.create(
        organisation=org, consultant=coach, started_on=datetime.date(2026, 1, 5)
    )


def test_coaching_messages_go_between_the_organisation_and_its_consultant(
    case, org_member, org_admin, other_org_admin, mentoring_consultant
):
    OutboundEmail.objects.all().delete()
    services.message_post(record=case, author=org_member, body="Wann ist der nächste Termin?")
    assert mails_to() == ["coach@centre.example"]
    OutboundEmail.objects.all().delete()
    services.message_post(record=case, author=case.consultant, body="Am Montag.")
    # The organisation's admins, as for other news of the organisation.
    assert mails_to() == [org_admin.email]
    for outsider in (other_org_admin, mentoring_consultant):
        with pytest.raises(PermissionDenied):
            services.message_post(record=case, author=outsider, body="x")


def test_placement_messages_go_between_the_site_and_the_desk(org, org_admin, other_org_admin):
    from tests.volunteering.factories import (
        ContingentFactory,
        PlacementFactory,
        carrier_profile,
        site_profile,
    )

    carrier = factories.OrganisationFactory(name="Träger e.V.", kind="carrier")
    carrier_profile(carrier)
    site_profile(org, carrier)
    placement = PlacementFactory(site=org, contingent=ContingentFactory(carrier=carrier))
    desk = staff(StaffRole.Role.CONSULTANT, SubProject.VOLUNTEERING, "desk@centre.example")
    OutboundEmail.objects.all().delete()
    services.message_post(record=placement, author=org_admin, body="Frage zur Einsatzstelle")
    assert "desk@centre.example" in mails_to() and org_admin.email not in mails_to()
    OutboundEmail.objects.all().delete()
    services.message_post(record=placement, author=desk, body="Antwort", internal=False)
    assert mails_to() == [org_admin.email]
    with pytest.raises(PermissionDenied):
        services.message_post(record=placement, author=other_org_admin, body="x")


def test_the_home_card_lists_new_messages_of_every_kind_newest_first_in_one_query(
    application, case, org_admin, fund_consultant, django_assert_num_queries
):
    """One query over the kinds; internal notes only count where the reader is centre side."""
    services.message_post(record=application, author=fund_consultant, body="Antrag")
    services.message_post(record=case, author=case.consultant, body="Termin")
    services.message_post(record=case, author=case.consultant, body="Notiz", internal=True)
    services.message_post(record=case, author=case.consultant, body="Nochmal")
    selectors.unread_threads_of(org_admin)  # content types cached, as on any page after one
    with django_assert_num_queries(1):
        unread = selectors.unread_threads_of(org_admin)
    assert [(t.object_id, k.model, n) for t, k, n in unread] == [
        (case.pk, "qualification.CoachingCase", 2),
        (application.pk, "actionfund.Application", 1),
    ]
    assert [n for _t, _k, n in selectors.unread_threads_of(org_admin, limit=1)] == [2]
    # The coach is centre side for coaching: the application is none of their business, and
    # their own messages are never new to them; writing marks the thread read.
    services.message_post(record=case, author=org_admin, body="Danke")
    assert [(k.model, n) for _t, k, n in selectors.unread_threads_of(case.consultant)] == [
        ("qualification.CoachingCase", 1)
    ]
    assert [k.model for _t, k, _n in selectors.unread_threads_of(org_admin)] == [
        "actionfund.Application"
    ]


# --- views ---------------------------------------------------------------------------------


def test_a_refused_post_keeps_the_text_and_says_why(client_for, application, org_member):
    url = reverse("actionfund:application_message_post", args=[application.pk])
    response = client_for(org_member).post(url, {"body": "", "token": "t"})
    assert response.status_code == 200
    assert gettext("Please write a message.") in response.content.decode()
    bad = SimpleUploadedFile("x.pdf", b"not a pdf at all", content_type="application/pdf")
    response = client_for(org_member).post(
        url, {"body": "Mein halber Text äöü", "attachment": bad, "token": "t"}
    )
    html = response.content.decode()
    assert "Mein halber Text äöü" in html
    assert "Diese Dateiart wird nicht angenommen" in html
    assert not Message.objects.exists()


def test_a_post_returns_to_the_page_it_came_from(client_for, application, org_member):
    url = reverse("actionfund:application_message_post", args=[application.pk])
    detail = application.get_absolute_url()
    response = client_for(org_member).post(url, {"body": "Hallo", "token": "a", "next": detail})
    assert response.status_code == 302 and response["Location"] == detail + "#messages"
    # Never elsewhere.
    response = client_for(org_member).post(
        url, {"body": "Hallo", "token": "b", "next": "https://evil.example/"}
    )
    thread_url = reverse("actionfund:application_messages", args=[application.pk])
    assert response["Location"] == thread_url + "#messages"


def test_an_internal_notes_file_cannot_be_downloaded_by_the_organisation(
    client_for, application, org_admin, fund_consultant
):
    note = services.message_post(
        record=application, author=fund_consultant, body="intern", internal=True, upload=pdf()
    )
    url = reverse("actionfund:application_message_file", args=[application.pk, note.pk])
    assert client_for(org_admin).get(url).status_code == 404
    response = client_for(fund_consultant).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "private, no-store"


def test_the_application_page_shows_the_thread_and_marks_it_read(
    client_for, application, org_admin, fund_consultant
):
    services.message_post(record=application, author=fund_consultant, body="Bitte ergänzen")
    services.message_post(
        record=application, author=fund_consultant, body="GEHEIM intern", internal=True
    )
    html = client_for(org_admin).get(application.get_absolute_url()).content.decode()
    assert "Bitte ergänzen" in html and "GEHEIM" not in html
    assert "data-unread-badge" in html
    html = client_for(org_admin).get(application.get_absolute_url()).content.decode()
    assert "data-unread-badge" not in html


def test_an_assigned_juror_is_shown_no_thread_no_link_and_no_file(
    client_for, application, org_member, fund_lead, fund_consultant, jury_member
):
    from actionfund.services import jury_assign

    jury_assign(application=application, jurors=[jury_member], by=fund_lead)
    services.message_post(
        record=application, author=org_member, body="Kontoauszug anbei", upload=pdf("konto.pdf")
    )
    message = services.message_post(
        record=application, author=fund_consultant, body="Danke, erhalten"
    )
    thread_url = reverse("actionfund:application_messages", args=[application.pk])
    juror = client_for(jury_member)
    response = juror.get(application.get_absolute_url())
    assert response.status_code == 200  # the application itself stays theirs to score
    html = response.content.decode()
    assert "Kontoauszug" not in html and "Danke, erhalten" not in html
    assert thread_url not in html and "data-thread" not in html and "konto.pdf" not in html
    assert juror.get(thread_url).status_code == 404
    file_url = reverse("actionfund:application_message_file", args=[application.pk, message.pk - 1])
    assert juror.get(file_url).status_code == 404
    # Nor as new messages on their overview, nor may they write.
    assert thread_url not in juror.get(reverse("home")).content.decode()
    assert client_for(org_member).get(file_url).status_code == 200
    with pytest.raises(PermissionDenied):
        services.message_post(record=application, author=jury_member, body="x")
    assert selectors.thread_page(user=fund_consultant, record=application).messages


def test_membership_ending_ends_access(application, org_member):
    Membership.objects.filter(user=org_member).update(status=Membership.Status.REJECTED)
    from organisations.models import User

    member = User.objects.get(pk=org_member.pk)
    with pytest.raises(PermissionDenied):
        services.message_post(record=application, author=member, body="x")


def test_the_overview_card_lists_a_conversation_with_new_messages(
    client_for, application, org_admin, fund_consultant
):
    services.message_post(record=application, author=fund_consultant, body="Neu", internal=True)
    html = client_for(org_admin).get(reverse("home")).content.decode()
    thread_url = reverse("actionfund:application_messages", args=[application.pk])
    assert thread_url not in html  # an internal note is nothing new to the organisation
    services.message_post(record=application, author=fund_consultant, body="Neu")
    html = client_for(org_admin).get(reverse("home")).content.decode()
    assert thread_url + "#messages" in html
