"""Every change to organisations and memberships goes through these functions."""

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ikmo.audit import audit_log, save_with_changes
from ikmo.mail import email_queue
from ikmo.subprojects import hooks

from .models import (
    ContactRequest,
    District,
    FieldOfWork,
    Membership,
    NetworkMembership,
    Organisation,
    Outcome,
    PublicProfile,
    SpokenLanguage,
    StaffRole,
    User,
)
from .permissions import can_be_centre_contact
from .selectors import active_admin_count
from .workflow import MEMBERSHIP_FLOW, NETWORK_FLOW, ORGANISATION_FLOW


@dataclass(frozen=True)
class OrganisationProfile:
    """What a registration or a profile edit sets: the fields of OrganisationForm."""

    name: str
    kind: str
    legal_form: str
    district: District | None
    founding_year: int | None = None
    stage: str = Organisation.Stage.STARTUP
    social_space: str = ""
    fields_of_work: Sequence[FieldOfWork] = ()
    languages: Sequence[SpokenLanguage] = ()
    communities_served: str = ""
    description: str = ""
    email: str = ""
    phone: str = ""
    street: str = ""
    postcode: str = ""
    website: str = ""

    @classmethod
    def from_values(cls, values) -> "OrganisationProfile":
        """From a form's cleaned_data (or any mapping with these keys)."""
        return cls(**{f.name: values[f.name] for f in fields(cls) if f.name in values})


def normalised_name(name: str) -> str:
    return " ".join(name.split())


def profile_rule_errors(
    *, name: str, legal_form: str, founding_year: int | None, organisation_pk=None
) -> dict[str, ValidationError]:
    """The registry's rules for a profile, by field (OrganisationForm shows them too)."""
    errors = {}
    duplicate = Organisation.objects.filter(name__iexact=normalised_name(name)).exclude(
        pk=organisation_pk
    )
    if name and duplicate.exists():
        errors["name"] = ValidationError(
            _(
                "An organisation with this name is already registered. "
                "If it is yours, ask to join it instead."
            ),
            code="duplicate_name",
        )
    if legal_form and legal_form != Organisation.LegalForm.IN_FOUNDING and not founding_year:
        errors["founding_year"] = ValidationError(
            _("Please enter the year the organisation was founded."), code="founding_year_required"
        )
    return errors


def _clean_profile(profile: OrganisationProfile, *, organisation: Organisation) -> dict:
    """The profile's values for the model, or a ValidationError naming the fields at fault.

    The same rules as the form, so a task, the admin or a script cannot register what the
    form would refuse.
    """
    values = {f.name: getattr(profile, f.name) for f in fields(profile)}
    values["name"] = normalised_name(profile.name)
    errors = profile_rule_errors(
        name=profile.name,
        legal_form=profile.legal_form,
        founding_year=profile.founding_year,
        organisation_pk=organisation.pk,
    )
    if errors:
        raise ValidationError(errors)
    # The model's own field rules (choices, postcode, phone, year range), as the form checks
    # them; on a copy, so the record is unchanged until save_with_changes compares.
    candidate = Organisation(
        pk=organisation.pk,
        status=organisation.status,
        **{k: v for k, v in values.items() if k not in ("fields_of_work", "languages")},
    )
    candidate.full_clean(
        exclude=["fields_of_work", "languages"], validate_unique=False, validate_constraints=False
    )
    return values


def _mail_admins_of(organisation: Organisation, *, template: str, context: dict) -> None:
    admins = User.objects.filter(
        memberships__organisation=organisation,
        memberships__role=Membership.Role.ADMIN,
        memberships__status=Membership.Status.ACTIVE,
        is_active=True,
    )
    for admin in admins:
        email_queue(
            to=admin.email,
            template=template,
            context={**context, "organisation": organisation, "recipient": admin},
            language=admin.preferred_language,
        )


