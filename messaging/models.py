import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from ikmo.jobs import BackgroundJob
from ikmo.models import OutboundEmail

# The languages a message can be written in; German is required, the others fall back to it.
TEXT_LANGUAGES = ("de", "en", "tr", "ar")


class BulkMessage(BackgroundJob):
    """One message to many: the segment as chosen, the texts, and the background sending
    (status and progress from BackgroundJob; ``requested_by`` is the sender). It makes no
    file: the sending is its work, one outbox row per recipient."""

    task_name = "messaging.tasks.send_bulk_message"
    produces_file = False

    class Kind(models.TextChoices):
        SERVICE = "service", _("Service message")
        NEWSLETTER = "newsletter", _("Newsletter")

    # Also the compose form's once-only key: a second click on "Send" finds this row.
    uuid = models.UUIDField(_("uuid"), default=uuid.uuid4, unique=True, editable=False)
    segment = models.CharField(_("segment"), max_length=60)
    segment_params = models.JSONField(_("segment filter"), default=dict, blank=True)
    segment_label = models.CharField(_("recipients"), max_length=500)
    # Leads of this sub-project see the message in the log ("" for centre-wide segments).
    subproject = models.CharField(_("sub-project"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    subject_de = models.CharField(_("subject (German)"), max_length=200)
    body_de = models.TextField(_("text (German)"), max_length=10000)
    subject_en = models.CharField(_("subject (English)"), max_length=200, blank=True)
    body_en = models.TextField(_("text (English)"), max_length=10000, blank=True)
    subject_tr = models.CharField(_("subject (Turkish)"), max_length=200, blank=True)
    body_tr = models.TextField(_("text (Turkish)"), max_length=10000, blank=True)
    subject_ar = models.CharField(_("subject (Arabic)"), max_length=200, blank=True)
    body_ar = models.TextField(_("text (Arabic)"), max_length=10000, blank=True)
    # The count the sender saw and confirmed; the recipients are listed when the work starts.
    planned_count = models.PositiveIntegerField(_("recipients when confirmed"), default=0)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)
    recipients_listed_at = models.DateTimeField(_("recipients listed at"), null=True, blank=True)

    class Meta(BackgroundJob.Meta):
        verbose_name = _("message to many")
        verbose_name_plural = _("messages to many")

    def __str__(self):
        return self.subject_de

    def upload_path(self) -> str:  # pragma: no cover - a message makes no file
        raise NotImplementedError

    @property
    def download_name(self) -> str:  # pragma: no cover
        return ""

    def text_for(self, language: str) -> tuple[str, str]:
        """Subject and text in ``language`` when written in it, else in German."""
        language = (language or "de")[:2]
        subject = getattr(self, f"subject_{language}", "") if language in TEXT_LANGUAGES else ""
        body = getattr(self, f"body_{language}", "") if language in TEXT_LANGUAGES else ""
        if subject.strip() and body.strip():
            return subject, body
        return self.subject_de, self.body_de

    @property
    def languages(self) -> list[str]:
        return [
            code
            for code in TEXT_LANGUAGES
            if getattr(self, f"subject_{code}").strip() and getattr(self, f"body_{code}").strip()
        ]


class BulkRecipient(models.Model):
    """One person, or one contact address without an account, a message to many goes to:
    unique per message, so nobody gets it twice."""

    message = models.ForeignKey(
        BulkMessage, on_delete=models.CASCADE, related_name="recipients", verbose_name=_("message")
    )
    # None for an organisation's contact address that belongs to no account.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("person"),
        null=True,
        blank=True,
    )
    email = models.EmailField(_("e-mail address"))
    language = models.CharField(_("language"), max_length=10, default="de")
    email_row = models.ForeignKey(
        OutboundEmail,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("e-mail"),
    )
    # Not sent: the person withdrew from newsletters between listing and sending.
    skipped = models.BooleanField(_("skipped"), default=False)
    created_at = models.DateTimeField(_("listed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        ordering = ["message", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["message", "user"], name="messaging_recipient_once"),
            # A contact address without an account: once per message, however it is spelled.
            models.UniqueConstraint(
                Lower("email"),
                "message",
                condition=models.Q(user__isnull=True),
                name="messaging_address_once",
            ),
        ]

    def __str__(self):
        return f"{self.email} – {self.message}"
