"""Load test: 50 applicants submit action-fund applications at once for 60 seconds.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ikmo REDIS_URL=redis://127.0.0.1:6379/0 \
        .venv/bin/python bench/load_submit.py

Not a unit test (see bench/README.md). It

1. creates a PostgreSQL database of its own, `ikmo_bench_<pid>`, next to DATABASE_URL's (or
   a temporary SQLite file without DATABASE_URL), migrates it and seeds LOAD_APPLICANTS
   (default 50) applicants, each the admin of an approved organisation, and one open call;
2. starts gunicorn on 127.0.0.1 on a free port (LOAD_WORKERS sync workers, default 3, with
   --timeout) using bench/load_submit_settings.py: the base settings with DEBUG off and the
   login rate limit raised (50 people sign in from one address within a second here);
3. runs one thread per applicant, each with its own cookie jar: it signs in through the
   allauth login form, then until LOAD_SECONDS (default 60) are over, repeatedly starts a
   draft, fills the basics, project and budget steps, opens the preview (for the one-time
   submission token) and submits - 6 requests per application, as the browser does;
4. prints requests, errors, requests/s, p50/p99 latency per kind of request, submissions
   acknowledged, and checks that every acknowledged submission is in the database as
   submitted (and that nothing was submitted twice);
5. stops gunicorn and drops the database, also on errors.

E-mails queued by submissions go to REDIS_URL's server on database LOAD_REDIS_DB (default
13), which nobody consumes; it is flushed at the end. Without REDIS_URL Celery runs eager and
the console backend prints them into gunicorn's (discarded) log.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import load_pages  # noqa: E402
from bench.load_pages import _free_port, _manage, fresh_database, gunicorn  # noqa: E402

APPLICANTS = int(os.environ.get("LOAD_APPLICANTS", "50"))
SECONDS = float(os.environ.get("LOAD_SECONDS", "60"))
WORKERS = os.environ.get("LOAD_WORKERS", "3")
REDIS_DB = os.environ.get("LOAD_REDIS_DB", "13")
PASSWORD = "load-test-password-42"
SETTINGS = "bench.load_submit_settings"

SEED = f"""
from datetime import timedelta
from decimal import Decimal
from allauth.account.models import EmailAddress
from django.utils import timezone
from actionfund.models import Call
from organisations.models import District, Membership, Organisation, User

district = District.objects.order_by("pk").first()
call = Call.objects.create(
    year=timezone.now().year, title="Kaleidoskop Lasttest", description="Fiktiv.",
    opens_at=timezone.now() - timedelta(days=1), closes_at=timezone.now() + timedelta(days=30),
    total_budget=Decimal("1000000"), max_single=Decimal("1500"),
    max_cooperation=Decimal("3000"), is_published=True,
)
print("call", call.pk, "district", district.pk)
for i in range({APPLICANTS}):
    org = Organisation.objects.create(
        name=f"Lastverein {{i:03d}} e.V.", kind=Organisation.Kind.MIGRANT_ORGANISATION,
        legal_form=Organisation.LegalForm.REGISTERED_ASSOCIATION, district=district,
        status=Organisation.Status.APPROVED,
    )
    user = User.objects.create_user(email=f"applicant{{i:03d}}@load.example", password="{PASSWORD}")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    Membership.objects.create(user=user, organisation=org, role="admin", status="active")
    print("applicant", user.email, org.pk)
"""

CHECK = """
import json
from actionfund.models import Application
acked = ACKED
rows = dict(Application.objects.filter(pk__in=acked).values_list("pk", "status"))
missing = [pk for pk in acked if pk not in rows]
not_submitted = [pk for pk, status in rows.items() if status != "submitted"]
submitted = Application.objects.filter(status="submitted").count()
print(json.dumps({"missing": missing, "not_submitted": not_submitted, "submitted_total": submitted,
                  "acked": len(acked), "acked_distinct": len(set(acked))}))
