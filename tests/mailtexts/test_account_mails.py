"""allauth's account mails (sign-up confirmation, password reset, ...) are staff-editable like
every other mail: registered, sent in the recipient's language with a portal admin's wording,
never previewed with a real link, and still kept for retry when the mail server is away."""

import re
import smtplib
from unittest import mock

import pytest
from allauth.account import app_settings as allauth_settings
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from ikmo.models import OutboundEmail
from mailtexts import services
from mailtexts.registry import all_mails, mail_kind
from organisations.adapters import AccountAdapter
from organisations.mails import ACCOUNT_MAILS, SAMPLE_RESET_URL
from tests import factories

pytestmark = pytest.mark.django_db

RESET = "account/email/password_reset_key"
SIGNUP = "account/email/email_confirmation_signup"
PASSWORD = "Lindenblatt-Sommer-2024"
CUSTOM_BODY = "Hallo {user},\nhier ist Ihr Link für ein neues Passwort:\n{link}\nIhr {site}"


def _link(body: str) -> str:
    match = re.search(r"https?://[^/\s]+(/\S+)", body)
    assert match, body
    return match.group(1)


def _signup(client, email):
    return client.post(
        reverse("account_signup"),
        {
            "first_name": "Neue",
            "last_name": "Person",
            "email": email,
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )


# Every mail allauth sends in this configuration is registered ---------------------------------


def test_every_mail_allauth_sends_here_is_registered_and_every_registered_one_is_sent(
    client, client_for, org
):
    sent = []
    original = AccountAdapter.send_mail

    def spy(self, template_prefix, email, context):
        sent.append(template_prefix)
        return original(self, template_prefix, email, context)

    member = factories.member_of(org, email="mitglied@example.org")
    EmailAddress.objects.get_or_create(
        user=member, email=member.email, defaults={"verified": True, "primary": True}
    )
    with mock.patch.object(AccountAdapter, "send_mail", spy):
        _signup(client, "neu@example.org")  # sign-up confirmation
        client.post(reverse("account_email_verification_sent") + "resend/")  # again
        _signup(client.__class__(), member.email)  # the address has an account
        client.post(reverse("account_reset_password"), {"email": "neu@example.org"})
        client.post(reverse("account_reset_password"), {"email": "niemand@example.org"})
        client_for(member).post(
            reverse("account_email"), {"email": "zweite@example.org", "action_add": ""}
        )
    registered = {kind.template for kind in ACCOUNT_MAILS}
    assert set(sent) == registered
    assert registered <= {kind.template for kind in all_mails()}


def test_allauths_other_mails_are_off_in_this_configuration():
    # Turning one of these on sends mails (notifications of changed passwords and addresses,
    # sign-in and reset codes) that organisations/mails.py must register first.
    assert not allauth_settings.EMAIL_NOTIFICATIONS
    assert not allauth_settings.LOGIN_BY_CODE_ENABLED
    assert not allauth_settings.PASSWORD_RESET_BY_CODE_ENABLED
    assert not allauth_settings.EMAIL_VERIFICATION_BY_CODE_ENABLED


def test_the_account_mails_stay_with_portal_admins_and_need_their_link():
    for kind in ACCOUNT_MAILS:
        assert kind.admins_only, kind.template
    for template in (RESET, SIGNUP, "account/email/account_already_exists"):
        with pytest.raises(ValidationError) as caught:
            services.mailtext_check(kind=mail_kind(template), subject="Hallo", body="{user}")
        assert "muss {link} enthalten" in " ".join(caught.value.message_dict["body"])


# Sent with the custom text, in the recipient's language -------------------------------------


@pytest.fixture
def admin(portal_admin):
    return portal_admin  # with their second factor (tests/conftest.py)


@pytest.fixture
def person(db):
    user = factories.UserFactory(
        email="vergessen@example.org", first_name="Amal", last_name="Haddad"
    )
    assert EmailAddress.objects.get(user=user).verified  # the factory's confirmed address
    return user


def _save_reset_text(admin, language="de", subject="Neues Passwort für {site}"):
    return services.mailtext_save(
        kind=mail_kind(RESET), language=language, subject=subject, body=CUSTOM_BODY, by=admin
    )


def test_a_password_reset_uses_the_custom_text_and_its_link_works(client, admin, person):
    _save_reset_text(admin)
    client.post(reverse("account_reset_password"), {"email": person.email})
    [message] = mail.outbox
    assert message.subject == "[IKMO] Neues Passwort für IKMO-Portal"
    assert message.body.startswith("Hallo Amal Haddad,\nhier ist Ihr Link für ein neues Passwort:")
    url = _link(message.body)
    assert url.startswith("/accounts/password/reset/key/")
    form = client.get(url, follow=True)
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else url,
        {"password1": "Neu-Sonnenblume-2025", "password2": "Neu-Sonnenblume-2025"},
    )
    assert done.status_code == 302
    person.refresh_from_db()
    assert person.check_password("Neu-Sonnenblume-2025")


