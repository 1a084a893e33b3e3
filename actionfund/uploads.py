"""Uploaded files are checked by their content, never by the name or the browser's claim."""

import zipfile

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_UPLOAD_BYTES = 5 * 1024 * 1024

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ALLOWED_LABEL = "PDF, PNG, JPEG, DOCX, XLSX"


def _zip_kind(upload) -> str | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


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
    if head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(upload)
        upload.seek(0)
        return kind
    return None


def validate_upload(upload) -> str:
    """Return the detected MIME type or raise a ValidationError the person can act on."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is too large (%(size)s). Files may be at most %(max)s.")
            % {"size": filesizeformat(upload.size), "max": filesizeformat(MAX_UPLOAD_BYTES)},
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
