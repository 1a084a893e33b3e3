"""The volunteer service desk: organisations on their way to FSJ/BFD placement sites and
carriers, the desk's consultations, yearly contingents of places, placements and seminars.

Volunteers are people outside the portal: only the minimum about them is stored, and
`services.volunteer_erase_expired` anonymises them once the retention period is over.
"""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ikmo.uploads import extension_for
from ikmo.workflow import Step, Workflow


class ServiceType(models.TextChoices):
    FSJ = "fsj", _("FSJ (voluntary social year)")
    BFD = "bfd", _("BFD (federal volunteer service)")


class SiteStatus(models.TextChoices):
    INTERESTED = "interested", _("Interested")
    ADVISED = "advised", _("Advised")
    RECOGNISED = "recognised", _("Recognised placement site")
    CARRIER = "carrier", _("Carrier")


# The one table of allowed status changes. Steps back are allowed (a recognition can be
# withdrawn), jumps forward over "advised" are not: every site has been advised first.
SITE_FLOW = Workflow(
    SiteStatus,
    {
        (SiteStatus.INTERESTED, SiteStatus.ADVISED): Step(),
        (SiteStatus.ADVISED, SiteStatus.INTERESTED): Step(),
        (SiteStatus.ADVISED, SiteStatus.RECOGNISED): Step(),
        (SiteStatus.ADVISED, SiteStatus.CARRIER): Step(),
        (SiteStatus.RECOGNISED, SiteStatus.ADVISED): Step(),
        (SiteStatus.RECOGNISED, SiteStatus.CARRIER): Step(),
        (SiteStatus.CARRIER, SiteStatus.RECOGNISED): Step(),
        (SiteStatus.CARRIER, SiteStatus.ADVISED): Step(),
    },
)


class ServiceProfileQuerySet(models.QuerySet):
    def placement_sites(self):
        return self.filter(status__in=[SiteStatus.RECOGNISED, SiteStatus.CARRIER])

    def carriers(self):
        return self.filter(status=SiteStatus.CARRIER)


class ServiceProfile(models.Model):
    """An organisation's standing in the volunteer services, one per organisation."""

    organisation = models.OneToOneField(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="volunteer_profile",
        verbose_name=_("organisation"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=SiteStatus.choices,
        default=SiteStatus.INTERESTED,
        db_index=True,
    )
    carrier = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("carrier organisation"),
        help_text=_("The carrier that recognised this placement site."),
    )
    offers_fsj = models.BooleanField(_("FSJ"), default=False)
    offers_bfd = models.BooleanField(_("BFD"), default=False)
    recognised_on = models.DateField(_("recognition date"), null=True, blank=True)
    places = models.PositiveSmallIntegerField(
        _("places"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(500)],
        help_text=_("How many volunteers the site may take at the same time."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ServiceProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer service profile")
        verbose_name_plural = _("volunteer service profiles")
        ordering = ["organisation__name"]
        # Funder reporting: sites recognised in a period.
        indexes = [models.Index(fields=["status", "recognised_on"], name="site_recognised_idx")]

    def __str__(self):
        return f"{self.organisation} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("volunteering:organisation", args=[self.organisation_id])

    @property
    def is_placement_site(self) -> bool:
        return self.status in (SiteStatus.RECOGNISED, SiteStatus.CARRIER)

    @property
    def is_carrier(self) -> bool:
        return self.status == SiteStatus.CARRIER

    @property
    def service_types(self) -> list[str]:
        return [
            t
            for t, on in ((ServiceType.FSJ, self.offers_fsj), (ServiceType.BFD, self.offers_bfd))
            if on
        ]

    def offers(self, service_type: str) -> bool:
        return service_type in self.service_types


class StatusChange(models.Model):
    """History of a profile's status; written by the service, never edited."""

    profile = models.ForeignKey(
        ServiceProfile, on_delete=models.CASCADE, related_name="history", verbose_name=_("profile")
    )
    from_status = models.CharField(_("from"), max_length=20, choices=SiteStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=SiteStatus.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.profile.organisation}: {self.from_status or '-'} → {self.to_status}"


def recognition_upload_to(instance, filename):
    # Random names outside any served directory: the path reveals nothing and cannot be guessed.
    extension = extension_for(instance.content_type)
    return f"volunteering/recognition/{secrets.token_urlsafe(24)}.{extension}"


class RecognitionDocument(models.Model):
    """A document of the recognition (notice, agreement with the carrier), kept privately."""

    profile = models.ForeignKey(
        ServiceProfile,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("profile"),
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=recognition_upload_to, max_length=200)
    original_name = models.CharField(_("original file name"), max_length=200)
    content_type = models.CharField(_("file type"), max_length=60)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("recognition document")
        verbose_name_plural = _("recognition documents")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("volunteering:document_download", args=[self.pk])


class Consultation(models.Model):
    """One advice conversation between the desk and an organisation."""

    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        PHONE = "phone", _("Phone")
        VIDEO = "video", _("Video call")
        EMAIL = "email", _("E-mail")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="volunteer_consultations",
        verbose_name=_("organisation"),
    )
    held_on = models.DateField(_("date"))
    format = models.CharField(
        _("format"), max_length=20, choices=Format.choices, default=Format.IN_PERSON
    )
    topic = models.CharField(_("topic"), max_length=200)
    outcome = models.TextField(_("outcome"), max_length=4000, blank=True)
    next_step = models.CharField(_("next step"), max_length=500, blank=True)
    follow_up_on = models.DateField(_("follow-up date"), null=True, blank=True)
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("consultant"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["held_on"])]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.topic}"


