"""Benchmark: a yearly funder report over a realistic amount of logged work.

Builds a throwaway test database (SQLite in memory, or `test_<name>` next to the PostgreSQL
database when DATABASE_URL points there), fills it with fictional data at the scale the
issue names — about 500 organisations, 5,000 coaching sessions, 300 action-fund
applications, 200 workshops, plus interviews, recommendations, consultations and placements —
with `devtools.scale` (the generator behind `manage.py seed_scale`), then times:

- computing all figures of the year (what the dashboard shows and the report freezes),
- the per-organisation reach view,
- the whole report in the worker: freezing the figures and rendering the PDF,
- the record export of the biggest indicator,

and prints the figures, the timings and the number of queries. Not a unit test: run it with
`make bench` or `.venv/bin/python bench/run.py report`.
"""

import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ikmo.settings.test")

# The mix `manage.py seed_scale` writes, at a tenth of the full scale.
SCALE = {
    "organisations": 500,
    "coaching": 5000,
    "applications": 300,
    "workshops": 200,
    "registrations_per_workshop": 8,
    "interviews": 150,
    "recommendations": 80,
    "consultations": 400,
    "placements": 120,
    "contacts": 250,
    "events": 30,
    "tandems": 40,
}
YEAR = 2025


@contextmanager
def measured(label: str, results: list):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started, cpu = time.perf_counter(), time.process_time()
        yield
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    results.append((label, elapsed, cpu, len(queries.captured_queries)))


def run() -> None:
    import django

    django.setup()
    import tempfile

    from django.conf import settings
    from django.db import connection
    from django.test import override_settings
    from django.test.utils import setup_test_environment, teardown_test_environment
    from django.utils import translation

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    media = tempfile.TemporaryDirectory(prefix="ikmo-bench-")
    storages = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": media.name},
        },
    }
    try:
        with override_settings(STORAGES=storages):
            translation.activate("de")
            _run()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
        media.cleanup()


def _run() -> None:
    from django.contrib.contenttypes.models import ContentType

    from devtools.scale import Scale, generate
    from ikmo.documents import document_render
    from ikmo.models import GeneratedDocument
    from reporting import exports
    from reporting.figures import compute_figures, organisation_reach
    from reporting.models import FunderReport
    from reporting.registry import get_indicator
    from reporting.services import report_freeze
    from reporting.templatetags.reporting import figure, percent

    results: list = []
    generator = generate(Scale(**SCALE), seed=2025, year=YEAR)
    print(f"Generated in {generator.result.seconds:.1f} s on {connection_vendor()}:")
    print("\n".join(generator.result.lines()))
    period = generator.period  # with the plan values of the year

    with measured("compute all figures of the year", results):
        figures = compute_figures(period)
    with measured("reach per organisation", results):
        reach = organisation_reach(period)
    report = FunderReport.objects.create(period=period, summary="Benchmark")
    document = GeneratedDocument.objects.create(
        kind="funder_report",
        content_type=ContentType.objects.get_for_model(report),
        object_id=str(report.pk),
        title="Bench",
        language="de",
    )
    with measured("report in the worker: freeze the figures", results):
        report_freeze(report_id=report.pk)
    with measured("report in the worker: render the PDF", results):
        document_render(document_id=document.pk)
    document.refresh_from_db()
    pdf_size = document.file.size
    with measured("XLSX of the figures", results):
        xlsx = exports.figures_xlsx_bytes(figures)
    indicator = get_indicator("coaching_sessions")
    with measured("CSV export of all coaching sessions (streamed)", results):
        rows = sum(1 for _ in exports.record_rows(indicator, indicator.records(period)))

    print(f"\nFigures for {period} (as of {figures['as_of']}):")
    print(f"  {'Indicator':<58} {'Plan':>12} {'Actual':>14} {'%':>7}  Status")
    for r in figures["indicators"]:
        print(
            f"  {r['label'][:58]:<58} {figure(r['plan'], r['unit']):>12} "
            f"{figure(r['actual'], r['unit']):>14} {percent(r['percent']):>7}  {r['status_label']}"
        )
    print(f"\n  Organisations in the reach view: {len(reach)}")
    print(
        f"  PDF: {pdf_size / 1024:.0f} KiB, XLSX: {len(xlsx) / 1024:.0f} KiB, CSV rows: {rows - 1}"
    )
    # CPU seconds of this process: on a shared machine the wall clock also counts waiting.
    print(f"\n  {'Step':<50} {'seconds':>8} {'CPU s':>8} {'queries':>8}")
    for label, elapsed, cpu, queries in results:
        print(f"  {label:<50} {elapsed:>8.2f} {cpu:>8.2f} {queries:>8}")


def connection_vendor() -> str:
    from django.db import connection

    return connection.vendor


if __name__ == "__main__":
    run()
