"""The registry's services: every change, its audit entry and the e-mails it sends."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import translation

from ikmo.models import AuditEntry, OutboundEmail
from organisations import services
from organisations.forms import OrganisationForm
from organisations.models import FieldOfWork, Membership, Organisation, SpokenLanguage, StaffRole
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def send_mail_on_commit(django_capture_on_commit_callbacks):
    """Run the after-commit work (e-mail tasks, eagerly) as the real transaction commit would."""

    def run(func, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return func(**kwargs)

    return run


def registration_data(**overrides) -> dict:
    data = {
        "name": "Kulturbrücke Spandau e.V.",
        "kind": Organisation.Kind.MIGRANT_ORGANISATION,
        "legal_form": Organisation.LegalForm.REGISTERED_ASSOCIATION,
        "founding_year": 2015,
        "stage": Organisation.Stage.ESTABLISHED,
        "district": factories.district("Spandau").pk,
        "fields_of_work": [FieldOfWork.objects.order_by("pk")[0].pk],
        "languages": [SpokenLanguage.objects.order_by("pk")[0].pk],
        "email": "info@kulturbruecke.example",
        "postcode": "13597",
    }
    data.update(overrides)
    return data


def profile_of(form) -> services.OrganisationProfile:
    assert form.is_valid(), form.errors
    return services.OrganisationProfile.from_values(form.cleaned_data)


def audit_actions(organisation) -> list[tuple[str, object]]:
    return list(
        AuditEntry.objects.filter(organisation=organisation)
        .order_by("pk")
        .values_list("action", "actor")
    )


class TestRegistration:
    def test_creates_a_pending_organisation_with_the_applicant_as_admin(self):
        applicant = factories.UserFactory()
        form = OrganisationForm(registration_data())
        assert form.is_valid(), form.errors
        organisation = services.organisation_register(profile=profile_of(form), by=applicant)

        assert organisation.status == Organisation.Status.PENDING
        assert organisation.fields_of_work.count() == 1
        assert organisation.languages.count() == 1
        membership = Membership.objects.get(organisation=organisation)
        assert (membership.user, membership.role, membership.status) == (
            applicant,
            Membership.Role.ADMIN,
            Membership.Status.ACTIVE,
        )
        assert audit_actions(organisation) == [
            ("organisations.organisation.registered", applicant.pk)
        ]

    def test_notifies_every_project_lead_in_their_language(self, send_mail_on_commit):
        lead_de = factories.staff(StaffRole.Role.PROJECT_LEAD, email="lead-de@centre.example")
        lead_en = factories.staff(
            StaffRole.Role.PROJECT_LEAD,
            subproject="actionfund",
            email="lead-en@centre.example",
            preferred_language="en",
        )
        factories.staff(StaffRole.Role.CONSULTANT, email="consultant@centre.example")
        applicant = factories.UserFactory(email="founder@example.org")
        form = OrganisationForm(registration_data())
        assert form.is_valid(), form.errors

        send_mail_on_commit(services.organisation_register, profile=profile_of(form), by=applicant)

        recipients = sorted(m.to[0] for m in mail.outbox)
        assert recipients == [lead_de.email, lead_en.email]
        english = next(m for m in mail.outbox if m.to == [lead_en.email])
        assert "Kulturbrücke Spandau e.V." in english.subject
        assert "founder@example.org" in english.body
        assert "registrations page" in english.body

    def test_registration_form_offers_only_the_kinds_the_centre_serves(self):
        kinds = {value for value, _ in OrganisationForm().fields["kind"].choices}
        assert kinds == {"mo", "refugee_initiative"}

    def test_duplicate_names_are_refused_whatever_the_case_and_spacing(self, org):
        form = OrganisationForm(registration_data(name="  brückenbau   TEST e.v. "))
        assert not form.is_valid()
        assert "name" in form.errors

    def test_founding_year_is_required_unless_in_founding(self):
        form = OrganisationForm(registration_data(founding_year=""))
        assert not form.is_valid()
        assert "founding_year" in form.errors
        form = OrganisationForm(
            registration_data(founding_year="", legal_form=Organisation.LegalForm.IN_FOUNDING)
        )
        assert form.is_valid(), form.errors

    @pytest.mark.parametrize(
        ("field", "value"),
        [("postcode", "1234"), ("phone", "call me"), ("district", ""), ("founding_year", 1700)],
    )
    def test_invalid_profile_values_are_refused(self, field, value):
        form = OrganisationForm(registration_data(**{field: value}))
        assert not form.is_valid()
        assert field in form.errors


class TestProfileRulesWithoutAForm:
    """A task, the admin or a script calling the service directly meets the form's rules."""

    def _profile(self, **overrides) -> services.OrganisationProfile:
        values = {
            "name": "Kulturbrücke Spandau e.V.",
            "kind": Organisation.Kind.MIGRANT_ORGANISATION,
            "legal_form": Organisation.LegalForm.REGISTERED_ASSOCIATION,
            "founding_year": 2015,
            "district": factories.district("Spandau"),
            "fields_of_work": list(FieldOfWork.objects.order_by("pk")[:1]),
        }
        values.update(overrides)
        return services.OrganisationProfile(**values)

    def test_registers_with_typed_values_and_normalises_the_name(self):
        applicant = factories.UserFactory()
        organisation = services.organisation_register(
            profile=self._profile(name="  Kulturbrücke   Spandau e.V. "), by=applicant
        )
        assert organisation.name == "Kulturbrücke Spandau e.V."
        assert organisation.status == Organisation.Status.PENDING
        assert organisation.fields_of_work.count() == 1

    def test_a_duplicate_name_is_refused_on_the_name_field(self, org):
        with pytest.raises(ValidationError) as refused:
            services.organisation_register(
                profile=self._profile(name=f"  {org.name.lower()} "), by=factories.UserFactory()
            )
        assert refused.value.error_dict["name"][0].code == "duplicate_name"
        assert Organisation.objects.filter(name__iexact=org.name).count() == 1

    def test_the_founding_year_is_required_unless_in_founding(self):
        with pytest.raises(ValidationError) as refused:
            services.organisation_register(
                profile=self._profile(founding_year=None), by=factories.UserFactory()
            )
        assert refused.value.error_dict["founding_year"][0].code == "founding_year_required"
        founding = services.organisation_register(
            profile=self._profile(founding_year=None, legal_form="in_founding"),
            by=factories.UserFactory(),
        )
        assert founding.founding_year is None

    @pytest.mark.parametrize(
        ("field", "value"),
        [("postcode", "1234"), ("phone", "call me"), ("founding_year", 1700), ("kind", "club")],
    )
    def test_the_models_field_rules_hold(self, field, value):
        with pytest.raises(ValidationError) as refused:
            services.organisation_register(
                profile=self._profile(**{field: value}), by=factories.UserFactory()
            )
        assert field in refused.value.error_dict
        assert not Organisation.objects.filter(name="Kulturbrücke Spandau e.V.").exists()

    def test_an_update_keeps_its_own_name_but_not_anothers(self, org, other_org, org_admin):
        services.organisation_update(
            organisation=org, profile=self._profile(name=org.name), by=org_admin
        )
        with pytest.raises(ValidationError) as refused:
            services.organisation_update(
                organisation=org, profile=self._profile(name=other_org.name), by=org_admin
            )
        assert "name" in refused.value.error_dict
        org.refresh_from_db()
        assert org.name != other_org.name

    def test_a_refusal_needs_a_reason(self, pending_org, project_lead):
        with pytest.raises(ValidationError) as refused:
            services.organisation_reject(organisation=pending_org, by=project_lead, reason="  ")
        assert refused.value.code == "reason_required"
        pending_org.refresh_from_db()
        assert pending_org.status == Organisation.Status.PENDING