class Contingent(models.Model):
    """How many places a carrier has for one service type in one year."""

    carrier = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="volunteer_contingents",
        verbose_name=_("carrier"),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    service_type = models.CharField(_("service type"), max_length=10, choices=ServiceType.choices)
    places = models.PositiveSmallIntegerField(_("places"), validators=[MaxValueValidator(10000)])
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("contingent")
        verbose_name_plural = _("contingents")
        ordering = ["-year", "carrier__name", "service_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["carrier", "year", "service_type"], name="contingent_unique_per_year"
            ),
        ]

    def __str__(self):
        return f"{self.carrier} {self.get_service_type_display()} {self.year}"


class Volunteer(models.Model):
    """The person doing the service: as little as the desk needs, erased after retention."""

    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    birth_year = models.PositiveSmallIntegerField(
        _("birth year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1920), MaxValueValidator(2100)],
        help_text=_("Optional. Needed only for the BFD part-time rule (27 and older)."),
    )
    # Recorded only with the volunteer's consent; None means "not recorded".
    migration_background = models.BooleanField(_("migration background"), null=True, blank=True)
    migration_background_consent = models.BooleanField(
        _("consent to record the migration background"), default=False
    )
    consent_given_on = models.DateField(_("consent given on"))
    consent_text_version = models.CharField(_("version of the consent text"), max_length=20)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["last_name", "first_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(migration_background__isnull=True)
                | Q(migration_background_consent=True),
                name="volunteer_migration_background_needs_consent",
            ),
        ]

    def __str__(self):
        if self.anonymised_at:
            return str(_("Anonymised volunteer #%(pk)s") % {"pk": self.pk})
        return f"{self.first_name} {self.last_name}".strip() or f"#{self.pk}"


class PlacementStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Active")
    FINISHED = "finished", _("Finished")
    ENDED_EARLY = "ended_early", _("Ended early")
    CANCELLED = "cancelled", _("Cancelled before the start")


# A placement starts or is cancelled before it began; a running one finishes or ends early.
# Closed placements stay closed.
PLACEMENT_FLOW = Workflow(
    PlacementStatus,
    {
        (PlacementStatus.PLANNED, PlacementStatus.ACTIVE): Step(),
        (PlacementStatus.PLANNED, PlacementStatus.CANCELLED): Step(),
        (PlacementStatus.ACTIVE, PlacementStatus.FINISHED): Step(),
        (PlacementStatus.ACTIVE, PlacementStatus.ENDED_EARLY): Step(),
    },
)
# A place in a contingent is used by every placement except one cancelled before it began.
PLACE_USING_STATUSES = [
    PlacementStatus.PLANNED,
    PlacementStatus.ACTIVE,
    PlacementStatus.FINISHED,
    PlacementStatus.ENDED_EARLY,
]
CLOSED_STATUSES = [PlacementStatus.FINISHED, PlacementStatus.ENDED_EARLY, PlacementStatus.CANCELLED]


