"""Staff-edited e-mail texts: the registry, the placeholder rules, the lookup email_queue
makes, the staff pages and their history."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.loader import get_template
from django.urls import reverse
from django.utils import translation

from ikmo.mail import email_queue
from ikmo.models import AuditEntry, OutboundEmail
from mailtexts import services
from mailtexts.models import MailText
from mailtexts.placeholders import fill, unfill
from mailtexts.registry import all_mails, mail_kind
from organisations.models import StaffRole
from qualification.services import registration_create
from tests import factories
from tests.conftest import enrol_mfa
from tests.qualification.factories import make_workshop

ROOT = Path(settings.BASE_DIR)
APPS = [
    "ikmo",
    "organisations",
    "qualification",
    "mentoring",
    "participation_check",
    "actionfund",
    "volunteering",
    "privacy",
]
CONFIRMED = "qualification/email/registration_confirmed"


def _code_mail_templates() -> set[str]:
    """Every mail the code can send: each has a `<name>_subject.txt` in an app's templates."""
    found = set()
    for app in APPS:
        base = ROOT / app / "templates"
        for path in base.rglob("*_subject.txt"):
            found.add(str(path.relative_to(base))[: -len("_subject.txt")])
    return found


def _literal_templates_in_code() -> set[str]:
    found = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            found |= set(re.findall(r'template="([a-z_]+/email/[a-z_]+)"', path.read_text()))
    return found


def test_every_mail_the_code_can_send_is_registered():
    registered = {kind.template for kind in all_mails()}
    assert _code_mail_templates() <= registered
    assert _literal_templates_in_code() <= registered
    assert len(_code_mail_templates()) >= 37


def test_every_registered_mail_exists_in_code_once_and_offers_sample_values():
    kinds = all_mails()
    assert len({k.template for k in kinds}) == len(kinds)
    code = _code_mail_templates()
    for kind in kinds:
        # Ours are queued with email_queue; allauth's (tests/mailtexts/test_account_mails.py
        # checks they are all there) are its own templates, which ours may override.
        assert kind.template in code or kind.template.startswith("account/email/"), kind.template
        for name in kind.code_templates:
            get_template(name)  # TemplateDoesNotExist otherwise
        assert len(set(kind.names)) == len(kind.names), kind.template
        assert all(p.sample for p in kind.placeholders), kind.template


@pytest.mark.django_db
def test_a_fictional_sample_context_gives_every_placeholder_a_value():
    for kind in all_mails():
        if kind.sample_context is not None:
            assert all(kind.values(kind.sample_context()).values()), kind.template


@pytest.mark.django_db
def test_example_contexts_are_none_without_records():
    for kind in all_mails():
        if kind.example is not None:
            assert kind.example() is None, kind.template


# Placeholder rules ---------------------------------------------------------------------------


def _check(template=CONFIRMED, subject="Platz: {workshop}", body="{registrations_link}"):
    services.mailtext_check(kind=mail_kind(template), subject=subject, body=body)


def _messages(error: ValidationError, field: str) -> str:
    return " ".join(error.message_dict.get(field, []))


def test_a_known_placeholder_and_doubled_braces_are_accepted():
    _check(body="Hallo {{Team}}, {workshop}: {registrations_link}")


def test_an_unknown_placeholder_is_named_and_the_allowed_ones_listed():
    with pytest.raises(ValidationError) as caught:
        _check(body="Hallo {foo}! {registrations_link}")
    message = _messages(caught.value, "body")
    assert "„{foo}“ ist kein Platzhalter" in message  # German, the portal's first language
    assert "{workshop}" in message and "{registrations_link}" in message


def test_an_attribute_lookup_is_not_a_placeholder():
    with pytest.raises(ValidationError) as caught:
        _check(subject="{workshop.trainer.email}")
    assert "{workshop.trainer.email}" in _messages(caught.value, "subject")


@pytest.mark.parametrize("text", ["Hallo {workshop", "Hallo workshop}", "{ {workshop}"])
def test_broken_braces_are_an_error(text):
    with pytest.raises(ValidationError) as caught:
        _check(body=text + " {registrations_link}")
    assert "ist nicht geschlossen oder nicht geöffnet" in _messages(caught.value, "body")


