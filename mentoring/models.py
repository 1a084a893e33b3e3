"""Networking & mentoring: partner brokering, expert rounds / network events, tandems."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ikmo.content_language import GermanColumns
from ikmo.workflow import Step, Workflow
from organisations.models import MO_KINDS, District, FieldOfWork, Organisation, SpokenLanguage

PARTNER_KINDS = [Organisation.Kind.PUBLIC_ADMINISTRATION, Organisation.Kind.SOCIAL_SERVICE]


# Partner brokering ---------------------------------------------------------------------------


class CooperationContact(models.Model):
    """A cooperation the centre brokered between an MO and an administration or service."""

    class Status(models.TextChoices):
        CONTACT_MADE = "contact_made", _("Contact made")
        MEETING_HELD = "meeting_held", _("Meeting held")
        JOINT_INITIATIVE = "joint_initiative", _("Joint initiative")
        ONGOING = "ongoing", _("Ongoing cooperation")
        ENDED = "ended", _("Ended")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="cooperation_contacts",
        verbose_name=_("organisation"),
        limit_choices_to={"kind__in": MO_KINDS},
    )
    partner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="partner_contacts",
        verbose_name=_("partner"),
        limit_choices_to={"kind__in": PARTNER_KINDS},
        help_text=_("A district office, senate department or social service provider."),
    )
    field_of_work = models.ForeignKey(
        FieldOfWork, on_delete=models.PROTECT, related_name="+", verbose_name=_("field of work")
    )
    contact_person = models.CharField(
        _("contact person at the partner"),
        max_length=200,
        blank=True,
        help_text=_("Name and function, e.g. 'Ms Example, youth welfare office'."),
    )
    contact_date = models.DateField(_("date of first contact"))
    outcome = models.TextField(_("what came of it"), max_length=4000, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.CONTACT_MADE,
        db_index=True,
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("cooperation contact")
        verbose_name_plural = _("cooperation contacts")
        ordering = ["-contact_date", "-pk"]
        indexes = [
            models.Index(fields=["partner", "status"]),
            models.Index(fields=["contact_date"], name="cooperation_contact_date_idx"),
        ]

    def __str__(self):
        return f"{self.organisation} – {self.partner}"

    def get_absolute_url(self):
        return reverse("mentoring:contact_detail", args=[self.pk])


_C = CooperationContact.Status
# A cooperation moves forward step by step (steps may be skipped) and can end at any time.
CONTACT_FLOW = Workflow(
    CooperationContact.Status,
    {
        (_C.CONTACT_MADE, _C.MEETING_HELD): Step(),
        (_C.CONTACT_MADE, _C.JOINT_INITIATIVE): Step(),
        (_C.CONTACT_MADE, _C.ONGOING): Step(),
        (_C.CONTACT_MADE, _C.ENDED): Step(),
        (_C.MEETING_HELD, _C.JOINT_INITIATIVE): Step(),
        (_C.MEETING_HELD, _C.ONGOING): Step(),
        (_C.MEETING_HELD, _C.ENDED): Step(),
        (_C.JOINT_INITIATIVE, _C.ONGOING): Step(),
        (_C.JOINT_INITIATIVE, _C.ENDED): Step(),
        (_C.ONGOING, _C.ENDED): Step(),
    },
)


class CooperationStatusChange(models.Model):
    """The history of a cooperation: every status it went through, with a note."""

    contact = models.ForeignKey(
        CooperationContact,
        on_delete=models.CASCADE,
        related_name="history",
        verbose_name=_("cooperation contact"),
    )
    from_status = models.CharField(
        _("from"), max_length=20, choices=CooperationContact.Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=CooperationContact.Status.choices)
    note = models.CharField(_("note"), max_length=1000, blank=True)
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
        verbose_name = _("cooperation status change")
        verbose_name_plural = _("cooperation status changes")
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.contact}: {self.from_status or '–'} → {self.to_status}"


# Expert rounds and network events ----------------------------------------------------------


class Event(GermanColumns, models.Model):
    """A thematic expert round ("Fachrunde") or a network event the centre organises."""

    class Kind(models.TextChoices):
        EXPERT_ROUND = "expert_round", _("Expert round")
        NETWORK_EVENT = "network_event", _("Network event")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("topic"), max_length=200)
    field_of_work = models.ForeignKey(
        FieldOfWork,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("field of work"),
    )
    description = models.TextField(_("description"), max_length=4000, blank=True)
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=300)
    invited_organisations = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="mentoring_invitations",
        verbose_name=_("invited organisations"),
    )
    is_open = models.BooleanField(
        _("open to all organisations"),
        default=False,
        help_text=_("If not ticked, only members of invited organisations see and register."),
    )
    capacity = models.PositiveSmallIntegerField(
        _("places"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    is_public = models.BooleanField(
        _("public event"),
        default=False,
        help_text=_(
            "Shown on the public events page; guests without an account can register. "
            "Guest lists are never public."
        ),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED, db_index=True
    )
    minutes = models.TextField(_("minutes and outcome"), max_length=20000, blank=True)
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

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=models.F("starts_at")),
                name="mentoring_event_ends_after_start",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("mentoring:event_detail", args=[self.pk])


class EventRegistration(models.Model):
    """A person of an organisation says they will come."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("event")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mentoring_registrations",
        verbose_name=_("person"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="mentoring_registrations",
        verbose_name=_("organisation"),
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("event registration")
        verbose_name_plural = _("event registrations")
        ordering = ["organisation__name", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], name="mentoring_registration_once")
        ]

    def __str__(self):
        return f"{self.person} ({self.organisation}) – {self.event}"