class Placement(models.Model):
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="placements", verbose_name=_("volunteer")
    )
    site = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="volunteer_placements",
        verbose_name=_("placement site"),
    )
    contingent = models.ForeignKey(
        Contingent,
        on_delete=models.PROTECT,
        related_name="placements",
        verbose_name=_("contingent"),
    )
    service_type = models.CharField(_("service type"), max_length=10, choices=ServiceType.choices)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("planned end"))
    ended_on = models.DateField(_("actual end"), null=True, blank=True)
    weekly_hours = models.DecimalField(
        _("hours per week"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    mentor_name = models.CharField(_("mentor at the site"), max_length=200)
    mentor_email = models.EmailField(_("mentor's e-mail"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=PlacementStatus.choices,
        default=PlacementStatus.PLANNED,
        db_index=True,
    )
    end_reason = models.CharField(_("reason for ending early"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gt=models.F("start_date")), name="placement_end_after_start"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "end_date"]),
            # Each contingent's places in use, counted from the index alone.
            models.Index(fields=["contingent", "status"], name="placement_contingent_idx"),
            # The running placements by end date (the overview's "ending soon"): the first
            # few are read in order, not every placement ending in the weeks ahead sorted.
            models.Index(
                fields=["end_date", "id"],
                condition=Q(status__in=["planned", "active"]),
                name="placement_running_end_idx",
            ),
            # The placements list, newest first: a page reads its rows from the index instead
            # of sorting every placement joined with its volunteer, site and carrier.
            models.Index(fields=["-start_date", "-id"], name="placement_newest_idx"),
        ]

    def __str__(self):
        # No names here: this text lands in the audit trail, which outlives the erasure.
        return _("Placement P-%(pk)s") % {"pk": self.pk}

    def get_absolute_url(self):
        return reverse("volunteering:placement", args=[self.pk])

    @property
    def carrier(self):
        return self.contingent.carrier

    @property
    def effective_end(self):
        return self.ended_on or self.end_date

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES


class Seminar(models.Model):
    """Educational seminar days the carrier runs for its volunteers."""

    title = models.CharField(_("title"), max_length=200)
    carrier = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="volunteer_seminars",
        verbose_name=_("carrier"),
    )
    service_type = models.CharField(
        _("service type"),
        max_length=10,
        choices=ServiceType.choices,
        blank=True,
        help_text=_("Empty: open to volunteers of both services."),
    )
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    days = models.PositiveSmallIntegerField(
        _("seminar days"),
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_("Days that count towards the required seminar days."),
    )
    location = models.CharField(_("place"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("seminar")
        verbose_name_plural = _("seminars")
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="seminar_end_not_before_start",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.start_date:%d.%m.%Y})"

    def get_absolute_url(self):
        return reverse("volunteering:seminar", args=[self.pk])


class SeminarAttendance(models.Model):
    seminar = models.ForeignKey(
        Seminar, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("seminar")
    )
    placement = models.ForeignKey(
        Placement,
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name=_("placement"),
    )
    days_attended = models.PositiveSmallIntegerField(_("days attended"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        verbose_name = _("seminar attendance")
        verbose_name_plural = _("seminar attendance")
        ordering = ["seminar__start_date"]
        constraints = [
            models.UniqueConstraint(fields=["seminar", "placement"], name="attendance_unique"),
        ]

    def __str__(self):
        return f"{self.seminar}: {self.placement} ({self.days_attended})"


class ReminderSent(models.Model):
    """A reminder that went out. The unique row is claimed before the e-mail is queued, in
    the same transaction, so each reminder is sent exactly once and never lost."""

    class Kind(models.TextChoices):
        PLACEMENT_ENDING = "placement_ending", _("Placement ending soon")
        SEMINAR_DAYS_MISSING = "seminar_days_missing", _("Seminar days missing")

    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    placement = models.ForeignKey(
        Placement,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("placement"),
    )
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "placement"], name="volunteering_reminder_once"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.placement}"
