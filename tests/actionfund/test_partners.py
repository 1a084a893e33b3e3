"""Joint applications: partner invitations, consent, the cooperation ceiling, withdrawal,
what partners see, and whom the e-mails reach."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from actionfund import dashboard, selectors, services
from actionfund.models import Application, PartnerInvitation
from ikmo.audit import AuditEntry
from ikmo.models import OutboundEmail
from organisations.models import Membership
from tests import factories

from .factories import add_line, draft, in_review, submitted

pytestmark = pytest.mark.django_db

I = PartnerInvitation.Status  # noqa: E741 - the statuses read better short


@pytest.fixture
def partner_member(other_org):
    return factories.member_of(other_org, email="member@org-b.example")


@pytest.fixture
def third_org(db):
    return factories.OrganisationFactory(name="Drittverein Nachbarschaft e.V.")


def invite(application, partner, by):
    return services.partner_invite(application=application, organisation=partner, by=by)


def accept(invitation, by):
    return services.partner_invitation_accept(invitation=invitation, consent=True, by=by)


def mails_to(address):
    return list(OutboundEmail.objects.filter(to=address).order_by("pk"))


class TestInvitationServices:
    def test_inviting_records_the_invitation_and_mails_the_partner_admins_only(
        self, org, org_admin, other_org, other_org_admin, partner_member
    ):
        application = draft(organisation=org, by=org_admin, title="Kiezfest")
        invitation = invite(application, other_org, org_admin)
        assert invitation.status == I.INVITED
        assert invitation.invited_by == org_admin
        assert list(application.partners.all()) == []  # not a partner before accepting
        [mail] = mails_to(other_org_admin.email)
        assert invitation.get_absolute_url() in mail.body
        assert not mails_to(partner_member.email)
        assert AuditEntry.objects.filter(action="actionfund.invitation.sent").count() == 1

    def test_inviting_twice_changes_nothing(self, org, org_admin, other_org, other_org_admin):
        application = draft(organisation=org, by=org_admin)
        first = invite(application, other_org, org_admin)
        second = invite(application, other_org, org_admin)
        assert first.pk == second.pk
        assert PartnerInvitation.objects.count() == 1
        assert len(mails_to(other_org_admin.email)) == 1

    def test_only_approved_other_organisations_can_be_invited(self, org, org_admin):
        application = draft(organisation=org, by=org_admin)
        pending = factories.OrganisationFactory(status="pending")
        for partner in (org, pending):
            with pytest.raises(ValidationError):
                invite(application, partner, org_admin)

    def test_only_the_applicant_invites_and_only_while_editable(
        self, org, org_admin, other_org, other_org_admin, third_org, project_lead
    ):
        application = draft(organisation=org, by=org_admin)
        with pytest.raises(PermissionDenied):
            invite(application, third_org, other_org_admin)
        submitted_app = submitted(organisation=org, by=org_admin)
        with pytest.raises(PermissionDenied):
            invite(submitted_app, third_org, org_admin)

    def test_accepting_records_the_consent_as_shown(
        self, org, org_admin, other_org, other_org_admin
    ):
        application = draft(organisation=org, by=org_admin, title="Kiezfest")
        invitation = accept(invite(application, other_org, org_admin), other_org_admin)
        invitation.refresh_from_db()
        assert invitation.status == I.ACCEPTED
        assert invitation.decided_by == other_org_admin and invitation.decided_at
        assert invitation.consented_by == other_org_admin and invitation.consented_at
        assert invitation.consent_version == services.CONSENT_VERSION
        assert "Kiezfest" in invitation.consent_text
        assert other_org.name in invitation.consent_text
        assert list(application.partners.all()) == [other_org]
        # The applicant hears of the answer.
        assert any("Sonnenblume" in m.subject for m in mails_to(org_admin.email))

    def test_accepting_without_consent_is_refused(self, org, org_admin, other_org, other_org_admin):
        invitation = invite(draft(organisation=org, by=org_admin), other_org, org_admin)
        with pytest.raises(ValidationError) as error:
            services.partner_invitation_accept(
                invitation=invitation, consent=False, by=other_org_admin
            )
        assert "consent" in error.value.error_dict
        invitation.refresh_from_db()
        assert invitation.status == I.INVITED and invitation.consented_at is None

    def test_accepting_twice_is_one_acceptance(self, org, org_admin, other_org, other_org_admin):
        invitation = invite(draft(organisation=org, by=org_admin), other_org, org_admin)
        accept(invitation, other_org_admin)
        first = PartnerInvitation.objects.get(pk=invitation.pk).consented_at
        accept(invitation, other_org_admin)
        assert PartnerInvitation.objects.get(pk=invitation.pk).consented_at == first
        assert AuditEntry.objects.filter(action="actionfund.invitation.accepted").count() == 1
        assert len(mails_to(org_admin.email)) == 1  # one "accepted" message to the applicant

    def test_only_an_admin_of_the_partner_answers(self, org, org_admin, other_org, partner_member):
        invitation = invite(draft(organisation=org, by=org_admin), other_org, org_admin)
        for person in (partner_member, org_admin):
            with pytest.raises(PermissionDenied):
                accept(invitation, person)
            with pytest.raises(PermissionDenied):
                services.partner_invitation_decline(invitation=invitation, by=person)

    def test_declining_keeps_the_reason_and_can_be_asked_again(
        self, org, org_admin, other_org, other_org_admin
    ):
        application = draft(organisation=org, by=org_admin)
        invitation = invite(application, other_org, org_admin)
        services.partner_invitation_decline(
            invitation=invitation, reason="Keine Kapazität", by=other_org_admin
        )
        invitation.refresh_from_db()
        assert (invitation.status, invitation.reason) == (I.DECLINED, "Keine Kapazität")
        with pytest.raises(ValidationError):
            accept(invitation, other_org_admin)  # a "no" is not turned into a "yes"
        again = invite(application, other_org, org_admin)
        assert again.pk == invitation.pk
        assert (again.status, again.reason) == (I.INVITED, "")

    def test_a_withdrawn_invitation_is_mailed_once_to_the_partner_admins_in_their_language(
        self, org, org_admin, other_org, other_org_admin, partner_member
    ):
        other_org_admin.preferred_language = "tr"
        other_org_admin.save(update_fields=["preferred_language"])
        application = draft(organisation=org, by=org_admin, title="Kiezfest")
        invitation = invite(application, other_org, org_admin)
        OutboundEmail.objects.all().delete()
        services.partner_invitation_withdraw(invitation=invitation, by=org_admin)
        services.partner_invitation_withdraw(invitation=invitation, by=org_admin)  # 2nd click
        [mail] = mails_to(other_org_admin.email)
        assert OutboundEmail.objects.count() == 1  # not the member, not the applicant
        with translation.override("tr"):
            expected = translation.gettext("Details in the portal:")
        assert expected in mail.body and "Kiezfest" in mail.body and org.name in mail.subject
        assert invitation.get_absolute_url() in mail.body

    def test_a_declined_invitation_is_mailed_to_the_applicant_with_the_reason(
        self, org, org_admin, other_org, other_org_admin
    ):
        application = draft(organisation=org, by=org_admin, title="Kiezfest")
        invitation = invite(application, other_org, org_admin)
        OutboundEmail.objects.all().delete()
        services.partner_invitation_decline(
            invitation=invitation, reason="Keine Kapazität & Zeit", by=other_org_admin
        )
        [mail] = mails_to(org_admin.email)
        assert other_org.name in mail.subject
        assert "Keine Kapazität & Zeit" in mail.body
        assert application.get_absolute_url() in mail.body
        assert not mails_to(other_org_admin.email)

    def test_the_partner_mails_have_staff_previews_from_real_invitations(
        self, org, org_admin, other_org, other_org_admin, third_org
    ):
        from mailtexts.registry import mail_kind

        application = draft(organisation=org, by=org_admin, title="Kiezfest")
        services.partner_invitation_withdraw(
            invitation=invite(application, third_org, org_admin), by=org_admin
        )
        services.partner_invitation_decline(
            invitation=invite(application, other_org, org_admin), reason="", by=other_org_admin
        )
        for name in ("partner_invitation_withdrawn", "partner_answered", "partner_withdrew"):
            kind = mail_kind(f"actionfund/email/{name}")
            context = kind.example()
            values = kind.values(context)
            assert values["title"] == "Kiezfest" and values["link"].endswith("/"), name

    def test_the_applicant_withdraws_an_open_invitation_but_not_an_accepted_one(
        self, org, org_admin, other_org, other_org_admin, third_org
    ):
        application = draft(organisation=org, by=org_admin)
        open_one = invite(application, third_org, org_admin)
        services.partner_invitation_withdraw(invitation=open_one, by=org_admin)
        open_one.refresh_from_db()
        assert open_one.status == I.WITHDRAWN and open_one.decided_by == org_admin
        with pytest.raises(ValidationError):
            accept(open_one, factories.member_of(third_org, role=Membership.Role.ADMIN))
        accepted = accept(invite(application, other_org, org_admin), other_org_admin)
        with pytest.raises(ValidationError):
            services.partner_invitation_withdraw(invitation=accepted, by=org_admin)
        with pytest.raises(PermissionDenied):
            services.partner_invitation_withdraw(invitation=accepted, by=other_org_admin)

    def test_nothing_changes_after_the_decision(
        self, org, org_admin, other_org, other_org_admin, fund_lead
    ):
        application = draft(organisation=org, by=org_admin, amount="1000.00")
        invitation = accept(invite(application, other_org, org_admin), other_org_admin)
        application = services.application_submit(
            application=application, token=application.submission_token, by=org_admin
        )
        services.application_decide(
            application=application, approve=False, by=fund_lead, message="Leider nicht."
        )
        with pytest.raises(ValidationError):
            services.partner_consent_withdraw(invitation=invitation, by=other_org_admin)
        assert PartnerInvitation.objects.get(pk=invitation.pk).status == I.ACCEPTED


class TestCeiling:
    def test_invited_partners_do_not_raise_the_ceiling_and_the_message_says_why(
        self, org, org_admin, other_org, other_org_admin
    ):
        application = draft(organisation=org, by=org_admin, amount="1200.50")
        add_line(application, "1000.00")  # 2.200,50 EUR: above 1.500, below 3.000
        invitation = invite(application, other_org, org_admin)
        assert selectors.ceiling_for(application) == Decimal("1500.00")
        with translation.override("en"):
            problems = services.submission_problems(application)
        assert any("at least one partner organisation has accepted" in p for p in problems)
        with pytest.raises(ValidationError):
            services.application_submit(
                application=application, token=application.submission_token, by=org_admin
            )
        accept(invitation, other_org_admin)
        assert selectors.ceiling_for(application) == Decimal("3000.00")
        assert services.submission_problems(application) == []

    def test_an_approval_cannot_grant_more_than_the_ceiling_that_applies(
        self, org, org_admin, other_org, other_org_admin, fund_lead
    ):
        application = draft(organisation=org, by=org_admin, amount="2000.00")
        invitation = accept(invite(application, other_org, org_admin), other_org_admin)
        application = services.application_submit(
            application=application, token=application.submission_token, by=org_admin
        )
        services.partner_consent_withdraw(invitation=invitation, by=other_org_admin)
        with pytest.raises(ValidationError) as error:
            services.application_decide(
                application=application, approve=True, by=fund_lead, amount=Decimal("2000.00")
            )
        assert "1.500,00" in " ".join(error.value.messages)
        decided = services.application_decide(
            application=Application.objects.get(pk=application.pk),
            approve=True,
            by=fund_lead,
            amount=Decimal("1500.00"),
        )
        assert decided.approved_amount == Decimal("1500.00")


class TestConsentWithdrawal:
    def test_a_withdrawal_after_submission_above_the_single_ceiling_warns_applicant_and_leads(
        self, org, org_admin, other_org, other_org_admin, fund_lead, project_lead, client_for
    ):
        application = draft(organisation=org, by=org_admin, amount="2000.00")
        invitation = accept(invite(application, other_org, org_admin), other_org_admin)
        application = services.application_submit(
            application=application, token=application.submission_token, by=org_admin
        )
        OutboundEmail.objects.all().delete()
        services.partner_consent_withdraw(
            invitation=invitation, reason="Vorstand dagegen", by=other_org_admin
        )
        invitation.refresh_from_db()
        assert invitation.status == I.WITHDRAWN and invitation.consent_withdrawn
        assert invitation.consented_at is not None  # the consent given stays on record
        assert list(application.partners.all()) == []
        [to_applicant] = mails_to(org_admin.email)
        assert "1.500,00" in to_applicant.body and "2.000,00" in to_applicant.body
        assert mails_to(fund_lead.email) and mails_to(project_lead.email)
        page = client_for(fund_lead).get(application.get_absolute_url()).content.decode()
        assert "data-ceiling-warning" in page
        applicant_page = client_for(org_admin).get(application.get_absolute_url())
        assert "data-ceiling-warning" not in applicant_page.content.decode()

    def test_a_withdrawal_within_the_single_ceiling_does_not_alarm_the_leads(
        self, org, org_admin, other_org, other_org_admin, fund_lead
    ):
        application = draft(organisation=org, by=org_admin, amount="1000.00")
        invitation = accept(invite(application, other_org, org_admin), other_org_admin)
        services.application_submit(
            application=application, token=application.submission_token, by=org_admin
        )
        services.partner_consent_withdraw(invitation=invitation, by=other_org_admin)
        assert not mails_to(fund_lead.email)
        assert selectors.ceiling_warning(application) is None


class TestPartnerMailsThroughTheWorkflow:
    def test_accepted_partners_hear_of_submission_and_decision_open_ones_do_not(
        self, org, org_admin, other_org, other_org_admin, third_org, fund_lead
    ):
        third_admin = factories.member_of(third_org, role=Membership.Role.ADMIN)
        application = draft(organisation=org, by=org_admin, amount="1000.00")
        accept(invite(application, other_org, org_admin), other_org_admin)
        invite(application, third_org, org_admin)
        OutboundEmail.objects.all().delete()
        application = services.application_submit(
            application=application, token=application.submission_token, by=org_admin
        )
        [mail] = mails_to(other_org_admin.email)
        assert application.reference in mail.subject
        services.application_decide(
            application=application, approve=True, by=fund_lead, amount=Decimal("1000.00")
        )
        mails = mails_to(other_org_admin.email)
        assert len(mails) == 2
        # The decision letter is the applicant's: the partner is told that, not what.
        application.refresh_from_db()
        assert application.decision_message not in mails[1].body
        assert not mails_to(third_admin.email)  # not accepted: not told


class TestPartnerPages:
    def test_the_partner_sees_the_application_read_only_without_files_or_notes(
        self, client_for, org, org_admin, other_org, partner_member, private_storage
    ):
        from django.core.files.uploadedfile import SimpleUploadedFile

        application = draft(organisation=org, by=org_admin, title="Kiezfest der Sprachen")
        attachment = services.attachment_add(
            application=application,
            upload=SimpleUploadedFile("Angebot.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
            description="Kostenangebot Bühne",
            by=org_admin,
        )
        invitation = invite(application, other_org, org_admin)
        client = client_for(partner_member)
        page = client.get(invitation.get_absolute_url()).content.decode()
        assert "Kiezfest der Sprachen" in page and "Honorar" in page
        assert "Angebot.pdf" not in page and "Kostenangebot" not in page
        assert "Accept the invitation" not in page  # a member, not an admin
        # The applicant's pages and files stay closed to the partner.
        for url in (
            application.get_absolute_url(),
            reverse("actionfund:application_edit", args=[application.pk, "basics"]),
            reverse("actionfund:attachment_download", args=[application.pk, attachment.pk]),
        ):
            assert client.get(url).status_code == 404, url

    def test_after_a_no_the_application_is_no_longer_shown(
        self, client_for, org, org_admin, other_org, other_org_admin
    ):
        application = draft(organisation=org, by=org_admin, title="Kiezfest der Sprachen")
        invitation = invite(application, other_org, org_admin)
        services.partner_invitation_decline(invitation=invitation, by=other_org_admin)
        page = client_for(other_org_admin).get(invitation.get_absolute_url()).content.decode()
        assert "Kiezfest der Sprachen" in page  # its own invitation, as a record
        assert "Honorar" not in page and "summary-budget" not in page

    def test_a_third_organisation_finds_no_invitation(
        self, client_for, org, org_admin, other_org, third_org
    ):
        invitation = invite(draft(organisation=org, by=org_admin), other_org, org_admin)
        outsider = factories.member_of(third_org, role=Membership.Role.ADMIN)
        client = client_for(outsider)
        assert client.get(invitation.get_absolute_url()).status_code == 404
        for name in ("invitation_decline", "invitation_withdraw"):
            url = reverse(f"actionfund:{name}", args=[invitation.pk])
            assert client.post(url).status_code == 404
        assert client.post(invitation.get_absolute_url(), {"consent": "on"}).status_code == 404
        invitation.refresh_from_db()
        assert invitation.status == I.INVITED

    def test_accepting_on_the_page_needs_the_tick_and_a_double_post_is_one_acceptance(
        self, client_for, org, org_admin, other_org, other_org_admin
    ):
        invitation = invite(draft(organisation=org, by=org_admin), other_org, org_admin)
        client = client_for(other_org_admin)
        response = client.post(invitation.get_absolute_url(), {})
        assert response.status_code == 400
        assert 'href="#id_consent"' in response.content.decode()  # the error, at the box
        for _click in range(2):
            response = client.post(invitation.get_absolute_url(), {"consent": "on"})
            assert response.status_code == 302
        invitation.refresh_from_db()
        assert invitation.status == I.ACCEPTED
        assert AuditEntry.objects.filter(action="actionfund.invitation.accepted").count() == 1

    def test_the_invitation_list_and_dashboard_card_show_only_ones_own(
        self, client_for, org, org_admin, other_org, other_org_admin, third_org
    ):
        application = draft(organisation=org, by=org_admin, title="Kiezfest der Sprachen")
        invite(application, other_org, org_admin)
        invite(application, third_org, org_admin)
        page = client_for(other_org_admin).get(reverse("actionfund:invitation_list"))
        assert page.content.decode().count("Kiezfest der Sprachen") == 1
        [card] = dashboard.cards(other_org_admin)
        [link] = card.links
        assert link.url == PartnerInvitation.objects.get(organisation=other_org).get_absolute_url()
        assert dashboard._invitation_card(org_admin) == []

    def test_the_applicant_invites_and_withdraws_on_the_partner_step(
        self, client_for, org, org_admin, other_org
    ):
        application = draft(organisation=org, by=org_admin)
        client = client_for(org_admin)
        url = reverse("actionfund:partner_invite", args=[application.pk])
        for _click in range(2):
            assert client.post(url, {"organisation": other_org.pk}).status_code == 302
        invitation = PartnerInvitation.objects.get()
        assert client.post(url, {"organisation": "99999999999999999999"}).status_code == 302
        assert client.post(url, {"organisation": "x"}).status_code == 302
        withdraw = reverse(
            "actionfund:partner_invitation_withdraw", args=[application.pk, invitation.pk]
        )
        assert client.post(withdraw).status_code == 302
        invitation.refresh_from_db()
        assert invitation.status == I.WITHDRAWN


class TestApi:
    def test_partners_do_not_reach_the_application_through_the_api(
        self, org, org_admin, other_org, other_org_admin
    ):
        from ikmo.api import tokens

        application = draft(organisation=org, by=org_admin)
        accept(invite(application, other_org, org_admin), other_org_admin)
        _token, secret = tokens.token_create(user=other_org_admin, name="CRM", scope="read")
        from rest_framework.test import APIClient

        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
        response = client.get(f"/api/v1/actionfund/applications/{application.pk}/")
        assert response.status_code == 404
        listing = client.get("/api/v1/actionfund/applications/").json()
        assert listing["results"] == []


class TestMigration:
    def test_existing_partners_become_invitations_by_the_documented_rule(
        self, org, org_admin, other_org, fund_lead
    ):
        import importlib

        from django.apps import apps

        migration = importlib.import_module(
            "actionfund.migrations.0010_partners_become_invitations"
        )
        open_app = draft(organisation=org, by=org_admin)
        decided = in_review(organisation=org, by=org_admin, lead=fund_lead)
        decided = services.application_decide(
            application=decided, approve=False, by=fund_lead, message="Nein."
        )
        open_app.partners.add(other_org)
        decided.partners.add(other_org)
        migration.forwards(apps, None)
        assert PartnerInvitation.objects.get(application=open_app).status == I.INVITED
        assert list(open_app.partners.all()) == []
        legacy = PartnerInvitation.objects.get(application=decided)
        assert legacy.status == I.ACCEPTED and legacy.consent_version == ""
        assert list(decided.partners.all()) == [other_org]
