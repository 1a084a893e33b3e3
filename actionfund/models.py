"""The action fund: yearly calls for micro-projects, applications, review, money, proof of use.

Money is always Decimal (two places). Statuses and who may change them live in
``actionfund/workflow.py``; every change goes through ``actionfund/services.py``.
"""

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import IsNull
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ikmo.content_language import GermanColumns
from ikmo.uploads import extension_for
from organisations.models import District, Organisation

ZERO = Decimal("0.00")


def money_field(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, max_digits=12, decimal_places=2, **kwargs)


class CallQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def open_now(self):
        now = timezone.now()
        return self.published().filter(opens_at__lte=now, closes_at__gt=now)


class Call(GermanColumns, models.Model):
    """One yearly call for proposals, with its budget, ceilings and eligibility rules."""

    class WorkshopRule(models.TextChoices):
        NONE = "none", _("Not considered")
        REQUIRED = "required", _("Required: at least one qualification workshop attended")
        BONUS = "bonus", _("Bonus points for having attended a qualification workshop")

    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=10000)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    total_budget = money_field(_("total budget (EUR)"), validators=[MinValueValidator(ZERO)])
    max_single = money_field(
        _("ceiling for one organisation (EUR)"), validators=[MinValueValidator(ZERO)]
    )
    max_cooperation = money_field(
        _("ceiling for a cooperation project (EUR)"), validators=[MinValueValidator(ZERO)]
    )
    allowed_legal_forms = models.JSONField(
        _("allowed legal forms"),
        default=list,
        blank=True,
        help_text=_("Empty means every legal form may apply."),
    )
    workshop_rule = models.CharField(
        _("qualification workshops"),
        max_length=20,
        choices=WorkshopRule.choices,
        default=WorkshopRule.NONE,
    )
    workshop_bonus = models.DecimalField(
        _("bonus points for workshop attendance"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.50"),
        validators=[MinValueValidator(ZERO)],
        help_text=_("Added to the average score in the ranking when the rule is 'bonus'."),
    )
    max_score = models.PositiveSmallIntegerField(
        _("highest score per criterion"), default=5, validators=[MinValueValidator(1)]
    )
    proof_of_use_weeks = models.PositiveSmallIntegerField(
        _("weeks after the project end for the proof of use"), default=8
    )
    decision_expected_on = models.DateField(
        _("decisions expected by"),
        null=True,
        blank=True,
        help_text=_(
            "Shown to applicants after they submit, so they know when to expect an answer."
        ),
    )
    decision_approved_template = models.TextField(
        _("message for approvals"),
        blank=True,
        default=(
            "Wir freuen uns, Ihnen mitzuteilen, dass Ihr Projekt „{{ project }}“ mit "
            "{{ amount }} EUR gefördert wird. Der Verwendungsnachweis ist bis zum "
            "{{ due_date }} einzureichen."
        ),
        help_text=_(
            "Placeholders: {{ organisation }}, {{ project }}, {{ amount }}, {{ due_date }}."
        ),
    )
    decision_rejected_template = models.TextField(
        _("message for rejections"),
        blank=True,
        default=(
            "Leider können wir Ihr Projekt „{{ project }}“ in diesem Aufruf nicht fördern. "
            "Wir beraten Sie gern zu weiteren Fördermöglichkeiten."
        ),
        help_text=_("Placeholders: {{ organisation }}, {{ project }}."),
    )
    is_published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-year", "-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="call_closes_after_opening",
                violation_error_message=_("The call must close after it opens."),
            ),
            models.CheckConstraint(condition=Q(total_budget__gte=0), name="call_budget_positive"),
            models.CheckConstraint(
                condition=Q(max_single__gte=0)
                & Q(max_cooperation__gte=models.F("max_single"))
                & Q(max_cooperation__lte=models.F("total_budget")),
                name="call_ceilings_ordered",
                violation_error_message=_(
                    "The ceilings must fit: one organisation ≤ cooperation ≤ total budget."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.year})"

    def get_absolute_url(self):
        return reverse("actionfund:call_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        now = timezone.now()
        return self.is_published and self.opens_at <= now < self.closes_at

    def allowed_legal_form_labels(self) -> list[str]:
        labels = dict(Organisation.LegalForm.choices)
        return [str(labels.get(v, v)) for v in self.allowed_legal_forms]


class Criterion(GermanColumns, models.Model):
    """A published selection criterion; jury members score each one from 0 to call.max_score."""

    call = models.ForeignKey(
        Call, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("call")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    weight = models.DecimalField(
        _("weight"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("selection criterion")
        verbose_name_plural = _("selection criteria")
        ordering = ["call", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive"),
            models.UniqueConstraint(fields=["call", "title"], name="criterion_unique_title"),
        ]

    def __str__(self):
        return self.title


class Status(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("application status", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("application status", "Submitted")
    INFO_REQUESTED = (
        "info_requested",
        pgettext_lazy("application status", "More information requested"),
    )
    IN_REVIEW = "in_review", pgettext_lazy("application status", "In review")
    APPROVED = "approved", pgettext_lazy("application status", "Approved")
    REJECTED = "rejected", pgettext_lazy("application status", "Rejected")
    WITHDRAWN = "withdrawn", pgettext_lazy("application status", "Withdrawn")
    AGREEMENT_SIGNED = (
        "agreement_signed",
        pgettext_lazy("application status", "Funding agreement signed"),
    )
    PAID = "paid", pgettext_lazy("application status", "Paid")
    PROOF_DUE = "proof_due", pgettext_lazy("application status", "Proof of use due")
    PROOF_SUBMITTED = (
        "proof_submitted",
        pgettext_lazy("application status", "Proof of use submitted"),
    )
    CLOSED = "closed", pgettext_lazy("application status", "Closed")


# Statuses in which an approval binds money of the call's budget.
COMMITTED_STATUSES = (
    Status.APPROVED,
    Status.AGREEMENT_SIGNED,
    Status.PAID,
    Status.PROOF_DUE,
    Status.PROOF_SUBMITTED,
    Status.CLOSED,
)
EDITABLE_STATUSES = (Status.DRAFT, Status.INFO_REQUESTED)
# Paid, and the proof of use still to come: the applicant may write it, reminders go out.
PROOF_OPEN_STATUSES = (Status.PAID, Status.PROOF_DUE)


def new_token() -> str:
    return secrets.token_urlsafe(16)


class Application(models.Model):
    Status = Status

    call = models.ForeignKey(
        Call, on_delete=models.PROTECT, related_name="applications", verbose_name=_("call")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="fund_applications",
        verbose_name=_("applying organisation"),
    )
    # The partner organisations that have accepted their invitation (PartnerInvitation):
    # written only by services._partners_sync, read by the pages, PDFs, exports and the API
    # that name an application's partners. The invitations are the record; this is their
    # accepted part, so "a cooperation project" means the same thing everywhere.
    partners = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="fund_partnerships",
        verbose_name=_("partner organisations"),
        help_text=_("Partner organisations that have accepted the invitation."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    title = models.CharField(_("project title"), max_length=200, blank=True)
    summary = models.TextField(_("short summary"), max_length=1500, blank=True)
    goals = models.TextField(_("goals"), max_length=3000, blank=True)
    target_group = models.TextField(_("target group"), max_length=1500, blank=True)
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district of the project"),
    )
    start_date = models.DateField(_("project start"), null=True, blank=True)
    end_date = models.DateField(_("project end"), null=True, blank=True)
    activities = models.TextField(_("activities and timeline"), max_length=4000, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    requested_amount = money_field(_("requested amount (EUR)"), default=ZERO)
    approved_amount = money_field(_("approved amount (EUR)"), null=True, blank=True)
    decision_message = models.TextField(_("decision message"), blank=True)
    proof_due_date = models.DateField(_("proof of use due"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # What a person typed that could not be stored in the fields yet (an invalid date, a
    # half-filled budget line), per step: shown again on any device until it is corrected.
    draft_data = models.JSONField(_("unsaved entries"), default=dict, blank=True, editable=False)
    # The preview page carries this token; a submit with an old token (a second click,
    # a resent form) changes nothing. It is renewed after every submission.
    submission_token = models.CharField(
        _("submission token"), max_length=32, default=new_token, editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(requested_amount__gte=0), name="application_requested_positive"
            ),
            models.CheckConstraint(
                condition=Q(approved_amount__isnull=True) | Q(approved_amount__gte=0),
                name="application_approved_positive",
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="application_end_after_start",
            ),
            # One open draft per organisation and call: a second "Apply now" (or a double
            # click) continues the draft instead of starting an empty twin.
            models.UniqueConstraint(
                fields=["organisation", "call"],
                condition=Q(status="draft"),
                name="application_one_draft_per_call",
                violation_error_message=_("Your organisation already has a draft for this call."),
            ),
        ]
        indexes = [
            models.Index(fields=["call", "status"]),
            # Funder reporting: applications submitted, and projects approved, in a period.
            models.Index(fields=["submitted_at"], name="application_submitted_idx"),
            # The staff list's order (selectors.STAFF_LIST_ORDER): a page read in order.
            models.Index(
                IsNull(F("submitted_at"), True),
                F("submitted_at").desc(),
                F("id").desc(),
                name="application_list_idx",
            ),
            models.Index(fields=["status", "approved_at"], name="application_approved_idx"),
        ]

    def __str__(self):
        return self.title or _("Application %(number)s") % {"number": self.reference}

    def get_absolute_url(self):
        return reverse("actionfund:application_detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"AF-{self.call.year}-{self.pk:04d}" if self.pk else "AF-new"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def is_committed(self) -> bool:
        return self.status in COMMITTED_STATUSES


# Before these, a partner may still accept, decline or withdraw: the decision is not taken.
UNDECIDED_STATUSES = (Status.DRAFT, Status.SUBMITTED, Status.INFO_REQUESTED, Status.IN_REVIEW)


class PartnerInvitation(models.Model):
    """One partner organisation asked to join one application, and its answer.

    The applicant invites; an admin of the partner organisation accepts (with the consent
    recorded below) or declines. Only accepted partners make the application a cooperation
    project with the higher ceiling. The table of allowed steps is ``workflow.INVITATION_FLOW``.
    """

    class Status(models.TextChoices):
        INVITED = "invited", pgettext_lazy("partner invitation", "Invited")
        ACCEPTED = "accepted", pgettext_lazy("partner invitation", "Accepted")
        DECLINED = "declined", pgettext_lazy("partner invitation", "Declined")
        WITHDRAWN = "withdrawn", pgettext_lazy("partner invitation", "Withdrawn")

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="partner_invitations",
        verbose_name=_("application"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="fund_invitations",
        verbose_name=_("partner organisation"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.INVITED, db_index=True
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    invited_at = models.DateTimeField(_("invited at"), default=timezone.now)
    # The last answer or withdrawal: who (of either side) and when.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason"), max_length=2000, blank=True)
    # The consent given on acceptance, as it was shown: kept after a withdrawal.
    consent_text = models.TextField(_("consent text shown"), blank=True)
    consent_version = models.CharField(_("consent version"), max_length=20, blank=True)
    consented_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("consent given by"),
    )
    consented_at = models.DateTimeField(_("consent given at"), null=True, blank=True)

    class Meta:
        verbose_name = _("partner invitation")
        verbose_name_plural = _("partner invitations")
        ordering = ["application", "invited_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "organisation"], name="partner_invitation_unique"
            ),
        ]

    def __str__(self):
        return f"{self.organisation} → {self.application_id} ({self.status})"

    def get_absolute_url(self):
        return reverse("actionfund:invitation_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.INVITED

    @property
    def consent_withdrawn(self) -> bool:
        """Withdrawn by the partner after accepting (the applicant withdraws only before)."""
        return self.status == self.Status.WITHDRAWN and self.consented_at is not None


class BudgetLine(models.Model):
    class Category(models.TextChoices):
        FEES = "fees", _("Fees for speakers, trainers, artists")
        MATERIAL = "material", _("Material and equipment")
        RENT = "rent", _("Rooms and rent")
        TRAVEL = "travel", _("Travel and tickets")
        PUBLICITY = "publicity", _("Publicity and printing")
        CATERING = "catering", _("Food and drinks")
        OTHER = "other", _("Other costs")

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="budget_lines",
        verbose_name=_("application"),
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    description = models.CharField(_("what for"), max_length=200)
    amount = money_field(_("amount (EUR)"), validators=[MinValueValidator(Decimal("0.01"))])
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["application", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="budgetline_amount_positive"),
        ]

    def __str__(self):
        return f"{self.get_category_display()}: {self.description} ({self.amount} EUR)"


def private_upload_to(instance, filename):
    # Random names: a stored file's path never reveals whose it is, and cannot be guessed.
    extension = extension_for(instance.content_type)
    return f"actionfund/{timezone.now():%Y/%m}/{secrets.token_urlsafe(24)}.{extension}"


def export_upload_to(instance, filename):
    # Named by migrations of the former application export (now ikmo.ListExport).
    return f"actionfund/exports/{secrets.token_urlsafe(24)}.{instance.format}"


class UploadedFile(models.Model):
    file = models.FileField(_("file"), upload_to=private_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.original_name


class Attachment(UploadedFile):
    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("application"),
    )
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["application", "uploaded_at", "pk"]


class StatusChange(models.Model):
    """The history shown on each application: every transition with actor, time and note."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="status_changes",
        verbose_name=_("application"),
    )
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.TextField(_("note"), blank=True, max_length=4000)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["application", "created_at", "pk"]

    def __str__(self):
        return f"{self.application_id}: {self.from_status} → {self.to_status}"


class JuryAssignment(models.Model):
    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="jury_assignments",
        verbose_name=_("application"),
    )
    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="fund_jury_assignments",
        verbose_name=_("jury member"),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    class Meta:
        verbose_name = _("jury assignment")
        verbose_name_plural = _("jury assignments")
        ordering = ["application", "juror__email"]
        constraints = [
            models.UniqueConstraint(fields=["application", "juror"], name="jury_assignment_unique")
        ]

    def __str__(self):
        return f"{self.juror} → {self.application_id}"


class Score(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="scores", verbose_name=_("application")
    )
    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="fund_scores",
        verbose_name=_("juror"),
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, related_name="scores", verbose_name=_("criterion")
    )
    value = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["application", "juror", "criterion__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["juror", "application", "criterion"], name="score_unique_per_criterion"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="score_value_positive"),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.value}"


class Payment(models.Model):
    application = models.ForeignKey(
        Application,
        on_delete=models.PROTECT,
        related_name="payments",
        verbose_name=_("application"),
    )
    amount = money_field(_("amount (EUR)"), validators=[MinValueValidator(Decimal("0.01"))])
    paid_on = models.DateField(_("paid on"), default=timezone.localdate)
    reference = models.CharField(_("booking reference"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["application", "paid_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
        ]

    def __str__(self):
        return f"{self.amount} EUR ({self.paid_on})"


class Return(models.Model):
    """Money paid back to the fund, e.g. unspent funds after the proof of use."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="returns", verbose_name=_("application")
    )
    amount = money_field(_("amount (EUR)"), validators=[MinValueValidator(Decimal("0.01"))])
    returned_on = models.DateField(_("returned on"), default=timezone.localdate)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("repayment")
        verbose_name_plural = _("repayments")
        ordering = ["application", "returned_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="return_amount_positive"),
        ]

    def __str__(self):
        return f"{self.amount} EUR ({self.returned_on})"


class ProofOfUse(models.Model):
    """The "Verwendungsnachweis": a short report, actual spending per budget line, receipts."""

    class Review(models.TextChoices):
        OPEN = "open", _("Not yet submitted")
        SUBMITTED = "submitted", _("Submitted")
        CORRECTIONS = "corrections", _("Corrections requested")
        ACCEPTED = "accepted", _("Accepted")

    application = models.OneToOneField(
        Application,
        on_delete=models.CASCADE,
        related_name="proof_of_use",
        verbose_name=_("application"),
    )
    report = models.TextField(_("short report"), max_length=6000, blank=True)
    review = models.CharField(
        _("review"), max_length=20, choices=Review.choices, default=Review.OPEN
    )
    review_note = models.TextField(_("note from the team"), blank=True, max_length=4000)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )

    class Meta:
        verbose_name = _("proof of use")
        verbose_name_plural = _("proofs of use")

    def __str__(self):
        return _("Proof of use for %(application)s") % {"application": self.application}


class ActualSpending(models.Model):
    proof = models.ForeignKey(
        ProofOfUse, on_delete=models.CASCADE, related_name="spending", verbose_name=_("proof")
    )
    budget_line = models.ForeignKey(
        BudgetLine, on_delete=models.CASCADE, related_name="+", verbose_name=_("budget line")
    )
    amount = money_field(_("actually spent (EUR)"), validators=[MinValueValidator(ZERO)])

    class Meta:
        verbose_name = _("actual spending")
        verbose_name_plural = _("actual spending")
        ordering = ["proof", "budget_line__position", "budget_line__pk"]
        constraints = [
            models.UniqueConstraint(fields=["proof", "budget_line"], name="spending_unique_line"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="spending_amount_positive"),
        ]

    def __str__(self):
        return f"{self.budget_line}: {self.amount}"


class Receipt(UploadedFile):
    proof = models.ForeignKey(
        ProofOfUse, on_delete=models.CASCADE, related_name="receipts", verbose_name=_("proof")
    )

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["proof", "uploaded_at", "pk"]


class ReminderLog(models.Model):
    """One row per reminder sent. The unique constraint is what makes "exactly once" true."""

    class Kind(models.TextChoices):
        DRAFT_DEADLINE = "draft_deadline", _("Draft: call closes soon")
        PROOF_BEFORE = "proof_before", _("Proof of use due soon")
        PROOF_AFTER = "proof_after", _("Proof of use overdue")

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("application"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["application", "kind"], name="reminder_once_per_kind")
        ]

    def __str__(self):
        return f"{self.application_id}: {self.kind}"
