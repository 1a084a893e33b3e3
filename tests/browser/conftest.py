"""Real-browser tests: Playwright drives Debian's chromium against pytest-django's live server.

No browser is ever downloaded: the tests use /usr/bin/chromium (`apt-get install chromium`).
Without it they are skipped locally, and fail in CI (CI=true), where a skip would hide a gap.

The live server runs in a thread of this process, so Celery (eager in tests) renders
documents and sends e-mails inside the request, and `mailoutbox` sees what was sent.
"""

import os
import re
import threading
from pathlib import Path

import pytest

# The live server listens on the loopback address only.
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

CHROMIUM = os.environ.get("IKMO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def pytest_configure(config):
    # Registered by pytest-xdist when it runs; declared here so `-p no:xdist` works too.
    config.addinivalue_line("markers", "xdist_group(name): run these tests on one worker")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    # Fixtures look at this in their teardown to know whether the test failed.
    setattr(item, f"report_{report.when}", report)
    return report


class _Chromium:
    """One browser for a run of consecutive browser tests, closed as soon as they are done.

    While Playwright's sync API is started it keeps an asyncio loop running in this thread.
    Django then (1) refuses ORM calls as "async-unsafe" and (2) keeps a separate set of
    database connections for that "async" context, which would miss the test database's
    state (e.g. the serialized rollback data). Nothing here is really async, so for as long
    as the browser is up the check is off and the existing connections are handed over;
    afterwards everything is as before, so other tests in the same process are unaffected.
    """

    def __init__(self):
        self.playwright = None
        self.browser = None
        self.previous_env = None

    def get(self):
        if self.browser is None:
            self.start()
        return self.browser

    def start(self):
        from django.db import connections
        from playwright.sync_api import sync_playwright

        existing = {alias: connections[alias] for alias in connections}
        self.previous_env = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        self.playwright = sync_playwright().start()
        for alias, connection in existing.items():
            connections[alias] = connection
        try:
            self.browser = self.playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS
            )
        except Exception:
            self.stop()
            raise

    def stop(self):
        if self.playwright is None:
            return
        try:
            if self.browser is not None:
                self.browser.close()
        finally:
            self.playwright.stop()
            self.playwright = self.browser = None
            if self.previous_env is None:
                os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
            else:
                os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = self.previous_env


_chromium = _Chromium()
BROWSER_TESTS = Path(__file__).parent


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield
    if nextitem is None or BROWSER_TESTS not in Path(nextitem.path).parents:
        _chromium.stop()


def pytest_sessionfinish(session):
    _chromium.stop()


@pytest.fixture
def browser():
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} not found (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return _chromium.get()


CSP_VIOLATION = re.compile(r"Content.Security.Policy", re.IGNORECASE)


@pytest.fixture
def new_page(browser, live_server, request, tmp_path_factory):
    """`new_page(phone=False, language="de")` opens a page in a fresh browser context.

    Each call is a separate person (own cookies). Every page is checked for Content
    Security Policy violations (an inline script or style that slipped in), and on a failed
    test each page's screenshot is saved and its path printed.
    """
    in_flight = _connections_in_flight(live_server)
    contexts = []
    closed = set()
    pages = []

    def open_page(*, phone: bool = False, language: str = "de"):
        context = browser.new_context(
            base_url=live_server.url,
            viewport=PHONE if phone else DESKTOP,
            is_mobile=phone,
            has_touch=phone,
            locale={"de": "de-DE", "en": "en-GB", "ar": "ar"}.get(language, language),
            accept_downloads=True,
        )
        context.set_default_timeout(10_000)
        context.on("close", lambda closed_context: closed.add(closed_context))
        contexts.append(context)
        page = context.new_page()
        page.base_url = live_server.url
        page.csp_violations = []
        page.on(
            "console",
            lambda message: (
                page.csp_violations.append(message.text)
                if CSP_VIOLATION.search(message.text)
                else None
            ),
        )
        pages.append(page)
        return page

    yield open_page

    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        target = tmp_path_factory.mktemp("browser-failure")
        for number, page in enumerate(pages):
            path = target / f"{request.node.name}-{number}.png"
            try:
                page.screenshot(path=str(path), full_page=True)
                print(f"Screenshot of {page.url}: {path}")
            except Exception as exc:  # the page may have crashed; the test failure is what counts
                print(f"No screenshot of page {number}: {exc}")
    violations = [text for page in pages for text in page.csp_violations]
    from playwright.sync_api import Error as PlaywrightError

    for context in contexts:
        if context in closed:
            continue  # the test closed it itself (e.g. a second person leaving)
        # Closing a page hides it, and a hidden page saves its draft in the background
        # (static/js/draft-save.js). Such a late request must not reach the live server while
        # the test database is being flushed: it is refused here, before the close.
        try:
            context.route("**/autosave/**", lambda route: route.abort())
        except PlaywrightError:  # closed meanwhile; nothing more can reach the server
            continue
        context.close()
    _wait_for_requests_in_flight(in_flight)
    if violations and not (failed is not None and failed.failed):
        pytest.fail("Content Security Policy violations:\n" + "\n".join(violations))


class _ConnectionsInFlight:
    """Counts the connections the live server is serving (each in a thread of its own, or
    one after the other in the server's thread)."""

    def __init__(self, httpd):
        self.count = 0
        self.changed = threading.Condition()
        serve = httpd.finish_request

        def counted(request, client_address):
            with self.changed:
                self.count += 1
            try:
                serve(request, client_address)
            finally:
                with self.changed:
                    self.count -= 1
                    self.changed.notify_all()

        # socketserver serves a whole connection, every request on it, in finish_request.
        httpd.finish_request = counted

    def wait_until_idle(self, timeout: float) -> int:
        with self.changed:
            self.changed.wait_for(lambda: self.count == 0, timeout)
            return self.count


def _connections_in_flight(live_server) -> _ConnectionsInFlight:
    httpd = live_server.thread.httpd
    if not hasattr(httpd, "ikmo_in_flight"):
        httpd.ikmo_in_flight = _ConnectionsInFlight(httpd)
    return httpd.ikmo_in_flight


def _wait_for_requests_in_flight(in_flight: _ConnectionsInFlight, timeout: float = 15.0) -> None:
    """Let the live server finish every request a closed page had already sent.

    A request that reached the server just before its page closed (a draft saved 1.5 s
    after typing, an htmx poll) runs on in a server thread with its own database
    connection. If the test database were flushed meanwhile, TRUNCATE and that request's
    transaction could deadlock: the flush fails and the next test finds the last one's rows.
    Closing the browser contexts closed their connections, so every thread ends.
    """
    still_open = in_flight.wait_until_idle(timeout)
    if still_open:
        pytest.fail(f"{still_open} live-server connection(s) still open {timeout} s after the test")


@pytest.fixture
def page(new_page):
    """A desktop page in German, the portal's default language."""
    return new_page()


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    """Journeys run as in production, with the per-person page cache (ikmo/pagecache.py):
    their writes commit, so every list and dashboard a journey revisits must show them."""
    settings.IKMO_PAGE_CACHE_SECONDS = 120
