"""Every change in the action fund goes through these functions.

They are keyword-only, never see a request, run in a transaction, write the audit trail
and queue e-mails (sent after commit). Status changes all pass ``application_transition``,
which enforces the table ``workflow.FLOW``.
"""

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.template import Context, Engine, Template, TemplateDoesNotExist, TemplateSyntaxError
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ikmo.audit import audit_log, diff, snapshot
from ikmo.content_language import text_values
from ikmo.documents import document_request
from ikmo.mail import email_queue
from ikmo.models import GeneratedDocument
from ikmo.notifications import MailKind
from ikmo.uploads import clean_filename
from organisations.models import Membership, Organisation, User

from . import journey, permissions, selectors, workflow
from .eligibility import eligibility_problems
from .models import (
    PROOF_OPEN_STATUSES,
    UNDECIDED_STATUSES,
    ZERO,
    ActualSpending,
    Application,
    Attachment,
    BudgetLine,
    Call,
    Criterion,
    JuryAssignment,
    PartnerInvitation,
    Payment,
    ProofOfUse,
    Receipt,
    ReminderLog,
    Return,
    Score,
    Status,
    StatusChange,
    new_token,
)
from .uploads import validate_upload

AGREEMENT_KIND = "actionfund_agreement"
MESSAGE_ENGINE = Engine(dirs=[], app_dirs=False, libraries={}, autoescape=False)
REQUIRED_FIELDS = [
    "title",
    "summary",
    "goals",
    "target_group",
    "district",
    "start_date",
    "end_date",
    "activities",
]


def _eur(amount, decimals=2) -> str:
    """Money in the active language's format, with thousands grouping (1.500,00)."""
    return formats.number_format(amount, decimals, force_grouping=True)


class TransitionRefused(PermissionDenied):
    """The person's role may not take this step (e.g. an applicant approving)."""


# --- e-mail -----------------------------------------------------------------------------


def applicant_recipients(application: Application) -> list[User]:
    """The person who started the application and the organisation's admins, once each."""
    people = {
        user.pk: user
        for user in User.objects.filter(
            memberships__organisation=application.organisation_id,
            memberships__role=Membership.Role.ADMIN,
            memberships__status=Membership.Status.ACTIVE,
            is_active=True,
        )
    }
    creator = application.created_by
    if (
        creator is not None
        and creator.is_active
        and creator.pk not in people
        and permissions.is_applicant(creator, application)
    ):
        people[creator.pk] = creator
    return sorted(people.values(), key=lambda u: u.email)


def _mail_applicant(
    application: Application, template: str, context: dict, *, kind: str = MailKind.TRANSACTIONAL
) -> None:
    base = getattr(settings, "IKMO_SITE_URL", "").rstrip("/")
    for person in applicant_recipients(application):
        email_queue(
            to=person.email,
            template=f"actionfund/email/{template}",
            context={
                "application": application,
                "organisation": application.organisation,
                "call": application.call,
                "recipient": person,
                "url": base + application.get_absolute_url(),
                **context,
            },
            language=person.preferred_language,
            kind=kind,
        )


# --- calls ------------------------------------------------------------------------------


# What a project lead keeps of a call in the portal (the admin offers the same fields).
CALL_FIELDS = (
    "year",
    "title",
    "description",
    "opens_at",
    "closes_at",
    "decision_expected_on",
    "total_budget",
    "max_single",
    "max_cooperation",
    "allowed_legal_forms",
    "workshop_rule",
    "workshop_bonus",
    "max_score",
    "proof_of_use_weeks",
    "decision_approved_template",
    "decision_rejected_template",
    "is_published",
)
MESSAGE_TEMPLATE_FIELDS = ("decision_approved_template", "decision_rejected_template")
# Written per language (actionfund/translation.py); ``values`` hold them in German.
TEXT_FIELDS = ("title", "description")


@dataclass(frozen=True)
class CriterionInput:
    """One scoring criterion as typed; ``pk`` is None for a new one."""

    title: str  # German; other languages in ``translations``
    weight: Decimal
    position: int
    description: str = ""
    pk: int | None = None
    translations: dict = dataclass_field(default_factory=dict)  # {"title_en": …}


