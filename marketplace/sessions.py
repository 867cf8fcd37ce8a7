"""Sessions read from the cache with the database as the record (Django's ``cached_db``),
made to ride out a cache outage: every cache call that fails is logged and treated as a
miss, so sign-in, sign-out and guest sessions keep working on the database alone while
Redis is down."""

from __future__ import annotations

import logging

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore

log = logging.getLogger(__name__)


class _QuietCache:
    def __init__(self, cache):
        self._cache = cache

    def _try(self, name, *args, default=None, **kwargs):
        try:
            return getattr(self._cache, name)(*args, **kwargs)
        except Exception:  # noqa: BLE001 - any cache failure: the database answers instead
            log.warning("session cache unavailable (%s); using the database", name)
            return default

    def get(self, *args, **kwargs):
        return self._try("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._try("set", *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._try("delete", *args, default=False, **kwargs)

    def __contains__(self, key) -> bool:
        return bool(self._try("has_key", key, default=False))


class SessionStore(CachedDBStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._cache = _QuietCache(self._cache)
