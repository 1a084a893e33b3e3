"""The one upload checker (ikmo/uploads.py) with each app's own allow-list."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from actionfund import uploads as fund_uploads
from ikmo import uploads
from volunteering import uploads as desk_uploads


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def test_a_word_file_is_an_attachment_for_the_fund_but_not_a_recognition_document():
    fund = SimpleUploadedFile("antrag.docx", docx())
    assert fund_uploads.validate_upload(fund) == uploads.DOCX
    desk = SimpleUploadedFile("anerkennung.pdf", docx())  # the name claims PDF
    with pytest.raises(ValidationError) as error:
        desk_uploads.validate_upload(desk)
    assert error.value.code == "bad_type"
    assert "PDF, JPEG, PNG" in error.value.messages[0]


def test_the_limit_is_the_callers():
    upload = SimpleUploadedFile("a.pdf", b"%PDF-1.7\n" + b"x" * 100)
    assert uploads.validate_upload(upload, allowed=(uploads.PDF,), max_bytes=200) == uploads.PDF
    with pytest.raises(ValidationError) as error:
        uploads.validate_upload(upload, allowed=(uploads.PDF,), max_bytes=50)
    assert error.value.code == "too_large"