def check_message_templates(values: dict) -> None:
    """A call's message templates must compile: a broken one would stop every decision."""
    errors = {}
    for name in MESSAGE_TEMPLATE_FIELDS:
        try:
            Template(values.get(name) or "", engine=MESSAGE_ENGINE)
        except TemplateSyntaxError as exc:
            errors[name] = ValidationError(
                _("The message template has an error: %(error)s") % {"error": exc},
                code="template",
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def call_save(
    *,
    call: Call | None = None,
    values: dict,
    criteria: list[CriterionInput],
    by: User,
    translations: dict | None = None,
) -> Call:
    """Create (``call`` None) or update a call and set its criteria to ``criteria``.

    ``values`` holds the fields of ``CALL_FIELDS``, its ``title`` and ``description`` in
    German; ``translations`` the other languages' versions by column (``{"title_en": …}``).
    A stored criterion missing from ``criteria`` is removed, unless it has already been scored.
    """
    if not permissions.is_fund_lead(by):
        raise PermissionDenied
    unknown = set(values) - set(CALL_FIELDS)
    if unknown:
        raise ValueError(f"unknown call fields: {sorted(unknown)}")
    check_message_templates(values)
    created = call is None or call.pk is None
    # Changes are read from the stored row: a form may already have written into ``call``.
    call = Call() if created else Call.objects.select_for_update().get(pk=call.pk)
    values = {
        **{k: v for k, v in values.items() if k not in TEXT_FIELDS},
        **text_values(german=values, translations=translations or {}, fields=TEXT_FIELDS),
    }
    before = {} if created else snapshot(call, values)
    for name, value in values.items():
        setattr(call, name, value)
    # The model's rules (closing after opening, ceilings in order) with field messages.
    call.full_clean(validate_unique=False)
    call.save()
    changes = {} if created else diff(before, snapshot(call, values))

    stored = {criterion.pk: criterion for criterion in call.criteria.all()}
    keep = {data.pk for data in criteria if data.pk}
    for pk, criterion in stored.items():
        if pk in keep:
            continue
        if criterion.scores.exists():
            raise ValidationError(
                _("“%(criterion)s” has already been scored and cannot be removed.")
                % {"criterion": criterion.title},
                code="criterion_scored",
            )
        criterion.delete()
    for data in criteria:
        criterion = stored.get(data.pk) if data.pk else None
        if criterion is None:
            criterion = Criterion(call=call)
        for name, value in text_values(
            german={"title": data.title, "description": data.description},
            translations=data.translations,
            fields=TEXT_FIELDS,
        ).items():
            setattr(criterion, name, value)
        criterion.weight = data.weight
        criterion.position = data.position
        criterion.save()
    audit_log(
        actor=by,
        action="actionfund.call.created" if created else "actionfund.call.updated",
        target=call,
        changes=changes,
    )
    return call


# --- drafts -----------------------------------------------------------------------------


def application_start_or_continue(
    *, call: Call, organisation: Organisation, by: User
) -> tuple[Application, bool]:
    """The organisation's one open draft for the call: the existing one, or a new one.

    Returns ``(application, created)``. Two clicks at once (or two people of the same
    organisation) end on the same draft: the organisation's row is locked while we look,
    and the partial unique constraint catches whatever a database without row locks lets
    through.
    """
    if not call.is_open:
        raise ValidationError(_("This call is not open for applications."))
    if not Membership.objects.filter(
        user=by, organisation=organisation, status=Membership.Status.ACTIVE
    ).exists():
        raise PermissionDenied
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        existing = selectors.open_draft(call=call, organisation=organisation)
        if existing is not None:
            return existing, False
        problems = eligibility_problems(call=call, organisation=organisation)
        if problems:
            raise ValidationError(problems)
        try:
            with transaction.atomic():
                application = Application.objects.create(
                    call=call,
                    organisation=organisation,
                    created_by=by,
                    district=organisation.district,
                )
        except IntegrityError:
            existing = selectors.open_draft(call=call, organisation=organisation)
            if existing is None:
                raise
            return existing, False
        audit_log(
            actor=by,
            action="actionfund.application.started",
            target=application,
            organisation=organisation,
        )
    return application, True


def application_start(*, call: Call, organisation: Organisation, by: User) -> Application:
    return application_start_or_continue(call=call, organisation=organisation, by=by)[0]


def _lock(application: Application) -> Application:
    return (
        Application.objects.select_related("call", "organisation")
        .select_for_update(of=("self",))
        .get(pk=application.pk)
    )


def _ensure_editable(application: Application, by: User) -> Application:
    locked = _lock(application)
    if not permissions.can_edit_application(by, locked):
        raise ValidationError(_("This application can no longer be changed."))
    return locked


# The fields each step of the application form writes. A step's service call may only
# touch these, so an autosave of one step can never overwrite another step's answers.
STEP_FIELDS = {
    "basics": ("title", "summary", "district"),
    "project": ("goals", "target_group", "activities", "start_date", "end_date"),
}


def check_project_dates(start_date, end_date, *, field: str = "end_date") -> None:
    """A project cannot end before it starts (the error belongs to ``field``)."""
    if start_date and end_date and end_date < start_date:
        raise ValidationError(
            {
                field: ValidationError(
                    _("The project cannot end before it starts."), code="end_before_start"
                )
            }
        )


def _without_nul(value):
    """PostgreSQL's JSON cannot hold a NUL character (\u0000): junk input loses only that."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_without_nul(key): _without_nul(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_without_nul(item) for item in value]
    return value


def _store_unsaved(application: Application, step: str, unsaved) -> None:
    """Keep what could not be stored yet for this step; an empty value clears the step."""
    draft_data = dict(application.draft_data or {})
    if unsaved:
        draft_data[step] = _without_nul(unsaved)
    else:
        draft_data.pop(step, None)
    application.draft_data = draft_data


@transaction.atomic
def application_save_step(
    *,
    application: Application,
    step: str,
    values: dict,
    unsaved: dict[str, str] | None = None,
    by: User,
) -> Application:
    """Save one step of the form as a draft. Partial data is fine until submission.

    ``values`` holds the step's fields that are valid (a subset is fine: the rest keeps its
    stored value); ``unsaved`` the raw text of fields that are not valid yet, kept in
    ``draft_data`` so the person sees it again, also on another device.
    """
    allowed = STEP_FIELDS.get(step)
    if allowed is None or not set(values) <= set(allowed):
        raise ValueError(f"unknown fields for step {step!r}: {sorted(set(values))}")
    locked = _ensure_editable(application, by)
    changed = []
    for name, value in values.items():
        if getattr(locked, name) != value:
            setattr(locked, name, value)
            changed.append(name)
    if {"start_date", "end_date"} & set(values):
        # Checked against the stored date too: a draft may change one date at a time.
        check_project_dates(
            locked.start_date,
            locked.end_date,
            field="end_date" if "end_date" in values else "start_date",
        )
    _store_unsaved(locked, step, {k: str(v)[:4000] for k, v in (unsaved or {}).items()})
    locked.save(update_fields=[*values, "draft_data", "updated_at"])
    if changed:
        audit_log(
            actor=by,
            action="actionfund.application.saved",
            target=locked,
            organisation=locked.organisation,
            changes={"fields": changed},
        )
    return locked


def _refresh_requested_amount(application: Application) -> None:
    total = selectors.budget_total(application)
    Application.objects.filter(pk=application.pk).update(
        requested_amount=total, updated_at=timezone.now()
    )
    application.requested_amount = total


@dataclass(frozen=True)
class BudgetLineInput:
    """One valid budget line as typed; ``pk`` is None for a new line."""

    category: str
    description: str
    amount: Decimal
    pk: int | None = None


@transaction.atomic
def application_save_budget(
    *,
    application: Application,
    lines: list[BudgetLineInput],
    unsaved: list[dict[str, str]] | None = None,
    by: User,
) -> Decimal:
    """Replace the budget with ``lines`` (in the order shown) and return the new total.

    Rows that are not valid yet come as raw text in ``unsaved`` and are kept in
    ``draft_data``; a stored line such a row refers to (by ``id``) is kept unchanged.
    """
    application = _ensure_editable(application, by)
    unsaved = [
        {
            k: str(v)[:200]
            for k, v in row.items()
            if k in ("id", "category", "description", "amount")
        }
        for row in (unsaved or [])
    ]
    stored = {line.pk: line for line in application.budget_lines.all()}
    keep = {line.pk for line in lines if line.pk} | {
        int(row["id"]) for row in unsaved if str(row.get("id", "")).isdigit()
    }
    for pk, line in stored.items():
        if pk not in keep:
            line.delete()
    for position, data in enumerate(lines):
        line = stored.get(data.pk) if data.pk else None
        if line is None:
            line = BudgetLine(application=application)
        line.category = data.category
        line.description = data.description
        line.amount = data.amount
        line.position = position
        line.save()
    _store_unsaved(application, "budget", unsaved)
    application.save(update_fields=["draft_data", "updated_at"])
    _refresh_requested_amount(application)
    audit_log(
        actor=by,
        action="actionfund.budget.saved",
        target=application,
        organisation=application.organisation,
        changes={"total": str(application.requested_amount)},
    )
    return application.requested_amount


@transaction.atomic
def attachment_add(*, application: Application, upload, description: str, by: User) -> Attachment:
    _ensure_editable(application, by)
    content_type = validate_upload(upload)
    attachment = Attachment(
        application=application,
        description=description,
        original_name=clean_filename(upload.name),
        content_type=content_type,
        size=upload.size,
        uploaded_by=by,
    )
    attachment.file.save(upload.name, upload, save=False)
    attachment.save()
    audit_log(
        actor=by,
        action="actionfund.attachment.added",
        target=application,
        organisation=application.organisation,
        changes={"file": attachment.original_name},
    )
    return attachment


@transaction.atomic
def attachment_delete(*, attachment: Attachment, by: User) -> None:
    application = _ensure_editable(attachment.application, by)
    name = attachment.original_name
    attachment.file.delete(save=False)
    attachment.delete()
    audit_log(
        actor=by,
        action="actionfund.attachment.deleted",
        target=application,
        organisation=application.organisation,
        changes={"file": name},
    )


# --- partner organisations ----------------------------------------------------------------

# Raise the version whenever consent_text() changes: the record says which text was agreed to.
CONSENT_VERSION = "2026-1"


def consent_text(invitation: PartnerInvitation) -> str:
    """What a partner agrees to, in the active language: shown beside the checkbox and stored
    with the acceptance exactly as shown."""
    application = invitation.application
    return _(
        "%(partner)s agrees to be named as a partner organisation of the project "
        "“%(project)s” of %(applicant)s in the IKMO action fund, and agrees that the data of "
        "%(partner)s in this application is shown to the staff of the competence centre and "
        "to the jury members who assess it. This consent can be withdrawn until the decision "
        "on the application."
    ) % {
        "partner": invitation.organisation.name,
        "project": application.title or application.reference,
        "applicant": application.organisation.name,
    }


def organisation_admins(organisation_ids) -> list[User]:
    return list(
        User.objects.filter(
            memberships__organisation__in=organisation_ids,
            memberships__role=Membership.Role.ADMIN,
            memberships__status=Membership.Status.ACTIVE,
            is_active=True,
        )
        .distinct()
        .order_by("email")
    )


def _mail_people(people, template: str, context: dict, path: str) -> None:
    base = getattr(settings, "IKMO_SITE_URL", "").rstrip("/")
    for person in people:
        email_queue(
            to=person.email,
            template=f"actionfund/email/{template}",
            context={**context, "recipient": person, "url": base + path},
            language=person.preferred_language,
        )


def _mail_invitation(invitation: PartnerInvitation, template: str, context=None) -> None:
    """To the partner organisation's admins, with the link to their invitation page (the
    page shows what ``permissions.can_see_shared_application`` allows, nothing more)."""
    application = invitation.application
    _mail_people(
        organisation_admins([invitation.organisation_id]),
        template,
        {
            "invitation": invitation,
            "application": application,
            "applicant": application.organisation,
            "partner": invitation.organisation,
            "call": application.call,
            **(context or {}),
        },
        invitation.get_absolute_url(),
    )


def _mail_partners(application: Application, template: str, context: dict) -> None:
    """Every accepted partner's admins, each with the link to their own invitation page."""
    accepted = application.partner_invitations.filter(
        status=PartnerInvitation.Status.ACCEPTED
    ).select_related("organisation")
    for invitation in accepted:
        invitation.application = application
        _mail_invitation(invitation, template, context)


