"""Uploads: the content decides (a renamed .exe is refused everywhere), the size is capped,
stored names are random, and files are only ever handed out through permission-checked views."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actionfund.models import Attachment, Receipt
from volunteering.models import RecognitionDocument

from .world import PDF_BYTES

pytestmark = pytest.mark.django_db

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
SIX_MB_PDF = b"%PDF-1.4\n" + b"0" * (6 * 1024 * 1024)
BAD_FILES = {
    "exe renamed to pdf": ("rechnung.pdf", EXE, "application/pdf"),
    "html renamed to pdf": ("rechnung.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"),
    "svg with script": ("bild.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', "image/png"),
    "zip that is no office file": ("plan.docx", b"PK\x03\x04" + b"\x00" * 100, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "too large": ("gross.pdf", SIX_MB_PDF, "application/pdf"),
    "empty": ("leer.pdf", b"", "application/pdf"),
}  # fmt: skip


def _zip_bomb() -> bytes:
    """A DOCX-looking archive whose one member unpacks to 200 MB of zeros (a few hundred KB)."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        with archive.open("word/media/zeros.bin", "w", force_zip64=True) as member:
            chunk = b"\x00" * (1024 * 1024)
            for _ in range(200):
                member.write(chunk)
    return buffer.getvalue()


PDF_JS = b"%PDF-1.4\n1 0 obj<</Type/Catalog/OpenAction 2 0 R>>endobj\n2 0 obj<</S/JavaScript/JS(app.alert(1))>>endobj\ntrailer<<>>\n%%EOF\n"
PDF_JS_ESCAPED = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Names<</J#61vaScript 3 0 R>>>>endobj\ntrailer<<>>\n%%EOF\n"
)
PDF_LAUNCH = (
    b"%PDF-1.4\n1 0 obj<</Type/Annot/A<</S/Launch/F(calc.exe)>>>>endobj\ntrailer<<>>\n%%EOF\n"
)
BAD_FILES.update(
    {
        "pdf with javascript": ("flyer.pdf", PDF_JS, "application/pdf"),
        "pdf with escaped javascript name": ("flyer.pdf", PDF_JS_ESCAPED, "application/pdf"),
        "pdf that launches a program": ("flyer.pdf", PDF_LAUNCH, "application/pdf"),
    }
)


def _upload(name, content, content_type):
    return SimpleUploadedFile(name, content, content_type=content_type)


def _post_attachment(client, world, upload):
    url = reverse("actionfund:application_edit", args=[world.af_draft.pk, "attachments"])
    return client.post(
        url, {"action": "upload", "description": "Anlage", "file": upload}, follow=True
    )


def _post_receipt(client, world, upload):
    url = reverse("actionfund:receipt_add", args=[world.af_paid.pk])
    return client.post(url, {"file": upload}, follow=True)


def _post_recognition(client, world, upload):
    url = reverse("volunteering:document_upload", args=[world.org_a.pk])
    return client.post(url, {"title": "Bescheid", "file": upload}, follow=True)


ENDPOINTS = {
    "action fund attachment": (_post_attachment, Attachment),
    "action fund receipt": (_post_receipt, Receipt),
    "volunteering recognition document": (_post_recognition, RecognitionDocument),
}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("bad", BAD_FILES)
def test_files_that_are_not_what_they_claim_are_refused_everywhere(client, world, endpoint, bad):
    post, model = ENDPOINTS[endpoint]
    before = model.objects.count()
    client.force_login(world.users["admin_a"])
    response = post(client, world, _upload(*BAD_FILES[bad]))
    assert response.status_code == 200
    assert model.objects.count() == before, f"{endpoint} stored a file: {bad}"
    html = response.content.decode()
    assert "invalid-feedback" in html or "alert-danger" in html or "errorlist" in html, (
        "the refusal is explained"
    )


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_real_pdf_is_stored_under_a_random_name_outside_any_served_directory(
    client, world, endpoint, _private_media
):
    post, model = ENDPOINTS[endpoint]
    before = set(model.objects.values_list("pk", flat=True))
    client.force_login(world.users["admin_a"])
    post(client, world, _upload("Vereinsname Max Mustermann.pdf", PDF_BYTES, "application/pdf"))
    created = model.objects.exclude(pk__in=before).get()
    stored = created.file.name
    assert "Mustermann" not in stored and "Vereinsname" not in stored
    assert re.search(r"[A-Za-z0-9_-]{24,}\.pdf$", stored), stored
    path = Path(created.file.path)
    assert path.is_relative_to(_private_media)
    assert not path.is_relative_to(Path(settings.STATIC_ROOT))
    assert path.read_bytes() == PDF_BYTES


def test_private_files_are_not_served_by_url(client, world):
    """No route serves the storage directory: neither MEDIA_URL nor the folder's name."""
    names = [
        world.attachment.file.name,
        world.receipt.file.name,
        world.recognition_doc.file.name,
        world.profile_sheet_a.file.name,
        world.export.file.name,
    ]
    client.force_login(world.users["admin"])
    for name in names:
        for prefix in ["/private-media/", "/media/", settings.MEDIA_URL or "/", "/static/"]:
            response = client.get(f"{prefix.rstrip('/')}/{name}")
            assert response.status_code == 404, f"{prefix}{name}"


def test_downloads_go_through_the_permission_checked_views(client, world):
    url = reverse("actionfund:attachment_download", args=[world.af_draft.pk, world.attachment.pk])
    client.force_login(world.users["member_b"])
    assert client.get(url).status_code == 404
    client.force_login(world.users["member_a"])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_docx_zip_bomb_is_refused_with_a_clear_message(client, world):
    before = Attachment.objects.count()
    client.force_login(world.users["admin_a"])
    bomb = _zip_bomb()
    assert len(bomb) < 2 * 1024 * 1024
    response = _post_attachment(
        client,
        world,
        _upload("plan.docx", bomb, "application/vnd.openxmlformats-officedocument"),
    )
    assert Attachment.objects.count() == before
    assert "200,0" in response.content.decode() or "200.0" in response.content.decode()


@pytest.mark.parametrize(
    ("uploaded_as", "expected"),
    [("page.html", "attachment-{pk}.pdf"), ("invoice\u202efdp.exe", "attachment-{pk}.pdf")],
)
def test_downloads_carry_a_generated_name_with_the_detected_extension(
    client, world, uploaded_as, expected
):
    from actionfund import services

    attachment = services.attachment_add(
        application=world.af_draft,
        upload=_upload(uploaded_as, PDF_BYTES, "text/html"),
        description="Anlage",
        by=world.users["admin_a"],
    )
    assert "\u202e" not in attachment.original_name  # the stored name shows what it is
    client.force_login(world.users["admin_a"])
    url = reverse("actionfund:attachment_download", args=[world.af_draft.pk, attachment.pk])
    response = client.get(url)
    disposition = response["Content-Disposition"]
    assert disposition == f'attachment; filename="{expected.format(pk=attachment.pk)}"'
    assert response["Content-Type"] == "application/pdf"
    receipt_url = reverse("actionfund:receipt_download", args=[world.af_paid.pk, world.receipt.pk])
    assert f"receipt-{world.receipt.pk}.pdf" in client.get(receipt_url)["Content-Disposition"]
