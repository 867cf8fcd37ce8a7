"""Where the feed keeps what it computes ahead of requests: the candidate pools.

With ``REDIS_URL`` it is Redis: each pool is a few JSON strings of candidates in rank
order, versioned so a rebuild swaps atomically while open cursors keep reading the version
they started on. (Sorted sets were the first design; decoding thousands of members per
request in redis-py's pure-Python parser cost more than the ranking.) Without Redis it is
Django's cache (local memory in development), holding the same strings.
"""

from __future__ import annotations

import json
import time
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.dispatch import receiver

from .ranking import Candidate

POOL_TTL_S = 3 * 3600  # old versions outlive the longest-lived cursor on them
SESSION_TTL_S = 2 * 3600
_VERSION_MEMO_S = 2.0
_version_memo: dict[tuple[str, str], tuple[str, float]] = {}
# A version's chunks never change once written, so each worker keeps what it decoded, for
# the two newest versions of each market (older ones, read by old cursors, come from
# Redis): a For You batch then reads no pool from Redis once its worker has seen them. A
# chunk a version does not have (a short pool, a creator with nothing recent) is
# remembered as ``_NONE``: it will not appear later either.
_decoded: dict[tuple[str, str], dict[str, dict[str, object]]] = {}
_VERSIONS_KEPT = 2
_NONE: list = []
# Other modules' per-worker memos, cleared with ours by ``forget_local_memo``.
_worker_memos: list[dict] = []


def worker_memo(memo: dict) -> dict:
    """Register a module's per-worker memo (content-keyed, so never stale) to be cleared
    with the store's: tests start from a worker that has read nothing."""
    _worker_memos.append(memo)
    return memo


# Settings read once (LazySettings' __getattr__ costs on every key built), again when a
# test changes them.
_memo: dict = {}


def prefix() -> str:
    try:
        return _memo["prefix"]
    except KeyError:
        value = _memo["prefix"] = getattr(settings, "FEED_KEY_PREFIX", "feed:")
        return value


@receiver(setting_changed)
def _settings_changed(*, setting: str, **kwargs) -> None:
    if setting in ("FEED_KEY_PREFIX", "REDIS_URL"):
        _memo.clear()


@lru_cache(maxsize=4)
def _client(url: str):
    import redis

    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


def redis_client():
    """The Redis connection pool for this process, or None without ``REDIS_URL``."""
    try:
        return _memo["client"]
    except KeyError:
        url = getattr(settings, "REDIS_URL", "")
        client = _memo["client"] = _client(url) if url else None
        return client


_scripts: dict = {}


def run_script(client, source: str, keys=(), args=()):
    """A Lua script by its SHA (EVALSHA; redis-py loads it again after a Redis restart),
    so a request sends neither the body nor makes Redis hash it."""
    key = (id(client), source)
    script = _scripts.get(key)
    if script is None:
        script = _scripts[key] = client.register_script(source)
    return script(keys=list(keys), args=list(args))


CHUNK = 50  # pools are stored in chunks, so a reader decodes only what it reads


def _row(c: Candidate) -> list:
    return [c.id, c.creator_id, c.handle, c.category_id, int(c.published_ts), c.score, c.popular]


def _pool_key(market: str, version: str, name: str = "") -> str:
    base = f"{prefix()}pools:{market}:{version}"
    return f"{base}:{name}" if name else base


def _current_key(market: str) -> str:
    return f"{prefix()}pools:{market}:current"


def pools_write(*, market: str, pools: dict[str, list[Candidate]], info: dict) -> str:
    """Store a new version of a market's pools and make it current; returns the version.

    Each pool is a few JSON strings of ``CHUNK`` candidates, in pool order.
    """
    version = f"{int(time.time() * 1000):x}"
    values = {_pool_key(market, version, "info"): json.dumps(info)}
    for name, items in pools.items():
        for n, start in enumerate(range(0, len(items), CHUNK)):
            chunk = [_row(c) for c in items[start : start + CHUNK]]
            values[_pool_key(market, version, f"{name}:{n}")] = json.dumps(
                chunk, separators=(",", ":")
            )
    client = redis_client()
    if client is not None:
        pipe = client.pipeline(transaction=False)
        keys = list(values)
        for start in range(0, len(keys), 500):
            pipe.mset({k: values[k] for k in keys[start : start + 500]})
        for key in keys:
            pipe.expire(key, POOL_TTL_S)
        pipe.set(_current_key(market), version)
        pipe.execute()
    else:
        cache.set(_pool_key(market, version), values, POOL_TTL_S)
        cache.set(_current_key(market), version, None)
    _version_memo[(prefix(), market)] = (version, time.monotonic() + _VERSION_MEMO_S)
    return version


