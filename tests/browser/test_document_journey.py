"""The organisation profile sheet: requested, rendered in the background, downloaded."""

import pytest
from playwright.sync_api import expect

from ikmo import tasks
from ikmo.documents import document_render
from ikmo.models import GeneratedDocument

from .helpers import log_in_by_cookie

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_profile_sheet_shows_progress_then_downloads_as_pdf(page, org, org_admin, monkeypatch):
    # Hold the worker back, so the page is seen waiting as it would with a busy queue.
    queued = []
    monkeypatch.setattr(tasks.render_document, "apply_async", lambda args: queued.append(args))

    log_in_by_cookie(page, org_admin)
    page.goto(org.get_absolute_url())
    page.click("form[action$='/profile-sheet/'] button")
    status = page.locator("#document-status")
    expect(status.get_by_role("progressbar")).to_be_visible()
    document = GeneratedDocument.objects.get(organisation=org)
    assert queued == [[document.pk]]

    # The worker picks it up; the page polls and shows how far it got, then the link.
    GeneratedDocument.objects.filter(pk=document.pk).update(
        status=GeneratedDocument.Status.RUNNING, progress=40
    )
    expect(status.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "40")
    document_render(document_id=document.pk)
    link = status.locator("a[href$='/download/']")
    expect(link).to_be_visible()

    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