def test_a_required_placeholder_must_be_present():
    with pytest.raises(ValidationError) as caught:
        _check(body="Bis bald!")
    assert "muss {registrations_link} enthalten" in _messages(caught.value, "body")


def test_fill_replaces_only_registered_names_and_unfill_reverses_it():
    values = {"workshop": "Vereinsgründung", "registrations_link": "https://x.example/r/"}
    text = "{{ {workshop} }} {registrations_link}"
    assert fill(text, values) == "{ Vereinsgründung } https://x.example/r/"
    assert unfill(fill(text, values), values) == text


# email_queue uses the custom text per language ---------------------------------------------


@pytest.fixture
def lead(db):
    user = factories.staff(
        StaffRole.Role.PROJECT_LEAD, subproject="qualification", email="lead-q@centre.example"
    )
    enrol_mfa(user)
    return user


def _register(org, consultant, language):
    workshop = make_workshop(trainer=consultant, title="Vereinsgründung kompakt")
    person = factories.member_of(org, email=f"p-{language}@org-a.example")
    person.preferred_language = language
    person.save(update_fields=["preferred_language"])
    registration_create(workshop=workshop, participant=person, organisation=org, by=person)
    return OutboundEmail.objects.filter(to=person.email).get()


def test_the_custom_german_text_is_used_and_english_falls_back_to_the_code(org, consultant, lead):
    services.mailtext_save(
        kind=mail_kind(CONFIRMED),
        language="de",
        subject="Ihr Platz in {workshop}",
        body="Willkommen!\nAbmelden: {registrations_link}",
        by=lead,
    )
    german = _register(org, consultant, "de")
    assert german.subject == "Ihr Platz in Vereinsgründung kompakt"
    assert german.body.startswith("Willkommen!\nAbmelden: http")
    assert german.body.endswith(reverse("qualification:my_registrations"))

    english = _register(org, consultant, "en")
    assert english.subject == "Registration confirmed: Vereinsgründung kompakt"
    assert "your place in the workshop" in english.body


def test_a_reset_text_is_no_longer_used(org, consultant, lead):
    text = services.mailtext_save(
        kind=mail_kind(CONFIRMED),
        language="de",
        subject="Eigen",
        body="{registrations_link}",
        by=lead,
    )
    services.mailtext_reset(text=text, by=lead)
    with translation.override("de"):
        code_subject = "Anmeldung bestätigt"
    email = _register(org, consultant, "de")
    assert email.subject != "Eigen"
    assert code_subject in email.subject or "Vereinsgründung kompakt" in email.subject


def test_a_text_that_cannot_be_filled_falls_back_to_the_code(org, lead):
    MailText.objects.create(
        template="organisations/email/join_approved",
        language="de",
        subject="{organisation}",
        body="{organisation}",
    )
    # The context lacks what the placeholder needs: the mail still goes out, in the code's words.
    email = email_queue(
        to="x@example.org", template="organisations/email/join_approved", context={}, language="de"
    )
    assert email.body


# History ------------------------------------------------------------------------------------


def test_saving_records_the_previous_text_and_a_repeat_writes_nothing(lead):
    kind = mail_kind(CONFIRMED)
    services.mailtext_save(
        kind=kind, language="ar", subject="A {workshop}", body="{registrations_link}", by=lead
    )
    services.mailtext_save(
        kind=kind, language="ar", subject="B {workshop}", body="{registrations_link}", by=lead
    )
    services.mailtext_save(
        kind=kind, language="ar", subject="B {workshop}", body="{registrations_link}", by=lead
    )
    entries = AuditEntry.objects.filter(action="mailtexts.mailtext.changed").order_by("pk")
    assert entries.count() == 2
    assert entries[1].actor == lead
    assert entries[1].changes["subject"] == ["A {workshop}", "B {workshop}"]


# Staff pages --------------------------------------------------------------------------------


def _edit_url(language="de", template=CONFIRMED):
    return reverse("mailtexts:edit", kwargs={"language": language, "template": template})