def _partners_sync(application: Application) -> None:
    """``Application.partners`` is the accepted part of the invitations (see the model)."""
    application.partners.set(
        Organisation.objects.filter(
            fund_invitations__application=application,
            fund_invitations__status=PartnerInvitation.Status.ACCEPTED,
        )
    )


def _lock_invitation(invitation: PartnerInvitation) -> PartnerInvitation:
    """The application row first (its ceiling depends on the accepted partners), then the
    invitation: two clicks, or a partner and the applicant at once, take turns."""
    application = _lock(invitation.application)
    locked = (
        PartnerInvitation.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=invitation.pk)
    )
    locked.application = application
    return locked


def _audit_invitation(invitation: PartnerInvitation, verb: str, by: User, **changes) -> None:
    audit_log(
        actor=by,
        action=f"actionfund.invitation.{verb}",
        target=invitation.application,
        organisation=invitation.application.organisation,
        changes={"partner": invitation.organisation.name, **changes},
    )


@transaction.atomic
def partner_invite(
    *, application: Application, organisation: Organisation, by: User
) -> PartnerInvitation:
    """Invite a partner organisation (again). Inviting one already asked changes nothing."""
    application = _lock(application)
    if not permissions.can_invite_partners(by, application):
        raise PermissionDenied
    if organisation.pk == application.organisation_id or not organisation.is_approved:
        raise ValidationError(_("Please choose approved partner organisations only."))
    invitation = (
        PartnerInvitation.objects.select_for_update()
        .filter(application=application, organisation=organisation)
        .first()
    )
    if invitation is not None and invitation.status in (
        PartnerInvitation.Status.INVITED,
        PartnerInvitation.Status.ACCEPTED,
    ):
        return invitation
    if invitation is None:
        invitation = PartnerInvitation(application=application, organisation=organisation)
    else:
        workflow.INVITATION_FLOW.check(
            invitation.status, PartnerInvitation.Status.INVITED, actor=workflow.APPLICANT
        )
    # A fresh question: an earlier answer and consent stay in the audit trail only.
    for name, value in {
        "status": PartnerInvitation.Status.INVITED,
        "invited_by": by,
        "invited_at": timezone.now(),
        "decided_by": None,
        "decided_at": None,
        "reason": "",
        "consent_text": "",
        "consent_version": "",
        "consented_by": None,
        "consented_at": None,
    }.items():
        setattr(invitation, name, value)
    invitation.save()
    invitation.application = application
    _audit_invitation(invitation, "sent", by)
    _mail_invitation(invitation, "partner_invited", {"invited_by": by})
    return invitation