@transaction.atomic
def organisation_register(*, profile: OrganisationProfile, by: User) -> Organisation:
    """A person registers their organisation; it waits for a project lead, they become its admin."""
    organisation = Organisation(status=Organisation.Status.PENDING)
    save_with_changes(organisation, _clean_profile(profile, organisation=organisation))
    Membership.objects.create(
        user=by,
        organisation=organisation,
        role=Membership.Role.ADMIN,
        status=Membership.Status.ACTIVE,
        decided_at=timezone.now(),
    )
    audit_log(
        actor=by,
        action="organisations.organisation.registered",
        target=organisation,
        organisation=organisation,
    )
    # Project leads decide on registrations; without a note they would only see it by chance.
    leads = User.objects.filter(
        staff_roles__role=StaffRole.Role.PROJECT_LEAD, is_active=True
    ).distinct()
    for lead in leads:
        email_queue(
            to=lead.email,
            template="organisations/email/registration_received",
            context={"organisation": organisation, "applicant": by, "recipient": lead},
            language=lead.preferred_language,
        )
    return organisation


@transaction.atomic
def organisation_update(
    *, organisation: Organisation, profile: OrganisationProfile, by: User
) -> Organisation:
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    changes = save_with_changes(organisation, _clean_profile(profile, organisation=organisation))
    if changes:
        audit_log(
            actor=by,
            action="organisations.organisation.updated",
            target=organisation,
            organisation=organisation,
            changes=changes,
        )
    if (
        "legal_form" in changes
        and organisation.legal_form == Organisation.LegalForm.REGISTERED_ASSOCIATION
    ):
        _record_founding(organisation, by=by)
    return organisation


def _record_founding(organisation: Organisation, *, by: User) -> None:
    """An organisation whose profile now says e.V. has founded one (an outcome), once."""
    kind = Outcome.Kind.FOUNDED_ASSOCIATION
    if Outcome.objects.filter(organisation=organisation, kind=kind).exists():
        return
    outcome_record(
        organisation=organisation,
        values=OutcomeValues(
            kind=kind,
            date=timezone.localdate(),
            note=_("Recorded when the legal form in the profile changed to e.V."),
        ),
        by=by,
    )


# --- outcomes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutcomeValues:
    """What recording or correcting an outcome sets: the fields of OutcomeForm."""

    kind: str
    date: date
    funder: str = ""
    amount: Decimal | None = None
    note: str = ""

    @classmethod
    def from_values(cls, values) -> "OutcomeValues":
        return cls(**{f.name: values[f.name] for f in fields(cls) if f.name in values})


def outcome_rule_errors(values: OutcomeValues) -> dict[str, ValidationError]:
    """The rules every outcome keeps, by field: the form shows them next to the field."""
    errors = {}
    if values.date > timezone.localdate():
        errors["date"] = ValidationError(
            _("An outcome can only be recorded once it has happened."), code="future"
        )
    if values.kind == Outcome.Kind.OUTSIDE_FUNDING and not values.funder.strip():
        errors["funder"] = ValidationError(
            _("Name the funder of the outside funding."), code="funder_required"
        )
    if values.amount is not None and values.amount < 0:
        errors["amount"] = ValidationError(_("Enter an amount of zero or more."), code="min_value")
    if values.kind == Outcome.Kind.OTHER and not values.note.strip():
        errors["note"] = ValidationError(
            _("Describe the outcome in the note."), code="note_required"
        )
    return errors


def _outcome_fields(values: OutcomeValues) -> dict:
    if errors := outcome_rule_errors(values):
        raise ValidationError(errors)
    return {
        "kind": values.kind,
        "date": values.date,
        "funder": values.funder.strip(),
        "amount": values.amount,
        "note": values.note.strip(),
    }