class EventAttendance(models.Model):
    """Who was there, per person and organisation. Counts as reach for both sides."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("event")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="mentoring_attendances",
        verbose_name=_("organisation"),
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mentoring_attendances",
        verbose_name=_("person with an account"),
    )
    name = models.CharField(
        _("name"),
        max_length=200,
        blank=True,
        help_text=_("For people without an account in the portal."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["organisation__name", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "person"],
                condition=Q(person__isnull=False),
                name="mentoring_attendance_person_once",
            ),
            models.CheckConstraint(
                condition=Q(person__isnull=False) | ~Q(name=""),
                name="mentoring_attendance_has_someone",
            ),
        ]

    def __str__(self):
        return f"{self.display_name} ({self.organisation})"

    @property
    def display_name(self) -> str:
        return str(self.person) if self.person_id else self.name


class EventSpeaker(models.Model):
    """Someone who speaks at an event, with only what they agreed to have published."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="speakers", verbose_name=_("event")
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(
        _("role or organisation"),
        max_length=300,
        blank=True,
        help_text=_("As the person agreed to have it shown in the programme."),
    )
    publish = models.BooleanField(
        _("agreed to be named in the public programme"),
        default=False,
        help_text=_("Without this agreement, the name appears only to the team."),
    )

    class Meta:
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name


class EventAgendaItem(models.Model):
    """One item of an event's programme."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="agenda_items", verbose_name=_("event")
    )
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("until"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=300)
    speakers = models.ManyToManyField(
        EventSpeaker, blank=True, related_name="agenda_items", verbose_name=_("speakers")
    )

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["starts_at", "pk"]

    def __str__(self):
        return f"{self.starts_at:%H:%M} {self.title}"


class EventInfoStand(models.Model):
    """An information stand of an organisation at an event (a Fachtag's market place)."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="info_stands", verbose_name=_("event")
    )
    organisation_name = models.CharField(_("organisation"), max_length=300)
    topic = models.CharField(_("topic"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("info stand")
        verbose_name_plural = _("info stands")
        ordering = ["organisation_name", "pk"]

    def __str__(self):
        return self.organisation_name


class EventGuest(models.Model):
    """A guest without an account registered for a public event.

    The guest's place is ``registered`` or, when the event is full, ``waiting``; a cancelled
    registration stays as a row (the e-mail may register again). Attendance of a guest is
    recorded here, once, with who recorded it.
    """

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITING = "waiting", _("Waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="guests", verbose_name=_("event")
    )
    name = models.CharField(_("name"), max_length=200)
    organisation_name = models.CharField(_("organisation"), max_length=300, blank=True)
    email = models.EmailField(_("e-mail"), max_length=254)
    accessibility_needs = models.TextField(_("accessibility needs"), max_length=1000, blank=True)
    language = models.CharField(_("language"), max_length=10, default="de")
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED
    )
    consent_version = models.CharField(_("consent text version"), max_length=40)
    consented_at = models.DateTimeField(_("consent given at"))
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    moved_up_at = models.DateTimeField(
        _("moved up from the waiting list at"), null=True, blank=True
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    attended_at = models.DateTimeField(_("attendance recorded at"), null=True, blank=True)
    attendance_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("attendance recorded by"),
    )

    class Meta:
        verbose_name = _("guest")
        verbose_name_plural = _("guests")
        ordering = ["created_at", "pk"]
        constraints = [
            # One live registration per address and event: the database decides, so a double
            # click or two tabs cannot create a second one.
            models.UniqueConstraint(
                "event",
                Lower("email"),
                condition=Q(status__in=["registered", "waiting"]),
                name="mentoring_guest_once_per_event",
            ),
            models.CheckConstraint(
                condition=Q(attended_at__isnull=True) | Q(status="registered"),
                name="mentoring_guest_attended_is_registered",
            ),
        ]
        indexes = [models.Index(fields=["event", "status"], name="mentoring_guest_status_idx")]

    def __str__(self):
        return f"{self.name} – {self.event}"


class EventTable(models.Model):
    """A World Café table or small group at an event and what it came up with."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="tables", verbose_name=_("event")
    )
    topic = models.CharField(_("topic"), max_length=300)
    host = models.CharField(_("host"), max_length=200, blank=True)
    summary = models.TextField(_("summary of results"), max_length=10000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("World Café table")
        verbose_name_plural = _("World Café tables")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.topic


class FollowUpTask(models.Model):
    """Something agreed at an event that someone has to do."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("event")
    )
    title = models.CharField(_("task"), max_length=300)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mentoring_tasks",
        verbose_name=_("assigned to"),
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up task")
        verbose_name_plural = _("follow-up tasks")
        ordering = [models.F("done_at").asc(nulls_first=True), "due_on", "pk"]

    def __str__(self):
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


