"""Every change at the volunteer service desk goes through these functions.

They are keyword-only, run in a transaction, write the audit trail and queue e-mails
after commit. They raise ValidationError with messages meant for the person at the form.
"""

from datetime import date, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ikmo.audit import audit_log, save_with_changes
from ikmo.mail import email_queue
from ikmo.models import AuditEntry
from ikmo.notifications import MailKind
from ikmo.subprojects import SubProject
from ikmo.uploads import clean_filename
from organisations.models import Membership, Organisation, StaffRole, User

from . import rules, selectors
from .models import (
    CLOSED_STATUSES,
    PLACEMENT_FLOW,
    SITE_FLOW,
    Consultation,
    Contingent,
    Placement,
    PlacementStatus,
    RecognitionDocument,
    ReminderSent,
    Seminar,
    SeminarAttendance,
    ServiceProfile,
    SiteStatus,
    StatusChange,
    Volunteer,
)
from .uploads import validate_upload

# The audit verb for each step of a placement.
PLACEMENT_VERBS = {
    PlacementStatus.ACTIVE: "started",
    PlacementStatus.FINISHED: "finished",
    PlacementStatus.ENDED_EARLY: "ended_early",
    PlacementStatus.CANCELLED: "cancelled",
}

# Organisation status


def profile_for(organisation: Organisation) -> ServiceProfile:
    profile, _created = ServiceProfile.objects.get_or_create(organisation=organisation)
    return profile


@transaction.atomic
def profile_register_interest(
    *, organisation: Organisation, by: User, note: str = ""
) -> ServiceProfile:
    """An organisation shows interest in the volunteer services (first contact)."""
    profile, created = ServiceProfile.objects.get_or_create(organisation=organisation)
    if created:
        StatusChange.objects.create(
            profile=profile,
            from_status="",
            to_status=SiteStatus.INTERESTED,
            note=note,
            changed_by=by,
        )
        audit_log(
            actor=by,
            action="volunteering.profile.interest_registered",
            target=profile,
            organisation=organisation,
        )
    return profile


