"""Data protection records: consents, data exports, erasure requests, and the legal pages."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ikmo.jobs import BackgroundJob


class ConsentRecord(models.Model):
    """A person agreed to one purpose, in the wording of one text version, and may withdraw."""

    class Purpose(models.TextChoices):
        INTERVIEW = "interview", _("Interview and use of its contents (participation check)")
        PHOTOS = "photos", _("Photos and recordings at events")
        NEWSLETTER = "newsletter", _("Newsletter and invitations by e-mail")
        STATISTICS = "statistics", _("Sensitive statistics (e.g. migration background)")
        CONTACT_SHARING = "contact_sharing", _("Passing contact details to partners")
        PUBLIC_LISTING = "public_listing", _("Public listing of the organisation")
        OTHER = "other", _("Other purpose")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="consents",
        verbose_name=_("person with an account"),
    )
    name = models.CharField(
        _("name"), max_length=200, blank=True, help_text=_("For people without an account.")
    )
    email = models.EmailField(_("e-mail"), blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    purpose = models.CharField(_("purpose"), max_length=30, choices=Purpose.choices)
    details = models.CharField(
        _("details"),
        max_length=300,
        blank=True,
        help_text=_("What exactly was agreed, e.g. the event or the interview."),
    )
    text_version = models.CharField(
        _("version of the consent text"),
        max_length=40,
        help_text=_("The version of the wording the person agreed to, e.g. 2025-01."),
    )
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawal recorded by"),
    )

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | ~Q(name="") | ~Q(email=""),
                name="privacy_consent_names_someone",
                violation_error_message=_("Name the person: an account, a name or an e-mail."),
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=models.F("given_at")),
                name="privacy_consent_withdrawn_after_given",
            ),
        ]
        indexes = [models.Index(fields=["purpose", "withdrawn_at"])]

    def __str__(self):
        return f"{self.display_name}: {self.get_purpose_display()} ({self.text_version})"

    @property
    def display_name(self) -> str:
        if self.person_id:
            return str(self.person)
        return self.name or self.email

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


def export_upload_to(instance, filename):
    # Random names: a stored file's path never reveals whose it is or can be guessed.
    return f"exports/{timezone.now():%Y/%m}/{secrets.token_urlsafe(24)}.zip"


class DataExport(BackgroundJob):
    """Everything stored about one person or one organisation, as a ZIP built in the background."""

    task_name = "privacy.tasks.build_export"
    download_action = "privacy.export.downloaded"
    download_reauth = True
    file_type = "application/zip"

    class Scope(models.TextChoices):
        PERSON = "person", _("Person")
        ORGANISATION = "organisation", _("Organisation")

    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="data_exports",
        verbose_name=_("person"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="data_exports",
        verbose_name=_("organisation"),
    )
    record_count = models.PositiveIntegerField(_("records"), default=0)
    file_count = models.PositiveIntegerField(_("files"), default=0)

    class Meta(BackgroundJob.Meta):
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")
        constraints = [
            models.CheckConstraint(
                condition=(Q(scope="person") & Q(person__isnull=False))
                | (Q(scope="organisation") & Q(organisation__isnull=False)),
                name="privacy_export_has_subject",
            )
        ]

    def __str__(self):
        subject = self.person if self.scope == self.Scope.PERSON else self.organisation
        return f"{self.get_scope_display()} {subject or '-'} ({self.created_at:%Y-%m-%d})"

    def upload_path(self) -> str:
        return export_upload_to(self, "")

    @property
    def download_name(self) -> str:
        subject = self.person_id if self.scope == self.Scope.PERSON else self.organisation_id
        return f"ikmo-data-{self.scope}-{subject}-{self.created_at:%Y%m%d}.zip"

    def can_download(self, user) -> bool:
        from .permissions import can_view_export

        return can_view_export(user, self)

    def file_lifetime(self) -> timedelta | None:
        # The retention period for exports (IKMO_RETENTION_DAYS["export"]); the daily
        # retention job also expires older rows by their request date.
        days = getattr(settings, "IKMO_RETENTION_DAYS", {}).get("export")
        return timedelta(days=int(days)) if days is not None else None


class ErasureRequest(models.Model):
    """A request to erase one person's data: asked by the person, started by an admin, or due
    after a retention period. Done once, by an admin who re-authenticated."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        DONE = "done", _("Erased")
        DECLINED = "declined", _("Declined")

    class Origin(models.TextChoices):
        PERSON = "person", _("Asked by the person")
        ADMIN = "admin", _("Started by an admin")
        RETENTION = "retention", _("Retention period ended")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="erasure_requests",
        verbose_name=_("person"),
    )
    origin = models.CharField(_("origin"), max_length=20, choices=Origin.choices)
    message = models.TextField(_("message"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED, db_index=True
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    # What was done, per model: {"qualification.Registration": {"anonymised": 3}, ...}.
    summary = models.JSONField(_("summary"), default=dict, blank=True)

    class Meta:
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status="requested"),
                name="privacy_one_open_erasure_request",
            )
        ]

    def __str__(self):
        return f"#{self.person_id} – {self.get_status_display()}"


class SitePage(models.Model):
    """A page whose text admins keep: the privacy policy and the accessibility statement."""

    class Slug(models.TextChoices):
        PRIVACY = "privacy", _("Privacy policy")
        ACCESSIBILITY = "accessibility", _("Accessibility statement")

    slug = models.CharField(_("page"), max_length=40, choices=Slug.choices, unique=True)
    title_de = models.CharField(_("title (German)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    body_de = models.TextField(
        _("text (German)"),
        help_text=_("Plain text. Blank lines start a new paragraph; no HTML."),
    )
    body_en = models.TextField(_("text (English)"), help_text=_("Plain text, as above."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("site page")
        verbose_name_plural = _("site pages")
        ordering = ["slug"]

    def __str__(self):
        return self.get_slug_display()

    @property
    def _german(self) -> bool:
        return (get_language() or "de").startswith("de")

    @property
    def title(self) -> str:
        return self.title_de if self._german else (self.title_en or self.title_de)

    @property
    def body(self) -> str:
        return self.body_de if self._german else (self.body_en or self.body_de)