class TestDecision:
    def test_approval_by_a_project_lead_mails_the_applicant(
        self, pending_org, project_lead, send_mail_on_commit
    ):
        organisation = send_mail_on_commit(
            services.organisation_approve, organisation=pending_org, by=project_lead
        )
        assert organisation.status == Organisation.Status.APPROVED
        assert organisation.decided_by == project_lead
        assert organisation.decided_at is not None
        assert [m.to for m in mail.outbox] == [["applicant@neuanfang.example"]]
        assert "Neuanfang Initiative" in mail.outbox[0].subject
        assert ("organisations.organisation.approved", project_lead.pk) in audit_actions(
            pending_org
        )
        assert OutboundEmail.objects.get().status == OutboundEmail.Status.SENT

    def test_rejection_mails_the_reason(self, pending_org, project_lead, send_mail_on_commit):
        send_mail_on_commit(
            services.organisation_reject,
            organisation=pending_org,
            by=project_lead,
            reason="Bitte reicht die Satzung nach.",
        )
        pending_org.refresh_from_db()
        assert pending_org.status == Organisation.Status.REJECTED
        assert len(mail.outbox) == 1
        assert "Bitte reicht die Satzung nach." in mail.outbox[0].body
        entry = AuditEntry.objects.get(action="organisations.organisation.rejected")
        assert entry.actor == project_lead
        assert entry.changes == {"reason": "Bitte reicht die Satzung nach."}

    def test_a_decided_registration_cannot_be_decided_again(self, pending_org, project_lead):
        services.organisation_approve(organisation=pending_org, by=project_lead)
        with pytest.raises(ValidationError):
            services.organisation_reject(organisation=pending_org, by=project_lead, reason="x")
        with pytest.raises(ValidationError):
            services.organisation_approve(organisation=pending_org, by=project_lead)
        pending_org.refresh_from_db()
        assert pending_org.status == Organisation.Status.APPROVED


