"""The participation check ("Teilhabecheck"): social-space analyses of how open municipal
participation structures are to migrants and their organisations.

An analysis covers one social space in a district. Its team inventories the participation
structures there and rates their openness, interviews migrant organisations about needs and
barriers, meets administration and providers, and writes recommendations that are followed up
and published as a report.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ikmo.workflow import Step, Workflow
from organisations.models import District, Organisation, SpokenLanguage


class AnalysisQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Analysis.Status.PUBLISHED)

    def in_progress(self):
        return self.exclude(status=Analysis.Status.PUBLISHED)


class Analysis(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        INVENTORY = "inventory", _("Inventory")
        INTERVIEWS = "interviews", _("Interviews")
        EXCHANGE = "exchange", _("Exchange with administration")
        RECOMMENDATIONS = "recommendations", _("Recommendations")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=200)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, verbose_name=_("district"), related_name="+"
    )
    social_space = models.CharField(
        _("social space"),
        max_length=120,
        help_text=_("The named area within the district, e.g. a planning area or neighbourhood."),
    )
    period_start = models.DateField(_("start of the period"))
    period_end = models.DateField(_("end of the period"))
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("team"),
        related_name="participation_analyses",
        blank=True,
        help_text=_("Only the team, the project lead and admins can read interview contents."),
    )
    summary = models.TextField(
        _("summary"), blank=True, max_length=8000, help_text=_("Shown in the published report.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED, db_index=True
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
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

    objects = AnalysisQuerySet.as_manager()

    class Meta:
        verbose_name = _("social-space analysis")
        verbose_name_plural = _("social-space analyses")
        ordering = ["-period_start", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="pc_analysis_period_order",
                violation_error_message=_("The period cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("participation_check:analysis_detail", args=[self.pk])

    @property
    def space_label(self) -> str:
        return f"{self.social_space} ({self.district})"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


# Analysis workflow: steps forward in order, one step back to correct a mistake; a published
# report can be withdrawn into the recommendations stage. Who may take a step at all is
# `permissions.can_manage_analysis`; the services enforce this table.
_A = Analysis.Status
ANALYSIS_FLOW = Workflow(
    Analysis.Status,
    {
        (_A.PLANNED, _A.INVENTORY): Step(),
        (_A.INVENTORY, _A.INTERVIEWS): Step(),
        (_A.INVENTORY, _A.PLANNED): Step(),
        (_A.INTERVIEWS, _A.EXCHANGE): Step(),
        (_A.INTERVIEWS, _A.INVENTORY): Step(),
        (_A.EXCHANGE, _A.RECOMMENDATIONS): Step(),
        (_A.EXCHANGE, _A.INTERVIEWS): Step(),
        (_A.RECOMMENDATIONS, _A.PUBLISHED): Step(),
        (_A.RECOMMENDATIONS, _A.EXCHANGE): Step(),
        (_A.PUBLISHED, _A.RECOMMENDATIONS): Step(),
    },
)


class AnalysisStatusChange(models.Model):
    """The history of an analysis: one row per transition, written by the service."""

    analysis = models.ForeignKey(
        Analysis,
        on_delete=models.CASCADE,
        related_name="status_changes",
        verbose_name=_("analysis"),
    )
    from_status = models.CharField(_("from"), max_length=20, choices=Analysis.Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Analysis.Status.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("analysis status change")
        verbose_name_plural = _("analysis status changes")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.analysis}: {self.from_status} → {self.to_status}"


# Inventory -----------------------------------------------------------------------------------


class ParticipationStructure(models.Model):
    class Type(models.TextChoices):
        ADVISORY_COUNCIL = "advisory_council", _("Advisory council")
        INTEGRATION_COUNCIL = "integration_council", _("Integration / migration council")
        NEIGHBOURHOOD_MANAGEMENT = "neighbourhood_management", _("Neighbourhood management")
        DISTRICT_COMMITTEE = "district_committee", _("District committee")
        PARENTS_COUNCIL = "parents_council", _("Parents' council")
        YOUTH_BODY = "youth_body", _("Youth body")
        SENIOR_BODY = "senior_body", _("Senior citizens' body")
        WELFARE_NETWORK = "welfare_network", _("Welfare network")
        OTHER = "other", _("Other")

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("Weekly")
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        TWICE_A_YEAR = "twice_a_year", _("Twice a year")
        YEARLY = "yearly", _("Yearly")
        IRREGULAR = "irregular", _("Irregular / as needed")

    analysis = models.ForeignKey(
        Analysis, on_delete=models.CASCADE, related_name="structures", verbose_name=_("analysis")
    )
    name = models.CharField(_("name"), max_length=200)
    type = models.CharField(_("type"), max_length=30, choices=Type.choices)
    responsible_body = models.CharField(
        _("responsible body"),
        max_length=200,
        help_text=_("Who runs or convenes it, e.g. the district office's integration unit."),
    )
    how_to_join = models.TextField(_("how to join"), max_length=2000, blank=True)
    meeting_frequency = models.CharField(
        _("meeting frequency"), max_length=20, choices=Frequency.choices, blank=True
    )
    languages = models.ManyToManyField(
        SpokenLanguage,
        verbose_name=_("working languages"),
        blank=True,
        related_name="+",
    )
    has_mo_members = models.BooleanField(
        _("migrant organisations are members"),
        default=False,
    )
    mo_members = models.ManyToManyField(
        Organisation,
        verbose_name=_("member organisations from the registry"),
        blank=True,
        related_name="participation_structures",
    )
    notes = models.TextField(_("notes"), blank=True, max_length=4000)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("participation structure")
        verbose_name_plural = _("participation structures")
        ordering = ["type", "name"]

    def __str__(self):
        return self.name


class OpennessCriterion(models.TextChoices):
    """What makes a participation structure open to migrants and their organisations."""

    MULTILINGUAL_INFORMATION = "multilingual_information", _("Information in several languages")
    OPEN_TO_NON_CITIZENS = "open_to_non_citizens", _("Open to people without German citizenship")
    MO_SEATS = "mo_seats", _("Seats or a voice for migrant organisations")
    MEETING_TIMES = "meeting_times", _("Meeting times suit volunteers (evenings, weekends)")
    ACCESSIBILITY = "accessibility", _("Accessible venue and materials")
    PUBLIC_INVITATIONS = "public_invitations", _("Meetings and how to join are publicly announced")


class OpennessRating(models.Model):
    """One criterion's score for one structure, with the evidence it rests on."""

    class Score(models.IntegerChoices):
        NO = 0, _("Not met")
        PARTLY = 1, _("Partly met")
        YES = 2, _("Fully met")

    MAX_SCORE = 2

    structure = models.ForeignKey(
        ParticipationStructure,
        on_delete=models.CASCADE,
        related_name="ratings",
        verbose_name=_("structure"),
    )
    criterion = models.CharField(_("criterion"), max_length=40, choices=OpennessCriterion.choices)
    score = models.PositiveSmallIntegerField(
        _("score"), choices=Score.choices, validators=[MaxValueValidator(2)]
    )
    evidence = models.TextField(
        _("evidence"),
        max_length=2000,
        blank=True,
        help_text=_("What the rating rests on: a statute, a website, an observation."),
    )

    class Meta:
        verbose_name = _("openness rating")
        verbose_name_plural = _("openness ratings")
        ordering = ["structure", "criterion"]
        constraints = [
            models.UniqueConstraint(fields=["structure", "criterion"], name="pc_rating_unique"),
            models.CheckConstraint(
                condition=Q(score__lte=2),
                name="pc_rating_score_range",
                violation_error_message=_("A score is 0, 1 or 2."),
            ),
        ]

    def __str__(self):
        return f"{self.structure}: {self.get_criterion_display()} = {self.score}"


