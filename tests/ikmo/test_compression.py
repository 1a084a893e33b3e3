"""Pages, fragments and JSON go out gzip-compressed to browsers that accept it
(ikmo.middleware.PageGZipMiddleware); files and streams go out as they are."""

import gzip
import io

import pytest
from django.http import FileResponse, HttpResponse, JsonResponse, StreamingHttpResponse
from django.test import RequestFactory
from django.urls import reverse

from ikmo.middleware import PageGZipMiddleware

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def test_a_signed_in_page_is_compressed_for_a_browser_that_accepts_it(client_for, org_admin):
    client = client_for(org_admin)
    plain = client.get(reverse("home"))
    packed = client.get(reverse("home"), **GZIP)
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    html = gzip.decompress(packed.content).decode()
    assert "<main" in html and "</html>" in html
    # The same page: only the per-response CSRF token differs, not the length of the page.
    assert len(html) == len(plain.content.decode())
    assert len(packed.content) * 3 < len(plain.content)


def test_htmx_fragments_and_json_are_compressed_too(client_for, org, org_member, consultant):
    from tests.qualification.test_services import _session

    for days_ago in range(10):  # a timeline long enough to be worth compressing
        _session(org, consultant, days_ago=days_ago)
    client = client_for(org_member)
    fragment = client.get(
        reverse("organisations:timeline", args=[org.pk]), headers={"HX-Request": "true"}, **GZIP
    )
    assert fragment["Content-Encoding"] == "gzip"
    assert '<ol class="timeline' in gzip.decompress(fragment.content).decode()
    middleware = PageGZipMiddleware(lambda request: JsonResponse({"results": ["x" * 400]}))
    answer = middleware(RequestFactory().get("/", **GZIP))
    assert answer["Content-Encoding"] == "gzip"


@pytest.mark.parametrize(
    "response",
    [
        lambda: FileResponse(io.BytesIO(b"%PDF-1.7 " * 500), content_type="application/pdf"),
        lambda: StreamingHttpResponse(iter([b"a;b\r\n" * 500]), content_type="text/csv"),
        lambda: HttpResponse(b"a;b\r\n" * 500, content_type="text/csv"),
    ],
    ids=["file", "stream", "csv"],
)
def test_files_and_streams_go_out_as_they_are(response):
    middleware = PageGZipMiddleware(lambda request: response())
    answer = middleware(RequestFactory().get("/", **GZIP))
    assert not answer.has_header("Content-Encoding")
