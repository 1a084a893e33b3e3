"""Benchmark: a CSV export of 100,000 rows keeps its memory flat.

    .venv/bin/python bench/run.py export      (part of `make bench`)

Builds a throwaway test database (SQLite, or `test_<name>` beside DATABASE_URL's PostgreSQL),
writes 100,000 coaching sessions with the scale generator (devtools/scale.py), then exports the
records behind the "coaching sessions" indicator as the reporting records CSV does
(reporting.exports.records_csv: a StreamingHttpResponse over `.values_list().iterator()`),
once for the first 10,000 rows and once for all 100,000, and prints the peak of memory
allocated by Python while the response is consumed (tracemalloc). For contrast it prints the
same for the naive way: reading all rows into a list and building one string.
"""

import os
import sys
import time
import tracemalloc
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ikmo.settings.test")

ROWS = int(os.environ.get("BENCH_EXPORT_ROWS", "100000"))


def _peak(consume) -> tuple[float, float, int]:
    tracemalloc.start()
    tracemalloc.reset_peak()
    started = time.perf_counter()
    size = consume()
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20, elapsed, size


def run() -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment
    from django.utils import translation

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        translation.activate("de")
        _run()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


def _run() -> None:
    import csv
    import io

    from django.db import connection

    from devtools.scale import Scale, generate
    from reporting import exports
    from reporting.models import FundingPeriod
    from reporting.registry import get_indicator

    scale = Scale.small(1)
    scale.organisations, scale.coaching = 300, ROWS
    generator = generate(scale, seed=7)
    print(
        f"Generated {ROWS:,} coaching sessions in {generator.result.seconds:.1f} s on {connection.vendor}"
    )
    year = generator.year
    # A period around all generated dates, so every session is a record of the indicator.
    period = FundingPeriod.objects.create(
        name="Export bench", funder="other", start=date(year - 2, 1, 1), end=date(year + 2, 12, 31)
    )
    indicator = get_indicator("coaching_sessions")
    records = indicator.records(period).order_by("pk")

    def streamed(qs):
        def consume():
            response = exports.records_csv(indicator, qs, filename="bench.csv")
            return sum(len(chunk) for chunk in response.streaming_content)

        return consume

    def naive(qs):
        def consume():  # what a non-streaming export does: all rows, then one big string
            rows = list(exports.record_rows(indicator, qs.all()))
            buffer = io.StringIO()
            csv.writer(buffer).writerows(rows)
            return len(buffer.getvalue().encode())

        return consume

    small = min(10_000, ROWS)
    print(f"\n  {'Export':<44} {'rows':>8} {'MiB out':>8} {'peak MiB':>9} {'seconds':>8}")
    results = {}
    for label, make in (
        ("streamed (records_csv, iterator)", streamed),
        ("naive (list + one string)", naive),
    ):
        for n in (small, ROWS):
            qs = (
                records
                if n == ROWS
                else records.filter(pk__lte=records.values_list("pk", flat=True)[n - 1])
            )
            peak, elapsed, size = _peak(make(qs))
            results[(label, n)] = peak
            print(f"  {label:<44} {n:>8,} {size / 2**20:>8.1f} {peak:>9.2f} {elapsed:>8.2f}")
    s_small, s_large = (
        results[("streamed (records_csv, iterator)", small)],
        results[("streamed (records_csv, iterator)", ROWS)],
    )
    print(
        f"\n  Streamed export: peak {s_small:.2f} MiB at {small:,} rows, {s_large:.2f} MiB at {ROWS:,} rows "
        f"(x{s_large / s_small:.2f} for x{ROWS / small:.0f} the rows)."
    )


if __name__ == "__main__":
    run()
