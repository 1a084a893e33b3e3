"""User text is shown as text everywhere: in pages, in PDFs and in e-mails. WeasyPrint
fetches nothing but our own static files."""

import shutil
import socket
import subprocess
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse

from actionfund import services as fund
from ikmo import pdf
from ikmo.documents import document_render
from ikmo.mail import email_send_now
from ikmo.models import GeneratedDocument, OutboundEmail

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
TEMPLATE_TAGS = "{{ request.user.password }}{% debug %}"
PAYLOAD = f'Verein {SCRIPT} {TEMPLATE_TAGS} <img src="file:///etc/passwd">'


@pytest.fixture
def hostile(world):
    """Organisation A's name and its draft's title carry markup and template syntax."""
    world.org_a.name = PAYLOAD
    world.org_a.save(update_fields=["name"])
    world.af_draft.title = PAYLOAD
    world.af_draft.save(update_fields=["title"])
    return world


def _pdf_text(data: bytes) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    result = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return " ".join(result.stdout.decode().split())


@pytest.mark.parametrize(
    "page",
    [
        lambda w: reverse("organisations:detail", args=[w.org_a.pk]),
        lambda w: reverse("organisations:timeline", args=[w.org_a.pk]),
        lambda w: reverse("actionfund:application_detail", args=[w.af_draft.pk]),
        lambda w: reverse("actionfund:application_list"),
        lambda w: reverse("actionfund:application_edit", args=[w.af_draft.pk, "basics"]),
        lambda w: reverse("home"),
    ],
    ids=[
        "organisation",
        "organisation timeline",
        "application",
        "application list",
        "application form",
        "home",
    ],
)
def test_pages_show_markup_as_text(client, hostile, page):
    client.force_login(hostile.users["admin_a"])
    html = client.get(page(hostile)).content.decode()
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<img src="file:///etc/passwd">' not in html
    assert TEMPLATE_TAGS.replace('"', "&quot;") in html or "{{ request.user.password }}" in html


def test_staff_pages_too(client, hostile):
    client.force_login(hostile.users["admin"])
    for url in [
        reverse("organisations:directory"),
        reverse("actionfund:application_list"),
        reverse("qualification:coaching_organisation", args=[hostile.org_a.pk]),
        reverse("volunteering:organisation", args=[hostile.org_a.pk]),
    ]:
        html = client.get(url).content.decode()
        assert SCRIPT not in html, url
        assert "&lt;script&gt;" in html, url


class _NoNetwork:
    """Fails the test if anything opens a socket or fetches a non-static URL while rendering."""

    def __init__(self):
        self.fetched = []

    def __enter__(self):
        original = pdf.StaticOnlyFetcher.fetch
        outer = self

        def spy(fetcher, url, headers=None):
            outer.fetched.append(url)
            return original(fetcher, url, headers)

        def refuse(*args, **kwargs):
            raise AssertionError(f"network access while rendering a PDF: {args[:1]}")

        self._patches = [
            mock.patch.object(pdf.StaticOnlyFetcher, "fetch", spy),
            mock.patch.object(socket, "create_connection", refuse),
            mock.patch("urllib.request.urlopen", refuse),
        ]
        for patch in self._patches:
            patch.start()
        return self

    def __exit__(self, *exc):
        for patch in self._patches:
            patch.stop()


def _assert_only_static(fetched):
    for url in fetched:
        assert url.startswith(("https://ikmo.invalid/static/", "data:")), url


def test_profile_sheet_pdf_shows_the_name_as_typed_and_fetches_nothing(hostile):
    from ikmo.documents import document_request
    from organisations.documents import PROFILE_SHEET

    document = document_request(
        kind=PROFILE_SHEET,
        target=hostile.org_a,
        organisation=hostile.org_a,
        by=hostile.users["admin_a"],
    )
    with _NoNetwork() as guard:
        document_render(document_id=document.pk)
    document.refresh_from_db()
    assert document.status == GeneratedDocument.Status.DONE
    text = _pdf_text(document.file.read())
    assert SCRIPT in text
    assert "{{ request.user.password }}" in text
    assert "file:///etc/passwd" in text  # the markup as text, not an image that was loaded
    _assert_only_static(guard.fetched)


def test_agreement_pdf_shows_the_title_as_typed(hostile):
    from actionfund.documents import AGREEMENT_KIND
    from ikmo.documents import document_request

    document = document_request(
        kind=AGREEMENT_KIND,
        target=hostile.af_draft,
        organisation=hostile.org_a,
        by=hostile.leads["actionfund"],
    )
    with _NoNetwork() as guard:
        document_render(document_id=document.pk)
    document.refresh_from_db()
    text = _pdf_text(document.file.read())
    assert SCRIPT in text
    _assert_only_static(guard.fetched)


def test_weasyprint_refuses_local_files_and_remote_urls():
    from django.template import engines

    html = (
        '<img src="file:///etc/passwd"><img src="http://127.0.0.1:1/x.png">'
        '<link rel="stylesheet" href="https://example.org/x.css"><p>ok</p>'
    )
    template = engines["django"].from_string(html)
    with (
        _NoNetwork() as guard,
        mock.patch.object(pdf, "render_to_string", lambda *a: template.render()),
    ):
        data = pdf.render_pdf("unused.html", {})
    assert data.startswith(b"%PDF")
    assert set(guard.fetched) >= {"file:///etc/passwd", "http://127.0.0.1:1/x.png"}


def test_emails_are_plain_text_with_the_title_as_typed(hostile, django_capture_on_commit_callbacks):
    application = hostile.af_draft
    with django_capture_on_commit_callbacks(execute=False):
        fund.application_submit(
            application=application, token=application.submission_token, by=hostile.users["admin_a"]
        )
    emails = list(OutboundEmail.objects.filter(body__contains="alert(1)"))
    assert emails, "the confirmation names the application"
    for email in emails:
        assert SCRIPT in email.body  # plain text: not HTML-escaped
        assert "&lt;" not in email.body
        assert "{{ request.user.password }}" in email.body  # not evaluated
        email_send_now(email_id=email.pk)
    assert mail.outbox
    for message in mail.outbox:
        assert message.content_subtype == "plain"
        assert not getattr(message, "alternatives", [])
