"""Django's Redis cache backend without its per-call overhead.

``django.core.cache.backends.redis.RedisCacheClient.get_client`` builds a new
``redis.Redis`` for every cache call (~170 dict writes for its response callbacks), and
``BaseCache.validate_key`` walks every key character by character for memcached's sake.
On a page served from the cache those two are most of the Python it runs.

Here the ``redis.Redis`` is built once per connection pool and process. A ``redis.Redis`` is
only the pool plus its command table, safe to share between threads (the pool hands each
command its own connection). The pid is part of the memo: gunicorn imports the app before
forking its workers, and a child must not talk through its parent's sockets (the pool
itself also resets its connections after a fork).
"""

from __future__ import annotations

import os

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class MemoRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[tuple[int, int], object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        memo = (os.getpid(), id(pool))
        client = self._clients.get(memo)
        if client is None:
            client = self._clients[memo] = self._client(connection_pool=pool)
        return client


class RedisCache(RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` with a client memoized per pool and
    process, and no memcached key checks (Redis keys are binary-safe and may be long)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = MemoRedisCacheClient

    def validate_key(self, key):
        pass