@transaction.atomic
def outcome_record(*, organisation: Organisation, values: OutcomeValues, by: User) -> Outcome:
    outcome = Outcome(organisation=organisation, recorded_by=by)
    save_with_changes(outcome, _outcome_fields(values))
    audit_log(
        actor=by,
        action="organisations.outcome.recorded",
        target=outcome,
        organisation=organisation,
        changes={"kind": outcome.kind, "date": outcome.date.isoformat()},
    )
    return outcome


@transaction.atomic
def outcome_update(*, outcome: Outcome, values: OutcomeValues, by: User) -> Outcome:
    outcome = Outcome.objects.select_for_update().get(pk=outcome.pk)
    changes = save_with_changes(outcome, _outcome_fields(values))
    if changes:
        audit_log(
            actor=by,
            action="organisations.outcome.updated",
            target=outcome,
            organisation=outcome.organisation,
            changes=changes,
        )
    return outcome


@transaction.atomic
def outcome_delete(*, outcome: Outcome, by: User) -> None:
    audit_log(
        actor=by,
        action="organisations.outcome.deleted",
        target=outcome,
        organisation=outcome.organisation,
        changes={"kind": outcome.kind, "date": outcome.date.isoformat()},
    )
    outcome.delete()


def _decide(organisation: Organisation, *, status: str, by: User, reason: str = "") -> Organisation:
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    step = ORGANISATION_FLOW.step(organisation.status, status)
    if step is None:
        raise ValidationError(_("This registration has already been decided."), code="decided")
    if step.note_required and not reason.strip():
        raise ValidationError(
            _("Please give a reason, so the applicant knows what to do."), code="reason_required"
        )
    organisation.status = status
    organisation.decided_at = timezone.now()
    organisation.decided_by = by
    organisation.save(update_fields=["status", "decided_at", "decided_by", "updated_at"])
    audit_log(
        actor=by,
        action=f"organisations.organisation.{status}",
        target=organisation,
        organisation=organisation,
        changes={"reason": reason} if reason else None,
    )
    _mail_admins_of(
        organisation,
        template=f"organisations/email/registration_{status}",
        context={"reason": reason},
    )
    return organisation


@transaction.atomic
def organisation_approve(*, organisation: Organisation, by: User) -> Organisation:
    organisation = _decide(organisation, status=Organisation.Status.APPROVED, by=by)
    # What the people did as a founding initiative becomes the organisation's, in this
    # transaction: each sub-project that keeps such records says so in its app config.
    for _app, carry_over in hooks("organisation_approved"):
        carry_over(organisation=organisation, by=by)
    return organisation


@transaction.atomic
def organisation_reject(*, organisation: Organisation, by: User, reason: str) -> Organisation:
    return _decide(organisation, status=Organisation.Status.REJECTED, by=by, reason=reason)


@transaction.atomic
def membership_request(*, user: User, organisation: Organisation, message: str = "") -> Membership:
    if not organisation.is_approved:
        raise ValidationError(_("You can only join approved organisations."))
    membership, created = Membership.objects.get_or_create(
        user=user,
        organisation=organisation,
        defaults={"status": Membership.Status.PENDING, "message": message},
    )
    if not created:
        if MEMBERSHIP_FLOW.allows(membership.status, Membership.Status.PENDING):
            membership.status = Membership.Status.PENDING
            membership.message = message
            membership.decided_at = None
            membership.save(update_fields=["status", "message", "decided_at"])
        else:
            raise ValidationError(_("You have already asked to join this organisation."))
    audit_log(
        actor=user,
        action="organisations.membership.requested",
        target=membership,
        organisation=organisation,
    )
    _mail_admins_of(
        organisation,
        template="organisations/email/join_request",
        context={"applicant": user, "message": message},
    )
    return membership


def _locked(membership: Membership) -> Membership:
    return (
        Membership.objects.select_for_update()
        .select_related("user", "organisation")
        .get(pk=membership.pk)
    )