# Mentoring tandems ---------------------------------------------------------------------------


class MentorOffer(models.Model):
    """An established organisation offers to mentor a start-up. One offer per organisation."""

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="mentor_offer",
        verbose_name=_("organisation"),
    )
    fields_of_work = models.ManyToManyField(
        FieldOfWork, related_name="+", verbose_name=_("fields of work we can advise on")
    )
    topics = models.ManyToManyField(
        "qualification.Topic",
        blank=True,
        related_name="+",
        verbose_name=_("topics we have experience with"),
    )
    languages = models.ManyToManyField(
        SpokenLanguage, related_name="+", verbose_name=_("languages we can mentor in")
    )
    capacity = models.PositiveSmallIntegerField(
        _("tandems at the same time"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    description = models.TextField(_("what we can offer"), max_length=3000, blank=True)
    is_active = models.BooleanField(
        _("open for new tandems"), default=True, help_text=_("Untick to pause the offer.")
    )
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

    class Meta:
        verbose_name = _("mentoring offer")
        verbose_name_plural = _("mentoring offers")
        ordering = ["organisation__name"]

    def __str__(self):
        return str(self.organisation)


class MentorRequest(models.Model):
    """A start-up organisation asks for a mentor and says what it needs."""

    class Status(models.TextChoices):
        OPEN = "open", _("Looking for a mentor")
        MATCHED = "matched", _("Tandem proposed or running")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="mentor_requests",
        verbose_name=_("organisation"),
    )
    fields_of_work = models.ManyToManyField(
        FieldOfWork, related_name="+", verbose_name=_("fields of work")
    )
    topics = models.ManyToManyField(
        "qualification.Topic",
        blank=True,
        related_name="+",
        verbose_name=_("topics we need help with"),
    )
    languages = models.ManyToManyField(
        SpokenLanguage, related_name="+", verbose_name=_("languages we can talk in")
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district"),
        help_text=_("Where a mentor nearby would help most."),
    )
    needs = models.TextField(_("what we need"), max_length=3000)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True
    )
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

    class Meta:
        verbose_name = _("mentoring request")
        verbose_name_plural = _("mentoring requests")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(status="open"),
                name="mentoring_one_open_request",
            )
        ]

    def __str__(self):
        return str(self.organisation)

    def get_absolute_url(self):
        return reverse("mentoring:match", args=[self.pk])