def _check_invitation_step(invitation: PartnerInvitation, to_status: str, actor: str) -> None:
    if invitation.application.status not in UNDECIDED_STATUSES:
        raise ValidationError(
            _("The application has been decided: the partnership can no longer be changed."),
            code="decided",
        )
    workflow.INVITATION_FLOW.check(invitation.status, to_status, actor=actor)


def _answer(invitation, *, to_status, by, reason="", consent=None) -> PartnerInvitation:
    now = timezone.now()
    invitation.status = to_status
    invitation.decided_by, invitation.decided_at = by, now
    invitation.reason = (reason or "").replace("\x00", "")[:2000]
    if consent is not None:
        invitation.consent_text = consent
        invitation.consent_version = CONSENT_VERSION
        invitation.consented_by, invitation.consented_at = by, now
    invitation.save()
    _partners_sync(invitation.application)
    return invitation


@transaction.atomic
def partner_invitation_withdraw(*, invitation: PartnerInvitation, by: User) -> PartnerInvitation:
    """The applicant takes back an invitation not answered yet (a second click: no change);
    the partner's admins are told."""
    invitation = _lock_invitation(invitation)
    if not permissions.is_applicant(by, invitation.application):
        raise PermissionDenied
    if invitation.status == PartnerInvitation.Status.WITHDRAWN:
        return invitation
    _check_invitation_step(invitation, PartnerInvitation.Status.WITHDRAWN, workflow.APPLICANT)
    _answer(invitation, to_status=PartnerInvitation.Status.WITHDRAWN, by=by)
    _audit_invitation(invitation, "withdrawn", by)
    # The partner's admins were asked by e-mail, so they hear by e-mail that the question is off.
    _mail_invitation(invitation, "partner_invitation_withdrawn")
    return invitation


@transaction.atomic
def partner_invitation_accept(
    *, invitation: PartnerInvitation, consent: bool, by: User
) -> PartnerInvitation:
    """An admin of the partner organisation accepts, ticking the consent (``consent_text``).

    Idempotent: a second click finds the invitation accepted and changes nothing."""
    invitation = _lock_invitation(invitation)
    if not permissions.is_partner_admin(by, invitation):
        raise PermissionDenied
    if invitation.status == PartnerInvitation.Status.ACCEPTED:
        return invitation
    _check_invitation_step(invitation, PartnerInvitation.Status.ACCEPTED, workflow.PARTNER)
    if not consent:
        raise ValidationError(
            {
                "consent": ValidationError(
                    _("Please tick the box to confirm that your organisation agrees."),
                    code="consent_missing",
                )
            }
        )
    _answer(
        invitation,
        to_status=PartnerInvitation.Status.ACCEPTED,
        by=by,
        consent=consent_text(invitation),
    )
    _audit_invitation(invitation, "accepted", by, consent_version=CONSENT_VERSION)
    _mail_applicant(invitation.application, "partner_answered", {"invitation": invitation})
    return invitation


@transaction.atomic
def partner_invitation_decline(
    *, invitation: PartnerInvitation, reason: str = "", by: User
) -> PartnerInvitation:
    """An admin of the partner organisation says no, with an optional reason."""
    invitation = _lock_invitation(invitation)
    if not permissions.is_partner_admin(by, invitation):
        raise PermissionDenied
    if invitation.status == PartnerInvitation.Status.DECLINED:
        return invitation
    _check_invitation_step(invitation, PartnerInvitation.Status.DECLINED, workflow.PARTNER)
    _answer(invitation, to_status=PartnerInvitation.Status.DECLINED, by=by, reason=reason)
    _audit_invitation(invitation, "declined", by)
    _mail_applicant(invitation.application, "partner_answered", {"invitation": invitation})
    return invitation


@transaction.atomic
def partner_consent_withdraw(
    *, invitation: PartnerInvitation, reason: str = "", by: User
) -> PartnerInvitation:
    """The partner takes its consent back before the decision. The application may fall back
    to the ceiling for one organisation: if it was submitted and its budget is above that,
    the fund's project leads are told as well, and staff see a warning on it."""
    invitation = _lock_invitation(invitation)
    if not permissions.is_partner_admin(by, invitation):
        raise PermissionDenied
    if invitation.status == PartnerInvitation.Status.WITHDRAWN:
        return invitation
    _check_invitation_step(invitation, PartnerInvitation.Status.WITHDRAWN, workflow.PARTNER)
    _answer(invitation, to_status=PartnerInvitation.Status.WITHDRAWN, by=by, reason=reason)
    application = invitation.application
    total = selectors.budget_total(application)
    ceiling = selectors.ceiling_for(application)
    over = application.status != Status.DRAFT and total > ceiling
    _audit_invitation(invitation, "consent_withdrawn", by, above_ceiling=over)
    context = {
        "invitation": invitation,
        "total": _eur(total, 2),
        "ceiling": _eur(ceiling, 2),
        "over_ceiling": over,
    }
    _mail_applicant(application, "partner_withdrew", context)
    if over:
        _mail_people(
            selectors.fund_leads(),
            "partner_withdrew_staff",
            {"application": application, "applicant": application.organisation, **context},
            application.get_absolute_url(),
        )
    return invitation


