"""Notifications and messages to many in a real browser, on a phone (390x844): a member turns
reminders off; a trainer writes to a workshop's people, sees the count, sends once however
often they tap, and everyone gets one mail in their language."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from ikmo.models import AuditEntry, NotificationPreference, OutboundEmail
from messaging import services
from messaging.models import BulkMessage, BulkRecipient
from qualification.models import Registration
from tests import factories
from tests.qualification.factories import make_workshop, register

from .helpers import (
    STAFF_TOTP_SECRET,
    assert_no_horizontal_scroll,
    choose,
    log_in,
    open_phone_menu,
    t,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_member_turns_reminders_off_on_a_phone(new_page, org, org_member, tmp_path):
    page = new_page(phone=True)
    log_in(page, org_member.email)
    open_phone_menu(page)
    page.locator("nav.navbar .dropdown-toggle", has_text=org_member.get_full_name()).click()
    page.get_by_role("link", name=t("Notifications")).click()
    expect(page.get_by_role("heading", name=t("Notifications"), level=1)).to_be_visible()
    reminders = page.get_by_label(t("Reminders"))
    expect(reminders).to_be_checked()  # the default
    expect(page.get_by_label(t("Newsletter"))).not_to_be_checked()
    reminders.uncheck()
    assert_no_horizontal_scroll(page)
    page.screenshot(path=str(tmp_path / "notifications.png"), full_page=True)
    page.get_by_role("button", name=t("Save")).dblclick()
    expect(page.get_by_text(t("Your notification settings are saved."))).to_be_visible()
    expect(page.get_by_label(t("Reminders"))).not_to_be_checked()
    preference = NotificationPreference.objects.get(user=org_member)
    assert (preference.reminders, preference.newsletter) == (False, False)
    assert AuditEntry.objects.filter(action="messaging.notifications.updated").count() == 1
    page.screenshot(path=str(tmp_path / "notifications-saved.png"), full_page=True)
    print(f"Screenshots: {tmp_path}")


def test_a_trainer_writes_to_a_workshops_people_on_a_phone(
    new_page, org, consultant, monkeypatch, tmp_path
):
    workshop = make_workshop(
        trainer=consultant, title="Vereinsfinanzen", starts_in=timedelta(days=3), capacity=2
    )
    people = {
        "de": factories.member_of(org, email="de@org.example", preferred_language="de"),
        "tr": factories.member_of(org, email="tr@org.example", preferred_language="tr"),
        "ar": factories.member_of(org, email="ar@org.example", preferred_language="ar"),
    }
    register(workshop, people["de"], org)
    register(workshop, people["tr"], org)
    register(workshop, people["ar"], org, status=Registration.Status.WAITLISTED)
    # The worker is held back until the test lets it run, so the progress can be seen.
    held = []
    monkeypatch.setattr(services, "enqueue_on_commit", lambda task, pk, model: held.append(pk))

    page = new_page(phone=True)
    log_in(page, consultant.email, totp_secret=STAFF_TOTP_SECRET)
    page.goto("/messages/")
    page.get_by_role("link", name=t("New message")).click()
    page.get_by_role("link", name=t("Workshop participants")).click()
    # The workshop is found by typing part of its title (the page lists none of them).
    expect(page.locator("select[name=segment-workshop] option")).to_have_count(1)
    choose(page, "#id_segment-workshop", "finanz", "Vereinsfinanzen")
    expect(page.locator("select[name=segment-workshop]")).to_have_value(str(workshop.pk))
    assert_no_horizontal_scroll(page)
    page.screenshot(path=str(tmp_path / "compose-workshop-chosen.png"), full_page=True)
    page.get_by_label(t("Service message")).check()
    body = "Der Workshop findet in Raum 2 statt. Bitte bringt eure Fragen mit."
    page.get_by_label(t("Text (German)")).fill(body)
    page.locator("summary").click()
    page.get_by_label(t("Subject (%(language)s)") % {"language": t("Turkish")}).fill(
        "Oda değişikliği"
    )
    page.get_by_label(t("Text (%(language)s)") % {"language": t("Turkish")}).fill(
        "Atölye 2 numaralı odada."
    )
    page.get_by_role("button", name=t("Check recipients")).click()
    # First attempt without a subject: a clear error, nothing typed is lost (the workshop
    # stays chosen, with its date).
    expect(page.locator("[data-error-summary]")).to_be_visible()
    expect(page.locator("select[name=segment-workshop]")).to_have_value(str(workshop.pk))
    expect(page.locator(".ts-control")).to_contain_text(f"Vereinsfinanzen ({_day(workshop)})")
    expect(page.get_by_label(t("Text (German)"))).to_have_value(body)
    expect(page.get_by_label(t("Text (%(language)s)") % {"language": t("Turkish")})).to_have_value(
        "Atölye 2 numaralı odada."
    )
    assert_no_horizontal_scroll(page)
    page.screenshot(path=str(tmp_path / "compose-error.png"), full_page=True)

    page.get_by_label(t("Subject (German)")).fill("Raumänderung")
    page.get_by_role("button", name=t("Check recipients")).click()
    expect(page.locator("[data-recipient-count]")).to_have_attribute("data-recipient-count", "3")
    assert_no_horizontal_scroll(page)
    page.screenshot(path=str(tmp_path / "compose-confirm.png"), full_page=True)
    assert not BulkMessage.objects.exists()  # nothing sent before the confirmation

    page.get_by_role("button", name=t("Send now")).dblclick()
    expect(page.get_by_role("progressbar")).to_be_visible()
    assert BulkMessage.objects.count() == 1
    message = BulkMessage.objects.get()
    assert held == [message.pk]
    page.screenshot(path=str(tmp_path / "compose-progress.png"), full_page=True)

    services.bulk_message_run(message_id=message.pk)
    expect(page.locator("[data-status=done]")).to_be_visible(timeout=10_000)
    assert_no_horizontal_scroll(page)
    page.screenshot(path=str(tmp_path / "compose-done.png"), full_page=True)
    print(f"Screenshots: {tmp_path}")

    assert BulkRecipient.objects.filter(message=message).count() == 3
    subjects = dict(OutboundEmail.objects.values_list("to", "subject"))
    assert subjects == {
        "de@org.example": "Raumänderung",
        "tr@org.example": "Oda değişikliği",
        "ar@org.example": "Raumänderung",  # no Arabic text written: German
    }
    page.get_by_role("link", name=t("Back to the messages")).click()
    expect(page.get_by_role("link", name="Raumänderung")).to_be_visible()
    page.screenshot(path=str(tmp_path / "messages-log.png"), full_page=True)


def _day(workshop):
    from django.utils import timezone

    return f"{timezone.localtime(workshop.starts_at):%d.%m.%Y}"


def test_a_lead_writes_to_the_organisations_of_a_sub_project_in_a_district_on_a_phone(
    new_page, project_lead, monkeypatch, tmp_path
):
    from devtools.factories import CoachingSessionFactory

    mitte, spandau = factories.district("Mitte"), factories.district("Spandau")
    coached = factories.OrganisationFactory(
        name="Brückenbau e.V.", district=mitte, email="Vorstand@Brueckenbau.example"
    )
    shared = factories.OrganisationFactory(
        name="Zweigstelle e.V.", district=mitte, email="info@zweigstelle.example"
    )
    elsewhere = factories.OrganisationFactory(
        name="Woanders e.V.", district=spandau, email="post@woanders.example"
    )
    resting = factories.OrganisationFactory(
        name="Ruhig e.V.", district=mitte, email="ruhig@verein.example"
    )
    for organisation in (coached, shared, elsewhere):
        CoachingSessionFactory(organisation=organisation)
    # A member whose address is also the organisation's contact address (spelled otherwise),
    # a member of two of the organisations, and a member of an organisation not coached.
    factories.member_of(coached, email="vorstand@brueckenbau.example", preferred_language="tr")
    both = factories.member_of(coached, email="kasse@brueckenbau.example")
    factories.MembershipFactory(user=both, organisation=shared, status="active")
    factories.member_of(resting, email="mitglied@ruhig.example")
    factories.member_of(elsewhere, email="mitglied@woanders.example")
    held = []
    monkeypatch.setattr(services, "enqueue_on_commit", lambda task, pk, model: held.append(pk))

    page = new_page(phone=True)
    log_in(page, project_lead.email, totp_secret=STAFF_TOTP_SECRET)
    page.goto("/messages/")
    page.get_by_role("link", name=t("New message")).click()
    page.locator("main .list-group a", has_text=t("Organisations")).first.click()
    page.locator("select[name=segment-subproject]").select_option("qualification")
    page.locator("select[name=segment-district]").select_option(label="Mitte")
    page.get_by_label(t("Service message")).check()
    body = "Ab Oktober gibt es neue Workshops zu Vereinsfinanzen."
    page.get_by_label(t("Text (German)")).fill(body)
    page.get_by_role("button", name=t("Check recipients")).click()
    # First attempt without a subject: an error; the text and the filter stay.
    expect(page.locator("[data-error-summary]")).to_be_visible()
    expect(page.get_by_label(t("Text (German)"))).to_have_value(body)
    expect(page.locator("select[name=segment-subproject]")).to_have_value("qualification")
    expect(page.locator("select[name=segment-district]")).to_have_value(str(mitte.pk))
    assert_no_horizontal_scroll(page)
    page.screenshot(path=str(tmp_path / "organisations-error.png"), full_page=True)

    page.get_by_label(t("Subject (German)")).fill("Neue Workshops")
    page.get_by_role("button", name=t("Check recipients")).click()
    # Two members, and one contact address without an account (the other is a member's).
    expect(page.locator("[data-recipient-count]")).to_have_attribute("data-recipient-count", "3")
    expect(page.locator("[data-address-count]")).to_have_attribute("data-address-count", "1")
    assert_no_horizontal_scroll(page)
    page.screenshot(path=str(tmp_path / "organisations-confirm.png"), full_page=True)
    assert not BulkMessage.objects.exists()

    page.get_by_role("button", name=t("Send now")).dblclick()
    expect(page.get_by_role("progressbar")).to_be_visible()
    assert BulkMessage.objects.count() == 1
    message = BulkMessage.objects.get()
    assert held == [message.pk]
    services.bulk_message_run(message_id=message.pk)
    expect(page.locator("[data-status=done]")).to_be_visible(timeout=10_000)
    assert_no_horizontal_scroll(page)
    page.screenshot(path=str(tmp_path / "organisations-done.png"), full_page=True)
    print(f"Screenshots: {tmp_path}")

    assert sorted(OutboundEmail.objects.values_list("to", flat=True)) == [
        "info@zweigstelle.example",
        "kasse@brueckenbau.example",
        "vorstand@brueckenbau.example",
    ]
    assert BulkRecipient.objects.filter(message=message).count() == 3
    assert BulkRecipient.objects.get(user__isnull=True).email == "info@zweigstelle.example"
