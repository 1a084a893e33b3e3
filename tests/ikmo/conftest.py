import shutil
import subprocess

import pytest


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Generated files go to a temporary directory, never into the working tree."""
    location = tmp_path / "private-media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location)},
        },
    }
    return location


def pdf_text(data: bytes) -> str | None:
    """The text of a PDF via poppler's pdftotext, or None where poppler is not installed."""
    if not shutil.which("pdftotext"):
        return None
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return result.stdout.decode()
