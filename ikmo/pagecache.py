"""Per-user caching of whole pages that are read far more often than the data changes.

List pages and dashboards are rendered again and again for the same person (back button,
paging through, a second tab) while the rows behind them rarely change between two looks.
`PageCacheMiddleware` keeps such a rendered page (for the routes in `cached_routes()`) in the shared cache under a key made of

- the *data generation*: one counter for the whole portal, raised after every committed
  INSERT, UPDATE or DELETE on any table but sessions and the audit trail (a database execute
  wrapper, below), so no cached page survives a change of any row, role, membership or
  permission;
- the person (user id) and their session (the CSRF token in a page belongs to the session);
- the language, the full path with its query string and whether htmx asked for a fragment;
- the date (texts like "closes in 3 days" change at midnight).

A page is served from the cache only to a signed-in user on GET/HEAD without pending flash
messages; only complete 200 HTML responses that set no cookie and no Cache-Control of their
own are stored, for at most `IKMO_PAGE_CACHE_SECONDS` (0 turns it off; it is off unless the
cache is shared by all web processes, i.e. Redis). Everything outside the view (sign-in,
staff MFA, security headers, CSP) still runs for a cached page. Nothing is shared between two people: one user's key never matches
another's, so a cached page can't show anybody else's data.

Redis outages: while this process cannot reach Redis (ikmo/cache.py) nothing is served from or
stored in the page cache. Writes made meanwhile could not raise the generation, so the
generation key lives only `GENERATION_LEASE_SECONDS` unless readers keep touching it (a
longer outage, or a hung Redis, lets it expire), and every process that noticed the outage
raises it once when Redis answers again. Either way no page from before the outage is served.

Why a generation counter rather than targeted invalidation: the pages combine rows of many
apps (a dashboard counts applications, workshops and placements); deciding which page depends
on which row would be a new source of stale-data bugs. Writes are rare next to reads, so
dropping everything on a write costs little.
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
import re
import threading
import time
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.db.backends.signals import connection_created
from django.utils import timezone, translation

from .cache import cache_is_shared, on_recovery

GENERATION_KEY = "ikmo:pagecache:generation"
KEY_PREFIX = "ikmo:page:"
# The generation key expires unless read: see "Redis outages" above.
GENERATION_LEASE_SECONDS = 20
_last_touch = 0.0

# Tables written while people merely read pages, and which no cached page shows.
IGNORED_TABLES = {"django_session", "ikmo_auditentry", "django_admin_log"}
_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([\w.]+)"?', re.IGNORECASE)


# Within one request the generation is read once (request_scope below): it is read before
# any of the page's data, and a write committed by the request itself forgets it again.
_request: ContextVar[dict | None] = ContextVar("ikmo_pagecache_request", default=None)


def generation() -> int:
    global _last_touch
    scope = _request.get()
    if scope is not None and "generation" in scope:
        return scope["generation"]
    value = cache.get(GENERATION_KEY)
    if value is None:
        # First use, the cache was flushed, or the lease ran out during an outage: start
        # from the clock so that a generation number is never reused for different data.
        cache.add(GENERATION_KEY, int(time.time() * 1000), timeout=GENERATION_LEASE_SECONDS)
        value = cache.get(GENERATION_KEY)
        _last_touch = time.monotonic()
    else:
        _renew_lease()
    if scope is not None:
        scope["generation"] = value
    return value


def _renew_lease() -> None:
    """Renew the generation's lease a few times per lease period, not on every request."""
    global _last_touch
    if time.monotonic() - _last_touch > GENERATION_LEASE_SECONDS / 4:
        cache.touch(GENERATION_KEY, GENERATION_LEASE_SECONDS)
        _last_touch = time.monotonic()


def get_under_generation(key: str):
    """``(generation, value)``: the data generation and the cached value of ``key``, in
    which ``{generation}`` stands for it (e.g. ``"ikmo:session:{generation}:abc"``).

    The first read of a request (the session, on every signed-in page) asks Redis for both
    in one round trip instead of two; later ones read the generation of the request. The
    value is the one a plain ``cache.get`` of the key under that generation would give.
    """
    scope = _request.get()
    if (scope is None or "generation" not in scope) and hasattr(cache, "get_under_generation"):
        value, found = cache.get_under_generation(
            GENERATION_KEY, key.format(generation=cache.GENERATION_MARK)
        )
        if value is not None:
            _renew_lease()
            if scope is not None:
                scope["generation"] = value
            return value, found
    value = generation()
    return value, cache.get(key.format(generation=value))


def bump() -> None:
    """Make every cached page stale."""
    scope = _request.get()
    if scope is not None:
        scope.pop("generation", None)
    # Not set (or evicted): the next reader starts a new generation anyway. While Redis is
    # away this reaches only the process-local fallback; the recovery hook below catches up.
    with contextlib.suppress(ValueError):
        cache.incr(GENERATION_KEY)


# Writes made while Redis was away never raised the shared generation.
on_recovery(bump)


def request_scope(get_response):
    """Middleware (first in the list): one generation read per request, not one per lookup."""

    def middleware(request):
        token = _request.set({})
        try:
            return get_response(request)
        finally:
            _request.reset(token)

    return middleware


_MISSING = object()


def memo_seconds() -> int:
    """How long small per-request facts may be kept in the shared cache: 0 when they may not
    (memos switched off, or this process has no shared cache right now)."""
    seconds = getattr(settings, "IKMO_MEMO_SECONDS", 0) or getattr(
        settings, "IKMO_PAGE_CACHE_SECONDS", 0
    )
    return seconds if seconds and cache_is_shared() else 0


