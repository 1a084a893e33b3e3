"""Qualification & coaching: the topic catalogue, workshops with registration and attendance,
feedback, and the consultants' coaching log."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ikmo.content_language import GermanColumns
from ikmo.workflow import Step, Workflow
from organisations.models import Organisation, SpokenLanguage, TranslatedName


class Topic(TranslatedName):
    """One module of the qualification catalogue; workshops and coaching sessions use it."""

    class Meta(TranslatedName.Meta):
        verbose_name = _("topic")
        verbose_name_plural = _("topics")


class WorkshopQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status__in=[Workshop.Status.PUBLISHED, Workshop.Status.CANCELLED])

    def upcoming(self, now=None):
        return self.filter(ends_at__gte=now or timezone.now())

    def held(self, now=None):
        """Workshops that took place: published (not cancelled) and already started."""
        return self.filter(status=Workshop.Status.PUBLISHED, starts_at__lte=now or timezone.now())

    def for_lists(self):
        """Everything a list row shows, in a fixed number of queries."""
        return (
            self.select_related("trainer").prefetch_related("topics", "languages")
        ).with_confirmed_count()

    def with_confirmed_count(self):
        """``confirmed_count`` for ``free_places`` (which counts afresh on every call without
        it): a subquery, so filters on topics or languages can never multiply the count."""
        return self.annotate(
            confirmed_count=Coalesce(
                models.Subquery(
                    Registration.objects.filter(
                        workshop=models.OuterRef("pk"), status=Registration.Status.CONFIRMED
                    )
                    .order_by()
                    .values("workshop")
                    .annotate(n=models.Count("pk"))
                    .values("n")
                ),
                0,
            )
        )


class Workshop(GermanColumns, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), related_name="workshops")
    languages = models.ManyToManyField(
        SpokenLanguage, verbose_name=_("languages"), related_name="workshops"
    )
    venue = models.CharField(
        _("place"),
        max_length=300,
        blank=True,
        help_text=_("Address of the venue. Leave empty for online workshops."),
    )
    online_url = models.URLField(
        _("online link"), blank=True, help_text=_("Video conference link for online workshops.")
    )
    capacity = models.PositiveSmallIntegerField(
        _("places"), validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="workshops_trained",
        verbose_name=_("trainer"),
    )
    registration_deadline = models.DateTimeField(
        _("registration deadline"),
        null=True,
        blank=True,
        help_text=_("Empty means: registration is open until the workshop starts."),
    )
    is_basic = models.BooleanField(
        _("basic workshop"),
        default=False,
        help_text=_("Basic workshops are counted separately for the funders."),
    )
    # Founding initiatives (an organisation registration still waiting for approval) and
    # people without any organisation may register only where this is set.
    open_to_initiatives = models.BooleanField(
        _("open to people without an approved organisation"),
        default=False,
        help_text=_(
            "Initiatives in founding and individuals may register, not only members of "
            "approved organisations."
        ),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    # Copied from the sessions by the services, so lists filter and sort without subqueries.
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True, db_index=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = WorkshopQuerySet.as_manager()

    class Meta:
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        ordering = ["starts_at", "pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("qualification:workshop_detail", args=[self.pk])

    @property
    def is_online(self) -> bool:
        return bool(self.online_url) and not self.venue

    @property
    def effective_deadline(self):
        return self.registration_deadline or self.starts_at

    def registration_open(self, now=None) -> bool:
        now = now or timezone.now()
        deadline = self.effective_deadline
        return self.status == self.Status.PUBLISHED and deadline is not None and now < deadline

    def has_started(self, now=None) -> bool:
        return self.starts_at is not None and self.starts_at <= (now or timezone.now())

    def has_ended(self, now=None) -> bool:
        return self.ends_at is not None and self.ends_at <= (now or timezone.now())

    @property
    def free_places(self) -> int:
        count = getattr(self, "confirmed_count", None)
        if count is None:
            count = self.registrations.filter(status=Registration.Status.CONFIRMED).count()
        return max(self.capacity - count, 0)


# The allowed status changes, in one place. A cancelled workshop stays cancelled: its
# participants were told, and a new workshop is the honest way to offer the date again.
WORKSHOP_FLOW = Workflow(
    Workshop.Status,
    {
        (Workshop.Status.DRAFT, Workshop.Status.PUBLISHED): Step(),
        (Workshop.Status.DRAFT, Workshop.Status.CANCELLED): Step(),
        (Workshop.Status.PUBLISHED, Workshop.Status.CANCELLED): Step(),
    },
)


class WorkshopSession(models.Model):
    """One date of a workshop; a series has several."""

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("workshop")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))

    class Meta:
        verbose_name = _("date")
        verbose_name_plural = _("dates")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
        ]

    def __str__(self):
        local = timezone.localtime(self.starts_at)
        return f"{local:%d.%m.%Y %H:%M}"


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    class TakingPartAs(models.TextChoices):
        """How the person registered; kept as it was, also after an initiative's approval."""

        ORGANISATION = "organisation", _("Member of an organisation")
        INITIATIVE = "initiative", _("Initiative in founding")
        INDIVIDUAL = "individual", _("Individual")

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("workshop")
    )
    participant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="workshop_registrations",
        verbose_name=_("participant"),
    )
    # Empty for individuals; for an initiative, its organisation registration (still pending
    # when the person registered).
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="workshop_registrations",
        verbose_name=_("organisation"),
    )
    taking_part_as = models.CharField(
        _("taking part as"),
        max_length=20,
        choices=TakingPartAs.choices,
        default=TakingPartAs.ORGANISATION,
    )
    # Set when the initiative's organisation was approved: from then on the registration
    # counts as one of the organisation (its reach, timeline and certificates).
    carried_over_at = models.DateTimeField(_("carried over at"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, db_index=True)
    # Order of arrival within the workshop: the waiting list is promoted in this order.
    position = models.PositiveIntegerField(_("position"))
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    promoted_at = models.DateTimeField(_("moved up at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cancelled by"),
    )
    # Sent-markers: claimed with a conditional UPDATE in the same transaction as the e-mail
    # row, so each message goes out exactly once however often the sweeper runs.
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    followup_sent_at = models.DateTimeField(_("follow-up sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["workshop", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "participant"],
                condition=~Q(status="cancelled"),
                name="registration_one_active_per_participant",
            ),
            models.UniqueConstraint(
                fields=["workshop", "position"], name="registration_position_unique"
            ),
            # Individuals have no organisation; everyone else has one.
            models.CheckConstraint(
                condition=(Q(taking_part_as="individual") & Q(organisation__isnull=True))
                | (~Q(taking_part_as="individual") & Q(organisation__isnull=False)),
                name="registration_organisation_unless_individual",
            ),
        ]
        indexes = [models.Index(fields=["workshop", "status", "position"])]

    # Registrations that count for their organisation: made as its member, or made for an
    # initiative that has since been approved (carried over).
    FOR_ORGANISATION = Q(taking_part_as="organisation") | Q(carried_over_at__isnull=False)

    def __str__(self):
        return f"{self.participant} – {self.workshop}"

    @property
    def is_individual(self) -> bool:
        return self.taking_part_as == self.TakingPartAs.INDIVIDUAL

    @property
    def is_open_initiative(self) -> bool:
        """For an initiative whose organisation is not approved (yet)."""
        return self.taking_part_as == self.TakingPartAs.INITIATIVE and self.carried_over_at is None

    @property
    def taking_part_label(self) -> str:
        """Who the person takes part for, as lists, exports and the certificate show it."""
        if self.is_individual:
            return str(_("Individual"))
        if self.is_open_initiative:
            return str(_("%(name)s (initiative in founding)") % {"name": self.organisation.name})
        return self.organisation.name

    @property
    def is_active(self) -> bool:
        return self.status != self.Status.CANCELLED


# Waiting → place (moved up) or cancelled; place → cancelled. Nothing leaves "cancelled":
# registering again creates a new registration at the end of the line.
REGISTRATION_FLOW = Workflow(
    Registration.Status,
    {
        (Registration.Status.WAITLISTED, Registration.Status.CONFIRMED): Step(),
        (Registration.Status.WAITLISTED, Registration.Status.CANCELLED): Step(),
        (Registration.Status.CONFIRMED, Registration.Status.CANCELLED): Step(),
    },
)


class Feedback(models.Model):
    registration = models.OneToOneField(
        Registration,
        on_delete=models.CASCADE,
        related_name="feedback",
        verbose_name=_("registration"),
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("given at"), auto_now_add=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_to_5"
            ),
        ]

    def __str__(self):
        return f"{self.registration}: {self.rating}"


