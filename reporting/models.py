from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FundingPeriod(models.Model):
    """A stretch of time a funder wants figures for, with its plan values."""

    class Funder(models.TextChoices):
        AMIF = "amif", _("EU Asylum, Migration and Integration Fund (AMIF)")
        SENATE = "senate", _("Berlin Senate")
        OTHER = "other", _("Other funder")

    name = models.CharField(_("name"), max_length=120, unique=True)
    funder = models.CharField(_("funder"), max_length=20, choices=Funder.choices)
    start = models.DateField(_("first day"))
    end = models.DateField(_("last day"))
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    # What the report's cover names: the grant, and whom the funder can ask.
    grant_reference = models.CharField(
        _("grant reference"),
        max_length=100,
        blank=True,
        help_text=_("The reference of the grant decision, as the funder writes it."),
    )
    contact_name = models.CharField(_("contact person"), max_length=120, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("funding period")
        verbose_name_plural = _("funding periods")
        ordering = ["-start", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=F("start")), name="fundingperiod_end_after_start"
            ),
        ]

    def __str__(self):
        return self.name


class FundingSource(models.Model):
    """One funder's share of a period (co-financing: e.g. the Senate 60 %, AMIF 40 %)."""

    period = models.ForeignKey(
        FundingPeriod,
        on_delete=models.CASCADE,
        related_name="sources",
        verbose_name=_("funding period"),
    )
    funder = models.CharField(_("funder"), max_length=20, choices=FundingPeriod.Funder.choices)
    name = models.CharField(
        _("name of the funder"),
        max_length=160,
        blank=True,
        help_text=_("Needed for another funder; otherwise the funder's name is used."),
    )
    reference = models.CharField(_("grant reference"), max_length=100, blank=True)
    share = models.DecimalField(
        _("share (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0)],
        help_text=_("The funder's part of the total funding, in per cent."),
    )
    amount = models.DecimalField(
        _("amount (€)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    # The sub-projects this funder co-finances; empty: the whole centre. The report shows
    # the figures of exactly these for the funder.
    subprojects = models.JSONField(_("sub-projects it finances"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")
        ordering = ["period", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(share__gte=0) & Q(share__lte=100), name="fundingsource_share_0_100"
            ),
        ]

    def __str__(self):
        return f"{self.label} ({self.share} %)"

    @property
    def label(self) -> str:
        return self.name or str(self.get_funder_display())


class Carrier(models.Model):
    """An organisation that runs sub-projects of the centre in a period (lead or partner)."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead carrier")
        PARTNER = "partner", _("Partner carrier")

    period = models.ForeignKey(
        FundingPeriod,
        on_delete=models.CASCADE,
        related_name="carriers",
        verbose_name=_("funding period"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("carrier"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.PARTNER)
    subprojects = models.JSONField(_("sub-projects"), default=list, blank=True)

    class Meta:
        verbose_name = _("carrier")
        verbose_name_plural = _("carriers")
        ordering = ["period", "role", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "organisation"], name="carrier_once_per_period"
            ),
            models.UniqueConstraint(
                fields=["period"], condition=Q(role="lead"), name="carrier_one_lead_per_period"
            ),
        ]

    def __str__(self):
        return f"{self.organisation} ({self.get_role_display()})"


class PlanValue(models.Model):
    """What the funding plan promises for one indicator in one period."""

    period = models.ForeignKey(
        FundingPeriod,
        on_delete=models.CASCADE,
        related_name="plan_values",
        verbose_name=_("funding period"),
    )
    indicator_key = models.CharField(_("indicator"), max_length=80)
    value = models.DecimalField(
        _("plan value"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last changed by"),
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("plan value")
        verbose_name_plural = _("plan values")
        ordering = ["period", "indicator_key"]
        constraints = [
            models.UniqueConstraint(fields=["period", "indicator_key"], name="planvalue_unique"),
            models.CheckConstraint(condition=Q(value__gt=0), name="planvalue_positive"),
        ]

    def __str__(self):
        return f"{self.period}: {self.indicator_key} = {self.value}"


class FunderReport(models.Model):
    """One generated report: the narrative, the figures frozen when it was made, the PDF.

    The snapshot is written once, by the worker, and never recomputed: a report sent to a
    funder must say the same thing next year, whatever was logged since.
    """

    period = models.ForeignKey(
        FundingPeriod,
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("funding period"),
    )
    summary = models.TextField(_("summary"), blank=True, max_length=5000)
    highlights = models.TextField(_("highlights"), blank=True, max_length=5000)
    challenges = models.TextField(
        _("challenges and deviations from the plan"), blank=True, max_length=5000
    )
    outlook = models.TextField(_("outlook"), blank=True, max_length=5000)
    # {sub-project key: a short narrative}, printed with that sub-project's figures.
    subproject_notes = models.JSONField(_("notes per sub-project"), default=dict, blank=True)
    snapshot = models.JSONField(_("frozen figures"), default=dict, blank=True, editable=False)
    snapshot_taken_at = models.DateTimeField(_("figures frozen at"), null=True, blank=True)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("generated by"),
    )
    generated_at = models.DateTimeField(_("generated at"), auto_now_add=True)
    document = models.OneToOneField(
        "ikmo.GeneratedDocument",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="funder_report",
        verbose_name=_("PDF"),
    )

    class Meta:
        verbose_name = _("funder report")
        verbose_name_plural = _("funder reports")
        ordering = ["-generated_at", "-pk"]

    def __str__(self):
        return _("Funder report %(period)s (%(date)s)") % {
            "period": self.period,
            "date": f"{self.generated_at:%d.%m.%Y}" if self.generated_at else "",
        }

    @property
    def is_frozen(self) -> bool:
        return bool(self.snapshot)


class FrozenRecords(models.Model):
    """The records behind one frozen figure of a report: their ids, in the drill-down's order.

    Stored with the snapshot, so the report's numbers link to the records that were counted,
    not to today's. Ids only: a record changed since shows today's values, one deleted since
    (e.g. erased on request) is missing and counted as such.
    """

    report = models.ForeignKey(
        FunderReport,
        on_delete=models.CASCADE,
        related_name="frozen_records",
        verbose_name=_("funder report"),
    )
    indicator_key = models.CharField(_("indicator"), max_length=80)
    # A cross-project indicator's share of one sub-project; "" for all of its records.
    share = models.CharField(_("sub-project share"), max_length=20, blank=True, default="")
    ids = models.JSONField(_("ids of the records counted"), default=list)
    # len(ids), so that the drill-down reads only the page of ids it shows.
    count = models.PositiveIntegerField(_("records counted"), default=0)
    # How many of the ids pointed to no record any more at `missing_checked_at`; deletions
    # after it are read from the DeletedRecord log (reporting/deletions.py). None: not known
    # yet (frozen before the log was kept), counted once on the first look.
    missing = models.PositiveIntegerField(_("records deleted since"), null=True, blank=True)
    missing_checked_at = models.DateTimeField(_("deletions checked up to"), null=True, blank=True)

    class Meta:
        verbose_name = _("frozen records of a figure")
        verbose_name_plural = _("frozen records of figures")
        ordering = ["report", "indicator_key", "share"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "indicator_key", "share"], name="frozenrecords_unique"
            ),
        ]

    def __str__(self):
        return f"{self.report_id}: {self.indicator_key}{f' ({self.share})' if self.share else ''}"


class DeletedRecord(models.Model):
    """That a record of a model the figures count was deleted, and when: the log from which
    a frozen figure's drill-down tells how many of its records are gone without looking up
    every id it froze (reporting/deletions.py). Model and id only, nothing of the record."""

    # The model's label, e.g. "qualification.CoachingSession".
    model = models.CharField(_("model"), max_length=100)
    record_id = models.BigIntegerField(_("id of the record"))
    deleted_at = models.DateTimeField(_("deleted at"), default=timezone.now)

    class Meta:
        verbose_name = _("deleted record")
        verbose_name_plural = _("deleted records")
        indexes = [models.Index(fields=["model", "deleted_at"], name="deletedrecord_model_time")]

    def __str__(self):
        return f"{self.model} {self.record_id}"


class TakingPart(models.Model):
    """That an organisation has taken part in a sub-project (until today): the stored result
    of `figures.organisations_taking_part`, which the directory's sub-project filter reads
    instead of every record of the sub-project (reporting/taking_part.py)."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organisation"),
    )
    subproject = models.CharField(_("sub-project"), max_length=30)

    class Meta:
        verbose_name = _("taking part")
        verbose_name_plural = _("taking part")
        constraints = [
            models.UniqueConstraint(
                fields=["subproject", "organisation"], name="takingpart_unique"
            ),
        ]

    def __str__(self):
        return f"{self.organisation_id}: {self.subproject}"


class TakingPartChange(models.Model):
    """A committed write to a table that `figures.organisations_taking_part` reads: until a
    refresh has taken it in, the stored list of the sub-project is not used
    (reporting/taking_part.py). Sub-project and time only."""

    subproject = models.CharField(_("sub-project"), max_length=30, db_index=True)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("change of taking part")
        verbose_name_plural = _("changes of taking part")

    def __str__(self):
        return f"{self.subproject} {self.changed_at:%Y-%m-%d %H:%M}"


class TakingPartState(models.Model):
    """When a sub-project's stored list was last computed: a list of an earlier day is not
    used (records dated today have come into "until today" since)."""

    subproject = models.CharField(_("sub-project"), max_length=30, primary_key=True)
    refreshed_on = models.DateField(_("refreshed on"))
    refreshed_at = models.DateTimeField(_("refreshed at"))

    class Meta:
        verbose_name = _("state of taking part")
        verbose_name_plural = _("states of taking part")

    def __str__(self):
        return f"{self.subproject} {self.refreshed_at:%Y-%m-%d %H:%M}"