def remember(name: str, compute):
    """`compute()`, kept in the shared cache until any data changes (same generation rule).

    For small facts read on every request (a person's staff roles, whether they enrolled a
    second factor). On with a shared cache whenever IKMO_MEMO_SECONDS (or the page cache) is
    set, independently of the page cache; otherwise it just computes.

    Each process also keeps the last copies it read or computed (`_local`), under the same
    generation: a value under a generation never changes (any write raises the generation),
    so the copy is exactly as fresh as Redis's, and it saves a round trip to Redis for each
    fact on every page (the person, their roles, second factor and menu). It is held pickled
    and unpickled for every request, as a copy from Redis would be: no request sees what
    another one changed on its object.
    """
    seconds = memo_seconds()
    if not seconds:
        return compute()
    current = generation()
    now = time.monotonic()
    local = _local.get(name)
    if local is not None and local[0] == current and local[1] > now:
        return pickle.loads(local[2])
    key = f"ikmo:memo:{current}:{name}"
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, seconds)
    _keep_local(name, current, now + seconds, value)
    return value


# name -> (generation, monotonic expiry, pickled value); the oldest go first beyond the bound.
_local: dict[str, tuple[int, float, bytes]] = {}
_local_lock = threading.Lock()
LOCAL_MEMOS = 4096


def forget_local() -> None:
    """Drop this process's copies (the tests, whose data generations restart with the cache)."""
    with _local_lock:
        _local.clear()


def _keep_local(name: str, current: int, expires: float, value) -> None:
    data = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
    with _local_lock:
        _local.pop(name, None)
        _local[name] = (current, expires, data)
        while len(_local) > LOCAL_MEMOS:
            del _local[next(iter(_local))]


# Other derived data kept current on write: functions called with (connection, table) for
# every INSERT/UPDATE/DELETE, in the writing transaction, right after the statement (e.g.
# reporting/taking_part.py). One watcher of the SQL for the page cache and for them.
_write_listeners: list = []


def ignore_writes_to(*tables: str) -> None:
    """Tables whose writes change no page: derived data that shows what it is derived from
    (its own writes were seen), e.g. the stored lists of reporting/taking_part.py."""
    IGNORED_TABLES.update(tables)


def on_table_write(listener) -> None:
    """Call ``listener(connection, table)`` after every write statement (once registered)."""
    if listener not in _write_listeners:
        _write_listeners.append(listener)


def _watch_writes(execute, sql, params, many, context):
    """Raise the generation for every committed INSERT/UPDATE/DELETE of a watched table, and
    tell the write listeners.

    Watching the SQL rather than model signals also catches `QuerySet.update()`,
    `bulk_create()` and raw SQL, which send no signals.
    """
    result = execute(sql, params, many, context)
    match = _WRITE.match(sql)
    if not match:
        return result
    connection, table = context["connection"], match.group(1)
    for listener in _write_listeners:
        listener(connection, table)
    if table not in IGNORED_TABLES:
        if not connection.in_atomic_block:
            bump()
        elif not any(func is bump for _, func, _ in connection.run_on_commit):
            # After commit: a request that reads the generation while the transaction is
            # open renders the old rows under the old generation, which is then retired.
            # Once per transaction; a rollback drops it together with the writes.
            connection.on_commit(bump, robust=True)
    return result


def _install(sender, connection, **kwargs):
    if _watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch_writes)


def connect_signals() -> None:
    connection_created.connect(_install, dispatch_uid="ikmo-pagecache-watch-writes")
    for alias in connections:  # connections opened before the app was ready
        _install(None, connections[alias])


def _has_pending_messages(request) -> bool:
    storage = getattr(request, "_messages", None)
    if storage is None:
        return False
    # Counting loads the messages without marking them as shown; the page is then rendered
    # normally and shows them.
    return len(storage) > 0


def _key(request) -> str:
    parts = [
        str(generation()),
        str(request.user.pk),
        request.session.session_key or "",
        translation.get_language() or "",
        request.get_full_path(),
        request.headers.get("HX-Request", ""),
        request.headers.get("HX-Target", ""),
        timezone.localdate().isoformat(),
    ]
    return KEY_PREFIX + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _storable(response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and response.get("Content-Type", "").startswith("text/html")
        and not response.cookies
        and not response.has_header("Cache-Control")
    )


# The pages read most and rendered at most cost: lists and dashboards (route names). Each app
# names its own as `cached_routes` in its app config (ikmo/subprojects.py). Forms, details with
# actions, exports and downloads are never cached.
CORE_CACHED_ROUTES = frozenset({"home"})


def cached_routes() -> frozenset[str]:
    from .subprojects import portal_apps

    return CORE_CACHED_ROUTES.union(*(app.cached_routes for app in portal_apps()))


class PageCacheMiddleware:
    """Serve the pages of `cached_routes()` from the cache for the same person (see above).

    Placed after the session, authentication, messages, locale and staff-MFA middleware: a
    cached page is only looked up once the request got as far as its view.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        key = getattr(request, "_ikmo_page_cache_key", None)
        if key and _storable(response) and cache_is_shared():  # rendered by now
            cache.set(key, response, settings.IKMO_PAGE_CACHE_SECONDS)
            response["X-Page-Cache"] = "miss"
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if (
            not settings.IKMO_PAGE_CACHE_SECONDS
            or match is None
            or match.view_name not in cached_routes()
            or request.method not in ("GET", "HEAD")
            or not request.user.is_authenticated
            or _has_pending_messages(request)
            or not cache_is_shared()
        ):
            return None
        key = _key(request)
        cached = cache.get(key)
        if cached is not None:
            cached["X-Page-Cache"] = "hit"
            return cached
        request._ikmo_page_cache_key = key
        return None