"""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Applicant:
    def __init__(self, base: str, email: str, organisation: int, call: int, district: int):
        self.base, self.email, self.organisation = base, email, organisation
        self.call, self.district = call, district
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )
        self.timings: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.acked: list[int] = []

    def _csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def request(self, kind: str, path: str, data: dict | None = None, expect=(200, 302)):
        body = None
        headers = {"Accept-Language": "de", "Referer": self.base + path}
        if data is not None:
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self._csrf()}).encode()
        started = time.perf_counter()
        try:
            response = self.opener.open(
                urllib.request.Request(self.base + path, data=body, headers=headers), timeout=30
            )
            status, location, text = (
                response.status,
                response.headers.get("Location", ""),
                response.read(),
            )
        except urllib.error.HTTPError as error:  # 3xx (not followed), 4xx, 5xx
            status, location, text = error.code, error.headers.get("Location", ""), error.read()
        except OSError as error:
            self.timings[kind].append(time.perf_counter() - started)
            self.errors.append(f"{kind}: {error}")
            return None, "", ""
        self.timings[kind].append(time.perf_counter() - started)
        if status not in expect:
            self.errors.append(f"{kind} {path}: HTTP {status}")
        return status, location, text.decode("utf-8", errors="replace")

    def login(self) -> bool:
        self.request("login page", "/accounts/login/")
        status, location, _ = self.request(
            "login", "/accounts/login/", {"login": self.email, "password": PASSWORD}, expect=(302,)
        )
        return status == 302

    def submit_one(self) -> None:
        status, location, _ = self.request(
            "start draft", f"/action-fund/calls/{self.call}/apply/",
            {"organisation": self.organisation}, expect=(302,),
        )  # fmt: skip
        match = re.search(r"/applications/(\d+)/edit/", location or "")
        if status != 302 or not match:
            self.errors.append(f"start draft: no draft ({status} {location})")
            return
        pk = int(match.group(1))
        edit = f"/action-fund/applications/{pk}/edit"
        self.request("step basics", f"{edit}/basics/", {
            "title": f"Nachbarschaftsfest {pk}", "summary": "Ein Fest im Kiez.",
            "district": self.district, "action": "save"}, expect=(302,))  # fmt: skip
        self.request("step project", f"{edit}/project/", {
            "goals": "Begegnung.", "target_group": "Familien.", "activities": "Fest.",
            "start_date": "2031-05-01", "end_date": "2031-06-01", "action": "save"},
            expect=(302,))  # fmt: skip
        self.request("step budget", f"{edit}/budget/", {
            "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "0",
            "lines-MAX_NUM_FORMS": "30", "lines-0-category": "fees",
            "lines-0-description": "Honorar", "lines-0-amount": "900", "action": "save"},
            expect=(302,))  # fmt: skip
        _, _, page = self.request("preview", f"{edit}/preview/", expect=(200,))
        token = re.search(r'name="token" value="([^"]+)"', page or "")
        if not token:
            self.errors.append(f"preview {pk}: no submission token")
            return
        status, location, _ = self.request(
            "submit", f"/action-fund/applications/{pk}/submit/",
            {"token": token.group(1), "confirm": "on"}, expect=(302,),
        )  # fmt: skip
        if status == 302 and location.rstrip("/").endswith(f"/applications/{pk}"):
            self.acked.append(pk)
        else:
            self.errors.append(f"submit {pk}: not acknowledged ({status} {location})")

    def run(self, start: threading.Barrier, deadline_box: list) -> None:
        if not self.login():
            self.errors.append(f"login failed for {self.email}")
            return
        start.wait(timeout=120)
        while time.monotonic() < deadline_box[0]:
            self.submit_one()


def _pct(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] * 1000


def _flush_redis(url: str) -> None:
    try:
        import redis

        redis.Redis.from_url(url).flushdb()
    except Exception as error:
        print(f"(could not flush {url}: {error})")


def run() -> int:
    redis_url = os.environ.get("REDIS_URL", "")
    if redis_url:
        parts = urllib.parse.urlsplit(redis_url)
        redis_url = urllib.parse.urlunsplit(parts._replace(path=f"/{REDIS_DB}"))
    with fresh_database() as (database_url, vendor):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": SETTINGS,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "PYTHONPATH": str(ROOT),
        }
        env.pop("DJANGO_DEBUG", None)
        print(
            f"Database: {vendor} ({database_url.rsplit('/', 1)[-1]}); Redis: {redis_url or 'none (eager)'}"
        )
        _manage(env, "migrate", "--no-input", timeout=900)
        out = _manage(env, "shell", "-c", SEED)
        call = district = None
        applicants = []
        for line in out.splitlines():
            parts = line.split()
            if parts[:1] == ["call"]:
                call, district = int(parts[1]), int(parts[3])
            elif parts[:1] == ["applicant"]:
                applicants.append((parts[1], int(parts[2])))
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        load_pages.WORKERS = int(WORKERS)  # gunicorn() reads it
        with gunicorn(env, port):
            people = [Applicant(base, email, org, call, district) for email, org in applicants]
            start = threading.Barrier(len(people) + 1)
            deadline = [float("inf")]
            threads = [
                threading.Thread(target=p.run, args=(start, deadline), daemon=True) for p in people
            ]
            for thread in threads:
                thread.start()
            start.wait(timeout=300)  # everybody signed in
            began = time.monotonic()
            deadline[0] = began + SECONDS
            for thread in threads:
                thread.join(timeout=SECONDS + 120)
            elapsed = time.monotonic() - began
            hung = sum(t.is_alive() for t in threads)
        if redis_url:
            _flush_redis(redis_url)

        timings: dict[str, list[float]] = defaultdict(list)
        errors, acked = [], []
        for person in people:
            for kind, values in person.timings.items():
                timings[kind].extend(values)
            errors += person.errors
            acked += person.acked
        check = _manage(env, "shell", "-c", CHECK.replace("ACKED", repr(acked)))
        result = __import__("json").loads(check.strip().splitlines()[-1])

    every = [
        v for kind, values in timings.items() if kind not in ("login page", "login") for v in values
    ]
    print(f"\n{len(people)} applicants, {elapsed:.1f} s of load, gunicorn {WORKERS} sync workers")
    print(f"{'request':<14} {'count':>7} {'p50 ms':>8} {'p99 ms':>8}")
    for kind in [
        "login",
        "start draft",
        "step basics",
        "step project",
        "step budget",
        "preview",
        "submit",
    ]:
        values = timings.get(kind, [])
        print(f"{kind:<14} {len(values):>7} {_pct(values, 0.5):>8.0f} {_pct(values, 0.99):>8.0f}")
    print(
        f"{'all (no login)':<14} {len(every):>7} {_pct(every, 0.5):>8.0f} {_pct(every, 0.99):>8.0f}"
    )
    print(f"requests/s: {len(every) / elapsed:.1f}")
    print(f"errors: {len(errors)}" + (f" (first: {errors[:5]})" if errors else ""))
    print(f"submissions acknowledged: {len(acked)} ({len(acked) / elapsed * 60:.0f} per minute)")
    print(
        f"in the database: {result['acked'] - len(result['missing'])} of {result['acked']} "
        f"acknowledged, {len(result['not_submitted'])} not in status submitted, "
        f"{result['submitted_total']} submitted in total; threads still running: {hung}"
    )
    ok = (
        not errors
        and not result["missing"]
        and not result["not_submitted"]
        and result["acked"] == result["acked_distinct"] == result["submitted_total"]
        and not hung
    )
    print("RESULT:", "OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(run())
