"""Every file the portal hands out goes through here: one set of headers for all of them.

A download is personal data: no cache on the way may keep it (`private, no-store`), the
browser must not guess another type than the one we send (`nosniff`), and it is always
saved, never shown inline (`attachment`, under a name we make).
"""

from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header


def as_download(response, *, filename: str):
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def file_download(fieldfile, *, filename: str, content_type: str) -> FileResponse:
    """A stored file (an upload or a job's result) as an attachment."""
    response = FileResponse(fieldfile.open("rb"), content_type=content_type)
    return as_download(response, filename=filename)


def content_download(content, *, filename: str, content_type: str) -> HttpResponse:
    """Bytes or text made for this request (CSV, XLSX, JSON) as an attachment."""
    return as_download(HttpResponse(content, content_type=content_type), filename=filename)
