import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .jobs import BackgroundJob


class AuditEntry(models.Model):
    """Who did what to which record, and when. Written by services, never edited."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    action = models.CharField(_("action"), max_length=80, db_index=True)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, verbose_name=_("content type")
    )
    object_id = models.CharField(_("object id"), max_length=40, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField(_("record"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_entries",
        verbose_name=_("organisation"),
    )
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return (
            f"{self.created_at:%Y-%m-%d %H:%M} {self.actor or '-'} {self.action} {self.object_repr}"
        )


def document_upload_to(instance, filename):
    # Random names: a stored file's path never reveals whose it is or can be guessed.
    return f"documents/{instance.created_at:%Y/%m}/{secrets.token_urlsafe(24)}.pdf"


class GeneratedDocument(BackgroundJob):
    """A PDF produced in the background. The row exists before the work, so no work is lost."""

    task_name = "ikmo.tasks.render_document"
    download_action = "ikmo.document.downloaded"
    file_type = "application/pdf"

    kind = models.CharField(_("kind"), max_length=60, db_index=True)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, verbose_name=_("content type")
    )
    object_id = models.CharField(_("object id"), max_length=40)
    target = GenericForeignKey("content_type", "object_id")
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("organisation"),
    )
    title = models.CharField(_("title"), max_length=200)
    language = models.CharField(_("language"), max_length=10, default="de")

    class Meta(BackgroundJob.Meta):
        verbose_name = _("generated document")
        verbose_name_plural = _("generated documents")
        indexes = [models.Index(fields=["content_type", "object_id", "kind"])]

    def __str__(self):
        return self.title

    def upload_path(self) -> str:
        return document_upload_to(self, "")

    @property
    def download_name(self) -> str:
        return f"{self.kind}-{self.object_id}-{self.created_at:%Y%m%d}.pdf"

    def can_download(self, user) -> bool:
        from .documents import can_view_document

        return can_view_document(user, self)


def list_export_upload_to(instance, filename):
    return f"exports/{instance.created_at:%Y/%m}/{secrets.token_urlsafe(24)}.{instance.format}"


class ListExport(BackgroundJob):
    """A staff list exported as CSV or XLSX (ikmo/listexports.py): the list, the page's filter
    and the format; the rows are computed for the requester when the worker runs."""

    task_name = "ikmo.tasks.run_list_export"
    download_action = "ikmo.list_export.downloaded"
    download_reauth = True

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    uuid = models.UUIDField(_("uuid"), default=uuid.uuid4, unique=True, editable=False)
    # The list as its requester saw it: it goes with the account.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("requested by"),
    )
    list_key = models.CharField(_("list"), max_length=60, db_index=True)
    # The record a list belongs to (the analysis of its interviews); empty for the others.
    scope = models.CharField(_("scope"), max_length=20, blank=True)
    params = models.JSONField(_("filters"), default=dict, blank=True)
    format = models.CharField(
        _("format"), max_length=10, choices=Format.choices, default=Format.CSV
    )
    language = models.CharField(_("language"), max_length=10, default="de")
    row_count = models.PositiveIntegerField(_("row count"), default=0)

    class Meta(BackgroundJob.Meta):
        verbose_name = _("list export")
        verbose_name_plural = _("list exports")

    def __str__(self):
        return f"{self.list_key} {self.uuid} ({self.format})"

    @property
    def spec(self):
        from .listexports import exportable_list

        return exportable_list(self.list_key)

    @property
    def label(self):
        spec = self.spec
        return spec.label if spec is not None else self.list_key

    def upload_path(self) -> str:
        return list_export_upload_to(self, "")

    @property
    def file_type(self) -> str:
        if self.format == self.Format.XLSX:
            return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return "text/csv"

    @property
    def audit_organisation(self):
        return None  # a list across organisations

    @property
    def download_name(self) -> str:
        return f"{self.list_key.replace('.', '-')}-{self.created_at:%Y%m%d-%H%M}.{self.format}"

    def file_lifetime(self) -> timedelta | None:
        # The retention period of exports (IKMO_RETENTION_DAYS["export"]), as for data exports.
        days = getattr(settings, "IKMO_RETENTION_DAYS", {}).get("export")
        return timedelta(days=int(days)) if days is not None else None

    def can_download(self, user) -> bool:
        # Only who asked, while still allowed to export the list: the rows are what they see.
        if user is None or not user.is_authenticated or self.requested_by_id != user.pk:
            return False
        spec = self.spec
        return spec is not None and spec.allowed(user, self.scope)


class OutboundEmail(models.Model):
    """An e-mail is a row first and a message second: if the broker or SMTP is down,
    it waits here and the sweeper sends it later, once."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    to = models.EmailField(_("recipient"))
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    enqueued_at = models.DateTimeField(_("enqueued at"), null=True, blank=True)
    # When a worker last began a delivery (written before talking to SMTP, outside the
    # delivery's transaction, so it survives a worker killed mid-send).
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    # After a transient SMTP error: not before this time (the sweeper hands it over then).
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    # Deliveries are given up IKMO_MAIL_GIVE_UP_AFTER_HOURS after this (creation, or the
    # moment staff sent it again).
    retrying_since = models.DateTimeField(_("retrying since"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # Extra mail headers, name -> value (a newsletter's List-Unsubscribe, RFC 8058).
    headers = models.JSONField(_("extra headers"), default=dict, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.to}: {self.subject}"


class StaffMFAInvitation(models.Model):
    """A one-time link that lets a staff member enrol their second factor.

    Staff without an authenticator may not enrol on their own after a password sign-in
    (whoever has the password would then own the account): an admin sends this link to the
    person's address, and only the signed-in owner of the link may use it, once, before it
    expires. Only a hash of the token is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mfa_invitations",
        verbose_name=_("staff member"),
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("second-factor invitation")
        verbose_name_plural = _("second-factor invitations")

    def __str__(self):
        return f"{self.user} ({self.created_at:%Y-%m-%d})"


class ApiToken(models.Model):
    """A personal token for the REST API (ikmo/api/). The person creates and revokes it in
    the portal; it acts as them, with their permissions, narrowed to its scope. Only a hash
    of the secret is stored: the secret is shown once, when the token is created."""

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        WRITE = "write", _("Read and write")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("person"),
    )
    name = models.CharField(_("name"), max_length=80)
    # The first characters of the secret, shown in lists and used to find the row.
    prefix = models.CharField(_("prefix"), max_length=12, unique=True)
    digest = models.CharField(_("hash"), max_length=64)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.READ)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def is_active(self, now) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE


class NotificationPreference(models.Model):
    """Which kinds of e-mail a person wants (ikmo/notifications.py). No row: the defaults,
    reminders on and newsletters off. Mail they need for their account, their security and
    their own applications is sent whatever they choose here."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("person"),
    )
    reminders = models.BooleanField(_("reminders by e-mail"), default=True)
    newsletter = models.BooleanField(_("newsletters by e-mail"), default=False)
    # The consent to newsletters: when it was last given, and when last withdrawn.
    newsletter_consent_at = models.DateTimeField(_("newsletter agreed at"), null=True, blank=True)
    newsletter_withdrawn_at = models.DateTimeField(
        _("newsletter withdrawn at"), null=True, blank=True
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return str(self.user)


def message_attachment_upload_to(instance, filename):
    # Random names, outside the web root: served only through the permission-checked view.
    from .uploads import extension_for

    extension = extension_for(instance.attachment_type)
    return f"messages/{instance.created_at:%Y/%m}/{secrets.token_urlsafe(24)}.{extension}"


class Thread(models.Model):
    """The conversation about one record (an application, a coaching case, a placement)
    between the organisation and the centre's staff. Who may read it is exactly who may see
    the record: the record's kind (ikmo/threads.py) answers that, never the thread itself."""

    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+", verbose_name=_("content type")
    )
    object_id = models.PositiveBigIntegerField(_("object id"))
    target = GenericForeignKey("content_type", "object_id")
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="threads",
        verbose_name=_("organisation"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("message thread")
        verbose_name_plural = _("message threads")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="thread_one_per_record"
            )
        ]

    def __str__(self):
        return f"{self.content_type.app_label}.{self.content_type.model} {self.object_id}"


