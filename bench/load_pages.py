"""Load benchmark: our main pages under concurrent requests, against two yardsticks.

    .venv/bin/python bench/run.py load          (or `make bench`, which runs all benchmarks)

1. Creates a fresh database: a temporary SQLite file, or a new `ikmo_bench_<pid>` database
   on the PostgreSQL server of DATABASE_URL when that is set. It is removed at the end.
2. Migrates it and fills it with `manage.py seed_scale --factor BENCH_FACTOR` (default 0.2:
   1,000 organisations, 10,000 coaching sessions, 400 applications, ...).
3. Creates a project lead and a portal admin with an enrolled TOTP device (the staff-MFA rule
   stays on) and a signed-in session for each.
4. Starts gunicorn (sync workers as in production, 2 workers) on 127.0.0.1 on a free port with
   the bench-only settings `bench.benchsite.settings`, whose URLs add a bare one-query view.
   Like production it uses Redis (database 12 of the local server, or BENCH_REDIS_URL;
   flushed before and after) for the cache and sessions, when a Redis server answers.
5. For BENCH_SECONDS (default 15) per page, BENCH_THREADS (default 4) client threads send
   requests back to back with http.client and record each latency. Sync workers close the
   connection after each response; http.client opens a new one, as a browser would.
6. Does so twice: pass 1 renders every page for every request (page cache off), pass 2 with
   the per-person page cache of production (ikmo/pagecache.py; repeated looks at an unchanged
   list by the same person, as when paging back and forth). Pass 2 needs Redis.
7. Prints requests/s, p50 and p99 latency, and each page's throughput as a share of the bare
   view's (target: at least 0.5), of the same view signed in, and against Django admin's
   changelist of organisations on the same data (target: faster, ratio above 1).

Everything is bounded: gunicorn gets a --timeout and is stopped at the end (also on errors),
each request has a client timeout. Figures depend on the machine; the client shares the CPU
with the server, so they are a comparison between pages, not a capacity figure.
"""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SETTINGS = "bench.benchsite.settings"

SECONDS = float(os.environ.get("BENCH_SECONDS", "15"))
THREADS = int(os.environ.get("BENCH_THREADS", "4"))
FACTOR = os.environ.get("BENCH_FACTOR", "0.2")
WORKERS = 2

# (label, path, who): who is the session that requests it ("lead", "admin" or None).
PAGES = [
    ("bare view, 1 query (anonymous)", "/bench/bare/", None),
    ("bare view, 1 query (signed in)", "/bench/bare/", "lead"),
    ("Django admin: organisations changelist", "/admin/organisations/organisation/", "admin"),
    ("organisation directory", "/organisations/", "lead"),
    ("workshop list", "/qualification/workshops/", "lead"),
    ("applications list (staff)", "/action-fund/applications/", "lead"),
    ("reporting dashboard", "/reporting/", "lead"),
]
YARDSTICKS = (PAGES[0][0], PAGES[1][0], PAGES[2][0])  # bare, bare signed in, admin


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def fresh_database():
    """Yield a DATABASE_URL for a database of our own; drop it afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        parts = urlsplit(url)
        name = f"ikmo_bench_{os.getpid()}"
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

    Returns "" when no Redis answers: then the cache is per process and the page cache off.
    """
    url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:  # any failure means: no Redis for the benchmark
        return ""
    return url


def _flush_redis(url: str) -> None:
    if url:
        import redis

        redis.Redis.from_url(url).flushdb()


def _env(database_url: str, redis_url: str, page_cache: bool) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "IKMO_PAGE_CACHE_SECONDS": "120" if page_cache and redis_url else "0",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DJANGO_DEBUG", None)
    return env


def _manage(env: dict, *args: str, timeout: int = 600) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


# Run in `manage.py shell`: the two staff people, enrolled in MFA, and a session for each.
SESSIONS = """
from allauth.mfa.models import Authenticator
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from organisations.models import StaffRole, User

def session(email, role, **extra):
    user = User.objects.create(email=email, password="!", **extra)
    StaffRole.objects.create(user=user, role=role)
    Authenticator.objects.create(user=user, type="totp", data={"secret": "JBSWY3DPEHPK3PXP"})
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "ikmo.auth.PortalBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key

print("lead", session("bench-lead@centre.example", "project_lead"))
print("admin", session("bench-admin@centre.example", "admin", is_staff=True))
"""