class TestJoinRequests:
    def test_request_waits_and_mails_the_organisation_admins(
        self, org, org_admin, send_mail_on_commit
    ):
        second_admin = factories.member_of(org, role=Membership.Role.ADMIN)
        factories.member_of(org)  # plain members are not asked
        applicant = factories.UserFactory(email="newcomer@example.org")

        membership = send_mail_on_commit(
            services.membership_request,
            user=applicant,
            organisation=org,
            message="Ich arbeite im Vorstand mit.",
        )

        assert membership.status == Membership.Status.PENDING
        assert membership.role == Membership.Role.MEMBER
        assert sorted(m.to[0] for m in mail.outbox) == sorted([org_admin.email, second_admin.email])
        assert all("newcomer@example.org" in m.body for m in mail.outbox)
        assert all("Ich arbeite im Vorstand mit." in m.body for m in mail.outbox)
        assert ("organisations.membership.requested", applicant.pk) in audit_actions(org)

    def test_asking_twice_is_refused(self, org):
        applicant = factories.UserFactory()
        services.membership_request(user=applicant, organisation=org)
        with pytest.raises(ValidationError):
            services.membership_request(user=applicant, organisation=org)

    def test_a_declined_person_may_ask_again(self, org, org_admin):
        applicant = factories.UserFactory()
        membership = services.membership_request(user=applicant, organisation=org)
        services.membership_decline(membership=membership, by=org_admin)
        again = services.membership_request(user=applicant, organisation=org, message="Again")
        assert again.pk == membership.pk
        assert again.status == Membership.Status.PENDING
        assert again.message == "Again"

    def test_only_approved_organisations_can_be_joined(self, pending_org):
        with pytest.raises(ValidationError):
            services.membership_request(user=factories.UserFactory(), organisation=pending_org)
        assert not Membership.objects.filter(
            organisation=pending_org, status=Membership.Status.PENDING
        ).exists()

    def test_admin_approval_activates_and_mails_the_person(
        self, org, org_admin, send_mail_on_commit
    ):
        applicant = factories.UserFactory(email="joiner@example.org", preferred_language="en")
        membership = services.membership_request(user=applicant, organisation=org)
        mail.outbox.clear()

        send_mail_on_commit(services.membership_approve, membership=membership, by=org_admin)

        membership.refresh_from_db()
        assert membership.status == Membership.Status.ACTIVE
        assert membership.decided_at is not None
        assert [m.to for m in mail.outbox] == [["joiner@example.org"]]
        assert "You are now a member" in mail.outbox[0].subject
        assert ("organisations.membership.approved", org_admin.pk) in audit_actions(org)

    def test_admin_can_decline_and_nothing_is_sent(self, org, org_admin, send_mail_on_commit):
        membership = services.membership_request(user=factories.UserFactory(), organisation=org)
        send_mail_on_commit(services.membership_decline, membership=membership, by=org_admin)
        membership.refresh_from_db()
        assert membership.status == Membership.Status.REJECTED
        assert mail.outbox == []
        assert ("organisations.membership.declined", org_admin.pk) in audit_actions(org)

    def test_an_answered_request_cannot_be_answered_again(self, org, org_admin):
        membership = services.membership_request(user=factories.UserFactory(), organisation=org)
        services.membership_approve(membership=membership, by=org_admin)
        with pytest.raises(ValidationError):
            services.membership_decline(membership=membership, by=org_admin)
        with pytest.raises(ValidationError):
            services.membership_approve(membership=membership, by=org_admin)


