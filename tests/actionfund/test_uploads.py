import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from actionfund.uploads import DOCX, JPEG, MAX_UPLOAD_BYTES, PDF, PNG, XLSX, validate_upload


def office_file(main_part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(main_part, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name,content,expected",
    [
        ("a.pdf", b"%PDF-1.7\n...", PDF),
        ("a.png", b"\x89PNG\r\n\x1a\n....", PNG),
        ("a.jpg", b"\xff\xd8\xff\xe0....", JPEG),
        ("a.docx", office_file("word/document.xml"), DOCX),
        ("a.xlsx", office_file("xl/workbook.xml"), XLSX),
        # The name does not matter, the content does.
        ("brief.txt", b"%PDF-1.4\n", PDF),
    ],
)
def test_accepted_types_are_recognised_by_content(name, content, expected):
    assert validate_upload(SimpleUploadedFile(name, content)) == expected


@pytest.mark.parametrize(
    "name,content",
    [
        ("evil.pdf", b"MZ\x90\x00"),
        ("page.pdf", b"<html><script>alert(1)</script>"),
        ("archive.docx", office_file("something/else.xml")),
        ("plain.zip", b"PK\x03\x04broken"),
    ],
)
def test_other_content_is_refused(name, content):
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(SimpleUploadedFile(name, content))
    assert excinfo.value.code == "bad_type"


def test_size_limit_and_empty_files():
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * MAX_UPLOAD_BYTES)
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(big)
    assert excinfo.value.code == "too_large"
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(SimpleUploadedFile("empty.pdf", b""))
    assert excinfo.value.code == "empty"
