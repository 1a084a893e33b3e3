"""Load benchmark: every portal page, for the persona who uses it, at 1× and 4× the data.

    .venv/bin/python bench/run.py load                       (or `make bench`: all benchmarks)
    BENCH_FACTORS=0.05 BENCH_SECONDS=1 BENCH_ROUNDS=1 .venv/bin/python bench/run.py load

For each factor of BENCH_FACTORS (default "1,4"; 1 = the issue's full scale, 5,000
organisations and 50,000 coaching sessions):

1. Creates a fresh database (a new `ikmo_bench_<pid>_<factor>` on the PostgreSQL server of
   DATABASE_URL, or a temporary SQLite file), migrates it and fills it once with
   `manage.py seed_scale --factor F`. The databases are dropped at the end of the run.
2. `bench/benchsite/pages.py` (in a Django process with the benchmark's settings, the page
   cache off) picks and enrols the personas, lists the pages and renders each one
   BENCH_RENDERS (5) times in-process: the median time, the query count and the HTML size.
3. Starts gunicorn (2 sync workers as in production, --timeout 30) on 127.0.0.1 on a free
   port with `bench.benchsite.settings`, whose URLs add a bare one-query view, and Redis
   (database 12 of the local server, or BENCH_REDIS_URL; flushed before and after) for the
   cache as in production.
4. For each page, BENCH_ROUNDS (3) rounds of [anonymous bare view, signed-in bare view,
   page], each BENCH_SECONDS (3) long, BENCH_THREADS (4) client threads sending requests back
   to back (http.client; sync workers close the connection after each response). The page's
   ratios use the medians of the yardsticks' rounds next to it, so a machine that slows down
   during the run slows the yardsticks too; their spread (min–max) is printed.
5. Prints the table (Markdown).
6. After the last factor, with every factor's database still there: the growth from the first
   factor to the last, measured in pairs. One `pages.py --serve` process per factor (each on
   its own database and Redis database) renders the page, one render each in turn,
   BENCH_GROWTH_PAIRS (15) times after a warm-up render, the factor that goes first
   alternating; the growth is the median of the pairs' ratios (last / first), the times
   shown the medians of each factor's renders. Both renderers run on the same CPU. This
   machine's speed changes within a second (a 5 ms page takes 10 ms for a few hundred
   milliseconds, then 5 ms again) and its two CPUs differ, so pages measured minutes apart,
   as the per-factor columns are, varied by ±25 %; two renders next to each other on one CPU
   see the same machine. First the first factor is measured against itself the same way
   (BENCH_GROWTH_CALIBRATE, on by default) and the spread printed as the noise floor. Printed
   with the query counts of step 2 and a verdict: missed when the page is more than 20 %
   slower, or when one of its queries (its SQL without the values) runs more than once and
   more often at the larger factor (an N+1). Queries that differ otherwise, each running
   once, are another branch of the page for another object and are noted beside the verdict.

The page cache is off throughout (IKMO_PAGE_CACHE_SECONDS=0): every request is a first look.
The dashboard's shared figures are on (IKMO_FIGURES_CACHE_SECONDS=60), so the plain dashboard
row shows a first look at figures another person's look computed, and the "figures cold" row
drops them before every request (`?bench-cold-figures=1`, bench/benchsite/middleware.py).

Everything is bounded: gunicorn gets a --timeout and is stopped at the end (also on errors),
each request has a 30 s client timeout. The client shares the CPUs with the server, so the
figures compare pages on one machine; they are not a capacity figure.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SETTINGS = "bench.benchsite.settings"

SECONDS = float(os.environ.get("BENCH_SECONDS", "3"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
THREADS = int(os.environ.get("BENCH_THREADS", "4"))
FACTORS = [f.strip() for f in os.environ.get("BENCH_FACTORS", "1,4").split(",") if f.strip()]
GROWTH_PAIRS = int(os.environ.get("BENCH_GROWTH_PAIRS", "15"))
# Measure the first factor against itself too: how much the pairs differ with no growth.
GROWTH_CALIBRATE = os.environ.get("BENCH_GROWTH_CALIBRATE", "1") == "1"
RENDER_TIMEOUT = 120  # seconds for one page's renders in the growth comparison
WORKERS = 2

# The targets (#17).
MIN_SHARE_OF_SIGNED_IN_BARE = 0.25
MAX_HTML_KIB = 100
MIN_SIGNED_IN_SHARE_OF_ANONYMOUS = 0.70  # signing in costs at most 30 %
MAX_GROWTH = 0.20  # from the first factor to the last (1× to 4×)

ANONYMOUS_BARE = "bare view, 1 query (anonymous)"
SIGNED_IN_BARE = "bare view, 1 query (signed in)"
YARDSTICKS = [ANONYMOUS_BARE, SIGNED_IN_BARE]  # as bench/benchsite/pages.py names them


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def fresh_database(tag: str):
    """Yield a DATABASE_URL for a database of our own (`tag`: one per factor); drop it
    afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        parts = urlsplit(url)
        name = f"ikmo_bench_{os.getpid()}_{tag}"
        admin_url = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            yield urlunsplit(parts._replace(path=f"/{name}")), "postgresql"
        finally:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        directory = tempfile.mkdtemp(prefix="ikmo-load-")
        try:
            yield f"sqlite:///{directory}/bench.sqlite3", "sqlite"
        finally:
            shutil.rmtree(directory, ignore_errors=True)


