"""Uploaded files are checked by their content, never by the name or the browser's claim.

One checker for every app; each app says which kinds it accepts and how large a file may be
(actionfund/uploads.py, volunteering/uploads.py).
"""

import zipfile

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

LABELS = {PDF: "PDF", PNG: "PNG", JPEG: "JPEG", DOCX: "DOCX", XLSX: "XLSX"}
EXTENSIONS = {PDF: "pdf", PNG: "png", JPEG: "jpg", DOCX: "docx", XLSX: "xlsx"}


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
    """The MIME type the bytes say (PDF, PNG, JPEG, DOCX, XLSX), or None."""
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


def allowed_label(allowed) -> str:
    return ", ".join(LABELS[kind] for kind in allowed)


def validate_upload(upload, *, allowed, max_bytes: int) -> str:
    """Return the detected MIME type or raise a ValidationError the person can act on."""
    if upload.size > max_bytes:
        raise ValidationError(
            _("The file is too large (%(size)s). Files may be at most %(max)s.")
            % {"size": filesizeformat(upload.size), "max": filesizeformat(max_bytes)},
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    kind = detect_content_type(upload)
    if kind not in allowed:
        raise ValidationError(
            _("This type of file is not accepted. Please upload one of: %(types)s.")
            % {"types": allowed_label(allowed)},
            code="bad_type",
        )
    return kind
