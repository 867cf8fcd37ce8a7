"""marketplace.cache: the Redis backend keeps one client per pool and process."""

import os

import pytest
from django.conf import settings

from marketplace.cache import RedisCache

pytestmark = pytest.mark.redis


def _backend():
    return RedisCache(settings.REDIS_URL, {"KEY_PREFIX": "test-memo"})


def test_one_client_per_pool_and_process(monkeypatch):
    backend = _backend()
    client = backend._cache.get_client()
    assert backend._cache.get_client() is client
    assert backend._cache.get_client(write=True) is client  # one server: one pool
    # A forked worker builds its own (its parent's sockets are not its own).
    pid = os.getpid()
    monkeypatch.setattr(os, "getpid", lambda: pid + 1)
    assert backend._cache.get_client() is not client


def test_behaves_as_the_stock_backend():
    backend = _backend()
    long_key = "k" * 300 + " with spaces"  # memcached would refuse it; Redis does not
    backend.set(long_key, {"a": 1}, 30)
    assert backend.get(long_key) == {"a": 1}
    backend.set("n", 1, 30)
    assert backend.incr("n") == 2
    assert backend.get_many([long_key, "n", "absent"]) == {long_key: {"a": 1}, "n": 2}
    backend.delete_many([long_key, "n"])
    assert backend.get("n") is None


def test_settings_use_it():
    assert settings.CACHES["default"]["BACKEND"] == "marketplace.cache.RedisCache"