class CoachingCase(models.Model):
    """An organisation in coaching. While active, long gaps between sessions nudge the consultant."""

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="coaching_case",
        verbose_name=_("organisation"),
    )
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="coaching_cases",
        verbose_name=_("responsible consultant"),
    )
    is_active = models.BooleanField(_("in active coaching"), default=True, db_index=True)
    started_on = models.DateField(_("started on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("coaching case")
        verbose_name_plural = _("coaching cases")
        ordering = ["organisation__name"]

    def __str__(self):
        return str(self.organisation)


class CoachingSession(models.Model):
    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        PHONE = "phone", _("Phone")
        VIDEO = "video", _("Video call")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="coaching_sessions",
        verbose_name=_("organisation"),
    )
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="coaching_sessions",
        verbose_name=_("consultant"),
    )
    date = models.DateField(_("date"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(5), MaxValueValidator(1440)]
    )
    format = models.CharField(_("format"), max_length=20, choices=Format.choices)
    topics = models.ManyToManyField(
        Topic, verbose_name=_("topics"), related_name="coaching_sessions", blank=True
    )
    participants = models.CharField(
        _("participants"),
        max_length=500,
        blank=True,
        help_text=_("Who took part from the organisation (names or roles)."),
    )
    participant_count = models.PositiveSmallIntegerField(
        _("number of participants"), default=1, validators=[MaxValueValidator(500)]
    )
    outcome = models.TextField(_("outcome"), max_length=4000, blank=True)
    next_step = models.CharField(_("next step"), max_length=500, blank=True)
    follow_up_date = models.DateField(_("follow-up date"), null=True, blank=True, db_index=True)
    confidential_notes = models.TextField(
        _("confidential notes"),
        max_length=4000,
        blank=True,
        help_text=_("Only consultants and project leads see these notes, never the organisation."),
    )
    follow_up_reminded_at = models.DateTimeField(
        _("follow-up reminder sent at"), null=True, blank=True
    )
    # Set when the consultant marks the follow-up as done: it leaves the follow-up list and
    # no reminder is sent for it. A new follow-up date clears it (services).
    follow_up_done_at = models.DateTimeField(_("follow-up done at"), null=True, blank=True)
    # A later session with the organisation exists, so this one's follow-up was taken care
    # of. Kept by the services (`coaching_superseded_refresh`) for the sessions of the
    # organisations whose sessions they write, so the follow-up lists and reminders read a
    # flag instead of searching for a later session row by row.
    superseded = models.BooleanField(
        _("followed by a later session"), default=False, editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("coaching session")
        verbose_name_plural = _("coaching sessions")
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "date"]),
            # By date (the log, funder reporting's period): the organisation and duration
            # ride along, so a period's sessions, hours and organisations are counted from
            # the index alone (PostgreSQL; elsewhere the index on date).
            models.Index(
                fields=["date", "organisation"],
                include=["duration_minutes"],
                name="coaching_session_date_idx",
            ),
            # A consultant's open follow-ups by due date (their home page and coaching log):
            # only the open ones (not done, not followed by a later session) are in it, so
            # the list reads a few rows, not every session.
            models.Index(
                fields=["consultant", "follow_up_date"],
                condition=models.Q(
                    follow_up_date__isnull=False,
                    follow_up_done_at__isnull=True,
                    superseded=False,
                ),
                name="coaching_open_follow_up_idx",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} – {self.date:%d.%m.%Y}"

    def get_absolute_url(self):
        return reverse("qualification:coaching_detail", args=[self.pk])


class CoachingNudge(models.Model):
    """One nudge per gap: the gap is identified by the date of the last session before it."""

    case = models.ForeignKey(
        CoachingCase, on_delete=models.CASCADE, related_name="nudges", verbose_name=_("case")
    )
    last_session_date = models.DateField(_("last session"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("coaching nudge")
        verbose_name_plural = _("coaching nudges")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "last_session_date"], name="coaching_nudge_once_per_gap"
            ),
        ]

    def __str__(self):
        return f"{self.case} ({self.last_session_date})"
