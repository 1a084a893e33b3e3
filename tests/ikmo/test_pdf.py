"""ikmo.pdf: templates become real PDFs, and rendering can load nothing but our static files."""

import http.server
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils import translation
from weasyprint import HTML

from ikmo.pdf import BASE_URL, StaticOnlyFetcher, render_pdf
from organisations.documents import profile_sheet_context
from tests.ikmo.conftest import pdf_text

pytestmark = pytest.mark.django_db

STATIC = f"https://ikmo.invalid{settings.STATIC_URL}"


def test_render_pdf_produces_a_real_pdf_with_the_organisation(org, org_member):
    context = profile_sheet_context(org, SimpleNamespace(requested_by=org_member))
    data = render_pdf("organisations/pdf/profile_sheet.html", context)
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    text = pdf_text(data)
    if text is not None:
        assert "Brückenbau Test e.V." in text
        assert "Neukölln" in text


def test_fetcher_serves_our_pdf_stylesheet():
    response = StaticOnlyFetcher().fetch(f"{STATIC}css/pdf.css")
    assert response.read() == Path(finders.find("css/pdf.css")).read_bytes()
    assert response.content_type == "text/css"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        f"file://{settings.BASE_DIR}/static/css/pdf.css",
        "https://example.org/static/css/pdf.css",
        "http://ikmo.invalid/static/css/pdf.css",
        "https://ikmo.invalid/private-media/documents/x.pdf",
        "https://ikmo.invalid/static/../settings",
        "https://ikmo.invalid/static/../ikmo/settings/base.py",
        "https://ikmo.invalid/static/css/../../ikmo/settings/base.py",
        "https://ikmo.invalid/static/%2e%2e/ikmo/settings/base.py",
        "https://ikmo.invalid/static/css/%2E%2E/%2E%2E/manage.py",
        "https://ikmo.invalid/static/does-not-exist.css",
        "ftp://ikmo.invalid/static/css/pdf.css",
    ],
)
def test_fetcher_refuses_everything_else(url):
    with pytest.raises(ValueError):
        StaticOnlyFetcher().fetch(url)


def test_fetcher_decodes_inline_data_urls_without_network():
    response = StaticOnlyFetcher().fetch("data:text/plain;base64,SGFsbG8=")
    assert response.read() == b"Hallo"


@pytest.fixture
def local_http_server():
    """A server on 127.0.0.1 that records every request it gets."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b'body::after { content: "REMOTE-LOADED"; }')

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()
    server.server_close()


def test_documents_cannot_read_local_files_or_call_out(tmp_path, local_http_server):
    remote, hits = local_http_server
    secret = tmp_path / "secret.css"
    secret.write_text('body::before { content: "LOCAL-FILE-LEAKED"; }')
    html = f"""<html><head>
      <link rel="stylesheet" href="file://{secret}">
      <link rel="stylesheet" href="{remote}/evil.css">
      <link rel="stylesheet" href="data:text/css,p%3A%3Aafter%20%7Bcontent%3A%22DATA-OK%22%7D">
      </head><body><p>Inhalt</p><img src="{remote}/pixel.png"></body></html>"""
    data = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).write_pdf()
    assert data.startswith(b"%PDF")
    assert hits == []
    text = pdf_text(data)
    if text is not None:
        assert "Inhalt" in text
        assert "DATA-OK" in text  # the control: allowed resources do load
        assert "LOCAL-FILE-LEAKED" not in text
        assert "REMOTE-LOADED" not in text


def test_user_text_with_markup_is_escaped_in_documents(org, org_member):
    org.description = '<link rel="stylesheet" href="file:///etc/passwd"><b>fett</b>'
    org.save()
    with translation.override("de"):
        context = profile_sheet_context(org, SimpleNamespace(requested_by=org_member))
        data = render_pdf("organisations/pdf/profile_sheet.html", context)
    text = pdf_text(data)
    if text is not None:
        assert "<b>fett</b>" in text


@pytest.mark.parametrize("language", ["de", "ar"])
def test_every_pdf_is_tagged_pdf_ua_in_the_readers_language(org, org_member, language):
    """Public funders in Berlin require barrier-free documents: all PDFs are PDF/UA-1."""
    import io

    import pikepdf

    with translation.override(language):
        context = profile_sheet_context(org, SimpleNamespace(requested_by=org_member))
        data = render_pdf(
            "organisations/pdf/profile_sheet.html", {**context, "LANGUAGE_CODE": language}
        )
    pdf = pikepdf.open(io.BytesIO(data))
    assert bool(pdf.Root.MarkInfo.Marked) is True
    assert str(pdf.Root.Lang) == language
    assert "/StructTreeRoot" in pdf.Root
    metadata = pdf.open_metadata()
    assert metadata.get("dc:title") == "Brückenbau Test e.V."
    assert metadata.get("pdfuaid:part") == "1"
