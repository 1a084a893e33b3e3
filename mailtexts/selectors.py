from django.contrib.contenttypes.models import ContentType

from ikmo.models import AuditEntry

from .models import MailText
from .permissions import can_edit_mail
from .registry import MailKind, all_mails


def mails_for(*, user) -> list[MailKind]:
    """The mails this person may reword."""
    return [kind for kind in all_mails() if can_edit_mail(user, kind)]


def mailtexts_by_key() -> dict[tuple[str, str], MailText]:
    return {(t.template, t.language): t for t in MailText.objects.all()}


def mailtext_history(*, text: MailText | None):
    if text is None or text.pk is None:
        return AuditEntry.objects.none()
    return (
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(MailText), object_id=str(text.pk)
        )
        .select_related("actor")
        .order_by("-created_at", "-pk")
    )
