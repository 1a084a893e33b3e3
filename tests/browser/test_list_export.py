"""A list export in a real browser, on a phone: the consultant filters the coaching log,
exports it as CSV (a double tap asks once), watches the progress and downloads exactly the
filtered rows."""

import csv
import datetime
import io

import pytest
from playwright.sync_api import expect

from ikmo import listexports
from ikmo.models import ListExport
from qualification.models import CoachingSession

from .helpers import assert_no_horizontal_scroll, log_in_by_cookie, t

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _session(organisation, consultant, day, outcome=""):
    return CoachingSession.objects.create(
        organisation=organisation,
        consultant=consultant,
        date=datetime.date(2026, 3, day),
        duration_minutes=45,
        format=CoachingSession.Format.IN_PERSON,
        outcome=outcome,
    )


def test_consultant_exports_the_filtered_coaching_log_on_a_phone(
    new_page, org, other_org, consultant, monkeypatch, tmp_path
):
    _session(org, consultant, 2, outcome='=HYPERLINK("http://evil.example")')
    _session(org, consultant, 9)
    _session(other_org, consultant, 5)
    # The worker is held back until the test lets it run, so the progress can be seen.
    held = []
    monkeypatch.setattr(listexports, "enqueue_on_commit", lambda task, pk, model: held.append(pk))

    page = new_page(phone=True)
    log_in_by_cookie(page, consultant)
    page.goto("/qualification/coaching/")
    search = page.get_by_role("search", name=t("Filter my coaching sessions"))
    search.get_by_label(t("Organisation")).fill("Brückenbau")
    search.get_by_role("button", name=t("Filter")).click()
    expect(page.locator("section[aria-labelledby=own-heading] tbody tr")).to_have_count(2)
    assert_no_horizontal_scroll(page)

    page.get_by_role("button", name="CSV").dblclick()
    expect(
        page.get_by_text(t("The export is being prepared. This page updates by itself."))
    ).to_be_visible()
    expect(page.get_by_role("progressbar")).to_be_visible()
    assert ListExport.objects.count() == 1 and held == [ListExport.objects.get().pk]
    job = ListExport.objects.get()
    assert job.params == {"q": ["Brückenbau"]}
    assert_no_horizontal_scroll(page)
    page.screenshot(path=str(tmp_path / "export-waiting.png"), full_page=True)

    listexports.export_run(job_id=job.pk)
    link = page.get_by_role("link", name=t("Download"))
    expect(link).to_be_visible(timeout=10_000)  # the status polls every two seconds
    page.screenshot(path=str(tmp_path / "export-ready.png"), full_page=True)
    print(f"Screenshots: {tmp_path}")

    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), "rb") as handle:
        content = handle.read().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert len(rows) == 3
    assert [(r[0], r[1]) for r in rows[1:]] == [
        ("2026-03-09", org.name),
        ("2026-03-02", org.name),
    ]
    assert '\'=HYPERLINK("http://evil.example")' in rows[2]
    assert ListExport.objects.count() == 1