@transaction.atomic
def membership_approve(*, membership: Membership, by: User) -> Membership:
    membership = _locked(membership)
    if not MEMBERSHIP_FLOW.allows(membership.status, Membership.Status.ACTIVE):
        raise ValidationError(_("This request has already been answered."), code="answered")
    membership.status = Membership.Status.ACTIVE
    membership.decided_at = timezone.now()
    membership.save(update_fields=["status", "decided_at"])
    audit_log(
        actor=by,
        action="organisations.membership.approved",
        target=membership,
        organisation=membership.organisation,
    )
    email_queue(
        to=membership.user.email,
        template="organisations/email/join_approved",
        context={"organisation": membership.organisation, "recipient": membership.user},
        language=membership.user.preferred_language,
    )
    return membership


@transaction.atomic
def membership_decline(*, membership: Membership, by: User) -> Membership:
    membership = _locked(membership)
    if not MEMBERSHIP_FLOW.allows(membership.status, Membership.Status.REJECTED):
        raise ValidationError(_("This request has already been answered."), code="answered")
    membership.status = Membership.Status.REJECTED
    membership.decided_at = timezone.now()
    membership.save(update_fields=["status", "decided_at"])
    audit_log(
        actor=by,
        action="organisations.membership.declined",
        target=membership,
        organisation=membership.organisation,
    )
    return membership


def _ensure_admin_remains(membership: Membership) -> None:
    is_last_admin = (
        membership.role == Membership.Role.ADMIN
        and membership.status == Membership.Status.ACTIVE
        and active_admin_count(membership.organisation) <= 1
    )
    if is_last_admin:
        raise ValidationError(
            _("An organisation needs at least one admin. Make someone else admin first.")
        )


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str, by: User) -> Membership:
    membership = _locked(membership)
    if role not in Membership.Role.values:
        raise ValidationError(_("Unknown role."))
    if membership.role == role:
        return membership
    if role != Membership.Role.ADMIN:
        _ensure_admin_remains(membership)
    old = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit_log(
        actor=by,
        action="organisations.membership.role_changed",
        target=membership,
        organisation=membership.organisation,
        changes={"role": [old, role]},
    )
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, by: User) -> None:
    membership = _locked(membership)
    _ensure_admin_remains(membership)
    audit_log(
        actor=by,
        action="organisations.membership.removed",
        target=membership,
        organisation=membership.organisation,
        changes={"person": membership.user.email},
    )
    membership.delete()


# --- networks -------------------------------------------------------------------------------


def _check_network_pair(*, member: Organisation, network: Organisation) -> None:
    if network.pk == member.pk:
        raise ValidationError(
            _("An organisation cannot be a member of itself."), code="self_membership"
        )
    if not network.is_network:
        raise ValidationError(
            _("Only networks and umbrella organisations can have member organisations."),
            code="not_a_network",
        )
    if not network.is_approved:
        raise ValidationError(
            _("This network is not approved yet. Please try again later."), code="not_approved"
        )


def _locked_network_membership(membership: NetworkMembership) -> NetworkMembership:
    return (
        NetworkMembership.objects.select_for_update()
        .select_related("network", "member")
        .get(pk=membership.pk)
    )


@transaction.atomic
def network_membership_request(
    *, member: Organisation, network: Organisation, by: User
) -> NetworkMembership:
    """An organisation (its admin) asks to join a network; the network's admins confirm."""
    _check_network_pair(member=member, network=network)
    # Locks the pair's row if there is one, so two clicks make one request.
    membership, created = NetworkMembership.objects.select_for_update().get_or_create(
        network=network, member=member, defaults={"requested_by": by}
    )
    if not created:
        if not NETWORK_FLOW.allows(membership.status, NetworkMembership.Status.PENDING):
            raise ValidationError(
                _("%(member)s has already asked to join %(network)s or is a member.")
                % {"member": member.name, "network": network.name},
                code="exists",
            )
        membership.status = NetworkMembership.Status.PENDING
        membership.requested_by = by
        membership.decided_by = None
        membership.decided_at = None
        membership.save(update_fields=["status", "requested_by", "decided_by", "decided_at"])
    audit_log(
        actor=by,
        action="organisations.network_membership.requested",
        target=membership,
        organisation=member,
        changes={"network": network.pk},
    )
    _mail_admins_of(
        network,
        template="organisations/email/network_request",
        context={"member": member, "applicant": by},
    )
    return membership


