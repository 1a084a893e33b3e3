"""What the volunteer service desk accepts as recognition documents (checked by ikmo.uploads)."""

from django.conf import settings

from ikmo import uploads
from ikmo.uploads import JPEG, PDF, PNG

ALLOWED = (PDF, JPEG, PNG)
ALLOWED_LABEL = uploads.allowed_label(ALLOWED)


def max_upload_bytes() -> int:
    return getattr(settings, "IKMO_VOLUNTEER_MAX_UPLOAD_BYTES", 5 * 1024 * 1024)


def validate_upload(upload) -> str:
    """Return the detected MIME type, or raise a ValidationError the person can act on."""
    return uploads.validate_upload(upload, allowed=ALLOWED, max_bytes=max_upload_bytes())