def pools_version(market: str) -> str | None:
    key = (prefix(), market)
    memo = _version_memo.get(key)
    if memo and memo[1] > time.monotonic():
        return memo[0]
    client = redis_client()
    if client is not None:
        raw = client.get(_current_key(market))
        version = raw.decode() if raw else None
    else:
        version = cache.get(_current_key(market))
    if version:
        _version_memo[key] = (version, time.monotonic() + _VERSION_MEMO_S)
    return version


def pools_read(
    *, market: str, version: str, slices: dict[str, tuple[int, int]]
) -> tuple[dict | None, dict[str, list[Candidate]]]:
    """``slices`` maps pool name to (start, stop); returns (info, {name: candidates}).

    Info is None when that version no longer exists. At most one Redis round trip: an MGET
    of the info and the chunks this worker has not decoded before; none once it has them
    all (a version never changes, so what a worker holds stays true). Treat what comes
    back as read-only: other requests of this worker share it.
    """
    keys = [_pool_key(market, version, "info")]
    plan = []
    for name, (start, stop) in slices.items():
        first, last = start // CHUNK, (max(stop, start + 1) - 1) // CHUNK
        plan.append((name, start - first * CHUNK, stop - start, len(keys), last - first + 1))
        keys += [_pool_key(market, version, f"{name}:{n}") for n in range(first, last + 1)]
    memo = _versions(market).get(version, {})
    found = [memo.get(k) for k in keys]
    absent = [i for i, v in enumerate(found) if v is None]
    if absent:
        if absent[0] != 0:
            absent.insert(0, 0)  # the info, read again, says whether the version still exists
        raw = _fetch(market, version, [keys[i] for i in absent])
        if raw[0] is None:
            _versions(market).pop(version, None)
            held = _version_memo.get((prefix(), market))
            if held and held[0] == version:  # gone (expired, flushed): re-read the pointer
                del _version_memo[(prefix(), market)]
            return None, {}
        memo = _remember(market, version)
        make = Candidate._make
        for i, value in zip(absent, raw, strict=True):
            if i == 0 and found[0] is not None:
                continue
            if value is None:
                found[i] = _NONE
            elif i == 0:
                found[i] = json.loads(value)
            else:
                found[i] = [make(r) for r in json.loads(value)]
            memo[keys[i]] = found[i]
    out: dict[str, list[Candidate]] = {}
    for name, skip, count, at, n in plan:
        rows: list = []
        for chunk in found[at : at + n]:
            if chunk is _NONE:
                break
            rows += chunk
        out[name] = rows[skip : skip + count]
    return found[0], out


def _versions(market: str) -> dict[str, dict[str, object]]:
    return _decoded.get((prefix(), market), {})


def _remember(market: str, version: str) -> dict[str, object]:
    """The memo of one version, kept only while it is among the market's newest two."""
    versions = _decoded.setdefault((prefix(), market), {})
    memo = versions.setdefault(version, {})
    if len(versions) > _VERSIONS_KEPT:  # versions are hex timestamps: shortest, then least
        del versions[min(versions, key=lambda v: (len(v), v))]
    return memo


def _fetch(market: str, version: str, keys: list[str]) -> list:
    client = redis_client()
    if client is not None:
        return client.mget(keys)
    data = cache.get(_pool_key(market, version)) or {}
    return [data.get(k) for k in keys]


def kv_get_many(keys: list[str]) -> list:
    """Raw values (str/bytes, or None) under our prefix: one MGET with Redis."""
    full = [prefix() + k for k in keys]
    client = redis_client()
    if client is not None:
        return client.mget(full) if full else []
    found = cache.get_many(full)
    return [found.get(k) for k in full]


_MISSING = """
local out = {}
for i, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 0 then out[#out + 1] = i - 1 end
end
return out
"""


def kv_missing(keys: list[str]) -> list[str]:
    """Which of ``keys`` hold nothing: one round trip whose reply is only their indexes
    (an MGET would carry every value back just to be dropped)."""
    full = [prefix() + k for k in keys]
    if not full:
        return []
    client = redis_client()
    if client is not None:
        return [keys[i] for i in run_script(client, _MISSING, keys=full)]
    found = cache.get_many(full)
    return [k for k, f in zip(keys, full, strict=True) if f not in found]


def kv_set_many(values: dict[str, str], ttl: int) -> None:
    client = redis_client()
    if client is not None:
        pipe = client.pipeline(transaction=False)
        for key, value in values.items():
            pipe.set(prefix() + key, value, ex=ttl)
        pipe.execute()
    else:
        cache.set_many({prefix() + k: v for k, v in values.items()}, ttl)


def kv_delete(keys) -> None:
    full = [prefix() + k for k in keys]
    if not full:
        return
    client = redis_client()
    if client is not None:
        client.delete(*full)
    else:
        cache.delete_many(full)


def forget_local_memo() -> None:
    """Tests and management commands that swap stores between calls use this."""
    _version_memo.clear()
    _decoded.clear()
    for memo in _worker_memos:
        memo.clear()