@transaction.atomic
def network_membership_record(
    *, member: Organisation, network: Organisation, by: User
) -> NetworkMembership:
    """Centre staff record a membership they know of: confirmed at once."""
    _check_network_pair(member=member, network=network)
    membership, _created = NetworkMembership.objects.select_for_update().get_or_create(
        network=network, member=member, defaults={"requested_by": by}
    )
    if membership.status == NetworkMembership.Status.ACTIVE:
        raise ValidationError(
            _("%(member)s is already a member of %(network)s.")
            % {"member": member.name, "network": network.name},
            code="exists",
        )
    membership.status = NetworkMembership.Status.ACTIVE
    membership.decided_by = by
    membership.decided_at = timezone.now()
    membership.save(update_fields=["status", "decided_by", "decided_at"])
    audit_log(
        actor=by,
        action="organisations.network_membership.recorded",
        target=membership,
        organisation=member,
        changes={"network": network.pk},
    )
    return membership


def _answer(membership: NetworkMembership, *, status: str, by: User) -> NetworkMembership:
    membership = _locked_network_membership(membership)
    if not NETWORK_FLOW.allows(membership.status, status):
        raise ValidationError(_("This request has already been answered."), code="answered")
    membership.status = status
    membership.decided_by = by
    membership.decided_at = timezone.now()
    membership.save(update_fields=["status", "decided_by", "decided_at"])
    verb = "confirmed" if status == NetworkMembership.Status.ACTIVE else "declined"
    audit_log(
        actor=by,
        action=f"organisations.network_membership.{verb}",
        target=membership,
        organisation=membership.member,
        changes={"network": membership.network_id},
    )
    return membership


@transaction.atomic
def network_membership_confirm(*, membership: NetworkMembership, by: User) -> NetworkMembership:
    membership = _answer(membership, status=NetworkMembership.Status.ACTIVE, by=by)
    _mail_admins_of(
        membership.member,
        template="organisations/email/network_confirmed",
        context={"network": membership.network},
    )
    return membership


@transaction.atomic
def network_membership_decline(*, membership: NetworkMembership, by: User) -> NetworkMembership:
    return _answer(membership, status=NetworkMembership.Status.DECLINED, by=by)


@transaction.atomic
def network_membership_end(*, membership: NetworkMembership, by: User) -> None:
    """The member leaves (or the network removes it, or staff): the row goes, the audit stays."""
    try:
        membership = _locked_network_membership(membership)
    except NetworkMembership.DoesNotExist:
        raise ValidationError(_("This membership has already ended."), code="ended") from None
    audit_log(
        actor=by,
        action="organisations.network_membership.ended",
        target=membership,
        organisation=membership.member,
        changes={"network": membership.network_id, "status": membership.status},
    )
    membership.delete()


# --- the contact at the centre --------------------------------------------------------------


@transaction.atomic
def centre_contact_assign(
    *, organisation: Organisation, contact: User | None, by: User
) -> Organisation:
    """Name the person at the centre an organisation turns to (or nobody); the newly named
    person hears of it by e-mail."""
    if contact is not None and not (contact.is_active and can_be_centre_contact(contact)):
        raise ValidationError(
            _("Only the centre's consultants and project leads can be the contact."),
            code="not_centre_staff",
        )
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    old = organisation.centre_contact_id
    new = contact.pk if contact is not None else None
    if old == new:
        return organisation
    organisation.centre_contact = contact
    organisation.save(update_fields=["centre_contact", "updated_at"])
    audit_log(
        actor=by,
        action="organisations.organisation.contact_changed",
        target=organisation,
        organisation=organisation,
        changes={"centre_contact": [old, new]},
    )
    if contact is not None:
        email_queue(
            to=contact.email,
            template="organisations/email/centre_contact_assigned",
            context={"organisation": organisation, "recipient": contact, "assigned_by": by},
            language=contact.preferred_language,
        )
    return organisation


