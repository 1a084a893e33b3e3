"""Fixtures for the fault suite: a Redis, an SMTP sink and a Celery worker (with beat) of the
suite's own, as processes it can stop, freeze (SIGSTOP) and kill.

The web side runs in the test process against the same PostgreSQL test database, with the
production cache and broker settings pointed at the suite's Redis. Needs PostgreSQL
(DATABASE_URL) and the redis-server binary: skipped locally without them, a failure in CI.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings

from ikmo import queue
from ikmo.celery import app

ROOT = Path(__file__).resolve().parents[2]
IN_CI = os.environ.get("CI") == "true"
FIGURES: dict[str, object] = {}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.path.is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.faults)


@pytest.fixture(autouse=True)
def _needs_services():
    missing = []
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        missing.append("DATABASE_URL (PostgreSQL)")
    if not shutil.which("redis-server"):
        missing.append("redis-server")
    if missing:
        message = "the fault suite needs " + ", ".join(missing)
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port}")


def wait_until(predicate, timeout: float, interval: float = 0.25):
    """Poll `predicate()` until it is truthy; returns (value, seconds waited)."""
    started = time.monotonic()
    while True:
        value = predicate()
        if value or time.monotonic() - started > timeout:
            return value, time.monotonic() - started
        time.sleep(interval)


class Service:
    """A process the suite starts, and can stop, freeze and kill."""

    def __init__(self, name: str, port: int, argv: list[str], log: Path, env=None, cwd=None):
        self.name, self.port, self.argv, self.log = name, port, argv, log
        self.env, self.cwd = env, cwd
        self.process: subprocess.Popen | None = None

    def start(self, wait_port: bool = True) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                self.argv,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self.env,
                cwd=self.cwd,
                start_new_session=True,  # its own process group: kill takes the children too
            )
        if wait_port:
            wait_for_port(self.port)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None

    def kill(self) -> None:
        """SIGKILL to the whole process group: the main process and every pool child."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.process = None

    def freeze(self) -> None:
        os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)


@pytest.fixture(scope="session")
def fault_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("faults")


@pytest.fixture(scope="session")
def redis_server(fault_dir):
    port = free_port()
    data = fault_dir / "redis"
    data.mkdir()
    # Append-only persistence as in docker-compose.yml: a restart brings the old keys back.
    server = Service(
        "redis",
        port,
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(data),
            "--appendonly",
            "yes",
            "--save",
            "",
        ],
        fault_dir / "redis.log",
    )
    server.start()
    server.url = f"redis://127.0.0.1:{port}/0"
    yield server
    if server.process:
        server.thaw()
    server.stop()


class Sink(Service):
    def messages(self) -> list[dict]:
        if not self.out.exists():
            return []
        return [json.loads(line) for line in self.out.read_text().splitlines() if line.strip()]

    def restart(self, hold: float = 0) -> None:
        self.stop()
        self.argv = self.argv[:4] + ([str(hold)] if hold else [])
        self.start()


@pytest.fixture(scope="session")
def smtp_sink(fault_dir):
    port = free_port()
    out = fault_dir / "mails.jsonl"
    sink = Sink(
        "smtp",
        port,
        [sys.executable, str(Path(__file__).parent / "smtp_sink.py"), str(port), str(out)],
        fault_dir / "smtp.log",
    )
    sink.out = out
    sink.start()
    yield sink
    sink.stop()


def database_url_for_subprocesses() -> str:
    data = connection.settings_dict
    return f"postgres://{data['USER']}:{data['PASSWORD']}@{data['HOST'] or '127.0.0.1'}:{data['PORT'] or 5432}/{data['NAME']}"


class Worker(Service):
    def wait_ready(self, timeout: float = 90) -> float:
        started = time.monotonic()
        deadline = started + timeout
        while time.monotonic() < deadline:
            if b"ready." in self.log.read_bytes()[self._log_offset :]:
                return time.monotonic() - started
            if self.process.poll() is not None:
                raise RuntimeError(f"the worker exited: see {self.log}")
            time.sleep(0.2)
        raise RuntimeError(f"the worker did not get ready: see {self.log}")

    def start(self, wait_port: bool = False, **extra_env) -> None:
        self._log_offset = self.log.stat().st_size if self.log.exists() else 0
        self.env = {**self.base_env, **{k: str(v) for k, v in extra_env.items()}}
        super().start(wait_port=False)
        self.wait_ready()


@pytest.fixture
def worker(redis_server, smtp_sink, fault_dir, transactional_db):
    """A worker with embedded beat, production settings, on the test database. The beat
    intervals are shortened (sweeps every 2 s) so that the suite runs in minutes."""
    media = fault_dir / "media"
    media.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ikmo.settings.production",
        "DJANGO_SECRET_KEY": "fault-suite-only-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "IKMO_SITE_URL": "https://portal.example",
        "DATABASE_URL": database_url_for_subprocesses(),
        "CONN_MAX_AGE": "0",
        "REDIS_URL": redis_server.url,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_sink.port),
        "EMAIL_USE_TLS": "false",
        "EMAIL_TIMEOUT": "5",
        "PRIVATE_MEDIA_ROOT": str(media),
        "IKMO_SWEEP_SECONDS": "2",
        "IKMO_ENQUEUE_GRACE_SECONDS": "2",
        "IKMO_MAIL_RETRY_BASE_SECONDS": "2",
        "IKMO_MAIL_RETRY_MAX_SECONDS": "4",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("CI", None)
    process = Worker(
        "worker",
        0,
        [
            sys.executable,
            "-m",
            "tests.faults.worker",
            "--loglevel=INFO",
            "--concurrency=2",
            "--pool=prefork",
            # As docker-compose.yml runs it: no heartbeats, gossip or mingle (one worker).
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-s",
            str(fault_dir / "celerybeat-schedule"),
        ],
        fault_dir / "worker.log",
        cwd=str(ROOT),
    )
    process.base_env = env
    process.media = media
    process.start()
    yield process
    if redis_server.process:
        redis_server.thaw()
    process.stop()


def _reset_celery():
    # Drop the references without closing the pool: a producer made earlier would otherwise
    # fail later with "Acquire on closed pool".
    app._pool = None
    app.__dict__.pop("amqp", None)
    queue.broker_breaker._open_until = 0
    queue.broker_breaker._tripped = False


@pytest.fixture
def production_web(redis_server):
    """This process as a production web process: the resilient Redis cache, the page cache
    on, Celery publishing to the suite's Redis (not eager) with the production timeouts."""
    changes = {
        "broker_url": redis_server.url,
        "task_always_eager": False,
        "broker_transport_options": settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        "task_publish_retry": False,
        "broker_connection_retry": False,
    }
    saved = {key: app.conf[key] for key in changes}
    app.conf.update(changes)
    _reset_celery()
    with override_settings(
        CACHES=_redis_cache(redis_server.url),
        IKMO_PAGE_CACHE_SECONDS=120,
    ):
        yield
    app.conf.update(saved)
    _reset_celery()


def _redis_cache(url):
    from ikmo.settings.base import redis_cache

    return redis_cache(url)


def record(name: str, value) -> None:
    """A measured figure for docs/reliability.md (printed at the end of the run)."""
    FIGURES[name] = round(value, 2) if isinstance(value, float) else value


def pytest_terminal_summary(terminalreporter):
    if FIGURES:
        terminalreporter.section("fault suite figures")
        for name, value in FIGURES.items():
            terminalreporter.write_line(f"{name}: {value}")
        target = os.environ.get("IKMO_FAULT_FIGURES")
        if target:
            Path(target).write_text(json.dumps(FIGURES, indent=2) + "\n")