def _check_site_details(
    *, organisation, status, carrier, offers_fsj, offers_bfd, recognised_on, places
):
    errors: dict[str, list[str]] = {}
    if status in (SiteStatus.RECOGNISED, SiteStatus.CARRIER):
        if not (offers_fsj or offers_bfd):
            errors.setdefault("offers_fsj", []).append(
                _("Choose at least one service (FSJ or BFD) for which the site is recognised.")
            )
        if recognised_on is None:
            errors.setdefault("recognised_on", []).append(_("Enter the date of the recognition."))
        elif recognised_on > timezone.localdate():
            errors.setdefault("recognised_on", []).append(
                _("The recognition date cannot be in the future.")
            )
        if not places:
            errors.setdefault("places", []).append(
                _("Enter how many places the site has (at least 1).")
            )
    if status == SiteStatus.RECOGNISED:
        if carrier is None:
            errors.setdefault("carrier", []).append(
                _("A recognised placement site needs the carrier that recognised it.")
            )
        elif carrier.pk == organisation.pk:
            errors.setdefault("carrier", []).append(
                _("An organisation cannot be its own carrier; choose the status “Carrier” instead.")
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def profile_change_status(
    *,
    organisation: Organisation,
    status: str,
    by: User,
    note: str = "",
    carrier: Organisation | None = None,
    offers_fsj: bool = False,
    offers_bfd: bool = False,
    recognised_on: date | None = None,
    places: int | None = None,
) -> ServiceProfile:
    """Set the status (one step along SITE_FLOW) and the recognition details."""
    profile, _created = ServiceProfile.objects.get_or_create(organisation=organisation)
    profile = ServiceProfile.objects.select_for_update().get(pk=profile.pk)
    old = profile.status
    if status != old and not SITE_FLOW.allows(old, status):
        raise ValidationError(
            {
                "status": ValidationError(
                    _("From “%(old)s” the status can change to: %(allowed)s.")
                    % {
                        "old": SITE_FLOW.label(old),
                        "allowed": ", ".join(
                            str(SITE_FLOW.label(s)) for s in SITE_FLOW.targets(old)
                        ),
                    },
                    code="transition",
                )
            }
        )
    if status == SiteStatus.CARRIER:
        carrier = None
    _check_site_details(
        organisation=organisation,
        status=status,
        carrier=carrier,
        offers_fsj=offers_fsj,
        offers_bfd=offers_bfd,
        recognised_on=recognised_on,
        places=places,
    )
    site = status in (SiteStatus.RECOGNISED, SiteStatus.CARRIER)
    before = {
        "status": profile.status,
        "carrier": profile.carrier_id,
        "offers_fsj": profile.offers_fsj,
        "offers_bfd": profile.offers_bfd,
        "recognised_on": str(profile.recognised_on) if profile.recognised_on else None,
        "places": profile.places,
    }
    profile.status = status
    profile.carrier = carrier if site else None
    profile.offers_fsj = offers_fsj if site else False
    profile.offers_bfd = offers_bfd if site else False
    profile.recognised_on = recognised_on if site else None
    profile.places = places if site else None
    profile.save()
    after = {
        "status": profile.status,
        "carrier": profile.carrier_id,
        "offers_fsj": profile.offers_fsj,
        "offers_bfd": profile.offers_bfd,
        "recognised_on": str(profile.recognised_on) if profile.recognised_on else None,
        "places": profile.places,
    }
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if status != old or note:
        StatusChange.objects.create(
            profile=profile, from_status=old, to_status=status, note=note, changed_by=by
        )
    if changes:
        audit_log(
            actor=by,
            action="volunteering.profile.status_changed",
            target=profile,
            organisation=organisation,
            changes=changes,
        )
    return profile


@transaction.atomic
def document_upload(
    *, organisation: Organisation, title: str, upload, by: User
) -> RecognitionDocument:
    content_type = validate_upload(upload)
    profile = profile_for(organisation)
    document = RecognitionDocument(
        profile=profile,
        title=title,
        original_name=clean_filename(upload.name or "document"),
        content_type=content_type,
        size=upload.size,
        uploaded_by=by,
    )
    upload.seek(0)
    document.file.save("upload", upload, save=False)
    document.save()
    audit_log(
        actor=by,
        action="volunteering.document.uploaded",
        target=document,
        organisation=organisation,
    )
    return document


@transaction.atomic
def document_delete(*, document: RecognitionDocument, by: User) -> None:
    organisation = document.profile.organisation
    audit_log(
        actor=by, action="volunteering.document.deleted", target=document, organisation=organisation
    )
    storage, name = document.file.storage, document.file.name
    document.delete()
    # The file goes only once the row is surely gone.
    transaction.on_commit(lambda: storage.delete(name))


# Consultations


def _check_consultation_dates(held_on: date, follow_up_on: date | None) -> None:
    if held_on > timezone.localdate():
        raise ValidationError(
            {
                "held_on": ValidationError(
                    _("A consultation cannot be logged before it took place."), code="future"
                )
            }
        )
    if follow_up_on and follow_up_on < held_on:
        raise ValidationError(
            {
                "follow_up_on": ValidationError(
                    _("The follow-up cannot be before the consultation."), code="date_order"
                )
            }
        )


@transaction.atomic
def consultation_log(
    *,
    organisation: Organisation,
    by: User,
    held_on: date,
    topic: str,
    format: str = Consultation.Format.IN_PERSON,
    outcome: str = "",
    next_step: str = "",
    follow_up_on: date | None = None,
) -> Consultation:
    """Record a consultation. A first consultation marks an interested organisation as advised."""
    _check_consultation_dates(held_on, follow_up_on)
    consultation = Consultation.objects.create(
        organisation=organisation,
        consultant=by,
        held_on=held_on,
        format=format,
        topic=topic,
        outcome=outcome,
        next_step=next_step,
        follow_up_on=follow_up_on,
    )
    profile, created = ServiceProfile.objects.get_or_create(organisation=organisation)
    if created or profile.status == SiteStatus.INTERESTED:
        if created:
            StatusChange.objects.create(
                profile=profile, from_status="", to_status=SiteStatus.INTERESTED, changed_by=by
            )
        profile.status = SiteStatus.ADVISED
        profile.save(update_fields=["status", "updated_at"])
        StatusChange.objects.create(
            profile=profile,
            from_status=SiteStatus.INTERESTED,
            to_status=SiteStatus.ADVISED,
            note=_("First consultation logged"),
            changed_by=by,
        )
    audit_log(
        actor=by,
        action="volunteering.consultation.logged",
        target=consultation,
        organisation=organisation,
    )
    return consultation


@transaction.atomic
def consultation_update(
    *,
    consultation: Consultation,
    by: User,
    held_on: date,
    topic: str,
    format: str = Consultation.Format.IN_PERSON,
    outcome: str = "",
    next_step: str = "",
    follow_up_on: date | None = None,
) -> Consultation:
    _check_consultation_dates(held_on, follow_up_on)
    # Fresh from the database: a bound ModelForm may have written its values onto the instance.
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    changes = save_with_changes(
        consultation,
        {
            "held_on": held_on,
            "format": format,
            "topic": topic,
            "outcome": outcome,
            "next_step": next_step,
            "follow_up_on": follow_up_on,
        },
    )
    if changes:
        audit_log(
            actor=by,
            action="volunteering.consultation.updated",
            target=consultation,
            organisation=consultation.organisation,
            changes=changes,
        )
    return consultation


# Contingents


@transaction.atomic
def contingent_create(
    *, carrier: Organisation, year: int, service_type: str, places: int, note: str = "", by: User
) -> Contingent:
    contingent = Contingent(carrier=carrier, year=year, service_type=service_type)
    save_with_changes(contingent, {"places": places, "note": note})
    audit_log(
        actor=by,
        action="volunteering.contingent.created",
        target=contingent,
        organisation=contingent.carrier,
        changes={"places": contingent.places},
    )
    return contingent


@transaction.atomic
def contingent_update(
    *, contingent: Contingent, places: int, note: str = "", by: User, **_fixed
) -> Contingent:
    """Change the number of places (and the note). Carrier, year and service stay: placements
    hold places in it. (``_fixed`` takes them from a form, where they are read-only.)"""
    contingent = Contingent.objects.select_for_update().get(pk=contingent.pk)
    used = selectors.places_used(contingent)
    if places < used:
        raise ValidationError(
            {
                "places": ValidationError(
                    _("%(used)s places are already booked; the contingent cannot be smaller.")
                    % {"used": used},
                    code="below_booked",
                )
            }
        )
    save_with_changes(contingent, {"places": places, "note": note})
    audit_log(
        actor=by,
        action="volunteering.contingent.changed",
        target=contingent,
        organisation=contingent.carrier,
        changes={"places": contingent.places},
    )
    return contingent


def _carrier_of_site(site: Organisation) -> Organisation:
    profile = getattr(site, "volunteer_profile", None)
    if profile is None or not profile.is_placement_site:
        raise ValidationError(
            {"site": _("This organisation is not a recognised placement site (yet).")}
        )
    return site if profile.is_carrier else profile.carrier


def _book_place(*, carrier: Organisation, year: int, service_type: str) -> Contingent:
    """Lock the contingent row and check a place is free. Two bookings of the last place
    wait on this lock one after the other, so the second sees the first and is refused."""
    contingent = (
        Contingent.objects.select_for_update()
        .filter(carrier=carrier, year=year, service_type=service_type)
        .first()
    )
    label = service_type.upper()
    if contingent is None:
        raise ValidationError(
            _(
                "%(carrier)s has no %(service)s contingent for %(year)s. A project lead can add "
                "it under “Contingents”."
            )
            % {"carrier": carrier, "service": label, "year": year}
        )
    used = selectors.places_used(contingent)
    if used >= contingent.places:
        raise ValidationError(
            _(
                "The %(service)s contingent of %(carrier)s for %(year)s is fully booked "
                "(%(used)s of %(places)s places). The placement was not saved; ask the carrier "
                "for more places or plan it for another year."
            )
            % {
                "service": label,
                "carrier": carrier,
                "year": year,
                "used": used,
                "places": contingent.places,
            }
        )
    return contingent


def _validate_placement(*, site, service_type, start, end, weekly_hours, birth_year):
    profile = getattr(site, "volunteer_profile", None)
    if profile is not None and profile.is_placement_site and not profile.offers(service_type):
        raise ValidationError(
            {
                "service_type": _("%(site)s is recognised for %(services)s only.")
                % {"site": site, "services": ", ".join(s.upper() for s in profile.service_types)}
            }
        )
    errors = rules.check_placement(
        service_type=service_type,
        start=start,
        end=end,
        weekly_hours=weekly_hours,
        birth_year=birth_year,
    )
    if errors:
        raise ValidationError(errors)


VOLUNTEER_FIELDS = [
    "first_name",
    "last_name",
    "email",
    "birth_year",
    "migration_background",
    "migration_background_consent",
    "consent_given_on",
    "consent_text_version",
]
PLACEMENT_FIELDS = [
    "site",
    "service_type",
    "start_date",
    "end_date",
    "weekly_hours",
    "mentor_name",
    "mentor_email",
]


def _clean_volunteer(data: dict) -> dict:
    data = {k: data.get(k) for k in VOLUNTEER_FIELDS}
    if not data["migration_background_consent"]:
        # Without consent nothing about the background is stored.
        data["migration_background"] = None
        data["migration_background_consent"] = False
    if not (data["first_name"] or "").strip() and not (data["last_name"] or "").strip():
        raise ValidationError({"first_name": _("Enter at least a first or a last name.")})
    data["email"] = data["email"] or ""
    return data


@transaction.atomic
def placement_create(*, volunteer: dict, placement: dict, by: User) -> Placement:
    """Plan a placement, booking a place in the carrier's contingent for the start year."""
    volunteer_data = _clean_volunteer(volunteer)
    site = Organisation.objects.select_related("volunteer_profile").get(pk=placement["site"].pk)
    carrier = _carrier_of_site(site)
    _validate_placement(
        site=site,
        service_type=placement["service_type"],
        start=placement["start_date"],
        end=placement["end_date"],
        weekly_hours=placement["weekly_hours"],
        birth_year=volunteer_data["birth_year"],
    )
    contingent = _book_place(
        carrier=carrier, year=placement["start_date"].year, service_type=placement["service_type"]
    )
    person = Volunteer.objects.create(**volunteer_data)
    created = Placement.objects.create(
        volunteer=person,
        contingent=contingent,
        created_by=by,
        **{k: placement[k] for k in PLACEMENT_FIELDS},
    )
    audit_log(
        actor=by,
        action="volunteering.placement.planned",
        target=created,
        organisation=site,
        changes={
            "service_type": created.service_type,
            "start_date": str(created.start_date),
            "end_date": str(created.end_date),
            "contingent": contingent.pk,
        },
    )
    return created


@transaction.atomic
def placement_update(*, placement: Placement, volunteer: dict, data: dict, by: User) -> Placement:
    """Change a placement's details. Site, service and start year stay: they hold the place."""
    placement = (
        # Lock the placement row only; the site's profile is a nullable outer join.
        Placement.objects.select_for_update(of=("self",))
        .select_related("volunteer", "site__volunteer_profile")
        .get(pk=placement.pk)
    )
    if placement.is_closed:
        raise ValidationError(_("A closed placement can no longer be changed."))
    volunteer_data = _clean_volunteer(volunteer)
    if data["start_date"].year != placement.start_date.year:
        raise ValidationError(
            {
                "start_date": _(
                    "The place is booked in the contingent for %(year)s. To move the placement to "
                    "another year, cancel it and plan a new one."
                )
                % {"year": placement.start_date.year}
            }
        )
    if placement.status == PlacementStatus.ACTIVE and data["start_date"] != placement.start_date:
        raise ValidationError({"start_date": _("The start of a running placement cannot change.")})
    _validate_placement(
        site=placement.site,
        service_type=placement.service_type,
        start=data["start_date"],
        end=data["end_date"],
        weekly_hours=data["weekly_hours"],
        birth_year=volunteer_data["birth_year"],
    )
    changes = {}
    for field in ["start_date", "end_date", "weekly_hours", "mentor_name", "mentor_email"]:
        if getattr(placement, field) != data[field]:
            changes[field] = [str(getattr(placement, field)), str(data[field])]
            setattr(placement, field, data[field])
    placement.save()
    person = placement.volunteer
    changed_person = [f for f in VOLUNTEER_FIELDS if getattr(person, f) != volunteer_data[f]]
    for field in changed_person:
        setattr(person, field, volunteer_data[field])
    person.save()
    if changed_person:
        # Which fields changed, not the values: the audit trail outlives the erasure.
        changes["volunteer"] = sorted(changed_person)
    if changes:
        audit_log(
            actor=by,
            action="volunteering.placement.changed",
            target=placement,
            organisation=placement.site,
            changes=changes,
        )
    return placement


@transaction.atomic
def placement_transition(
    *,
    placement: Placement,
    to_status: str,
    by: User,
    ended_on: date | None = None,
    reason: str = "",
) -> Placement:
    placement = Placement.objects.select_for_update().get(pk=placement.pk)
    if not PLACEMENT_FLOW.allows(placement.status, to_status):
        raise ValidationError(
            _("A placement that is “%(status)s” cannot become “%(target)s”.")
            % {
                "status": PLACEMENT_FLOW.label(placement.status),
                "target": PLACEMENT_FLOW.label(to_status),
            },
            code="transition",
        )
    today = timezone.localdate()
    if to_status == PlacementStatus.ACTIVE and placement.start_date > today + timedelta(days=7):
        raise ValidationError(
            _("The placement starts on %(start)s; it can be set active from a week before.")
            % {"start": date_format(placement.start_date, "SHORT_DATE_FORMAT")}
        )
    if to_status == PlacementStatus.ENDED_EARLY:
        errors = {}
        if ended_on is None:
            errors["ended_on"] = _("Enter the last day of the service.")
        elif not (placement.start_date <= ended_on < placement.end_date):
            errors["ended_on"] = _(
                "The last day must be between the start (%(start)s) and the day before the "
                "planned end (%(end)s)."
            ) % {
                "start": date_format(placement.start_date, "SHORT_DATE_FORMAT"),
                "end": date_format(placement.end_date, "SHORT_DATE_FORMAT"),
            }
        if not reason.strip():
            errors["reason"] = _("Give a short reason, for the carrier's records.")
        if errors:
            raise ValidationError(errors)
        placement.ended_on = ended_on
        placement.end_reason = reason.strip()
    if to_status == PlacementStatus.CANCELLED:
        # Retention of the volunteer's data counts from here: the service never began.
        placement.ended_on = min(today, placement.end_date)
    old = placement.status
    placement.status = to_status
    placement.save()
    audit_log(
        actor=by,
        action=f"volunteering.placement.{PLACEMENT_VERBS[to_status]}",
        target=placement,
        organisation=placement.site,
        changes={"status": [old, to_status]},
    )
    return placement


# Seminars


def _check_seminar_dates(*, start_date: date, end_date: date, days: int) -> None:
    if end_date < start_date:
        raise ValidationError(
            {
                "end_date": ValidationError(
                    _("The last day cannot be before the first day."), code="date_order"
                )
            }
        )
    span = (end_date - start_date).days + 1
    if days and days > span:
        raise ValidationError(
            {
                "days": ValidationError(
                    ngettext(
                        "The seminar runs %(n)s day; it cannot count more seminar days.",
                        "The seminar runs %(n)s days; it cannot count more seminar days.",
                        span,
                    )
                    % {"n": span},
                    code="too_many_days",
                )
            }
        )


SEMINAR_FIELDS = ["title", "carrier", "service_type", "start_date", "end_date", "days", "location"]


@transaction.atomic
def seminar_save(
    *,
    by: User,
    seminar: Seminar | None = None,
    title: str,
    carrier: Organisation,
    service_type: str = "",
    start_date: date,
    end_date: date,
    days: int,
    location: str = "",
) -> Seminar:
    """Create (``seminar=None``) or update a seminar."""
    _check_seminar_dates(start_date=start_date, end_date=end_date, days=days)
    creating = seminar is None
    seminar = Seminar() if creating else Seminar.objects.select_for_update().get(pk=seminar.pk)
    changes = save_with_changes(
        seminar,
        {
            "title": title,
            "carrier": carrier,
            "service_type": service_type,
            "start_date": start_date,
            "end_date": end_date,
            "days": days,
            "location": location,
        },
    )
    audit_log(
        actor=by,
        action="volunteering.seminar.created" if creating else "volunteering.seminar.changed",
        target=seminar,
        organisation=seminar.carrier,
        changes=changes,
    )
    return seminar


@transaction.atomic
def attendance_record(*, seminar: Seminar, days: dict[int, int | None], by: User) -> int:
    """Save the days each placement attended; None or 0 removes a record. Returns rows saved."""
    eligible = set(selectors.placements_for_seminar(seminar).values_list("pk", flat=True))
    errors = []
    for placement_id, value in days.items():
        if placement_id not in eligible:
            errors.append(_("A placement in the list cannot attend this seminar."))
        elif value is not None and not (0 <= value <= seminar.days):
            errors.append(
                _("Days attended must be between 0 and %(days)s.") % {"days": seminar.days}
            )
    if errors:
        raise ValidationError(sorted(set(errors)))
    saved = 0
    for placement_id, value in days.items():
        if not value:
            SeminarAttendance.objects.filter(seminar=seminar, placement_id=placement_id).delete()
            continue
        SeminarAttendance.objects.update_or_create(
            seminar=seminar,
            placement_id=placement_id,
            defaults={"days_attended": value, "recorded_by": by},
        )
        saved += 1
    audit_log(
        actor=by,
        action="volunteering.attendance.recorded",
        target=seminar,
        organisation=seminar.carrier,
        changes={"rows": saved},
    )
    return saved


# Reminders


def _claim(kind: str, placement: Placement) -> bool:
    """Insert the unique marker row; False if this reminder went out already."""
    try:
        with transaction.atomic():
            ReminderSent.objects.create(kind=kind, placement=placement)
    except IntegrityError:
        return False
    return True


def desk_recipients() -> list[tuple[str, str]]:
    """The desk's own addresses: staff whose role is for this sub-project, and the desk inbox."""
    people = User.objects.filter(
        is_active=True,
        staff_roles__role__in=[StaffRole.Role.CONSULTANT, StaffRole.Role.PROJECT_LEAD],
        staff_roles__subproject=SubProject.VOLUNTEERING,
    ).distinct()
    recipients = [(p.email, p.preferred_language) for p in people]
    desk = getattr(settings, "IKMO_VOLUNTEER_DESK_EMAIL", "")
    if desk:
        recipients.append((desk, settings.LANGUAGE_CODE))
    return recipients


def organisation_admin_recipients(*organisations: Organisation) -> list[tuple[str, str]]:
    admins = User.objects.filter(
        is_active=True,
        memberships__organisation__in=[o.pk for o in organisations],
        memberships__role=Membership.Role.ADMIN,
        memberships__status=Membership.Status.ACTIVE,
    ).distinct()
    return [(a.email, a.preferred_language) for a in admins]


def _queue(recipients, *, template: str, context: dict, kind: str = MailKind.TRANSACTIONAL) -> int:
    context = {**context, "portal_url": getattr(settings, "IKMO_SITE_URL", "").rstrip("/")}
    seen = set()
    for address, language in recipients:
        if not address or address.lower() in seen:
            continue
        seen.add(address.lower())
        email_queue(
            to=address, template=template, context=context, language=language or "de", kind=kind
        )
    return len(seen)


def remind_placement_ending(*, placement_id: int) -> bool:
    """Tell the site, its mentor and the desk that a placement ends soon. Once only."""
    with transaction.atomic():
        placement = (
            Placement.objects.select_related("site", "contingent__carrier")
            .filter(pk=placement_id, status__in=[PlacementStatus.PLANNED, PlacementStatus.ACTIVE])
            .first()
        )
        if placement is None or not _claim(ReminderSent.Kind.PLACEMENT_ENDING, placement):
            return False
        recipients = organisation_admin_recipients(placement.site)
        if placement.mentor_email:
            recipients.append((placement.mentor_email, "de"))
        recipients += desk_recipients()
        _queue(
            recipients,
            template="volunteering/email/placement_ending",
            context={"placement": placement, "site": placement.site, "carrier": placement.carrier},
            kind=MailKind.REMINDER,
        )
    return True


def remind_seminar_days_missing(*, placement_id: int, today: date) -> bool:
    with transaction.atomic():
        placement = selectors.active_placements().filter(pk=placement_id).first()
        if placement is None:
            return False
        progress = selectors.progress_of(placement, today=today)
        if not progress.behind or not _claim(ReminderSent.Kind.SEMINAR_DAYS_MISSING, placement):
            return False
        recipients = organisation_admin_recipients(placement.site, placement.carrier)
        recipients += desk_recipients()
        _queue(
            recipients,
            template="volunteering/email/seminar_days_missing",
            context={
                "placement": placement,
                "site": placement.site,
                "carrier": placement.carrier,
                "progress": progress,
            },
            kind=MailKind.REMINDER,
        )
    return True


def due_ending_reminders(today: date) -> list[int]:
    horizon = today + timedelta(days=rules.ending_notice_days())
    return list(
        selectors.placements_ending_between(today, horizon)
        .exclude(reminders__kind=ReminderSent.Kind.PLACEMENT_ENDING)
        .values_list("pk", flat=True)
    )


def due_seminar_reminders(today: date) -> list[int]:
    share = rules.seminar_reminder_from_share()
    due = []
    for placement in selectors.active_placements().exclude(
        reminders__kind=ReminderSent.Kind.SEMINAR_DAYS_MISSING
    ):
        total = (placement.end_date - placement.start_date).days + 1
        if (today - placement.start_date).days + 1 < share * total:
            continue
        if selectors.progress_of(placement, today=today).behind:
            due.append(placement.pk)
    return due


# Retention and erasure


def volunteer_erase(*, volunteer: Volunteer, by: User | None = None) -> Volunteer:
    """Anonymise one volunteer. Placements, seminar days and the (consented) migration
    background flag stay without a name, so the funder's figures still add up."""
    with transaction.atomic():
        volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
        if volunteer.anonymised_at:
            return volunteer
        open_placements = volunteer.placements.exclude(status__in=CLOSED_STATUSES)
        if open_placements.exists():
            raise ValidationError(
                _("The volunteer still has a planned or running placement; end it first.")
            )
        volunteer.first_name = ""
        volunteer.last_name = ""
        volunteer.email = ""
        volunteer.birth_year = None
        volunteer.anonymised_at = timezone.now()
        volunteer.save()
        Placement.objects.filter(volunteer=volunteer).update(end_reason="")
        # The audit trail named the volunteer in record titles; keep the entries, drop the name.
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Volunteer), object_id=str(volunteer.pk)
        ).update(object_repr=str(volunteer), changes={})
        audit_log(actor=by, action="volunteering.volunteer.anonymised", target=volunteer)
    return volunteer


def volunteers_due_for_erasure(today: date):
    """Volunteers with nothing planned or running whose last service ended before the cutoff."""
    cutoff = today - timedelta(days=rules.retention_days())
    return (
        Volunteer.objects.filter(anonymised_at__isnull=True)
        .exclude(placements__status__in=[PlacementStatus.PLANNED, PlacementStatus.ACTIVE])
        .annotate(last_end=Max(Coalesce("placements__ended_on", "placements__end_date")))
        .filter(last_end__lt=cutoff)
    )


def volunteer_erase_expired(*, today: date | None = None) -> int:
    today = today or timezone.localdate()
    count = 0
    for volunteer in volunteers_due_for_erasure(today):
        try:
            volunteer_erase(volunteer=volunteer)
        except ValidationError:
            continue
        count += 1
    return count
