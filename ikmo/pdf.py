"""Render Django templates to PDF with WeasyPrint, fetching nothing but our own static files.

Templates reference assets as ``{% static 'css/pdf.css' %}``; relative to BASE_URL that
becomes ``https://ikmo.invalid/static/...``, which the fetcher maps onto the static finders.
Every other URL (file://, remote hosts, paths outside /static/) is refused, so user text
that sneaks markup into a document can never read local files or call out.
"""

import base64
import mimetypes
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

BASE_URL = "https://ikmo.invalid/"
_HOST = "ikmo.invalid"


class StaticOnlyFetcher(URLFetcher):
    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme == "data":
            # Inline images (charts) are self-contained; decode without touching the network.
            header, _, payload = url.partition(",")
            mime = header[5:].split(";")[0] or "text/plain"
            body = base64.b64decode(payload) if ";base64" in header else unquote(payload).encode()
            return URLFetcherResponse(url, body, {"Content-Type": mime})
        static_prefix = settings.STATIC_URL
        if (
            parts.scheme != "https"
            or parts.netloc != _HOST
            or not parts.path.startswith(static_prefix)
        ):
            raise ValueError(f"PDF rendering may only load our static files, not {url!r}")
        relative = unquote(parts.path[len(static_prefix) :])
        if ".." in relative.split("/"):
            raise ValueError("Path traversal refused")
        path = finders.find(relative)
        if not path:
            raise ValueError(f"No such static file: {relative}")
        mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
        with open(path, "rb") as fh:
            return URLFetcherResponse(url, fh.read(), {"Content-Type": mime})


def render_pdf(template_name: str, context: dict) -> bytes:
    html = render_to_string(template_name, context)
    return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).write_pdf(
        pdf_variant="pdf/ua-1"
    )