class Tandem(models.Model):
    """An established organisation mentors a start-up, confirmed by a lead, accepted by both."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        ENDED_EARLY = "ended_early", _("Ended early")
        DECLINED = "declined", _("Declined")

    mentor = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="tandems_as_mentor",
        verbose_name=_("mentor organisation"),
    )
    mentee = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="tandems_as_mentee",
        verbose_name=_("mentee organisation"),
    )
    request = models.ForeignKey(
        MentorRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tandems",
        verbose_name=_("mentoring request"),
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="mentoring_tandems_led",
        verbose_name=_("confirmed by"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED, db_index=True
    )
    match_score = models.SmallIntegerField(_("match score"), default=0)
    goals = models.TextField(_("goals"), max_length=4000, blank=True)
    starts_on = models.DateField(_("start"), null=True, blank=True)
    planned_end_on = models.DateField(_("planned end"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_note = models.TextField(_("why it ended"), max_length=2000, blank=True)
    mentor_accepted_at = models.DateTimeField(_("mentor accepted at"), null=True, blank=True)
    mentor_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("mentor accepted by"),
    )
    mentee_accepted_at = models.DateTimeField(_("mentee accepted at"), null=True, blank=True)
    mentee_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("mentee accepted by"),
    )
    activated_at = models.DateTimeField(_("active since"), null=True, blank=True)
    created_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("tandem")
        verbose_name_plural = _("tandems")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(mentor=models.F("mentee")), name="mentoring_tandem_two_orgs"
            ),
            models.UniqueConstraint(
                fields=["mentor", "mentee"],
                condition=Q(status__in=["proposed", "active"]),
                name="mentoring_tandem_one_running_per_pair",
            ),
        ]
        # The tandem list, newest first, a page at a time without sorting them all.
        indexes = [models.Index(fields=["-created_at", "-id"], name="tandem_newest_idx")]

    def __str__(self):
        return f"{self.mentor} → {self.mentee}"

    def get_absolute_url(self):
        return reverse("mentoring:tandem_detail", args=[self.pk])

    def has_accepted(self, organisation) -> bool:
        if organisation.pk == self.mentor_id:
            return self.mentor_accepted_at is not None
        if organisation.pk == self.mentee_id:
            return self.mentee_accepted_at is not None
        return False

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.COMPLETED, self.Status.ENDED_EARLY)


_T = Tandem.Status
# Proposed → active once both sides accepted, or declined by one; active → completed or
# ended early (with a reason). Finished tandems stay finished; a new pair is a new tandem.
TANDEM_FLOW = Workflow(
    Tandem.Status,
    {
        (_T.PROPOSED, _T.ACTIVE): Step(),
        (_T.PROPOSED, _T.DECLINED): Step(),
        (_T.ACTIVE, _T.COMPLETED): Step(),
        (_T.ACTIVE, _T.ENDED_EARLY): Step(note_required=True),
    },
)


class TandemMeeting(models.Model):
    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")
        PHONE = "phone", _("Phone")

    tandem = models.ForeignKey(
        Tandem, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("tandem")
    )
    met_on = models.DateField(_("date"), db_index=True)
    format = models.CharField(
        _("format"), max_length=20, choices=Format.choices, default=Format.IN_PERSON
    )
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(5), MaxValueValidator(24 * 60)],
    )
    summary = models.TextField(_("what we worked on"), max_length=4000)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("logged by"),
    )
    logged_for = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("logged for"),
    )
    created_at = models.DateTimeField(_("logged at"), auto_now_add=True)

    class Meta:
        verbose_name = _("tandem meeting")
        verbose_name_plural = _("tandem meetings")
        ordering = ["-met_on", "-pk"]

    def __str__(self):
        return f"{self.tandem} {self.met_on}"


class TandemEvaluation(models.Model):
    """Each side looks back when the tandem ends."""

    class GoalsReached(models.TextChoices):
        YES = "yes", _("Yes")
        PARTLY = "partly", _("Partly")
        NO = "no", _("No")

    tandem = models.ForeignKey(
        Tandem, on_delete=models.CASCADE, related_name="evaluations", verbose_name=_("tandem")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    goals_reached = models.CharField(
        _("were the goals reached?"), max_length=10, choices=GoalsReached.choices
    )
    rating = models.PositiveSmallIntegerField(
        _("how helpful was the tandem? (1–5)"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    comment = models.TextField(_("what worked, what did not?"), max_length=4000, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("tandem evaluation")
        verbose_name_plural = _("tandem evaluations")
        ordering = ["tandem", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["tandem", "organisation"], name="mentoring_evaluation_once_per_side"
            )
        ]

    def __str__(self):
        return f"{self.tandem}: {self.organisation}"


class TandemNudge(models.Model):
    """Marker that the "no meeting for a while" reminder went out for this gap.

    A gap is identified by the date of the last meeting (or the start, if none yet); the
    unique constraint makes the claim atomic, so each gap is reminded exactly once.
    """

    tandem = models.ForeignKey(
        Tandem, on_delete=models.CASCADE, related_name="nudges", verbose_name=_("tandem")
    )
    gap_since = models.DateField(_("no meeting since"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("tandem reminder")
        verbose_name_plural = _("tandem reminders")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["tandem", "gap_since"], name="mentoring_nudge_once")
        ]

    def __str__(self):
        return f"{self.tandem} ({self.gap_since})"
