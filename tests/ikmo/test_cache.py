"""The shared cache while Redis is away (ikmo/cache.py): answers from a process-local copy
at once, stops asking Redis for a while, and notices when it is back."""

from unittest import mock

import pytest
from django.core.cache import caches
from django.test import Client, override_settings
from django_redis.cache import RedisCache

from ikmo import cache as ikmo_cache
from ikmo.cache import ResilientRedisCache
from tests.factories import DEFAULT_PASSWORD, UserFactory

CLOSED_PORT = "redis://127.0.0.1:1/0"


@pytest.fixture
def down_cache():
    return ResilientRedisCache(CLOSED_PORT, {"OPTIONS": {"CIRCUIT_OPEN_SECONDS": 30}})


def test_while_redis_is_down_add_and_get_work_per_process(down_cache):
    # allauth's rate limiter takes its lock with add(): None here meant 429 for everyone.
    assert down_cache.add("lock", True, 10) is True
    assert down_cache.add("lock", True, 10) is False
    down_cache.set("history", [1, 2], 60)
    assert down_cache.get("history") == [1, 2]
    assert down_cache.is_shared() is False


def test_after_one_failure_redis_is_not_asked_again_until_the_circuit_closes(down_cache):
    with mock.patch.object(RedisCache, "get", autospec=True, side_effect=RedisCache.get) as get:
        for _ in range(10):
            down_cache.get("anything")
    assert get.call_count == 1


def test_when_redis_answers_again_the_local_copy_is_dropped_and_hooks_run(down_cache):
    down_cache.set("stale", "from the outage", 60)
    hook = mock.Mock()
    ikmo_cache.on_recovery(hook)
    try:
        down_cache.breaker._open_until = 0  # the circuit's time is up: the next call probes
        with mock.patch.object(RedisCache, "get", autospec=True, return_value="from redis"):
            assert down_cache.get("stale") == "from redis"
        hook.assert_called_once_with()
        assert down_cache.is_shared() is True
        assert down_cache._local.get("stale") is None
    finally:
        ikmo_cache._recovery_hooks.remove(hook)


@pytest.mark.django_db
def test_signing_in_works_while_redis_is_down(settings):
    """Rate limits degrade to the process-local copy instead of refusing everybody."""
    user = UserFactory(email="person@org.example")
    with override_settings(
        CACHES={"default": {"BACKEND": "ikmo.cache.ResilientRedisCache", "LOCATION": CLOSED_PORT}}
    ):
        assert isinstance(caches["default"], ResilientRedisCache)
        client = Client()
        response = client.post(
            "/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD}
        )
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(user.pk)