# --- the public directory and competence map ---------------------------------------------

# The version of the consent text on the public profile page (organisations/public_profile.html).
# Change it with the wording: every consent records the version it was given to.
PUBLIC_LISTING_TEXT_VERSION = "2026-01"
# Asking for contact reaches other organisations' admins by e-mail: a person may do it this
# often in 24 hours, so the portal cannot be used to send them bulk mail.
CONTACT_REQUESTS_PER_DAY = 5
CONTACT_MESSAGE_MAX = 2000


@dataclass(frozen=True)
class PublicListingChoice:
    """What an organisation shows to the public: the fields of PublicProfileForm."""

    show_fields_of_work: bool = False
    show_languages: bool = False
    show_district: bool = False
    show_offer: bool = False
    show_contact: bool = False
    offer: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    contact_website: str = ""

    @classmethod
    def from_values(cls, values) -> "PublicListingChoice":
        return cls(**{f.name: values[f.name] for f in fields(cls) if f.name in values})


def _listing_is_active(profile: PublicProfile | None) -> bool:
    return bool(profile and profile.consent_id and profile.consent.withdrawn_at is None)


@transaction.atomic
def public_profile_save(
    *, organisation: Organisation, choice: PublicListingChoice, agreed: bool, by: User
) -> PublicProfile:
    """Save what the organisation shows publicly. Without a consent on record, the admin's
    agreement (`agreed`) is required and recorded (who, when, which text version); a
    double submit finds the first consent and records no second one."""
    from privacy.models import ConsentRecord
    from privacy.services import consent_give

    if not organisation.is_approved:
        raise ValidationError(
            _("Only organisations approved by the IKMO team can be listed publicly."),
            code="not_approved",
        )
    PublicProfile.objects.get_or_create(organisation=organisation)
    # One save at a time per organisation: a double click waits here, then sees the consent.
    profile = (
        PublicProfile.objects.select_for_update(of=("self",))
        .select_related("consent")
        .get(organisation=organisation)
    )
    values = {f.name: getattr(choice, f.name) for f in fields(choice)}
    for name in ("offer", "contact_email", "contact_phone", "contact_website"):
        values[name] = (values[name] or "").replace("\x00", "").strip()
    errors = {}
    if not _listing_is_active(profile) and not agreed:
        errors["agreed"] = ValidationError(
            _("Please tick the box to agree to the public listing."), code="consent_missing"
        )
    if values["show_offer"] and not values["offer"]:
        errors["offer"] = ValidationError(
            _("Please describe what you offer, or do not show it."), code="offer_missing"
        )
    if values["show_contact"] and not (
        values["contact_email"] or values["contact_phone"] or values["contact_website"]
    ):
        errors["contact_email"] = ValidationError(
            _("Please give at least one public contact, or do not show contact details."),
            code="contact_missing",
        )
    candidate = PublicProfile(organisation=organisation, **values)
    try:
        candidate.full_clean(exclude=["organisation", "consent"], validate_unique=False)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, ValidationError(messages))
    if errors:
        raise ValidationError(errors)
    changed = save_with_changes(profile, values)
    if not _listing_is_active(profile):
        profile.consent = consent_give(
            purpose=ConsentRecord.Purpose.PUBLIC_LISTING,
            text_version=PUBLIC_LISTING_TEXT_VERSION,
            by=by,
            person=by,
            organisation=organisation,
            details=_("Public directory and competence map"),
        )
        profile.save(update_fields=["consent", "updated_at"])
        changed = {**(changed or {}), "listed": True}
    if changed:
        audit_log(
            actor=by,
            action="organisations.public_profile.saved",
            target=profile,
            organisation=organisation,
            changes=changed,
        )
    return profile