def test_the_recipients_language_decides_not_the_page_they_asked_from(client, admin, person):
    _save_reset_text(admin, language="tr", subject="Yeni şifre")
    person.preferred_language = "tr"
    person.save(update_fields=["preferred_language"])
    client.post(reverse("account_reset_password"), {"email": person.email})  # a German page
    assert mail.outbox[0].subject == "[IKMO] Yeni şifre"


def test_without_a_custom_text_for_the_language_the_code_text_goes_out(client, admin, person):
    _save_reset_text(admin, language="de")
    person.preferred_language = "en"
    person.save(update_fields=["preferred_language"])
    client.post(reverse("account_reset_password"), {"email": person.email})
    [message] = mail.outbox
    assert "Hallo Amal" not in message.body
    assert "/accounts/password/reset/key/" in message.body
    assert message.subject.startswith("[IKMO] ")


def test_a_custom_sign_up_text_carries_the_confirmation_link(client, admin):
    services.mailtext_save(
        kind=mail_kind(SIGNUP),
        language="de",
        subject="Willkommen",
        body="Bitte bestätigen: {link}",
        by=admin,
    )
    _signup(client, "neu@example.org")
    [message] = mail.outbox
    assert message.subject == "[IKMO] Willkommen"
    url = _link(message.body)
    assert url.startswith("/accounts/confirm-email/")
    client.post(url)
    assert EmailAddress.objects.get(email="neu@example.org").verified


class _SMTPDown:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def test_a_refused_custom_mail_is_kept_for_retry_with_its_wording(client, admin, person, settings):
    _save_reset_text(admin)
    settings.EMAIL_BACKEND = f"{__name__}._SMTPDown"
    response = client.post(reverse("account_reset_password"), {"email": person.email})
    assert response.status_code == 302  # the person gets their page
    kept = OutboundEmail.objects.get(to=person.email)
    assert kept.subject == "[IKMO] Neues Passwort für IKMO-Portal"
    assert "/accounts/password/reset/key/" in kept.body
    assert kept.status == OutboundEmail.Status.PENDING and kept.next_attempt_at


# The staff page never shows a real link ------------------------------------------------------


def _edit_url(template=RESET, language="de"):
    return reverse("mailtexts:edit", kwargs={"language": language, "template": template})


def test_the_preview_and_the_default_text_use_fictional_links_only(
    client, client_for, admin, person
):
    client.post(reverse("account_reset_password"), {"email": person.email})
    real = _link(mail.outbox[0].body)
    page = client_for(admin).post(
        _edit_url(), {"subject": "Passwort", "body": CUSTOM_BODY, "preview": "1"}
    )
    assert page.status_code == 200
    content = page.content.decode()
    assert page.context["real_example"] is False
    assert SAMPLE_RESET_URL in page.context["preview"].body
    assert "Alex Beispiel" in page.context["preview"].body
    assert SAMPLE_RESET_URL in page.context["default"][1]
    assert real not in content and person.email not in content and "Haddad" not in content


def test_the_first_draft_is_the_code_text_with_placeholders(client_for, admin):
    form = client_for(admin).get(_edit_url()).context["form"]
    assert "{link}" in form.initial["body"] and "{user}" in form.initial["body"]
    assert "BEISPIEL" not in form.initial["body"]


def test_project_leads_may_not_edit_the_account_mails(client_for, project_lead):
    client = client_for(project_lead)
    listed = {row["kind"].template for row in client.get(reverse("mailtexts:list")).context["rows"]}
    assert not listed & {kind.template for kind in ACCOUNT_MAILS}
    assert client.get(_edit_url()).status_code == 403
    assert (
        client.post(_edit_url(), {"subject": "x", "body": "{link}", "save": "1"}).status_code == 403
    )