class TestRolesAndRemoval:
    def _membership(self, user, organisation):
        return Membership.objects.get(user=user, organisation=organisation)

    def test_promote_and_demote_with_another_admin_left(self, org, org_admin, org_member):
        member = self._membership(org_member, org)
        services.membership_change_role(membership=member, role="admin", by=org_admin)
        member.refresh_from_db()
        assert member.role == Membership.Role.ADMIN
        entry = AuditEntry.objects.get(action="organisations.membership.role_changed")
        assert entry.actor == org_admin
        assert entry.changes == {"role": ["member", "admin"]}

        services.membership_change_role(
            membership=self._membership(org_admin, org), role="member", by=org_admin
        )
        assert self._membership(org_admin, org).role == Membership.Role.MEMBER

    def test_the_last_admin_cannot_be_demoted(self, org, org_admin, org_member):
        with translation.override("en"), pytest.raises(ValidationError, match="at least one admin"):
            services.membership_change_role(
                membership=self._membership(org_admin, org), role="member", by=org_admin
            )
        assert self._membership(org_admin, org).role == Membership.Role.ADMIN

    def test_the_last_admin_cannot_be_removed(self, org, org_admin):
        with translation.override("en"), pytest.raises(ValidationError, match="at least one admin"):
            services.membership_remove(membership=self._membership(org_admin, org), by=org_admin)
        assert Membership.objects.filter(user=org_admin, organisation=org).exists()

    def test_a_pending_admin_does_not_count_as_the_remaining_admin(self, org, org_admin):
        factories.MembershipFactory(
            organisation=org, role=Membership.Role.ADMIN, status=Membership.Status.PENDING
        )
        with pytest.raises(ValidationError):
            services.membership_remove(membership=self._membership(org_admin, org), by=org_admin)

    def test_removing_a_member_is_audited(self, org, org_admin, org_member):
        services.membership_remove(membership=self._membership(org_member, org), by=org_admin)
        assert not Membership.objects.filter(user=org_member, organisation=org).exists()
        entry = AuditEntry.objects.get(action="organisations.membership.removed")
        assert entry.actor == org_admin
        assert entry.organisation == org
        assert entry.changes == {"person": org_member.email}

    def test_unknown_roles_are_refused(self, org, org_admin, org_member):
        with pytest.raises(ValidationError):
            services.membership_change_role(
                membership=self._membership(org_member, org), role="owner", by=org_admin
            )


def test_profile_update_records_what_changed(org, org_admin):
    form = OrganisationForm(
        {
            **registration_data(name=org.name),
            "kind": org.kind,
            "communities_served": "Eritreische Familien",
        },
        instance=org,
    )
    assert form.is_valid(), form.errors
    services.organisation_update(organisation=org, profile=profile_of(form), by=org_admin)
    entry = AuditEntry.objects.get(action="organisations.organisation.updated")
    assert entry.actor == org_admin
    assert entry.organisation == org
    assert entry.changes["communities_served"] == ["", "Eritreische Familien"]
    assert "name" not in entry.changes


def test_saving_an_unchanged_profile_writes_no_audit_entry(org, org_admin):
    org.founding_year = 2010
    org.save()
    initial = OrganisationForm(instance=org).initial
    data = {name: value for name, value in initial.items() if value is not None}
    data["fields_of_work"] = [f.pk for f in initial["fields_of_work"]]
    data["languages"] = [lang.pk for lang in initial["languages"]]
    form = OrganisationForm(data, instance=org)
    assert form.is_valid(), form.errors
    assert form.changed_data == []
    services.organisation_update(organisation=org, profile=profile_of(form), by=org_admin)
    assert not AuditEntry.objects.filter(action="organisations.organisation.updated").exists()


def test_a_web_address_without_scheme_is_taken_as_https(db):
    import warnings

    from organisations.forms import OrganisationForm

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no Django 6 deprecation warning about the scheme
        form = OrganisationForm(data={"website": "verein.example"})
    form.is_valid()
    assert "website" not in form.errors
    assert form.cleaned_data["website"] == "https://verein.example"


def test_old_audit_action_names_are_renamed_and_back(db):
    """The data migration renames existing trail entries, reversibly, to valid names."""
    import importlib

    from django.apps import apps

    from ikmo.audit import is_valid_action

    migration = importlib.import_module("organisations.migrations.0005_audit_action_names")
    for old in migration.RENAMED:
        AuditEntry.objects.create(action=old)
    AuditEntry.objects.create(action="privacy.consent.given")

    migration.rename(migration.RENAMED)(apps, None)
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert actions == {*migration.RENAMED.values(), "privacy.consent.given"}
    assert all(is_valid_action(action) for action in actions)

    migration.rename({new: old for old, new in migration.RENAMED.items()})(apps, None)
    assert set(AuditEntry.objects.values_list("action", flat=True)) == {
        *migration.RENAMED,
        "privacy.consent.given",
    }