def _redis_url() -> str:
    """A Redis database of the benchmark's own (BENCH_REDIS_URL), as production has one.

    Returns "" when no Redis answers: then the cache is per process.
    """
    url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:  # any failure means: no Redis for the benchmark
        return ""
    return url


def _redis_of_factor(url: str, number: int) -> str:
    """The Redis database of the factor with this number (0, 1, ...): the benchmark's own and
    the ones after it, so that two factors' processes never share cached memos of people."""
    if not url:
        return ""
    parts = urlsplit(url)
    first = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{first + number}"))


def _flush_redis(url: str) -> None:
    if url:
        import redis

        redis.Redis.from_url(url).flushdb()


def _env(database_url: str, redis_url: str) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "IKMO_PAGE_CACHE_SECONDS": "0",
        "IKMO_FIGURES_CACHE_SECONDS": "60",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DJANGO_DEBUG", None)
    return env


def _run(env: dict, args: list[str], what: str, timeout: int, progress=False) -> str:
    """Run Python with `args`; `progress` passes its stderr through (one line per page)."""
    result = subprocess.run(
        [PYTHON, *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=None if progress else subprocess.PIPE,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{what} failed:\n{(result.stderr or '(see above)')[-3000:]}")
    return result.stdout


VACUUM = """
from django.db import connection
connection.ensure_connection()
connection.connection.autocommit = True
with connection.cursor() as cursor:
    cursor.execute("VACUUM ANALYZE")
"""


def _manage(env: dict, *args: str, timeout: int = 1800) -> str:
    return _run(env, ["manage.py", *args], f"manage.py {' '.join(args)}", timeout)


@contextmanager
def gunicorn(env: dict, port: int):
    """gunicorn on 127.0.0.1:port; afterwards, prints what it logged besides the usual."""
    with tempfile.TemporaryFile() as log:
        try:
            yield from _gunicorn(env, port, log)
        finally:
            log.seek(0)
            _print_log(log.read().decode(errors="replace"))


def _print_log(text: str) -> None:
    # Whitenoise warns once per worker that `collectstatic` has not run: static files are
    # not measured. Anything else (errors, the Redis circuit breaker opening) may bias the
    # figures and is shown.
    lines = [
        line
        for line in text.splitlines()
        if line.strip() and "No directory at" not in line and "mw_instance = " not in line
    ]
    if lines:
        print(f"gunicorn logged {len(lines)} line(s), the last ones:")
        for line in lines[-15:]:
            print(f"    {line}")


def _gunicorn(env: dict, port: int, log):
    process = subprocess.Popen(
        [
            PYTHON, "-m", "gunicorn", "ikmo.wsgi",
            "--bind", f"127.0.0.1:{port}",
            "--workers", str(WORKERS),
            "--timeout", "30",
            "--graceful-timeout", "5",
            "--log-level", "warning",
        ],
        cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _ = _get(port, "/healthz", None)
                if status == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError(f"gunicorn did not start:\n{log.read().decode()[-3000:]}")
            time.sleep(0.3)
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)  # its own session: gunicorn and workers
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)


def _get(port: int, path: str, cookie: str | None, conn=None):
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Accept-Language": "de", "Host": "127.0.0.1"}
    if cookie:
        headers["Cookie"] = f"sessionid={cookie}"
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        return response.status, body
    finally:
        if own:
            conn.close()


def measure(port: int, path: str, cookie: str | None, seconds: float, threads: int) -> dict:
    """Requests back to back from `threads` clients for `seconds`: throughput and latencies."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, failed = [], 0
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                status, _ = _get(port, path, cookie, conn)
            except (OSError, http.client.HTTPException):
                conn.close()
                failed += 1
                continue
            if status == 200:
                mine.append(time.perf_counter() - started)
            else:
                failed += 1
        conn.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    started = time.monotonic()
    workers = [threading.Thread(target=client) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(seconds + 60)
    elapsed = time.monotonic() - started
    return {"rps": len(latencies) / elapsed, "latencies": latencies, "errors": errors[0]}


def _percentile(latencies: list[float], p: float) -> float:
    if not latencies:
        return 0.0
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))] * 1000


def _warm(port: int, path: str, cookie: str | None) -> None:
    """One request per client thread at once, so that every worker has rendered the page."""
    threads = [
        threading.Thread(target=_get, args=(port, path, cookie), daemon=True)
        for _ in range(THREADS)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(35)


def _load(port: int, entry: dict, cookies: dict) -> dict:
    """ROUNDS rounds of [anonymous bare, signed-in bare, page]; medians and spreads."""
    cookie = cookies.get(entry["persona"])
    _warm(port, entry["path"], cookie)
    anonymous, signed_in, page, latencies, errors = [], [], [], [], 0
    for _ in range(ROUNDS):
        yardsticks = [
            measure(port, "/bench/bare/", None, SECONDS, THREADS),
            measure(port, "/bench/bare/", cookies["lead"], SECONDS, THREADS),
        ]
        anonymous.append(yardsticks[0]["rps"])
        signed_in.append(yardsticks[1]["rps"])
        if entry["page"] in YARDSTICKS:  # a yardstick's own row: its rounds are the page's
            result = yardsticks[YARDSTICKS.index(entry["page"])]
        else:
            result = measure(port, entry["path"], cookie, SECONDS, THREADS)
        page.append(result["rps"])
        latencies += result["latencies"]
        errors += result["errors"]
    return {
        "rps": statistics.median(page),
        "p50": _percentile(latencies, 0.50),
        "p99": _percentile(latencies, 0.99),
        "errors": errors,
        "anonymous": anonymous,
        "signed_in": signed_in,
    }


def _bench_factor(factor: str, redis_url: str, stack: ExitStack) -> dict:
    """Measure one factor; its database stays until `stack` closes (for the growth phase).
    Returns {"pages", "env", "prepared": the pages.json that `pages.py --serve` reads}."""
    _flush_redis(redis_url)
    stack.callback(_flush_redis, redis_url)
    tag = factor.replace(".", "_")
    database_url, vendor = stack.enter_context(fresh_database(tag))
    env = _env(database_url, redis_url)
    started = time.perf_counter()
    _manage(env, "migrate", "--no-input", "-v0")
    print(f"Fresh {vendor} database migrated in {time.perf_counter() - started:.1f} s")
    seeded = _manage(env, "seed_scale", "--factor", factor, "--i-know-this-is-not-production")
    print(seeded.rstrip().splitlines()[0])  # "Generated in ... s on ..."
    if vendor == "postgresql":
        # Statistics and visibility maps now, as a live database has them: otherwise the
        # planner guesses and autovacuum works through the fresh rows during the measuring.
        _manage(env, "shell", "-c", VACUUM)
    out = Path(stack.enter_context(tempfile.TemporaryDirectory())) / "pages.json"
    print("In-process renders (bench/benchsite/pages.py) ...", flush=True)
    args = ["-m", "bench.benchsite.pages", str(out)]
    _run(env, args, "in-process renders", 3600, progress=True)
    prepared = json.loads(out.read_text())
    pages, cookies = prepared["pages"], prepared["sessions"]
    print("Personas: " + ", ".join(f"{k} {v}" for k, v in prepared["personas"].items()))
    measured = [e for e in pages if "path" in e and e.get("status") == 200]
    estimate = len(measured) * 3 * ROUNDS * SECONDS
    print(
        f"Load: {len(measured)} pages, {ROUNDS} round(s) of 3 × {SECONDS:g} s each, "
        f"about {estimate / 60:.0f} min; gunicorn {WORKERS} sync workers on 127.0.0.1, "
        f"{THREADS} client threads, {os.cpu_count()} CPU(s) shared with the client; cache: "
        f"{'Redis ' + redis_url if redis_url else 'per process (no Redis)'}",
        flush=True,
    )
    port = _free_port()
    with gunicorn(env, port):
        for number, entry in enumerate(measured, 1):
            entry["load"] = _load(port, entry, cookies)
            load = entry["load"]
            print(
                f"  [{number}/{len(measured)}] {entry['page']} ({entry['persona']}): "
                f"{load['rps']:.1f} req/s; bare {_spread(load['anonymous'])}, "
                f"signed in {_spread(load['signed_in'])}",
                file=sys.stderr,
                flush=True,
            )
    return {"pages": pages, "env": env, "prepared": out}


def _same_cpu() -> None:
    """Both factors' renderers on one CPU: the two CPUs of a shared machine differ in speed
    (another tenant's load), and a renderer on each would measure that difference."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


@contextmanager
def renderer(env: dict, prepared: Path):
    """A `pages.py --serve` process for one factor; yields ask(index, renders) -> [ms]."""
    with tempfile.TemporaryFile(mode="w+") as log:
        process = subprocess.Popen(
            [PYTHON, "-m", "bench.benchsite.pages", "--serve", str(prepared)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            preexec_fn=_same_cpu,
        )

        def answer() -> str:
            ready, _, _ = select.select([process.stdout], [], [], RENDER_TIMEOUT)
            line = process.stdout.readline() if ready else ""
            if not line:
                log.seek(0)
                raise RuntimeError(f"the renderer gave no answer:\n{log.read()[-3000:]}")
            return line

        def ask(index: int, renders: int) -> list[float]:
            process.stdin.write(f"{index} {renders}\n")
            process.stdin.flush()
            return json.loads(answer())

        try:
            if answer().strip() != "ready":
                raise RuntimeError("the renderer did not start")
            yield ask
        finally:
            process.kill()
            process.wait(timeout=30)


def growth_times(first: dict, last: dict) -> dict:
    """{(page, persona): (ms at the first factor, ms at the last, growth)}, measured in pairs
    of renders next to each other (see step 6 above)."""
    index_of = {(e["page"], e["persona"]): i for i, e in enumerate(last["pages"]) if "ms" in e}
    pairs = {
        (e["page"], e["persona"]): (i, index_of[(e["page"], e["persona"])])
        for i, e in enumerate(first["pages"])
        if "ms" in e and (e["page"], e["persona"]) in index_of
    }
    print(
        f"\nGrowth: {len(pairs)} pages, {GROWTH_PAIRS} pairs of renders each (one per side, "
        "next to each other) ...",
        flush=True,
    )
    result = {}
    with (
        renderer(first["env"], first["prepared"]) as ask_first,
        renderer(last["env"], last["prepared"]) as ask_last,
    ):
        for key, (i, j) in pairs.items():
            ask_first(i, 1)  # warm-up: templates, per-process memos
            ask_last(j, 1)
            times_first, times_last = [], []
            for number in range(GROWTH_PAIRS):
                if number % 2:
                    times_last += ask_last(j, 1)
                    times_first += ask_first(i, 1)
                else:
                    times_first += ask_first(i, 1)
                    times_last += ask_last(j, 1)
            ratios = [b / a for a, b in zip(times_first, times_last, strict=True) if a]
            result[key] = (
                statistics.median(times_first),
                statistics.median(times_last),
                statistics.median(ratios) - 1,
            )
    return result


def noise_floor(factor: str, times: dict) -> None:
    """Print how far apart the pairs are when both sides render the same data."""
    growths = sorted(growth for _first, _last, growth in times.values())
    outside = [key for key, (_a, _b, growth) in times.items() if abs(growth) > MAX_GROWTH]
    print(
        f"\nNoise floor: factor {factor} measured in pairs against itself (two renderers, "
        f"the same database): {growths[0]:+.0%} to {growths[-1]:+.0%}, {len(outside)} of "
        f"{len(times)} pages beyond ±{MAX_GROWTH:.0%}"
        + (": " + ", ".join(f"{page} ({who})" for page, who in outside) if outside else "")
        + "."
    )


def _spread(values: list[float]) -> str:
    if not values:
        return "–"
    if len(values) == 1:
        return f"{values[0]:,.0f}"
    return f"{min(values):,.0f}–{max(values):,.0f}"


def _ratios(entry: dict) -> tuple[float, float]:
    load = entry["load"]
    anonymous = statistics.median(load["anonymous"])
    signed_in = statistics.median(load["signed_in"])
    return (
        load["rps"] / anonymous if anonymous else 0.0,
        load["rps"] / signed_in if signed_in else 0.0,
    )


def _verdict(entry: dict) -> str:
    if "skipped" in entry:
        return f"skipped: {entry['skipped']}"
    if entry.get("status") != 200:
        return f"ANSWERED {entry.get('status')}"
    vs_anonymous, vs_signed_in = _ratios(entry)
    if entry["page"] == ANONYMOUS_BARE:
        return "yardstick"
    if entry["page"] == SIGNED_IN_BARE:
        share = vs_anonymous
        ok = share >= MIN_SIGNED_IN_SHARE_OF_ANONYMOUS
        return f"{'met' if ok else 'MISSED'}: signing in costs {1 - share:.0%} (target ≤ 30 %)"
    missed = []
    if vs_signed_in < MIN_SHARE_OF_SIGNED_IN_BARE:
        missed.append(f"{vs_signed_in:.3f}× < {MIN_SHARE_OF_SIGNED_IN_BARE}×")
    if entry["kib"] > MAX_HTML_KIB:
        missed.append(f"{entry['kib']:,.0f} KiB > {MAX_HTML_KIB} KiB")
    if entry["load"]["errors"]:
        missed.append(f"{entry['load']['errors']} errors")
    return "met" if not missed else "MISSED: " + ", ".join(missed)


def report(factor: str, pages: list[dict]) -> None:
    print(
        f"\n### Factor {factor}: every page, page cache off\n\n"
        "| page | persona | req/s | p50 ms | p99 ms | HTML KiB | in-process ms | queries "
        "| × anonymous bare | × signed-in bare | bare req/s (min–max) "
        "| signed-in bare req/s (min–max) | verdict |\n"
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
    )
    for entry in pages:
        if "load" not in entry:
            print(f"| {entry['page']} | {entry['persona']} |" + " |" * 10 + f" {_verdict(entry)} |")
            continue
        load = entry["load"]
        vs_anonymous, vs_signed_in = _ratios(entry)
        print(
            f"| {entry['page']} | {entry['persona']} | {load['rps']:,.1f} | {load['p50']:,.0f} "
            f"| {load['p99']:,.0f} | {entry['kib']:,.1f} | {entry['ms']:,.1f} "
            f"| {entry['queries']} | {vs_anonymous:.3f} | {vs_signed_in:.3f} "
            f"| {_spread(load['anonymous'])} | {_spread(load['signed_in'])} | {_verdict(entry)} |"
        )
    loaded = [e for e in pages if "load" in e]
    if loaded:
        anonymous = [v for e in loaded for v in e["load"]["anonymous"]]
        signed_in = [v for e in loaded for v in e["load"]["signed_in"]]
        print(
            f"\nYardsticks over the whole factor ({len(anonymous)} rounds each): anonymous bare "
            f"{statistics.median(anonymous):,.0f} req/s ({_spread(anonymous)}), signed-in bare "
            f"{statistics.median(signed_in):,.0f} req/s ({_spread(signed_in)})."
        )
    met = [e for e in loaded if _verdict(e) == "met"]
    targets = [e for e in loaded if e["page"] not in (ANONYMOUS_BARE, SIGNED_IN_BARE)]
    print(
        f"Pages meeting both targets (≥ {MIN_SHARE_OF_SIGNED_IN_BARE}× signed-in bare, HTML ≤ "
        f"{MAX_HTML_KIB} KiB): {len(met)} of {len(targets)}."
    )


def compare(
    first: str, last: str, before: list[dict], after: list[dict], times: dict | None = None
) -> None:
    """The growth table; `times` from growth_times (else each factor's own in-process ms)."""
    later = {(e["page"], e["persona"]): e for e in after}
    how = "in pairs of renders" if times else "each factor on its own"
    print(
        f"\n### In-process at {first}× and {last}× ({how}): growth with rows\n\n"
        f"| page | persona | ms {first}× | ms {last}× | growth | queries {first}× "
        f"| queries {last}× | verdict |\n"
        "|---|---|---:|---:|---:|---:|---:|---|"
    )
    met = total = 0
    for entry in before:
        other = later.get((entry["page"], entry["persona"]))
        if "ms" not in entry or not other or "ms" not in other:
            continue
        ms_first, ms_last, growth = (times or {}).get(
            (entry["page"], entry["persona"]),
            (entry["ms"], other["ms"], other["ms"] / entry["ms"] - 1 if entry["ms"] else 0.0),
        )
        missed = []
        if growth > MAX_GROWTH:
            missed.append(f"{growth:+.0%} > +{MAX_GROWTH:.0%}")
        grown, note = query_growth(entry, other)
        if grown:
            missed.append(grown)
        total += 1
        met += not missed
        verdict = "MISSED: " + ", ".join(missed) if missed else "met"
        print(
            f"| {entry['page']} | {entry['persona']} | {ms_first:,.1f} | {ms_last:,.1f} "
            f"| {growth:+.0%} | {entry['queries']} | {other['queries']} "
            f"| {verdict}{'; ' + note if note else ''} |"
        )
    print(
        f"\nPages no more than {MAX_GROWTH:.0%} slower and with no query running more often "
        f"at {last}×: {met} of {total}."
    )


def _table(shape: str) -> str:
    match = re.search(r'FROM "(\w+)"', shape)
    return match.group(1) if match else shape[:40]


def query_growth(first: dict, last: dict) -> tuple[str | None, str | None]:
    """(a miss, a note) on how a page's queries differ between two factors.

    A query that runs more than once at the larger factor and more often than at the
    smaller one grows with rows (an N+1): a miss. Other differences are another branch of
    the page, since the personas' objects differ between factors (an application in
    another status shows its payments, a person without coming workshops gets an
    eligibility check): each such query runs once, which is noted, not a miss. The
    query-count tests (tests/performance/test_query_counts.py) check growth on the same
    objects at 2 and 12 rows."""
    if "shapes" not in first or "shapes" not in last:  # figures of an older run
        changed = first["queries"] != last["queries"]
        return ("query count changed" if changed else None), None
    before, after = Counter(first["shapes"]), Counter(last["shapes"])
    grown = sorted(
        f"{_table(shape)} {before[shape]}→{n}"
        for shape, n in after.items()
        if n > 1 and n > before[shape]
    )
    if grown:
        return "queries grow with rows: " + ", ".join(grown), None
    only_first = sorted(_table(s) for s in before - after)
    only_last = sorted(_table(s) for s in after - before)
    if not only_first and not only_last:
        return None, None
    return None, (
        "another branch for another object, each query once: "
        + "; ".join(
            part
            for part in (
                f"more at the smaller factor: {', '.join(only_first)}" if only_first else "",
                f"at the larger: {', '.join(only_last)}" if only_last else "",
            )
            if part
        )
    )


def run() -> None:
    total = time.perf_counter()
    redis_url = _redis_url()
    results = {}
    with ExitStack() as stack:  # every factor's database and Redis database, until the end
        for number, factor in enumerate(FACTORS):
            print(f"\n== factor {factor} ==", flush=True)
            results[factor] = _bench_factor(factor, _redis_of_factor(redis_url, number), stack)
            report(factor, results[factor]["pages"])
        if len(FACTORS) > 1:
            first, last = results[FACTORS[0]], results[FACTORS[-1]]
            if GROWTH_PAIRS and GROWTH_CALIBRATE:
                noise_floor(FACTORS[0], growth_times(first, first))
            times = growth_times(first, last) if GROWTH_PAIRS else None
            compare(FACTORS[0], FACTORS[-1], first["pages"], last["pages"], times)
    print(f"\nLoad benchmark done in {time.perf_counter() - total:.0f} s; databases removed.")


if __name__ == "__main__":
    run()
