"""Where the feed keeps what it computes ahead of requests: candidate pools and the
state behind For You cursors.

With ``REDIS_URL`` it is Redis: each pool is a sorted set (score = base score, member =
the candidate's compact metadata), versioned so a rebuild swaps atomically while open
cursors keep reading the version they started on. Without Redis it is Django's cache
(local memory in development), holding the same data as plain values.
"""

from __future__ import annotations

import json
import time
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache

from .ranking import Candidate

POOL_TTL_S = 3 * 3600  # old versions outlive the longest-lived cursor on them
SESSION_TTL_S = 2 * 3600
_VERSION_MEMO_S = 2.0
_version_memo: dict[tuple[str, str], tuple[str, float]] = {}


def prefix() -> str:
    return getattr(settings, "FEED_KEY_PREFIX", "feed:")


@lru_cache(maxsize=4)
def _client(url: str):
    import redis

    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


def redis_client():
    """The Redis connection pool for this process, or None without ``REDIS_URL``."""
    url = getattr(settings, "REDIS_URL", "")
    return _client(url) if url else None


def encode_member(c: Candidate) -> str:
    cat = "" if c.category_id is None else str(c.category_id)
    return f"{c.id}|{c.creator_id}|{cat}|{int(c.published_ts)}|{int(c.popular)}|{c.handle}"


def decode_member(member: bytes | str, score: float) -> Candidate:
    text = member.decode() if isinstance(member, bytes) else member
    vid, creator, cat, ts, popular, handle = text.split("|", 5)
    return Candidate(
        id=int(vid),
        creator_id=int(creator),
        handle=handle,
        category_id=int(cat) if cat else None,
        published_ts=float(ts),
        score=float(score),
        popular=popular == "1",
    )


def _pool_key(market: str, version: str, name: str = "") -> str:
    base = f"{prefix()}pools:{market}:{version}"
    return f"{base}:{name}" if name else base


def _current_key(market: str) -> str:
    return f"{prefix()}pools:{market}:current"


def pools_write(*, market: str, pools: dict[str, list[Candidate]], info: dict) -> str:
    """Store a new version of a market's pools and make it current; returns the version."""
    version = f"{int(time.time() * 1000):x}"
    client = redis_client()
    if client is not None:
        pipe = client.pipeline(transaction=False)
        for name, items in pools.items():
            key = _pool_key(market, version, name)
            if items:
                pipe.zadd(key, {encode_member(c): c.score for c in items})
                pipe.expire(key, POOL_TTL_S)
        pipe.set(_pool_key(market, version, "info"), json.dumps(info), ex=POOL_TTL_S)
        pipe.set(_current_key(market), version)
        pipe.execute()
    else:
        data = {
            name: [encode_member(c) + f"|{c.score!r}" for c in items]
            for name, items in pools.items()
        }
        cache.set(_pool_key(market, version), {"info": info, "pools": data}, POOL_TTL_S)
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


def _decode_cached(entry: str) -> Candidate:
    member, score = entry.rsplit("|", 1)
    return decode_member(member, float(score))


def pools_read(
    *, market: str, version: str, slices: dict[str, tuple[int, int]]
) -> tuple[dict | None, dict[str, list[Candidate]]]:
    """``slices`` maps pool name to (start, stop); returns (info, {name: candidates}).

    Info is None when that version no longer exists. One Redis round trip.
    """
    client = redis_client()
    if client is not None:
        pipe = client.pipeline(transaction=False)
        pipe.get(_pool_key(market, version, "info"))
        names = list(slices)
        for name in names:
            start, stop = slices[name]
            pipe.zrevrange(_pool_key(market, version, name), start, stop - 1, withscores=True)
        raw_info, *results = pipe.execute()
        if raw_info is None:
            return None, {}
        out = {
            name: [decode_member(m, s) for m, s in rows]
            for name, rows in zip(names, results, strict=True)
        }
        return json.loads(raw_info), out
    data = cache.get(_pool_key(market, version))
    if data is None:
        return None, {}
    out = {}
    for name, (start, stop) in slices.items():
        out[name] = [_decode_cached(e) for e in data["pools"].get(name, [])[start:stop]]
    return data["info"], out


def session_get(sid: str) -> dict | None:
    key = f"{prefix()}sess:{sid}"
    client = redis_client()
    if client is not None:
        raw = client.get(key)
        return json.loads(raw) if raw else None
    return cache.get(key)


def session_set(sid: str, state: dict) -> None:
    key = f"{prefix()}sess:{sid}"
    client = redis_client()
    if client is not None:
        client.set(key, json.dumps(state, separators=(",", ":")), ex=SESSION_TTL_S)
    else:
        cache.set(key, state, SESSION_TTL_S)


def forget_local_memo() -> None:
    """Tests and management commands that swap stores between calls use this."""
    _version_memo.clear()