# --- submission -------------------------------------------------------------------------


def submission_problems(application: Application, *, now=None) -> list[str]:
    """Everything that stops a submission, in words the applicant can act on."""
    now = now or timezone.now()
    problems = []
    labels = {
        f.name: f.verbose_name for f in Application._meta.get_fields() if hasattr(f, "verbose_name")
    }
    missing = [str(labels[name]) for name in REQUIRED_FIELDS if not getattr(application, name)]
    if missing:
        problems.append(_("Please fill in: %(fields)s.") % {"fields": ", ".join(missing)})
    total = selectors.budget_total(application)
    if total <= 0:
        problems.append(_("Please add at least one budget line."))
    ceiling = selectors.ceiling_for(application)
    call = application.call
    if ceiling < total <= call.max_cooperation and application.partner_invitations.exists():
        problems.append(
            _(
                "The budget total of %(total)s EUR is above the ceiling of %(ceiling)s EUR for "
                "one organisation. The higher ceiling for cooperation projects (%(cooperation)s "
                "EUR) applies only once at least one partner organisation has accepted your "
                "invitation."
            )
            % {
                "total": _eur(total, 2),
                "ceiling": _eur(ceiling, 2),
                "cooperation": _eur(call.max_cooperation, 2),
            }
        )
    elif total > ceiling:
        problems.append(
            _(
                "The budget total of %(total)s EUR is above the ceiling of %(ceiling)s EUR for "
                "this kind of project."
            )
            % {
                "total": _eur(total, 2),
                "ceiling": _eur(ceiling, 2),
            }
        )
    if application.status == Status.DRAFT:
        call = application.call
        if not call.is_published or now < call.opens_at:
            problems.append(_("This call is not open yet."))
        elif now >= call.closes_at:
            problems.append(_("The deadline of this call has passed. Submissions are closed."))
    problems.extend(
        eligibility_problems(call=application.call, organisation=application.organisation)
    )
    return problems


def application_submit(*, application: Application, token: str, by: User) -> Application:
    """Submit (or resubmit after a request for information). Safe against double clicks:
    the row is locked, the status checked and the one-time token renewed."""
    with transaction.atomic():
        locked = _lock(application)
        if (
            locked.status not in (Status.DRAFT, Status.INFO_REQUESTED)
            or token != locked.submission_token
        ):
            raise ValidationError(
                _("This application has already been submitted."), code="already_submitted"
            )
        return application_transition(application=locked, to_status=Status.SUBMITTED, by=by)


# --- the status machine -----------------------------------------------------------------


def _roles(user: User | None, application: Application) -> set[str]:
    if user is None:
        return {workflow.SYSTEM}
    roles = set()
    if permissions.is_fund_lead(user):
        roles.add(workflow.LEAD)
    if permissions.is_applicant(user, application):
        roles.add(workflow.APPLICANT)
    return roles


def render_decision_message(
    *, template_text: str, application: Application, amount=None, due_date=None
) -> str:
    """Fill a call's message template. Raises ValidationError for a broken template."""
    context = Context(
        {
            "organisation": application.organisation.name,
            "project": application.title,
            "amount": _eur(amount, 2) if amount is not None else "",
            "due_date": formats.date_format(due_date, "DATE_FORMAT") if due_date else "",
        },
        autoescape=False,
    )
    try:
        # An engine of its own: no template loaders and no tag libraries, so a message
        # template can fill in the placeholders but never include or load anything.
        return Template(template_text, engine=MESSAGE_ENGINE).render(context).strip()
    except (TemplateSyntaxError, TemplateDoesNotExist) as exc:
        raise ValidationError(
            _("The message template has an error: %(error)s") % {"error": exc}
        ) from exc


def default_due_date(application: Application) -> date:
    base = application.end_date or timezone.localdate()
    return base + timedelta(weeks=application.call.proof_of_use_weeks)


def application_transition(
    *,
    application: Application,
    to_status: str,
    by: User | None,
    note: str = "",
    amount: Decimal | None = None,
    due_date: date | None = None,
    message: str = "",
) -> Application:
    """The one way an application changes status.

    Locks the row (and, for approvals, the call first, so two approvals cannot both take
    the last money), checks the transition table and the actor's role, applies the step's
    own rules, records the history and the audit entry, and queues the e-mails.
    """
    with transaction.atomic():
        call = None
        if to_status == Status.APPROVED:
            call = Call.objects.select_for_update().get(pk=application.call_id)
        application = _lock(application)
        from_status = application.status
        spec = workflow.FLOW.step(from_status, to_status)
        if spec is None:
            raise ValidationError(
                _("An application cannot go from “%(from)s” to “%(to)s”.")
                % {"from": Status(from_status).label, "to": Status(to_status).label},
                code="invalid_transition",
            )
        if not any(spec.open_to(role) for role in _roles(by, application)):
            raise TransitionRefused(_("Your role may not take this step."))
        if spec.note_required and not note.strip():
            raise ValidationError(_("Please write a note for the applicant."), code="note_required")

        now = timezone.now()
        mail_template, mail_context = "status_changed", {}
        if to_status == Status.SUBMITTED:
            problems = submission_problems(application, now=now)
            if problems:
                raise ValidationError(problems, code="incomplete")
            application.submitted_at = now
            application.submission_token = new_token()
            mail_template = "submitted"
        elif to_status == Status.APPROVED:
            _check_approval(application, call, amount)
            application.approved_amount = amount
            application.approved_at = application.decided_at = now
            application.proof_due_date = due_date or default_due_date(application)
            application.decision_message = message or render_decision_message(
                template_text=call.decision_approved_template,
                application=application,
                amount=amount,
                due_date=application.proof_due_date,
            )
            mail_template = "decision"
        elif to_status == Status.REJECTED:
            application.decided_at = now
            application.decision_message = message or render_decision_message(
                template_text=application.call.decision_rejected_template,
                application=application,
            )
            mail_template = "decision"
        elif to_status == Status.PROOF_SUBMITTED:
            _check_proof_complete(application)
            ProofOfUse.objects.filter(application=application).update(
                review=ProofOfUse.Review.SUBMITTED, submitted_at=now
            )
            mail_template = "proof_submitted"
        elif from_status == Status.PROOF_SUBMITTED and to_status == Status.PROOF_DUE:
            ProofOfUse.objects.filter(application=application).update(
                review=ProofOfUse.Review.CORRECTIONS,
                review_note=note,
                reviewed_at=now,
                reviewed_by=by,
            )
        elif to_status == Status.CLOSED:
            ProofOfUse.objects.filter(application=application).update(
                review=ProofOfUse.Review.ACCEPTED, review_note=note, reviewed_at=now, reviewed_by=by
            )

        application.status = to_status
        application.save()
        StatusChange.objects.create(
            application=application,
            from_status=from_status,
            to_status=to_status,
            actor=by,
            note=note,
            created_at=now,
        )
        changes = {"from": from_status, "to": to_status}
        if note:
            changes["note"] = note
        if amount is not None:
            changes["amount"] = str(amount)
        audit_log(
            actor=by,
            action=f"actionfund.application.{to_status}",
            target=application,
            organisation=application.organisation,
            changes=changes,
        )
        if by is not None:  # the system's one step (opening the proof) comes with its reminder
            _mail_applicant(
                application,
                mail_template,
                {
                    "status": Status(to_status).label,
                    "note": note,
                    "approved": to_status == Status.APPROVED,
                    **mail_context,
                },
            )
            if to_status in PARTNER_MAILS:
                _mail_partners(
                    application,
                    PARTNER_MAILS[to_status],
                    {"approved": to_status == Status.APPROVED},
                )
    return application