@contextmanager
def gunicorn(env: dict, port: int):
    with tempfile.TemporaryFile() as log:
        yield from _gunicorn(env, port, log)


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
    latencies.sort()

    def pct(p):
        return (
            latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000 if latencies else 0
        )

    return {
        "rps": len(latencies) / elapsed,
        "p50": pct(0.50),
        "p99": pct(0.99),
        "n": len(latencies),
        "errors": errors[0],
    }


def _check_page(port: int, path: str, cookie: str | None) -> int:
    status, body = _get(port, path, cookie)
    if status != 200:
        raise RuntimeError(f"{path} answered {status} instead of 200: {body[:300]!r}")
    return len(body)


def _measure_all(env: dict, cookies: dict, pages: list) -> dict:
    port = _free_port()
    results = {}
    with gunicorn(env, port):
        for label, path, who in pages:
            cookie = cookies[who] if who else None
            size = _check_page(port, path, cookie)
            measure(port, path, cookie, min(2.0, SECONDS), THREADS)  # warm up both workers
            results[label] = {**measure(port, path, cookie, SECONDS, THREADS), "kib": size / 1024}
            r = results[label]
            print(f"  measured {label}: {r['rps']:.1f} req/s", file=sys.stderr, flush=True)
    return results


def run() -> None:
    total = time.perf_counter()
    redis_url = _redis_url()
    _flush_redis(redis_url)
    try:
        with fresh_database() as (database_url, vendor):
            env = _env(database_url, redis_url, page_cache=False)
            started = time.perf_counter()
            _manage(env, "migrate", "--no-input", "-v0")
            print(f"Fresh {vendor} database migrated in {time.perf_counter() - started:.1f} s")
            print(
                _manage(
                    env, "seed_scale", "--factor", FACTOR, "--i-know-this-is-not-production"
                ).rstrip()
            )
            cookies = {}
            for line in _manage(env, "shell", "-c", SESSIONS).splitlines():
                who, _, key = line.partition(" ")
                if who in ("lead", "admin"):
                    cookies[who] = key.strip()
            print(
                f"\ngunicorn: {WORKERS} sync workers on 127.0.0.1; {THREADS} client threads, "
                f"{SECONDS:.0f} s per page, on {os.cpu_count()} CPU(s) shared with the client; "
                f"cache: {'Redis ' + redis_url if redis_url else 'per process (no Redis)'}\n"
            )
            print("Pass 1: every page rendered for every request (page cache off)")
            cold = _measure_all(env, cookies, PAGES)
            warm = {}
            if redis_url:
                print("Pass 2: lists and dashboards from the per-person page cache")
                ours = [page for page in PAGES if page[0] not in YARDSTICKS]
                warm = _measure_all(_env(database_url, redis_url, True), cookies, ours)
            _report(cold, warm)
    finally:
        _flush_redis(redis_url)
    print(f"\nLoad benchmark done in {time.perf_counter() - total:.0f} s; database removed.")


def _report(cold: dict, warm: dict) -> None:
    bare, signed_in, admin = (cold[label]["rps"] for label in YARDSTICKS)
    print(
        f"\n  {'Page':<40} {'pass':<6} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'KiB':>6}"
        f" {'err':>4} {'× bare':>7} {'× bare*':>8} {'× admin':>8}  target"
    )
    rows = [(label, "", r) for label, r in cold.items() if label in YARDSTICKS]
    for label, r in cold.items():
        if label not in YARDSTICKS:
            rows.append((label, "render", r))
            if label in warm:
                rows.append((label, "cached", warm[label]))
    for label, kind, r in rows:
        vs_bare = r["rps"] / bare if bare else 0
        vs_signed_in = r["rps"] / signed_in if signed_in else 0
        vs_admin = r["rps"] / admin if admin else 0
        verdict = ""
        if kind:
            missed = [
                text
                for ok, text in (
                    (vs_bare >= 0.5, "< half of bare"),
                    (vs_admin > 1, "not faster than admin"),
                )
                if not ok
            ]
            verdict = "met" if not missed else "MISSED: " + ", ".join(missed)
        print(
            f"  {label:<40} {kind:<6} {r['rps']:>7.1f} {r['p50']:>7.1f} {r['p99']:>7.1f}"
            f" {r['kib']:>6.1f} {r['errors']:>4} {vs_bare:>7.2f} {vs_signed_in:>8.2f}"
            f" {vs_admin:>8.2f}  {verdict}"
        )
    print(
        "\n  × bare: against the anonymous one-query view (the target); × bare*: against the "
        "same view signed in\n  (session, user, staff roles and second factor looked up, as "
        "on every page of the portal)."
    )


if __name__ == "__main__":
    run()
