"""Every change to organisations and memberships goes through these functions."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ikmo.audit import audit_log, form_changes
from ikmo.mail import email_queue

from .models import Membership, Organisation, StaffRole, User
from .selectors import active_admin_count


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
def organisation_register(*, form, by: User) -> Organisation:
    """A person registers their organisation; it waits for a project lead, they become its admin."""
    organisation = form.save(commit=False)
    organisation.status = Organisation.Status.PENDING
    organisation.save()
    form.save_m2m()
    Membership.objects.create(
        user=by,
        organisation=organisation,
        role=Membership.Role.ADMIN,
        status=Membership.Status.ACTIVE,
        decided_at=timezone.now(),
    )
    audit_log(
        actor=by, action="organisation.registered", target=organisation, organisation=organisation
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
def organisation_update(*, form, by: User) -> Organisation:
    changes = form_changes(form)
    organisation = form.save()
    if changes:
        audit_log(
            actor=by,
            action="organisation.updated",
            target=organisation,
            organisation=organisation,
            changes=changes,
        )
    return organisation


def _decide(organisation: Organisation, *, status: str, by: User, reason: str = "") -> Organisation:
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if organisation.status != Organisation.Status.PENDING:
        raise ValidationError(_("This registration has already been decided."))
    organisation.status = status
    organisation.decided_at = timezone.now()
    organisation.decided_by = by
    organisation.save(update_fields=["status", "decided_at", "decided_by", "updated_at"])
    audit_log(
        actor=by,
        action=f"organisation.{status}",
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
    return _decide(organisation, status=Organisation.Status.APPROVED, by=by)


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
        if membership.status == Membership.Status.REJECTED:
            membership.status = Membership.Status.PENDING
            membership.message = message
            membership.decided_at = None
            membership.save(update_fields=["status", "message", "decided_at"])
        else:
            raise ValidationError(_("You have already asked to join this organisation."))
    audit_log(
        actor=user, action="membership.requested", target=membership, organisation=organisation
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
    if membership.status != Membership.Status.PENDING:
        raise ValidationError(_("This request has already been answered."))
    membership.status = Membership.Status.ACTIVE
    membership.decided_at = timezone.now()
    membership.save(update_fields=["status", "decided_at"])
    audit_log(
        actor=by,
        action="membership.approved",
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
    if membership.status != Membership.Status.PENDING:
        raise ValidationError(_("This request has already been answered."))
    membership.status = Membership.Status.REJECTED
    membership.decided_at = timezone.now()
    membership.save(update_fields=["status", "decided_at"])
    audit_log(
        actor=by,
        action="membership.declined",
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
        action="membership.role_changed",
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
        action="membership.removed",
        target=membership,
        organisation=membership.organisation,
        changes={"person": membership.user.email},
    )
    membership.delete()