# The steps the accepted partners hear of: submission (also a resubmission) and the decision.
# They learn that it happened, not the decision message, which is the applicant's letter.
PARTNER_MAILS = {
    Status.SUBMITTED: "partner_submitted",
    Status.APPROVED: "partner_decided",
    Status.REJECTED: "partner_decided",
}


def _check_approval(application: Application, call: Call, amount) -> None:
    if amount is None or amount <= 0:
        raise ValidationError(_("Please enter the amount granted."), code="amount_missing")
    if amount > application.requested_amount:
        raise ValidationError(
            _("The amount granted cannot be higher than the amount requested (%(requested)s EUR).")
            % {"requested": _eur(application.requested_amount, 2)},
            code="above_request",
        )
    ceiling = selectors.ceiling_for(application)
    if amount > ceiling:
        raise ValidationError(
            _(
                "The amount granted is above the ceiling of %(ceiling)s EUR that applies to this "
                "application: no partner organisation has accepted, so the ceiling for one "
                "organisation applies."
            )
            % {"ceiling": _eur(ceiling, 2)}
            if not application.partners.exists()
            else _("The amount granted is above the ceiling of %(ceiling)s EUR.")
            % {"ceiling": _eur(ceiling, 2)},
            code="above_ceiling",
        )
    remaining = selectors.call_ledger(call)["remaining"]
    if amount > remaining:
        raise ValidationError(
            _(
                "Not enough money left in this call: %(remaining)s EUR remain, %(amount)s EUR "
                "were to be granted."
            )
            % {
                "remaining": _eur(remaining, 2),
                "amount": _eur(amount, 2),
            },
            code="budget_exceeded",
        )


def application_decide(
    *,
    application: Application,
    approve: bool,
    by: User,
    amount: Decimal | None = None,
    due_date: date | None = None,
    message: str = "",
) -> Application:
    """Approve or reject one application that is in review (also used by batch decisions)."""
    if application.status == Status.SUBMITTED:
        # Deciding straight from "submitted" passes through the review step, visibly.
        application = application_transition(
            application=application, to_status=Status.IN_REVIEW, by=by
        )
    return application_transition(
        application=application,
        to_status=Status.APPROVED if approve else Status.REJECTED,
        by=by,
        amount=amount,
        due_date=due_date,
        message=message,
    )


# --- batch decisions from the ranking ----------------------------------------------------

DECIDABLE = (Status.SUBMITTED, Status.IN_REVIEW)


def batch_decision_previews(
    *, call: Call, application_ids, approve: bool, template_text: str = ""
) -> list[tuple[Application, str]]:
    """The decidable applications among ``application_ids``, best-ranked first, each with
    its message filled in (``template_text``, or the call's template when empty).

    Raises ValidationError for a broken template.
    """
    ids = set(application_ids)
    selected = [a for a in selectors.ranking(call, only_ids=ids) if a.status in DECIDABLE]
    template_text = template_text or (
        call.decision_approved_template if approve else call.decision_rejected_template
    )
    return [
        (
            application,
            render_decision_message(
                template_text=template_text,
                application=application,
                amount=application.requested_amount if approve else None,
                due_date=default_due_date(application) if approve else None,
            ),
        )
        for application in selected
    ]


@dataclass(frozen=True)
class BatchDecisions:
    decided: list[Application]
    refused: list[tuple[Application, list[str]]]  # with the reasons, in the person's words


def applications_decide_batch(
    *, call: Call, application_ids, approve: bool, template_text: str = "", by: User
) -> BatchDecisions:
    """Approve (with the amount requested) or reject the selected applications of a call.

    Decided in ranking order, each in its own transaction: when the money runs out, the
    best-ranked got it first, and one refusal does not undo the decisions before it.
    """
    if not permissions.is_fund_lead(by):
        raise PermissionDenied
    previews = batch_decision_previews(
        call=call, application_ids=application_ids, approve=approve, template_text=template_text
    )
    if not previews:
        raise ValidationError(_("Please select at least one application."), code="nothing_selected")
    decided, refused = [], []
    for application, text in previews:
        try:
            decided.append(
                application_decide(
                    application=application,
                    approve=approve,
                    by=by,
                    amount=application.requested_amount if approve else None,
                    message=text,
                )
            )
        except ValidationError as error:
            refused.append((application, error.messages))
    return BatchDecisions(decided=decided, refused=refused)


# --- jury -------------------------------------------------------------------------------


