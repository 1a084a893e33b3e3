"""The shared cache (Redis), built to keep the portal answering while Redis is down or hung.

django-redis with IGNORE_EXCEPTIONS alone is not enough for that:

- every call waits for its socket timeout, so a page with nine cache calls waits nine times
  while Redis hangs (SIGSTOP, a full network buffer);
- `cache.add` answers None, and allauth's rate limiter takes its lock with `cache.add`: while
  Redis is away nobody could sign in, sign up or reset a password (429 for everyone), and TOTP
  codes could not be checked either.

`ResilientRedisCache` therefore wraps every call in a circuit breaker: the first failed call
opens it, and for `CIRCUIT_OPEN_SECONDS` the process does not ask Redis at all; then one
call probes again. While it is open, calls go to a small cache local to the process, so
rate limits and TOTP bookkeeping go on working (per process, which is stricter, never
looser, than one shared limit for a few workers). Code that must not trust a per-process copy
(the page cache, ikmo.pagecache) asks `cache_is_shared()` first.

When Redis answers again the local copy is dropped and the recovery hooks run (the page cache
retires every page kept from before the outage: writes made meanwhile could not raise its
generation).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# django-redis re-raises the redis-py error itself when IGNORE_EXCEPTIONS is off.
UNAVAILABLE = (ConnectionInterrupted, RedisConnectionError, RedisTimeoutError)

_recovery_hooks: list[Callable[[], None]] = []


def on_recovery(hook: Callable[[], None]) -> None:
    """Run `hook()` (in the process that notices it) when Redis answers again after an outage."""
    if hook not in _recovery_hooks:
        _recovery_hooks.append(hook)


def cache_is_shared() -> bool:
    """False while this process serves cache calls from its own local copy (Redis away)."""
    return getattr(cache, "is_shared", lambda: True)()


class CircuitBreaker:
    """Open after a failure, for `open_seconds`; then let one call through to probe."""

    def __init__(self, open_seconds: float):
        self.open_seconds = open_seconds
        self._open_until = 0.0
        self._tripped = False
        self._lock = threading.Lock()

    def allows(self) -> bool:
        return time.monotonic() >= self._open_until

    @property
    def tripped(self) -> bool:
        """True from the first failure until the next success."""
        return self._tripped

    def trip(self) -> None:
        with self._lock:
            self._tripped = True
            self._open_until = time.monotonic() + self.open_seconds

    def succeeded(self) -> bool:
        """Record a success; True if this ends an outage."""
        if not self._tripped:
            return False
        with self._lock:
            was, self._tripped = self._tripped, False
        return was


class ResilientRedisCache(RedisCache):
    """django-redis with a circuit breaker and a process-local fallback (see the module)."""

    _PROXIED = (
        "get",
        "set",
        "add",
        "delete",
        "get_many",
        "set_many",
        "delete_many",
        "incr",
        "decr",
        "has_key",
        "touch",
    )

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        open_seconds = float(options.pop("CIRCUIT_OPEN_SECONDS", 5))
        options["IGNORE_EXCEPTIONS"] = False  # the breaker below decides instead
        super().__init__(server, {**params, "OPTIONS": options})
        self.breaker = CircuitBreaker(open_seconds)
        self._local = LocMemCache(
            f"ikmo-fallback-{id(self)}",
            {"TIMEOUT": params.get("TIMEOUT", 300), "OPTIONS": {"MAX_ENTRIES": 5000}},
        )

    def is_shared(self) -> bool:
        return not self.breaker.tripped and self.breaker.allows()

    def _unavailable(self, error) -> None:
        first = not self.breaker.tripped
        self.breaker.trip()
        if first:
            logger.warning(
                "Redis cache unavailable (%s); using a process-local cache for %ss",
                error.__cause__ or error,
                self.breaker.open_seconds,
            )

    def _call(self, name, *args, **kwargs):
        if not self.breaker.allows():
            return getattr(self._local, name)(*args, **kwargs)
        try:
            result = getattr(super(), name)(*args, **kwargs)
        except UNAVAILABLE as error:
            self._unavailable(error)
            return getattr(self._local, name)(*args, **kwargs)
        if self.breaker.succeeded():
            logger.warning("Redis cache is back; process-local cache dropped")
            self._local.clear()
            for hook in list(_recovery_hooks):
                try:
                    hook()
                except Exception:  # a hook must not break the call that noticed recovery
                    logger.exception("Cache recovery hook %r failed", hook)
        return result

    # One round trip for a value kept under the data generation (ikmo/pagecache.py): the
    # generation, then the key that carries it, read by Redis itself.
    _UNDER_GENERATION = """
        local generation = redis.call('GET', KEYS[1])
        if not generation then return {false, false} end
        return {generation, redis.call('GET', ARGV[1] .. generation .. ARGV[2])}
    """
    GENERATION_MARK = "\x00generation\x00"

    def get_under_generation(self, generation_key: str, key: str):
        """``(generation, value)``: the value of ``generation_key`` and of ``key`` with its
        `GENERATION_MARK` replaced by that generation, in one call; ``(None, None)`` when the
        generation is not set, or Redis is away or just back (the caller then takes the usual
        way, which falls back or runs the recovery hooks)."""
        if not self.is_shared():
            return None, None
        head, _mark, tail = str(self.client.make_key(key)).partition(self.GENERATION_MARK)
        try:
            client = self.client.get_client(write=False)
            script = self.__dict__.get("_under_generation")
            if script is None:
                script = self._under_generation = client.register_script(self._UNDER_GENERATION)
            generation, value = script(
                keys=[self.client.make_key(generation_key)], args=[head, tail], client=client
            )
        except UNAVAILABLE as error:
            self._unavailable(error)
            return None, None
        if generation is None:
            return None, None
        return self.client.decode(generation), (
            None if value is None else self.client.decode(value)
        )

    def clear(self):
        self._local.clear()
        try:
            return super().clear()
        except UNAVAILABLE:
            self.breaker.trip()
            return False


def _proxy(name):
    def method(self, *args, **kwargs):
        return self._call(name, *args, **kwargs)

    method.__name__ = name
    return method


for _name in ResilientRedisCache._PROXIED:
    setattr(ResilientRedisCache, _name, _proxy(_name))
