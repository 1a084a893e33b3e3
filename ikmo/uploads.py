"""Uploaded files are checked by their content, never by the name or the browser's claim.

One checker for every app; each app says which kinds it accepts and how large a file may be
(actionfund/uploads.py, volunteering/uploads.py).
"""

import re
import unicodedata
import zipfile
import zlib

from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .downloads import file_download

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

LABELS = {PDF: "PDF", PNG: "PNG", JPEG: "JPEG", DOCX: "DOCX", XLSX: "XLSX"}
EXTENSIONS = {PDF: "pdf", PNG: "png", JPEG: "jpg", DOCX: "docx", XLSX: "xlsx"}


def extension_for(content_type: str) -> str:
    """The file extension we give a stored or downloaded file of this (detected) type."""
    return EXTENSIONS.get(content_type, "bin")


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


# Office files are ZIP archives: what they unpack to is capped, so a small upload cannot
# expand to gigabytes when someone opens or indexes it (a "zip bomb").
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_ARCHIVE_MEMBERS = 2000
MAX_COMPRESSION_RATIO = 100  # per member larger than 1 MiB unpacked

# PDF features that run code or carry other files when the PDF is opened.
_PDF_ACTIVE = re.compile(
    rb"/(JavaScript|JS|OpenAction|AA|Launch|EmbeddedFiles?|RichMedia)(?![A-Za-z0-9])"
)
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.S)
_MAX_INFLATED = 20 * 1024 * 1024


def _pdf_unescape(data: bytes) -> bytes:
    # /J#61vaScript is the same name as /JavaScript.
    return _PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), data)


def _pdf_texts(data: bytes):
    """The file itself and its compressed streams (object streams can hide dictionaries)."""
    yield data
    budget = _MAX_INFLATED
    for match in _PDF_STREAM.finditer(data):
        if budget <= 0:
            return
        inflater = zlib.decompressobj()
        try:
            inflated = inflater.decompress(match.group(1), budget)
        except zlib.error:
            continue
        budget -= len(inflated)
        yield inflated


def pdf_has_active_content(upload) -> bool:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return any(_PDF_ACTIVE.search(_pdf_unescape(text)) for text in _pdf_texts(data))


def archive_problem(upload) -> str | None:
    """Why an office file (ZIP) must be refused, or None."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return _("The file is damaged and cannot be opened.")
    finally:
        upload.seek(0)
    total = sum(member.file_size for member in members)
    too_packed = any(
        member.file_size > 1024 * 1024
        and member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1)
        for member in members
    )
    if len(members) > MAX_ARCHIVE_MEMBERS or total > MAX_UNPACKED_BYTES or too_packed:
        return _(
            "The file unpacks to far more data than it holds (%(size)s) and cannot be accepted."
            " Please save it again in your office program, or upload it as a PDF."
        ) % {"size": filesizeformat(total)}
    return None


# Characters that make a name read differently from what it is ("invoice\u202efdp.exe"
# shows as "invoiceexe.pdf"): bidirectional controls, zero-width and other format characters.
_BIDI = dict.fromkeys(
    [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C, 0x200B, 0xFEFF]
)


def clean_filename(name: str, *, max_length: int = 200) -> str:
    """The uploader's file name for display only: no path, no control or bidi characters."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = name.translate(_BIDI)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = name.strip().strip(".") or "file"
    return name[-max_length:]


def download_name(prefix: str, pk, content_type: str) -> str:
    """A name we make: never the uploader's name or extension, the detected type decides."""
    return f"{prefix}-{pk}.{extension_for(content_type)}"


def file_response(fieldfile, *, prefix: str, pk, content_type: str) -> FileResponse:
    """An uploaded file as a download under a generated name and its detected type."""
    return file_download(
        fieldfile,
        filename=download_name(prefix, pk, content_type),
        content_type=content_type if content_type in EXTENSIONS else "application/octet-stream",
    )


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
    if kind == PDF and pdf_has_active_content(upload):
        raise ValidationError(
            _(
                "This PDF contains scripts, automatic actions or embedded files, which we do not"
                " accept. Please print it to a new PDF (or export it again without these) and"
                " upload that."
            ),
            code="active_content",
        )
    if kind in (DOCX, XLSX):
        problem = archive_problem(upload)
        if problem:
            raise ValidationError(problem, code="archive_bomb")
    return kind