@transaction.atomic
def jury_assign(*, application: Application, jurors, by: User) -> list[JuryAssignment]:
    if not permissions.is_fund_lead(by):
        raise PermissionDenied
    if application.status not in (Status.SUBMITTED, Status.IN_REVIEW):
        raise ValidationError(_("Jury members can be assigned to submitted applications only."))
    allowed = set(selectors.jurors().values_list("pk", flat=True))
    created = []
    for juror in jurors:
        if juror.pk not in allowed:
            raise ValidationError(_("%(person)s is not a jury member.") % {"person": juror})
        assignment, was_new = JuryAssignment.objects.get_or_create(
            application=application, juror=juror, defaults={"assigned_by": by}
        )
        if was_new:
            created.append(assignment)
            audit_log(
                actor=by,
                action="actionfund.jury.assigned",
                target=application,
                organisation=application.organisation,
                changes={"juror": juror.email},
            )
            email_queue(
                to=juror.email,
                template="actionfund/email/jury_assigned",
                context={"application": application, "recipient": juror},
                language=juror.preferred_language,
            )
    return created


@transaction.atomic
def jury_unassign(*, application: Application, juror: User, by: User) -> None:
    if not permissions.is_fund_lead(by):
        raise PermissionDenied
    deleted, _ignored = JuryAssignment.objects.filter(application=application, juror=juror).delete()
    if deleted:
        Score.objects.filter(application=application, juror=juror).delete()
        audit_log(
            actor=by,
            action="actionfund.jury.unassigned",
            target=application,
            organisation=application.organisation,
            changes={"juror": juror.email},
        )


@transaction.atomic
def scores_save(*, application: Application, juror: User, values: dict) -> list[Score]:
    """values: {criterion_id: (value, comment)}. One row per juror and criterion (upsert)."""
    application = _lock(application)
    if not permissions.can_score(juror, application):
        raise PermissionDenied
    criteria = {c.pk: c for c in application.call.criteria.all()}
    saved = []
    for criterion_id, (value, comment) in values.items():
        if criterion_id not in criteria:
            raise ValidationError(_("Unknown criterion."))
        if value is None:
            continue
        if not 0 <= value <= application.call.max_score:
            raise ValidationError(
                _("Scores go from 0 to %(max)s.") % {"max": application.call.max_score}
            )
        score, _created = Score.objects.update_or_create(
            application=application,
            juror=juror,
            criterion=criteria[criterion_id],
            defaults={"value": value, "comment": comment or ""},
        )
        saved.append(score)
    audit_log(
        actor=juror,
        action="actionfund.scores.saved",
        target=application,
        organisation=application.organisation,
        changes={str(s.criterion_id): s.value for s in saved},
    )
    return saved


# --- money ------------------------------------------------------------------------------


def payment_record(
    *, application: Application, amount: Decimal, paid_on: date, reference: str, by: User
) -> Payment:
    """Record a payment (one or more per grant). The first one marks the application paid."""
    if not permissions.is_fund_lead(by):
        raise PermissionDenied
    with transaction.atomic():
        application = _lock(application)
        if application.status not in (
            Status.AGREEMENT_SIGNED,
            Status.PAID,
            Status.PROOF_DUE,
            Status.PROOF_SUBMITTED,
        ):
            raise ValidationError(
                _("Payments can be recorded once the signed funding agreement is back.")
            )
        if amount is None or amount <= 0:
            raise ValidationError(_("The amount must be more than 0."))
        already = selectors.paid_total(application)
        if already + amount > (application.approved_amount or ZERO):
            raise ValidationError(
                _("Payments would exceed the amount granted (%(granted)s EUR, %(paid)s EUR paid).")
                % {
                    "granted": _eur(application.approved_amount or ZERO, 2),
                    "paid": _eur(already, 2),
                }
            )
        payment = Payment.objects.create(
            application=application,
            amount=amount,
            paid_on=paid_on,
            reference=reference,
            recorded_by=by,
        )
        audit_log(
            actor=by,
            action="actionfund.payment.recorded",
            target=application,
            organisation=application.organisation,
            changes={"amount": str(amount), "paid_on": str(paid_on)},
        )
        if application.status == Status.AGREEMENT_SIGNED:
            application_transition(
                application=application,
                to_status=Status.PAID,
                by=by,
                note=_("Payment of %(amount)s EUR") % {"amount": _eur(amount, 2)},
            )
    return payment


@transaction.atomic
def return_record(
    *, application: Application, amount: Decimal, returned_on: date, note: str, by: User
) -> Return:
    if not permissions.is_fund_lead(by):
        raise PermissionDenied
    application = _lock(application)
    paid = selectors.paid_total(application)
    returned = sum((r.amount for r in application.returns.all()), ZERO)
    if amount is None or amount <= 0:
        raise ValidationError(_("The amount must be more than 0."))
    if returned + amount > paid:
        raise ValidationError(
            _("More cannot come back than was paid (%(paid)s EUR paid, %(returned)s EUR returned).")
            % {
                "paid": _eur(paid, 2),
                "returned": _eur(returned, 2),
            }
        )
    repayment = Return.objects.create(
        application=application, amount=amount, returned_on=returned_on, note=note, recorded_by=by
    )
    audit_log(
        actor=by,
        action="actionfund.return.recorded",
        target=application,
        organisation=application.organisation,
        changes={"amount": str(amount)},
    )
    return repayment


@transaction.atomic
def agreement_request(*, application: Application, by: User):
    """The funding agreement PDF. A second request (a double click, a second tab) gets the
    document already asked for, unless the application changed since."""
    if not permissions.can_view_agreement(by, application):
        raise PermissionDenied
    # The row lock makes two simultaneous clicks wait for each other; the second finds the
    # first one's document.
    application = _lock(application)
    if not application.is_committed:
        raise ValidationError(_("A funding agreement exists for approved projects only."))
    existing = (
        GeneratedDocument.objects.filter(
            kind=AGREEMENT_KIND,
            content_type=ContentType.objects.get_for_model(Application),
            object_id=str(application.pk),
            created_at__gte=application.updated_at,
        )
        .exclude(status=GeneratedDocument.Status.FAILED)
        .order_by("-created_at")
        .first()
    )
    if existing:
        return existing
    return document_request(
        kind=AGREEMENT_KIND, target=application, organisation=application.organisation, by=by
    )


