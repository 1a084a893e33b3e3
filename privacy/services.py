"""Writes of the data protection app: consents, exports, erasure requests."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ikmo.audit import audit_log
from ikmo.mail import email_queue
from ikmo.queue import enqueue_on_commit
from organisations.models import Organisation, StaffRole, User

from . import exports
from .models import ConsentRecord, DataExport, ErasureRequest
from .registry import Identity

# Consents ------------------------------------------------------------------------------------


@transaction.atomic
def consent_give(
    *,
    purpose: str,
    text_version: str,
    by: User | None,
    person: User | None = None,
    name: str = "",
    email: str = "",
    organisation: Organisation | None = None,
    details: str = "",
    given_at=None,
) -> ConsentRecord:
    if purpose not in ConsentRecord.Purpose.values:
        raise ValidationError({"purpose": _("Choose a purpose from the list.")})
    if not text_version.strip():
        raise ValidationError({"text_version": _("Say which version of the text was agreed to.")})
    if person is None and not name.strip() and not email.strip():
        raise ValidationError(_("Name the person: an account, a name or an e-mail."))
    consent = ConsentRecord.objects.create(
        person=person,
        name=name.strip(),
        email=email.strip().lower(),
        organisation=organisation,
        purpose=purpose,
        details=details.strip(),
        text_version=text_version.strip(),
        given_at=given_at or timezone.now(),
        recorded_by=by if getattr(by, "is_authenticated", False) else None,
    )
    audit_log(
        actor=by,
        action="privacy.consent.given",
        target=consent,
        organisation=organisation,
        changes={"purpose": purpose, "text_version": consent.text_version},
    )
    return consent


def consent_withdraw(*, consent: ConsentRecord, by: User | None) -> ConsentRecord:
    """Withdraw a consent. Withdrawing twice keeps the first time."""
    with transaction.atomic():
        consent = ConsentRecord.objects.select_for_update().get(pk=consent.pk)
        if consent.withdrawn_at is not None:
            return consent
        consent.withdrawn_at = max(timezone.now(), consent.given_at)
        consent.withdrawn_by = by if getattr(by, "is_authenticated", False) else None
        consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
        audit_log(
            actor=by,
            action="privacy.consent.withdrawn",
            target=consent,
            organisation=consent.organisation,
            changes={"purpose": consent.purpose},
        )
    return consent


def has_consent(*, purpose: str, person: User | None = None, email: str = "") -> bool:
    """Whether a consent for this purpose is on record and not withdrawn."""
    consents = ConsentRecord.objects.filter(purpose=purpose, withdrawn_at__isnull=True)
    if person is not None:
        return consents.filter(person=person).exists()
    if email:
        return consents.filter(email__iexact=email).exists()
    return False


# Exports -------------------------------------------------------------------------------------


def export_request(
    *, by: User, person: User | None = None, organisation: Organisation | None = None
) -> DataExport:
    from .tasks import build_export

    if (person is None) == (organisation is None):
        raise ValueError("An export is for one person or one organisation")
    with transaction.atomic():
        export = DataExport.objects.create(
            scope=DataExport.Scope.PERSON if person else DataExport.Scope.ORGANISATION,
            person=person,
            organisation=organisation,
            requested_by=by,
        )
        audit_log(
            actor=by,
            action="privacy.export.requested",
            target=export,
            organisation=organisation,
            changes={"person": person.pk} if person else {},
        )
        enqueue_on_commit(build_export, export.pk, model=DataExport)
    return export


def export_build(*, export_id: int) -> DataExport | None:
    """Build one export. Safe to run twice: a finished export is left as it is."""
    if not DataExport.mark_running(export_id):
        return None
    export = DataExport.objects.select_related("person", "organisation").get(pk=export_id)

    def progress(value: int) -> None:
        DataExport.mark_progress(export_id, min(value, 95))

    if export.scope == DataExport.Scope.PERSON:
        data, files = exports.person_data(Identity.of_user(export.person), progress=progress)
    else:
        data, files = exports.organisation_data(
            export.organisation, viewer=export.requested_by, progress=progress
        )
    content, file_count = exports.build_zip(data, files)
    progress(90)
    records = exports.record_count(data)

    def audit(export):
        audit_log(
            actor=export.requested_by,
            action="privacy.export.exported",
            target=export,
            organisation=export.organisation,
            changes={"records": records, "files": file_count},
        )

    return DataExport.mark_done(
        export_id, content, then=audit, record_count=records, file_count=file_count
    )


def export_record_failure(*, export_id: int, error: str, final: bool) -> None:
    DataExport.mark_failed(export_id, error=error, final=final)


def export_expire(*, export: DataExport) -> bool:
    """Delete an old export's file; the row stays as a record that it existed."""
    return export.expire()


# Erasure requests ----------------------------------------------------------------------------


def admin_recipients() -> list[tuple[str, str]]:
    admins = User.objects.filter(is_active=True).filter(
        staff_roles__role=StaffRole.Role.ADMIN
    ) | User.objects.filter(is_active=True, is_superuser=True)
    return list(admins.distinct().values_list("email", "preferred_language"))


def erasure_request(*, person: User, message: str = "") -> ErasureRequest:
    """The person asks for their data to be erased; admins are told by e-mail."""
    try:
        with transaction.atomic():
            request = ErasureRequest.objects.create(
                person=person, origin=ErasureRequest.Origin.PERSON, message=message.strip()
            )
            audit_log(actor=person, action="privacy.erasure.requested", target=person)
            url = settings.IKMO_SITE_URL.rstrip("/") + reverse("privacy:erase", args=[person.pk])
            for address, language in admin_recipients():
                email_queue(
                    to=address,
                    template="privacy/email/erasure_requested",
                    context={"request": request, "url": url},
                    language=language or "de",
                )
    except IntegrityError:
        raise ValidationError(
            _("You have already asked for erasure; the team will get back to you.")
        ) from None
    return request


def erasure_decline(*, request: ErasureRequest, by: User, reason: str) -> ErasureRequest:
    with transaction.atomic():
        request = ErasureRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != ErasureRequest.Status.REQUESTED:
            raise ValidationError(_("This request has already been handled."))
        request.status = ErasureRequest.Status.DECLINED
        request.handled_by = by
        request.handled_at = timezone.now()
        request.summary = {"reason": reason.strip()}
        request.save()
        audit_log(actor=by, action="privacy.erasure.declined", target=request.person)
    return request
