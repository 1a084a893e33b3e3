"""Recognition documents are checked by their content, never by the name or the browser's claim."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
ALLOWED_LABEL = "PDF, JPEG, PNG"


def max_upload_bytes() -> int:
    return getattr(settings, "IKMO_VOLUNTEER_MAX_UPLOAD_BYTES", 5 * 1024 * 1024)


def detect_content_type(upload) -> str | None:
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    return None


def validate_upload(upload) -> str:
    """Return the detected MIME type, or raise a ValidationError the person can act on."""
    limit = max_upload_bytes()
    if upload.size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s). Files may be at most %(max)s.")
            % {"size": filesizeformat(upload.size), "max": filesizeformat(limit)},
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    kind = detect_content_type(upload)
    if kind is None:
        raise ValidationError(
            _("This type of file is not accepted. Please upload one of: %(types)s.")
            % {"types": ALLOWED_LABEL},
            code="bad_type",
        )
    return kind