# --- proof of use -----------------------------------------------------------------------


def _check_proof_complete(application: Application) -> None:
    proof = ProofOfUse.objects.filter(application=application).first()
    if proof is None or not proof.report.strip():
        raise ValidationError(_("Please write the short report first."), code="proof_incomplete")
    lines = application.budget_lines.count()
    if proof.spending.count() < lines:
        raise ValidationError(
            _("Please enter the actual spending for every budget line."), code="proof_incomplete"
        )


@transaction.atomic
def proof_save(*, application: Application, report: str, spending: dict, by: User) -> ProofOfUse:
    """Save the proof of use as a draft: report and {budget_line_id: amount}."""
    application = _lock(application)
    if not permissions.can_submit_proof(by, application):
        raise PermissionDenied
    proof, _created = ProofOfUse.objects.get_or_create(application=application)
    proof.report = report
    proof.save(update_fields=["report"])
    lines = {line.pk: line for line in application.budget_lines.all()}
    for line_id, amount in spending.items():
        if line_id not in lines:
            raise ValidationError(_("Unknown budget line."))
        if amount is None:
            continue
        ActualSpending.objects.update_or_create(
            proof=proof, budget_line=lines[line_id], defaults={"amount": amount}
        )
    audit_log(
        actor=by,
        action="actionfund.proof.saved",
        target=application,
        organisation=application.organisation,
    )
    return proof


@transaction.atomic
def receipt_add(*, application: Application, upload, by: User) -> Receipt:
    application = _lock(application)
    if not permissions.can_submit_proof(by, application):
        raise PermissionDenied
    content_type = validate_upload(upload)
    proof, _created = ProofOfUse.objects.get_or_create(application=application)
    receipt = Receipt(
        proof=proof,
        original_name=clean_filename(upload.name),
        content_type=content_type,
        size=upload.size,
        uploaded_by=by,
    )
    receipt.file.save(upload.name, upload, save=False)
    receipt.save()
    audit_log(
        actor=by,
        action="actionfund.receipt.added",
        target=application,
        organisation=application.organisation,
        changes={"file": receipt.original_name},
    )
    return receipt


def proof_submit(*, application: Application, by: User) -> Application:
    return application_transition(application=application, to_status=Status.PROOF_SUBMITTED, by=by)


def proof_decide(*, application: Application, accept: bool, note: str, by: User) -> Application:
    return application_transition(
        application=application,
        to_status=Status.CLOSED if accept else Status.PROOF_DUE,
        by=by,
        note=note,
    )


# --- reminders --------------------------------------------------------------------------

DRAFT_REMINDER_DAYS = 3
PROOF_REMINDER_DAYS_BEFORE = 14
PROOF_REMINDER_DAYS_AFTER = 1


def _claim_and_mail(application: Application, kind: str, template: str, context: dict) -> bool:
    """Claim the reminder row and queue the mails in one transaction: both or neither."""
    try:
        with transaction.atomic():
            ReminderLog.objects.create(application=application, kind=kind)
            _mail_applicant(application, template, context, kind=MailKind.REMINDER)
    except IntegrityError:
        return False  # someone (another worker, an earlier run) already sent this one
    return True


def _open_proof(application: Application) -> None:
    """PAID -> PROOF_DUE. An overlapping sweep may have just done it: that is no error."""
    try:
        application_transition(application=application, to_status=Status.PROOF_DUE, by=None)
    except ValidationError:
        application.refresh_from_db(fields=["status"])
        if application.status != Status.PROOF_DUE:
            raise


def reminders_send(*, now=None) -> dict[str, int]:
    """Send every reminder that is due and not yet sent. Safe to run as often as wanted."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = dict.fromkeys(ReminderLog.Kind.values, 0)

    drafts = (
        Application.objects.filter(
            status=Status.DRAFT,
            call__is_published=True,
            call__closes_at__gt=now,
            call__closes_at__lte=now + timedelta(days=DRAFT_REMINDER_DAYS),
        )
        .exclude(reminders__kind=ReminderLog.Kind.DRAFT_DEADLINE)
        .select_related("call", "organisation", "created_by")
    )
    for application in drafts:
        if _claim_and_mail(
            application,
            ReminderLog.Kind.DRAFT_DEADLINE,
            "reminder_draft",
            {"closes_at": application.call.closes_at},
        ):
            sent[ReminderLog.Kind.DRAFT_DEADLINE] += 1

    # The due date the applicant's pages and the staff list show (journey.proof_due: the
    # stored date, or else the project's end plus the call's weeks), so a reminder goes to
    # every application those pages call due or overdue.
    open_proof = (
        journey.with_proof_due(Application.objects.filter(status__in=PROOF_OPEN_STATUSES))
        .filter(proof_due_on__isnull=False)
        .select_related("call", "organisation", "created_by")
    )
    before = open_proof.filter(
        proof_due_on__gte=today,
        proof_due_on__lte=today + timedelta(days=PROOF_REMINDER_DAYS_BEFORE),
    ).exclude(reminders__kind=ReminderLog.Kind.PROOF_BEFORE)
    for application in before:
        if application.status == Status.PAID:
            _open_proof(application)
        if _claim_and_mail(
            application,
            ReminderLog.Kind.PROOF_BEFORE,
            "reminder_proof_before",
            {"due": application.proof_due_on},
        ):
            sent[ReminderLog.Kind.PROOF_BEFORE] += 1
    after = open_proof.filter(
        proof_due_on__lte=today - timedelta(days=PROOF_REMINDER_DAYS_AFTER)
    ).exclude(reminders__kind=ReminderLog.Kind.PROOF_AFTER)
    for application in after:
        if application.status == Status.PAID:
            _open_proof(application)
        if _claim_and_mail(
            application,
            ReminderLog.Kind.PROOF_AFTER,
            "reminder_proof_after",
            {"due": application.proof_due_on},
        ):
            sent[ReminderLog.Kind.PROOF_AFTER] += 1
    return sent
