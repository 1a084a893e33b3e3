from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MailText(models.Model):
    """Staff's own wording of one portal e-mail in one language, used instead of the code's.

    One row per (mail, language). Resetting to the default keeps the row but switches it
    off, so the text is not lost; the audit trail keeps every earlier version.
    """

    template = models.CharField(_("e-mail"), max_length=120)  # a mailtexts.registry key
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    is_active = models.BooleanField(_("in use"), default=True)
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
        verbose_name = _("e-mail text")
        verbose_name_plural = _("e-mail texts")
        constraints = [
            models.UniqueConstraint(fields=["template", "language"], name="mailtext_unique")
        ]

    def __str__(self):
        return f"{self.template} ({self.language})"