def test_preview_renders_with_a_real_record_and_sends_nothing(client_for, org, consultant, lead):
    _register(org, consultant, "de")
    before = OutboundEmail.objects.count()
    response = client_for(lead).post(
        _edit_url(),
        {
            "subject": "Platz: {workshop}",
            "body": "Hallo!\n{details}\n{registrations_link}",
            "preview": "1",
        },
    )
    assert response.status_code == 200
    assert response.context["real_example"] is True
    assert response.context["preview"].subject == "Platz: Vereinsgründung kompakt"
    assert "Musterstraße 1" in response.context["preview"].body
    assert OutboundEmail.objects.count() == before
    assert not MailText.objects.exists()


def test_the_arabic_preview_is_right_to_left(client_for, lead):
    response = client_for(lead).post(
        _edit_url("ar"), {"subject": "{workshop}", "body": "{registrations_link}", "preview": "1"}
    )
    assert response.context["real_example"] is False  # no record yet: fictional samples
    assert 'dir="rtl" lang="ar"' in response.content.decode()


def test_an_invalid_save_keeps_the_text_and_names_the_placeholder(client_for, lead):
    response = client_for(lead).post(
        _edit_url(), {"subject": "Hallo", "body": "Text {foo} bleibt", "save": "1"}
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "Text {foo} bleibt" in content
    assert "„{foo}“ ist kein Platzhalter" in content
    assert not MailText.objects.exists()


def test_reset_and_restore_through_the_pages(client_for, lead):
    client = client_for(lead)
    kind = mail_kind(CONFIRMED)
    services.mailtext_save(
        kind=kind, language="de", subject="Erst", body="{registrations_link}", by=lead
    )
    text = services.mailtext_save(
        kind=kind, language="de", subject="Zweit", body="{registrations_link}", by=lead
    )
    client.post(reverse("mailtexts:reset", kwargs={"language": "de", "template": CONFIRMED}))
    text.refresh_from_db()
    assert text.is_active is False
    second_change = AuditEntry.objects.filter(action="mailtexts.mailtext.changed").latest("pk")
    client.post(
        reverse(
            "mailtexts:restore",
            kwargs={"entry": second_change.pk, "language": "de", "template": CONFIRMED},
        )
    )
    text.refresh_from_db()
    assert (text.subject, text.is_active) == ("Erst", True)
    assert AuditEntry.objects.filter(action="mailtexts.mailtext.restored").count() == 1


def test_the_list_shows_default_and_customised_per_language(client_for, lead):
    services.mailtext_save(
        kind=mail_kind(CONFIRMED), language="tr", subject="S", body="{registrations_link}", by=lead
    )
    response = client_for(lead).get(reverse("mailtexts:list"))
    rows = {row["kind"].template: row for row in response.context["rows"]}
    custom = {lang["code"]: lang["custom"] for lang in rows[CONFIRMED]["languages"]}
    assert custom == {"de": False, "en": False, "ar": False, "tr": True}


def test_a_sub_project_lead_edits_only_their_own_and_the_shared_mails(client_for, lead):
    client = client_for(lead)
    templates = {
        row["kind"].template for row in client.get(reverse("mailtexts:list")).context["rows"]
    }
    assert CONFIRMED in templates
    assert "organisations/email/join_approved" in templates
    assert "actionfund/email/submitted" not in templates
    assert "ikmo/email/mfa_invitation" not in templates
    assert client.get(_edit_url(template="actionfund/email/submitted")).status_code == 403
    assert client.get(_edit_url(template="ikmo/email/mfa_invitation")).status_code == 403


def test_portal_admins_edit_the_security_mails(client_for, portal_admin):
    assert (
        client_for(portal_admin).get(_edit_url(template="ikmo/email/mfa_invitation")).status_code
        == 200
    )


@pytest.mark.parametrize("path", ["nope/email/x", "qualification/email/registration_confirmed/.."])
def test_unknown_mails_and_languages_are_not_found(client_for, lead, path):
    client = client_for(lead)
    assert client.get(_edit_url(template=path)).status_code == 404
    assert client.get(_edit_url(language="xx")).status_code == 404


def test_consultants_and_organisation_members_may_not_open_the_pages(
    client_for, consultant, org_admin
):
    for user in (consultant, org_admin):
        client = client_for(user)
        assert client.get(reverse("mailtexts:list")).status_code == 403
        assert client.get(_edit_url()).status_code == 403