# Interviews ----------------------------------------------------------------------------------


class GuidelineQuestion(models.Model):
    """The interview guideline of an analysis, as ordered data."""

    analysis = models.ForeignKey(
        Analysis, on_delete=models.CASCADE, related_name="questions", verbose_name=_("analysis")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.CharField(_("question"), max_length=500)
    help_text = models.CharField(_("hint for the interviewer"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("guideline question")
        verbose_name_plural = _("guideline questions")
        ordering = ["analysis", "position", "pk"]

    def __str__(self):
        return self.text


class NeedCategory(models.TextChoices):
    LANGUAGE = "language", _("Language")
    INFORMATION = "information", _("Information and access to it")
    TIME = "time", _("Time and meeting times")
    RESOURCES = "resources", _("Money, rooms and resources")
    FORMAL_REQUIREMENTS = "formal_requirements", _("Formal requirements and bureaucracy")
    RECOGNITION = "recognition", _("Recognition and being taken seriously")
    DISCRIMINATION = "discrimination", _("Discrimination and racism")
    LEGAL_STATUS = "legal_status", _("Residence or citizenship status")
    CONTACTS = "contacts", _("Contacts and networks")
    QUALIFICATION = "qualification", _("Knowledge and qualification")
    OTHER = "other", _("Other")


class Interview(models.Model):
    """A needs-and-possibilities talk with a migrant organisation.

    Its contents are personal data. Without recorded consent only the appointment itself
    (organisation, date) may be stored; the database refuses contents without consent.
    """

    class ConsentForm(models.TextChoices):
        WRITTEN = "written", _("Written (signed form)")
        ORAL = "oral", _("Oral, documented by the interviewer")

    analysis = models.ForeignKey(
        Analysis, on_delete=models.CASCADE, related_name="interviews", verbose_name=_("analysis")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="participation_interviews",
        verbose_name=_("organisation"),
    )
    date = models.DateField(_("date"))
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("interviewer"),
    )
    interviewee = models.CharField(
        _("interviewee"),
        max_length=200,
        blank=True,
        help_text=_("Name or role of the person interviewed, e.g. 'chair of the board'."),
    )
    consent_given = models.BooleanField(_("consent given"), default=False)
    consent_form = models.CharField(
        _("form of consent"), max_length=20, choices=ConsentForm.choices, blank=True
    )
    consent_date = models.DateField(_("consent given on"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True, max_length=8000)
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
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")
        ordering = ["-date", "-pk"]
        # Funder reporting counts the interviews with consent in a period.
        indexes = [
            models.Index(
                fields=["date"],
                condition=Q(consent_given=True),
                name="pc_interview_consent_date_idx",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(consent_given=True) | (Q(summary="") & Q(interviewee="")),
                name="pc_interview_contents_need_consent",
                violation_error_message=_(
                    "Without the interviewee's consent no interview contents may be saved."
                ),
            ),
            models.CheckConstraint(
                condition=Q(consent_given=False)
                | (Q(consent_date__isnull=False) & ~Q(consent_form="")),
                name="pc_interview_consent_documented",
                violation_error_message=_("Record how and when consent was given."),
            ),
        ]

    def __str__(self):
        return f"{self.organisation} ({self.date:%Y-%m-%d})"

    def get_absolute_url(self):
        return reverse("participation_check:interview_detail", args=[self.pk])


class InterviewAnswer(models.Model):
    interview = models.ForeignKey(
        Interview, on_delete=models.CASCADE, related_name="answers", verbose_name=_("interview")
    )
    question = models.ForeignKey(
        GuidelineQuestion,
        on_delete=models.CASCADE,
        related_name="answers",
        verbose_name=_("question"),
    )
    text = models.TextField(_("answer"), max_length=8000)

    class Meta:
        verbose_name = _("interview answer")
        verbose_name_plural = _("interview answers")
        ordering = ["question__position", "question_id"]
        constraints = [
            models.UniqueConstraint(fields=["interview", "question"], name="pc_answer_unique"),
        ]

    def __str__(self):
        return f"{self.interview}: {self.question}"


class InterviewTag(models.Model):
    """A need or a barrier the interview brought up, tagged by category."""

    class Kind(models.TextChoices):
        NEED = "need", _("Need")
        BARRIER = "barrier", _("Barrier")

    interview = models.ForeignKey(
        Interview, on_delete=models.CASCADE, related_name="tags", verbose_name=_("interview")
    )
    kind = models.CharField(_("need or barrier"), max_length=10, choices=Kind.choices)
    category = models.CharField(_("category"), max_length=30, choices=NeedCategory.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("need or barrier")
        verbose_name_plural = _("needs and barriers")
        ordering = ["kind", "category", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.get_category_display()}"


# Exchange ------------------------------------------------------------------------------------


class ExchangeMeeting(models.Model):
    """A meeting with administration and established providers about the findings."""

    analysis = models.ForeignKey(
        Analysis, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("analysis")
    )
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    location = models.CharField(_("place"), max_length=200, blank=True)
    participants = models.ManyToManyField(
        Organisation,
        verbose_name=_("participating organisations"),
        related_name="participation_meetings",
        blank=True,
    )
    notes = models.TextField(_("notes"), blank=True, max_length=8000)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("exchange meeting")
        verbose_name_plural = _("exchange meetings")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return self.title


# Recommendations -----------------------------------------------------------------------------


class Recommendation(models.Model):
    class Priority(models.IntegerChoices):
        HIGH = 1, _("High")
        MEDIUM = 2, _("Medium")
        LOW = 3, _("Low")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACCEPTED = "accepted", _("Accepted")
        IN_PROGRESS = "in_progress", _("In progress")
        IMPLEMENTED = "implemented", _("Implemented")
        REJECTED = "rejected", _("Rejected")

    analysis = models.ForeignKey(
        Analysis,
        on_delete=models.CASCADE,
        related_name="recommendations",
        verbose_name=_("analysis"),
    )
    finding = models.TextField(
        _("finding"), max_length=4000, help_text=_("What the analysis found.")
    )
    text = models.TextField(
        _("recommendation"), max_length=4000, help_text=_("What the addressee should do.")
    )
    addressee = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="participation_recommendations",
        verbose_name=_("addressee"),
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"),
        choices=Priority.choices,
        default=Priority.MEDIUM,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
    )
    status = models.CharField(
        _("follow-up status"),
        max_length=20,
        choices=Status.choices,
        default=Status.OPEN,
        db_index=True,
    )
    status_date = models.DateField(_("status since"), null=True, blank=True)
    follow_up_on = models.DateField(_("next follow-up"), null=True, blank=True)
    response = models.TextField(_("response from the addressee"), blank=True, max_length=4000)
    response_date = models.DateField(_("response received on"), null=True, blank=True)
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
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["analysis", "priority", "pk"]
        indexes = [models.Index(fields=["created_at"], name="pc_recommendation_created_idx")]

    def __str__(self):
        return self.text[:80]

    def get_absolute_url(self):
        return reverse("participation_check:recommendation_detail", args=[self.pk])


# Follow-up of a recommendation: accepted or rejected first, then worked on; an implemented one
# can be reopened into "in progress", a rejected one back to "open".
_R = Recommendation.Status
RECOMMENDATION_FLOW = Workflow(
    Recommendation.Status,
    {
        (_R.OPEN, _R.ACCEPTED): Step(),
        (_R.OPEN, _R.REJECTED): Step(),
        (_R.ACCEPTED, _R.IN_PROGRESS): Step(),
        (_R.ACCEPTED, _R.IMPLEMENTED): Step(),
        (_R.ACCEPTED, _R.REJECTED): Step(),
        (_R.IN_PROGRESS, _R.IMPLEMENTED): Step(),
        (_R.IN_PROGRESS, _R.REJECTED): Step(),
        (_R.IMPLEMENTED, _R.IN_PROGRESS): Step(),
        (_R.REJECTED, _R.OPEN): Step(),
    },
)


class RecommendationStatusChange(models.Model):
    recommendation = models.ForeignKey(
        Recommendation,
        on_delete=models.CASCADE,
        related_name="status_changes",
        verbose_name=_("recommendation"),
    )
    from_status = models.CharField(_("from"), max_length=20, choices=Recommendation.Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Recommendation.Status.choices)
    date = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("recommendation status change")
        verbose_name_plural = _("recommendation status changes")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.recommendation}: {self.from_status} → {self.to_status}"