class Message(models.Model):
    """One message of a thread. An internal note is for the centre's staff only: it never
    shows to the organisation, in no page, e-mail, export or API answer."""

    class Side(models.TextChoices):
        ORGANISATION = "organisation", _("Organisation")
        CENTRE = "centre", _("Centre staff")

    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, related_name="messages", verbose_name=_("thread")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    # The author's side when writing (their role badge), kept as written.
    side = models.CharField(_("side"), max_length=20, choices=Side.choices)
    is_internal = models.BooleanField(_("internal note"), default=False)
    body = models.TextField(_("message"), max_length=5000)
    attachment = models.FileField(
        _("attachment"), upload_to=message_attachment_upload_to, max_length=200, blank=True
    )
    attachment_name = models.CharField(_("file name"), max_length=200, blank=True)
    attachment_type = models.CharField(_("file type"), max_length=100, blank=True)
    attachment_size = models.PositiveIntegerField(_("file size in bytes"), null=True, blank=True)
    # The reply form's one-time token: a second click (or a resent form) finds the message
    # the first one made instead of making a twin.
    form_token = models.CharField(_("form token"), max_length=40, blank=True, editable=False)
    created_at = models.DateTimeField(_("written at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["thread", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["thread", "author", "form_token"],
                condition=~Q(form_token=""),
                name="message_once_per_form",
            )
        ]

    def __str__(self):
        return f"{self.thread_id}/{self.pk}"


class ThreadRead(models.Model):
    """How far a person has read a thread: the newest message they were shown."""

    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, related_name="reads", verbose_name=_("thread")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="thread_reads",
        verbose_name=_("person"),
    )
    last_read_message_id = models.PositiveBigIntegerField(_("last message read"), default=0)
    read_at = models.DateTimeField(_("read at"), auto_now=True)

    class Meta:
        verbose_name = _("read marker")
        verbose_name_plural = _("read markers")
        constraints = [
            models.UniqueConstraint(fields=["thread", "user"], name="thread_read_once_per_person")
        ]

    def __str__(self):
        return f"{self.user_id} @ {self.thread_id}: {self.last_read_message_id}"


class CheckIn(models.Model):
    """That a person's attendance was recorded by code (ikmo/checkin.py), and how.

    The attendance itself lives where it always did (the app's attendance service writes
    it); this row only lets the manual list say "checked in by code" and lets staff undo a
    scan. A registration is checked in by code at most once."""

    class Method(models.TextChoices):
        PERSONAL = "personal", _("Personal code scanned by staff")
        ROOM = "room", _("Room code scanned by the person")

    kind = models.CharField(_("kind"), max_length=80)
    registration_id = models.PositiveBigIntegerField(_("registration"))
    occasion_id = models.PositiveBigIntegerField(_("workshop or event"))
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked in by"),
    )
    created_at = models.DateTimeField(_("checked in at"), auto_now_add=True)

    class Meta:
        verbose_name = _("check-in by code")
        verbose_name_plural = _("check-ins by code")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "registration_id"], name="checkin_once_per_registration"
            )
        ]
        indexes = [models.Index(fields=["kind", "occasion_id"])]

    def __str__(self):
        return f"{self.kind} {self.registration_id} ({self.method})"
