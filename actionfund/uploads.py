"""What the action fund accepts as attachments and receipts (checked by ikmo.uploads)."""

from ikmo import uploads
from ikmo.uploads import DOCX, JPEG, PDF, PNG, XLSX

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
ALLOWED = (PDF, PNG, JPEG, DOCX, XLSX)
ALLOWED_LABEL = uploads.allowed_label(ALLOWED)


def validate_upload(upload) -> str:
    """Return the detected MIME type or raise a ValidationError the person can act on."""
    return uploads.validate_upload(upload, allowed=ALLOWED, max_bytes=MAX_UPLOAD_BYTES)