@transaction.atomic
def public_listing_withdraw(*, organisation: Organisation, by: User) -> PublicProfile | None:
    """End the listing at once: the consent is withdrawn, the public pages no longer find
    the organisation. What was chosen stays for a later consent."""
    from privacy.services import consent_withdraw

    profile = (
        PublicProfile.objects.select_for_update(of=("self",))
        .select_related("consent")
        .filter(organisation=organisation)
        .first()
    )
    if not _listing_is_active(profile):
        return profile
    consent_withdraw(consent=profile.consent, by=by)
    audit_log(
        actor=by,
        action="organisations.public_profile.withdrawn",
        target=profile,
        organisation=organisation,
    )
    return profile


def contact_request_send(
    *,
    organisation: Organisation,
    from_organisation: Organisation,
    by: User,
    message: str,
    share_email: bool = False,
    form_token: str = "",
) -> ContactRequest:
    """A member asks a listed organisation for contact. Its active admins get the message by
    e-mail, with the asking organisation's name; the asker's address only when they agreed
    (then as Reply-To). Nobody learns who the listed organisation's members are."""
    from .permissions import contact_organisations_of, listed_q

    message = (message or "").replace("\x00", "").strip()
    errors = {}
    if not message:
        errors["message"] = _("Please write a short message.")
    elif len(message) > CONTACT_MESSAGE_MAX:
        errors["message"] = _("Please keep the message under %(max)s characters.") % {
            "max": CONTACT_MESSAGE_MAX
        }
    if (
        from_organisation.pk == organisation.pk
        or not contact_organisations_of(by).filter(pk=from_organisation.pk).exists()
    ):
        errors["from_organisation"] = _("Choose one of your own approved organisations.")
    if errors:
        raise ValidationError(errors)
    if not Organisation.objects.filter(listed_q(), pk=organisation.pk).exists():
        raise ValidationError(_("This organisation is no longer listed."), code="not_listed")
    form_token = (form_token or "")[:40]
    with transaction.atomic():
        # One request at a time per person: a double click waits here and then finds the
        # first, and the daily limit cannot be passed by sending in parallel.
        User.objects.select_for_update().filter(pk=by.pk).first()
        if form_token:
            existing = ContactRequest.objects.filter(requester=by, form_token=form_token).first()
            if existing is not None:
                return existing
        sent_today = ContactRequest.objects.filter(
            requester=by, created_at__gte=timezone.now() - timedelta(days=1)
        ).count()
        if sent_today >= CONTACT_REQUESTS_PER_DAY:
            raise ValidationError(
                _(
                    "You have already asked %(count)s organisations for contact today. "
                    "Please try again tomorrow."
                )
                % {"count": CONTACT_REQUESTS_PER_DAY},
                code="rate_limited",
            )
        contact_request = ContactRequest.objects.create(
            organisation=organisation,
            from_organisation=from_organisation,
            requester=by,
            message=message,
            share_email=share_email,
            form_token=form_token,
        )
        admins = User.objects.filter(
            memberships__organisation=organisation,
            memberships__role=Membership.Role.ADMIN,
            memberships__status=Membership.Status.ACTIVE,
            is_active=True,
        ).distinct()
        reply_to = by.email if share_email else ""
        for admin in admins:
            email_queue(
                to=admin.email,
                template="organisations/email/contact_request",
                context={
                    "organisation": organisation,
                    "from_organisation": from_organisation,
                    "message": message,
                    "reply_email": reply_to,
                    "recipient": admin,
                },
                language=admin.preferred_language,
                headers={"Reply-To": reply_to} if reply_to else None,
            )
        audit_log(
            actor=by,
            action="organisations.contact_request.sent",
            target=contact_request,
            organisation=from_organisation,
            changes={"to": organisation.pk, "share_email": share_email},
        )
    return contact_request
